// TaskService, the Planner's side: creating tasks (batches, idempotency by id and by key),
// reading, listing, cancelling, the event history, bad input, scopes and tenant isolation.
import { randomUUID } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import { TaskPriority, TaskService, TaskStatus, TaskType } from '../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { connectClient, testEnv } from './support/environment.js';
import { countRows, expectError, violatedFields } from './support/fixtures.js';
import { claimOne, createTask, newTaskTenant, taskFor, type TaskTenant } from './support/tasks.js';

describe('TaskService: creating and reading tasks', () => {
  let t: TaskTenant;
  beforeEach(async () => {
    t = await newTaskTenant();
  });

  it('creates a batch of PENDING tasks with their defaults, in order, each with its creation event', async () => {
    const { tasks } = await t.tasks.createTasks({
      tasks: [taskFor(t), taskFor(t, { taskType: TaskType.FETCH_TRENDS, priority: TaskPriority.HIGH, maxAttempts: 5, requiresReview: true })],
    });
    expect(tasks.map((x) => x.taskType)).to.deep.equal([TaskType.GENERATE_CONTENT, TaskType.FETCH_TRENDS]);
    const [first, second] = tasks;
    expect(first.status).to.equal(TaskStatus.PENDING);
    expect(first.priority).to.equal(TaskPriority.MEDIUM);
    expect(first.maxAttempts).to.equal(3);
    expect(first.attempt).to.equal(0);
    expect(first.stateVersion).to.equal(1n);
    expect(first.context?.goalDescription).to.equal('Post about the launch');
    expect(first.context?.personaConstraints).to.deep.equal(['upbeat']);
    expect(first.agentId).to.equal(t.agentId);
    expect(first.runTime).to.not.equal(undefined);
    expect(first.leaseExpireTime).to.equal(undefined);
    expect(second.maxAttempts).to.equal(5);
    expect(second.requiresReview).to.equal(true);
    expect(second.priority).to.equal(TaskPriority.HIGH);

    const { task } = await t.tasks.getTask({ id: first.id });
    expect(task).to.deep.equal(first);
    const { events } = await t.tasks.listTaskEvents({ taskId: first.id });
    expect(events.map((e) => [e.fromStatus, e.toStatus, e.stateVersion])).to.deep.equal([[TaskStatus.UNSPECIFIED, TaskStatus.PENDING, 1n]]);
    expect(events[0].actor).to.match(/^api_key:/);
  });

  it('a repeated create with the same id and content returns the original; different content is AlreadyExists and creates nothing', async () => {
    const id = randomUUID();
    const original = await createTask(t, { id });
    const again = await createTask(t, { id });
    expect(again).to.deep.equal(original);
    await expectError(
      t.tasks.createTasks({ tasks: [taskFor(t), taskFor(t, { id, priority: TaskPriority.LOW })] }),
      Code.AlreadyExists,
      'ID_TAKEN',
    );
    expect(await countRows('tasks', t.tenant.id)).to.equal(1);
  });

  it('an idempotency key returns the original task while it is kept, refuses other content, and is released after the retention', async () => {
    const original = await createTask(t, { idempotencyKey: 'post-42' });
    expect(original.idempotencyKey).to.equal('post-42');
    expect((await createTask(t, { idempotencyKey: 'post-42' })).id).to.equal(original.id);
    await expectError(t.tasks.createTasks({ tasks: [taskFor(t, { idempotencyKey: 'post-42', maxAttempts: 7 })] }), Code.AlreadyExists, 'IDEMPOTENCY_KEY_TAKEN');

    // Finished, the key stays for the retention period (a day)...
    const claimed = await claimOne(t);
    await t.tasks.completeTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, result: {} });
    expect((await createTask(t, { idempotencyKey: 'post-42' })).id).to.equal(original.id);
    // ...and is then released: the same key makes a new task.
    await testEnv().pool.query(`UPDATE tasks SET finish_time = now() - interval '25 hours' WHERE id = $1`, [original.id]);
    const fresh = await createTask(t, { idempotencyKey: 'post-42' });
    expect(fresh.id).to.not.equal(original.id);
    const { task } = await t.tasks.getTask({ id: original.id });
    expect(task!.idempotencyKey).to.equal('');
  });

  it('refuses bad input with field violations and writes nothing', async () => {
    const cases: Array<[string, Parameters<typeof taskFor>[1], string]> = [
      ['unknown type', { taskType: 99 as TaskType }, 'tasks[0].task_type'],
      ['no type', { taskType: TaskType.UNSPECIFIED }, 'tasks[0].task_type'],
      ['negative priority', { priority: -1 as TaskPriority }, 'tasks[0].priority'],
      ['max attempts 0', { maxAttempts: 0 }, 'tasks[0].max_attempts'],
      ['max attempts 1,000,000', { maxAttempts: 1_000_000 }, 'tasks[0].max_attempts'],
      ['no goal', { context: { goalDescription: '' } }, 'tasks[0].context.goal_description'],
      ['oversize goal', { context: { goalDescription: 'x'.repeat(2_001) } }, 'tasks[0].context.goal_description'],
      ['oversize context', { context: { goalDescription: 'x', personaConstraints: Array(50).fill('🙂'.repeat(500)) } }, 'tasks[0].context'],
      ['no context', { context: undefined }, 'tasks[0].context'],
      ['bad agent id', { agentId: 'agent-1' }, 'tasks[0].agent_id'],
      ['bad campaign id', { campaignId: 'c' }, 'tasks[0].campaign_id'],
      ['run time too far ahead', { runTime: { seconds: BigInt(Math.floor(Date.now() / 1000) + 400 * 86_400), nanos: 0 } }, 'tasks[0].run_time'],
      ['long idempotency key', { idempotencyKey: 'k'.repeat(201) }, 'tasks[0].idempotency_key'],
    ];
    for (const [name, overrides, field] of cases) {
      const err = await expectError(t.tasks.createTasks({ tasks: [taskFor(t, overrides)] }), Code.InvalidArgument);
      expect(violatedFields(err), name).to.include(field);
    }
    const id = randomUUID();
    expect(violatedFields(await expectError(t.tasks.createTasks({ tasks: [] }), Code.InvalidArgument))).to.deep.equal(['tasks']);
    expect(violatedFields(await expectError(t.tasks.createTasks({ tasks: Array(1_001).fill(taskFor(t)) }), Code.InvalidArgument))).to.include('tasks');
    expect(violatedFields(await expectError(t.tasks.createTasks({ tasks: [taskFor(t, { id }), taskFor(t, { id })] }), Code.InvalidArgument))).to.deep.equal(['tasks[1].id']);
    // One bad task in a batch: none of the batch is written.
    await expectError(t.tasks.createTasks({ tasks: [taskFor(t), taskFor(t, { maxAttempts: 0 })] }), Code.InvalidArgument);
    expect(await countRows('tasks', t.tenant.id)).to.equal(0);
    expect(await countRows('task_events', t.tenant.id)).to.equal(0);
  });

  it('tasks need one of the tenant\'s live agents', async () => {
    const missing = randomUUID();
    await expectError(t.tasks.createTasks({ tasks: [taskFor({ agentId: missing })] }), Code.NotFound);
    const other = await newTaskTenant();
    await expectError(t.tasks.createTasks({ tasks: [taskFor(other)] }), Code.NotFound);
    const { agent } = await t.agents.getAgent({ id: t.agentId });
    await t.agents.archiveAgent({ id: t.agentId, etag: agent!.etag });
    await expectError(t.tasks.createTasks({ tasks: [taskFor(t)] }), Code.FailedPrecondition, 'AGENT_ARCHIVED');
    expect(await countRows('tasks', t.tenant.id)).to.equal(0);
  });

  it('lists tasks oldest first, filtered, in pages whose token is bound to the filters', async () => {
    const { tasks } = await t.tasks.createTasks({
      tasks: [taskFor(t), taskFor(t, { taskType: TaskType.REPLY_COMMENT }), taskFor(t), taskFor(t, { taskType: TaskType.REPLY_COMMENT })],
    });
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await t.tasks.listTasks({ pageSize: 1, pageToken, taskType: TaskType.REPLY_COMMENT });
      seen.push(...page.tasks.map((x) => x.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    // One batch shares its creation time: its tasks list in id order.
    expect(seen).to.deep.equal([tasks[1].id, tasks[3].id].sort());
    const first = await t.tasks.listTasks({ pageSize: 1, taskType: TaskType.REPLY_COMMENT });
    await expectError(t.tasks.listTasks({ pageSize: 1, pageToken: first.nextPageToken }), Code.InvalidArgument);
    expect((await t.tasks.listTasks({ status: TaskStatus.PENDING, agentId: t.agentId })).tasks).to.have.length(4);
    expect((await t.tasks.listTasks({ status: TaskStatus.COMPLETE })).tasks).to.have.length(0);
    await expectError(t.tasks.listTasks({ pageSize: -1 }), Code.InvalidArgument);
    await expectError(t.tasks.listTasks({ taskType: 42 as TaskType }), Code.InvalidArgument);
  });
});

