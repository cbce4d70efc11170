// TaskService, the Worker's side: claims (order, types, leases, long polls), heartbeats,
// completions and failures with fencing tokens, retries with backoff, BLOCKED, the rescuer, and
// many workers draining one queue.
import { randomUUID } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import { TaskOutcomeResult, TaskPriority, TaskStatus, TaskType, type Task } from '../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { testEnv } from './support/environment.js';
import { countRows, expectError, violatedFields } from './support/fixtures.js';
import { claimOne, createTask, newTaskTenant, taskFor, untilResolved, type TaskTenant } from './support/tasks.js';

const ALL_TYPES = [TaskType.GENERATE_CONTENT, TaskType.REPLY_COMMENT, TaskType.EXECUTE_TRANSACTION, TaskType.FETCH_TRENDS];
const seconds = (s: number) => ({ seconds: BigInt(Math.floor(s)), nanos: Math.round((s % 1) * 1e9) });

describe('TaskService: claims', () => {
  let t: TaskTenant;
  beforeEach(async () => {
    t = await newTaskTenant();
  });

  it('claims due tasks of the given types in priority, run time, id order, each with a lease and a fencing token', async () => {
    const past = (s: number) => ({ seconds: BigInt(Math.floor(Date.now() / 1000) - s), nanos: 0 });
    const { tasks } = await t.tasks.createTasks({
      tasks: [
        taskFor(t, { priority: TaskPriority.LOW, runTime: past(30) }),
        taskFor(t, { priority: TaskPriority.HIGH, runTime: past(10) }),
        taskFor(t, { priority: TaskPriority.HIGH, runTime: past(20) }),
        taskFor(t, { priority: TaskPriority.HIGH, taskType: TaskType.FETCH_TRENDS }),
        taskFor(t, { priority: TaskPriority.HIGH, runTime: { seconds: BigInt(Math.floor(Date.now() / 1000) + 3600), nanos: 0 } }),
      ],
    });
    const before = Date.now();
    const { tasks: claimed } = await t.tasks.claimTasks({ workerId: 'w1', taskTypes: [TaskType.GENERATE_CONTENT], maxTasks: 10, leaseDuration: seconds(60) });
    expect(claimed.map((x) => x.id)).to.deep.equal([tasks[2].id, tasks[1].id, tasks[0].id]);
    for (const task of claimed) {
      expect(task.status).to.equal(TaskStatus.IN_PROGRESS);
      expect(task.attempt).to.equal(1);
      expect(task.assignedWorkerId).to.equal('w1');
      expect(task.stateVersion).to.equal(2n);
      const lease = Number(task.leaseExpireTime!.seconds) * 1000;
      expect(lease).to.be.within(before + 58_000, Date.now() + 61_000);
    }
    // The other type, then nothing: the future task is not due.
    expect((await t.tasks.claimTasks({ workerId: 'w1', taskTypes: ALL_TYPES, maxTasks: 10 })).tasks.map((x) => x.id)).to.deep.equal([tasks[3].id]);
    expect((await t.tasks.claimTasks({ workerId: 'w1', taskTypes: ALL_TYPES })).tasks).to.have.length(0);
  });

  it('refuses bad claims', async () => {
    const cases: Array<[Parameters<typeof t.tasks.claimTasks>[0], string]> = [
      [{ workerId: '', taskTypes: [TaskType.GENERATE_CONTENT] }, 'worker_id'],
      [{ workerId: 'w', taskTypes: [] }, 'task_types'],
      [{ workerId: 'w', taskTypes: [9 as TaskType] }, 'task_types[0]'],
      [{ workerId: 'w', taskTypes: [TaskType.GENERATE_CONTENT], maxTasks: 1_001 }, 'max_tasks'],
      [{ workerId: 'w', taskTypes: [TaskType.GENERATE_CONTENT], maxTasks: -1 }, 'max_tasks'],
      [{ workerId: 'w', taskTypes: [TaskType.GENERATE_CONTENT], leaseDuration: seconds(0.5) }, 'lease_duration'],
      [{ workerId: 'w', taskTypes: [TaskType.GENERATE_CONTENT], wait: seconds(61) }, 'wait'],
    ];
    for (const [request, field] of cases) {
      expect(violatedFields(await expectError(t.tasks.claimTasks(request), Code.InvalidArgument))).to.deep.equal([field]);
    }
  });

  it('a claim that waits returns as soon as a task is created, and empty when the wait ends', async () => {
    const started = Date.now();
    const empty = await t.tasks.claimTasks({ workerId: 'w', taskTypes: [TaskType.GENERATE_CONTENT], wait: seconds(0.3) });
    expect(empty.tasks).to.have.length(0);
    expect(Date.now() - started).to.be.within(250, 2_000);

    const waiting = t.tasks.claimTasks({ workerId: 'w', taskTypes: [TaskType.GENERATE_CONTENT], wait: seconds(20) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const created = Date.now();
    const task = await createTask(t);
    const { tasks } = await waiting;
    expect(tasks.map((x) => x.id)).to.deep.equal([task.id]);
    expect(Date.now() - created, 'woken by the creation, not by a poll').to.be.below(500);
  });

  it('a waiting claim ends before the call\'s deadline', async () => {
    const started = Date.now();
    const { tasks } = await t.tasks.claimTasks({ workerId: 'w', taskTypes: [TaskType.GENERATE_CONTENT], wait: seconds(30) }, { timeoutMs: 1_200 });
    expect(tasks).to.have.length(0);
    expect(Date.now() - started).to.be.below(1_200);
  });
});

describe('TaskService: heartbeats, completions and failures', () => {
  let t: TaskTenant;
  beforeEach(async () => {
    t = await newTaskTenant();
  });

  it('a heartbeat extends the lease of the current token only', async () => {
    await createTask(t);
    const claimed = await claimOne(t, 'w', 2_000);
    const { leaseExpireTime } = await t.tasks.heartbeatTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, leaseDuration: seconds(120) });
    expect(Number(leaseExpireTime!.seconds) * 1000).to.be.above(Date.now() + 100_000);
    await expectError(t.tasks.heartbeatTask({ taskId: claimed.id, stateVersion: claimed.stateVersion + 1n }), Code.FailedPrecondition, 'LEASE_LOST');
    await expectError(t.tasks.heartbeatTask({ taskId: randomUUID(), stateVersion: 2n }), Code.NotFound);
    expect(violatedFields(await expectError(t.tasks.heartbeatTask({ taskId: claimed.id }), Code.InvalidArgument))).to.deep.equal(['state_version']);
    // Heartbeats are not transitions: no event, the same token.
    expect((await t.tasks.getTask({ id: claimed.id })).task!.stateVersion).to.equal(claimed.stateVersion);
    expect((await t.tasks.listTaskEvents({ taskId: claimed.id })).events).to.have.length(2);
  });

  it('completes to COMPLETE, or to REVIEW when the task requires review; a stale token changes nothing', async () => {
    await createTask(t);
    let claimed = await claimOne(t);
    await expectError(t.tasks.completeTask({ taskId: claimed.id, stateVersion: claimed.stateVersion - 1n, result: {} }), Code.FailedPrecondition, 'LEASE_LOST');
    const { task } = await t.tasks.completeTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, result: { text: 'hello' } });
    expect(task!.status).to.equal(TaskStatus.COMPLETE);
    expect(task!.result).to.deep.equal({ text: 'hello' });
    expect(task!.leaseExpireTime).to.equal(undefined);
    expect(task!.finishTime).to.not.equal(undefined);
    await expectError(t.tasks.completeTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, result: {} }), Code.FailedPrecondition, 'LEASE_LOST');

    await createTask(t, { requiresReview: true });
    claimed = await claimOne(t);
    const { task: review } = await t.tasks.completeTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, result: { text: 'draft' } });
    expect(review!.status).to.equal(TaskStatus.REVIEW);
    expect(review!.finishTime).to.equal(undefined);
  });

  it('completes and fails batches with one outcome per item', async () => {
    await t.tasks.createTasks({ tasks: [taskFor(t), taskFor(t), taskFor(t)] });
    const { tasks } = await t.tasks.claimTasks({ workerId: 'w', taskTypes: ALL_TYPES, maxTasks: 3 });
    const missing = randomUUID();
    const { outcomes, task } = await t.tasks.completeTask({
      items: [
        { taskId: tasks[0].id, stateVersion: tasks[0].stateVersion, result: { n: 0 } },
        { taskId: tasks[1].id, stateVersion: tasks[1].stateVersion + 5n, result: {} },
        { taskId: missing, stateVersion: 2n, result: {} },
      ],
    });
    expect(task).to.equal(undefined);
    expect(outcomes.map((o) => [o.taskId, TaskOutcomeResult[o.result], TaskStatus[o.status]])).to.deep.equal([
      [tasks[0].id, 'OK', 'COMPLETE'],
      [tasks[1].id, 'LEASE_LOST', 'UNSPECIFIED'],
      [missing, 'NOT_FOUND', 'UNSPECIFIED'],
    ]);
    const failed = await t.tasks.failTask({ items: [1, 2].map((i) => ({ taskId: tasks[i].id, stateVersion: tasks[i].stateVersion, error: 'boom', permanent: i === 2 })) });
    expect(failed.outcomes.map((o) => TaskStatus[o.status])).to.deep.equal(['PENDING', 'FAILED']);
    const bad = await expectError(t.tasks.completeTask({ taskId: tasks[0].id, items: [{ taskId: tasks[1].id, stateVersion: 2n }, { taskId: tasks[1].id, stateVersion: 2n }] }), Code.InvalidArgument);
    expect(violatedFields(bad)).to.deep.equal(['task_id', 'items[1].task_id']);
  });

  it('a failure retries after an exponential backoff, then BLOCKED when out of attempts; a permanent one is FAILED', async () => {
    const task = await createTask(t, { maxAttempts: 2 });
    let claimed = await claimOne(t);
    const before = Date.now();
    const { task: retried } = await t.tasks.failTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, error: 'timeout' });
    expect(retried!.status).to.equal(TaskStatus.PENDING);
    expect(retried!.lastError).to.equal('timeout');
    // Attempt 1's backoff: between half a second and a second.
    const runTime = Number(retried!.runTime!.seconds) * 1000 + retried!.runTime!.nanos / 1e6;
    expect(runTime).to.be.within(before + 450, Date.now() + 1_050);
    expect((await t.tasks.claimTasks({ workerId: 'w', taskTypes: ALL_TYPES })).tasks, 'not due during the backoff').to.have.length(0);
    claimed = await untilResolved(async () => claimOne(t), { timeoutMs: 3_000 });
    expect(claimed.attempt).to.equal(2);
    const { task: blocked } = await t.tasks.failTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, error: 'timeout again' });
    expect(blocked!.status).to.equal(TaskStatus.BLOCKED);
    expect(blocked!.finishTime).to.equal(undefined);
    expect((await t.tasks.cancelTask({ id: task.id })).task!.status, 'a blocked task can still be cancelled').to.equal(TaskStatus.CANCELLED);

    await createTask(t);
    claimed = await claimOne(t);
    const { task: failed } = await t.tasks.failTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, error: 'bad request', permanent: true });
    expect(failed!.status).to.equal(TaskStatus.FAILED);
    expect(violatedFields(await expectError(t.tasks.failTask({ taskId: claimed.id, stateVersion: 9n, error: '' }), Code.InvalidArgument))).to.deep.equal(['error']);
  });
});