describe('TaskService: cancelling and history', () => {
  let t: TaskTenant;
  beforeEach(async () => {
    t = await newTaskTenant();
  });

  it('cancels a task that has not finished; twice is a no-op; a finished task cannot be cancelled', async () => {
    const task = await createTask(t);
    await expectError(t.tasks.cancelTask({ id: task.id, expectedStateVersion: 7n }), Code.Aborted, 'STATE_VERSION_MISMATCH');
    const { task: cancelled } = await t.tasks.cancelTask({ id: task.id, expectedStateVersion: task.stateVersion, reason: 'campaign ended' });
    expect(cancelled!.status).to.equal(TaskStatus.CANCELLED);
    expect(cancelled!.finishTime).to.not.equal(undefined);
    const { task: again } = await t.tasks.cancelTask({ id: task.id });
    expect(again).to.deep.equal(cancelled);
    const { events } = await t.tasks.listTaskEvents({ taskId: task.id });
    expect(events[1].details).to.deep.equal({ reason: 'campaign ended' });

    await createTask(t);
    const claimed = await claimOne(t);
    await t.tasks.completeTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, result: {} });
    await expectError(t.tasks.cancelTask({ id: claimed.id }), Code.FailedPrecondition, 'TASK_FINISHED');
    await expectError(t.tasks.cancelTask({ id: randomUUID() }), Code.NotFound);
    await expectError(t.tasks.cancelTask({ id: 'x' }), Code.InvalidArgument);
  });

  it('keeps every transition as an event, paged by state_version', async () => {
    const task = await createTask(t);
    let claimed = await claimOne(t, 'w1');
    await t.tasks.failTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, error: 'rate limited', retryDelay: { seconds: 0n, nanos: 0 } });
    claimed = await claimOne(t, 'w2');
    await t.tasks.completeTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, result: { url: 'https://example.com/p/1' } });
    const events = [];
    let pageToken = '';
    do {
      const page = await t.tasks.listTaskEvents({ taskId: task.id, pageSize: 2, pageToken });
      events.push(...page.events);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(events.map((e) => [TaskStatus[e.fromStatus], TaskStatus[e.toStatus], e.attempt, e.workerId, e.error])).to.deep.equal([
      ['UNSPECIFIED', 'PENDING', 0, '', ''],
      ['PENDING', 'IN_PROGRESS', 1, 'w1', ''],
      ['IN_PROGRESS', 'PENDING', 1, 'w1', 'rate limited'],
      ['PENDING', 'IN_PROGRESS', 2, 'w2', ''],
      ['IN_PROGRESS', 'COMPLETE', 2, 'w2', ''],
    ]);
    expect(events.map((e) => e.stateVersion)).to.deep.equal([1n, 2n, 3n, 4n, 5n]);
    await expectError(t.tasks.listTaskEvents({ taskId: randomUUID() }), Code.NotFound);
  });

  it('the history cannot be rewritten, even by the table owner', async () => {
    const task = await createTask(t);
    for (const statement of [`UPDATE task_events SET error = 'x' WHERE task_id = '${task.id}'`, `DELETE FROM task_events WHERE task_id = '${task.id}'`, 'TRUNCATE task_events']) {
      let failed = false;
      await testEnv().pool.query(statement).catch(() => (failed = true));
      expect(failed, statement).to.equal(true);
    }
    expect(await countRows('task_events', t.tenant.id)).to.equal(1);
  });
});

describe('TaskService: scopes and tenants', () => {
  it('another tenant\'s tasks behave as if they did not exist, for every RPC', async () => {
    const owner = await newTaskTenant();
    const other = await newTaskTenant();
    const task = await createTask(owner);
    await expectError(other.tasks.getTask({ id: task.id }), Code.NotFound);
    await expectError(other.tasks.cancelTask({ id: task.id }), Code.NotFound);
    await expectError(other.tasks.listTaskEvents({ taskId: task.id }), Code.NotFound);
    await expectError(other.tasks.heartbeatTask({ taskId: task.id, stateVersion: task.stateVersion }), Code.NotFound);
    await expectError(other.tasks.completeTask({ taskId: task.id, stateVersion: task.stateVersion, result: {} }), Code.NotFound);
    await expectError(other.tasks.failTask({ taskId: task.id, stateVersion: task.stateVersion, error: 'x' }), Code.NotFound);
    await expectError(other.tasks.reviewTask({ taskId: task.id, expectedStateVersion: task.stateVersion, confidenceScore: 1 }), Code.NotFound);
    await expectError(other.tasks.decideHumanReview({ taskId: task.id, decision: 1, reviewerId: 'r' }), Code.NotFound);
    expect((await other.tasks.listTasks({})).tasks).to.have.length(0);
    expect((await other.tasks.listHumanReviews({})).tasks).to.have.length(0);
    expect((await other.tasks.claimTasks({ workerId: 'w', taskTypes: [TaskType.GENERATE_CONTENT] })).tasks).to.have.length(0);
    // A repeated id in another tenant is another task.
    const mine = await createTask(other, { id: task.id });
    expect(mine.agentId).to.equal(other.agentId);
    expect((await owner.tasks.getTask({ id: task.id })).task!.agentId).to.equal(owner.agentId);
  });

  it('each RPC needs its scope; no key is Unauthenticated', async () => {
    const reader = await newTaskTenant({ scopes: ['tasks:read'] });
    const task = await createTask(await newTaskTenant());
    await expectError(reader.tasks.createTasks({ tasks: [taskFor(reader)] }), Code.PermissionDenied);
    await expectError(reader.tasks.claimTasks({ workerId: 'w', taskTypes: [TaskType.GENERATE_CONTENT] }), Code.PermissionDenied);
    await expectError(reader.tasks.reviewTask({ taskId: task.id, expectedStateVersion: 1n, confidenceScore: 1 }), Code.PermissionDenied);
    await expectError(reader.tasks.cancelTask({ id: task.id }), Code.PermissionDenied);
    await expectError(reader.tasks.getTask({ id: task.id }), Code.NotFound);
    const worker = await newTaskTenant({ scopes: ['tasks:work'] });
    await expectError(worker.tasks.decideHumanReview({ taskId: task.id, decision: 1, reviewerId: 'r' }), Code.PermissionDenied);
    await expectError(worker.tasks.listTasks({}), Code.PermissionDenied);
    const anonymous = connectClient(TaskService, testEnv().baseUrl);
    await expectError(anonymous.getTask({ id: task.id }), Code.Unauthenticated);
  });
});