describe('TaskService: the rescuer and fencing', () => {
  it('returns an expired lease to PENDING as a failed attempt; the zombie worker\'s completion changes nothing', async () => {
    const t = await newTaskTenant();
    const task = await createTask(t);
    const zombie = await claimOne(t, 'zombie', 1_000);
    const rescued = await untilResolved(
      async () => {
        const { task: now } = await t.tasks.getTask({ id: task.id });
        if (now!.status !== TaskStatus.PENDING) throw new Error(`still ${TaskStatus[now!.status]}`);
        return now!;
      },
      { timeoutMs: 10_000 },
    );
    expect(rescued.attempt).to.equal(1);
    expect(rescued.stateVersion).to.equal(zombie.stateVersion + 1n);
    expect(rescued.lastError).to.match(/^lease expired at .* \(worker zombie\)$/);
    const { events } = await t.tasks.listTaskEvents({ taskId: task.id });
    expect(events.at(-1)!.actor).to.equal('task-rescuer');

    await expectError(t.tasks.completeTask({ taskId: task.id, stateVersion: zombie.stateVersion, result: { late: true } }), Code.FailedPrecondition, 'LEASE_LOST');
    await expectError(t.tasks.failTask({ taskId: task.id, stateVersion: zombie.stateVersion, error: 'late' }), Code.FailedPrecondition, 'LEASE_LOST');
    const { task: after } = await t.tasks.getTask({ id: task.id });
    expect(after).to.deep.equal(rescued);

    // Another worker takes it (after the backoff) and completes it.
    const second = await untilResolved(async () => claimOne(t, 'healthy'), { timeoutMs: 3_000 });
    expect(second.attempt).to.equal(2);
    await t.tasks.completeTask({ taskId: second.id, stateVersion: second.stateVersion, result: {} });
  });
});

describe('TaskService: many workers, one queue', () => {
  it('8 concurrent workers drain 5,000 tasks: each completed exactly once, none lost', async function () {
    this.timeout(120_000);
    const t = await newTaskTenant();
    const created: Task[] = [];
    for (let i = 0; i < 5; i++) created.push(...(await t.tasks.createTasks({ tasks: Array.from({ length: 1_000 }, () => taskFor(t)) })).tasks);
    const completedBy = new Map<string, string>();
    const worker = async (name: string) => {
      for (;;) {
        const { tasks } = await t.tasks.claimTasks({ workerId: name, taskTypes: [TaskType.GENERATE_CONTENT], maxTasks: 25 });
        if (tasks.length === 0) return;
        const { outcomes } = await t.tasks.completeTask({ items: tasks.map((x) => ({ taskId: x.id, stateVersion: x.stateVersion, result: { by: name } })) });
        for (const o of outcomes) {
          expect(TaskOutcomeResult[o.result]).to.equal('OK');
          expect(completedBy.has(o.taskId), `${o.taskId} completed twice`).to.equal(false);
          completedBy.set(o.taskId, name);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => worker(`w${i}`)));
    expect(completedBy.size).to.equal(5_000);
    expect(new Set(created.map((x) => x.id))).to.deep.equal(new Set(completedBy.keys()));
    const { rows } = await testEnv().pool.query(
      `SELECT count(*) FILTER (WHERE status = 'COMPLETE' AND attempt = 1)::int AS complete,
              (SELECT count(*)::int FROM task_events e WHERE e.tenant_id = $1 AND e.to_status = 'IN_PROGRESS') AS claims
       FROM tasks WHERE tenant_id = $1`,
      [t.tenant.id],
    );
    expect(rows[0]).to.deep.equal({ complete: 5_000, claims: 5_000 });
    expect(await countRows('task_events', t.tenant.id)).to.equal(15_000);
  });
});

