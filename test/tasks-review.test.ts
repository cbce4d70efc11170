// TaskService, the Judge's and the human's side: routing by the tenant's thresholds (exactly at
// 0.70 and 0.90), sensitive topics, stale versions, the human review queue and deciding once,
// also when two decisions arrive together.
import { randomUUID } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import { HumanDecision, TaskStatus, TaskType } from '../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { testEnv } from './support/environment.js';
import { expectError, violatedFields } from './support/fixtures.js';
import { createTask, newTaskTenant, taskInReview, type TaskTenant } from './support/tasks.js';

describe('TaskService: the Judge', () => {
  let t: TaskTenant;
  beforeEach(async () => {
    t = await newTaskTenant();
  });

  /** The Judge's verdict on a new task; with `fresh`, of a tenant of its own (a task sent back to
   *  PENDING would otherwise be claimed before the next one). */
  const verdict = async (score: number, options: { topics?: string[]; maxAttempts?: number; fresh?: boolean } = {}) => {
    const tenant = options.fresh ? await newTaskTenant() : t;
    const task = await taskInReview(tenant, options.maxAttempts ? { maxAttempts: options.maxAttempts } : {});
    const { task: reviewed } = await tenant.tasks.reviewTask({
      taskId: task.id,
      expectedStateVersion: task.stateVersion,
      confidenceScore: score,
      sensitiveTopics: options.topics ?? [],
      judgeId: 'judge-1',
      notes: 'ok',
    });
    return reviewed!;
  };

  it('routes by the default thresholds: above 0.90 COMPLETE, 0.70 to 0.90 inclusive HUMAN_REVIEW, below back to PENDING', async () => {
    const routes = [];
    for (const score of [1, 0.9000001, 0.9, 0.8, 0.7, 0.6999999, 0]) routes.push([score, TaskStatus[(await verdict(score, { fresh: true })).status]]);
    expect(routes).to.deep.equal([
      [1, 'COMPLETE'],
      [0.9000001, 'COMPLETE'],
      [0.9, 'HUMAN_REVIEW'],
      [0.8, 'HUMAN_REVIEW'],
      [0.7, 'HUMAN_REVIEW'],
      [0.6999999, 'PENDING'],
      [0, 'PENDING'],
    ]);
  });

  it('a low score with no attempt left is REJECTED; any sensitive topic goes to a human', async () => {
    const rejected = await verdict(0.5, { maxAttempts: 1 });
    expect(rejected.status).to.equal(TaskStatus.REJECTED);
    expect(rejected.finishTime).to.not.equal(undefined);
    const sensitive = await verdict(0.99, { topics: ['politics'] });
    expect(sensitive.status).to.equal(TaskStatus.HUMAN_REVIEW);
    expect(sensitive.sensitiveTopics).to.deep.equal(['politics']);
    expect(sensitive.confidenceScore).to.equal(0.99);
    const { events } = await t.tasks.listTaskEvents({ taskId: sensitive.id });
    expect(events.at(-1)!.details).to.deep.equal({ judge_id: 'judge-1', confidence_score: 0.99, sensitive_topics: ['politics'], notes: 'ok' });
  });

  it('a low score sends the task back to work: claimable again, as a new attempt', async () => {
    const back = await verdict(0.3);
    expect(back.status).to.equal(TaskStatus.PENDING);
    const { tasks } = await t.tasks.claimTasks({ workerId: 'w2', taskTypes: [TaskType.GENERATE_CONTENT] });
    expect(tasks.map((x) => [x.id, x.attempt])).to.deep.equal([[back.id, 2]]);
  });

  it('follows the tenant\'s own thresholds', async () => {
    await testEnv().admin.updateTenant({ tenant: { id: t.tenant.id, settings: { autoApproveThreshold: 0.8, humanReviewThreshold: 0.5 } }, updateMask: { paths: ['settings'] } });
    expect(TaskStatus[(await verdict(0.85)).status]).to.equal('COMPLETE');
    expect(TaskStatus[(await verdict(0.8)).status]).to.equal('HUMAN_REVIEW');
    expect(TaskStatus[(await verdict(0.5)).status]).to.equal('HUMAN_REVIEW');
    expect(TaskStatus[(await verdict(0.49)).status]).to.equal('PENDING');
  });

  it('a stale expected_state_version is Aborted; a task not in REVIEW is FailedPrecondition; bad input is InvalidArgument', async () => {
    const task = await taskInReview(t);
    await expectError(t.tasks.reviewTask({ taskId: task.id, expectedStateVersion: task.stateVersion - 1n, confidenceScore: 1 }), Code.Aborted, 'STATE_VERSION_MISMATCH');
    const pending = await createTask(t);
    await expectError(t.tasks.reviewTask({ taskId: pending.id, expectedStateVersion: pending.stateVersion, confidenceScore: 1 }), Code.FailedPrecondition, 'NOT_IN_REVIEW');
    await expectError(t.tasks.reviewTask({ taskId: randomUUID(), expectedStateVersion: 3n, confidenceScore: 1 }), Code.NotFound);
    const bad = await expectError(
      t.tasks.reviewTask({ taskId: task.id, confidenceScore: 1.5, sensitiveTopics: [''], notes: 'n'.repeat(2_001) }),
      Code.InvalidArgument,
    );
    expect(violatedFields(bad)).to.deep.equal(['expected_state_version', 'confidence_score', 'sensitive_topics[0]', 'notes']);
    await expectError(t.tasks.reviewTask({ taskId: task.id, expectedStateVersion: task.stateVersion, confidenceScore: Number.NaN }), Code.InvalidArgument);
    expect((await t.tasks.getTask({ id: task.id })).task!.status).to.equal(TaskStatus.REVIEW);
  });
});

describe('TaskService: human review', () => {
  let t: TaskTenant;
  beforeEach(async () => {
    t = await newTaskTenant();
  });

  const inHumanReview = async () => {
    const task = await taskInReview(t);
    return (await t.tasks.reviewTask({ taskId: task.id, expectedStateVersion: task.stateVersion, confidenceScore: 0.8 })).task!;
  };

  it('pages the queue oldest first; approve, reject and edit each decide once', async () => {
    const [a, b, c] = [await inHumanReview(), await inHumanReview(), await inHumanReview()];
    const first = await t.tasks.listHumanReviews({ pageSize: 2 });
    const second = await t.tasks.listHumanReviews({ pageSize: 2, pageToken: first.nextPageToken });
    expect([...first.tasks, ...second.tasks].map((x) => x.id)).to.deep.equal([a.id, b.id, c.id]);
    expect(second.nextPageToken).to.equal('');

    const approved = (await t.tasks.decideHumanReview({ taskId: a.id, decision: HumanDecision.APPROVE, reviewerId: 'ann', notes: 'fine' })).task!;
    expect([approved.status, approved.result]).to.deep.equal([TaskStatus.COMPLETE, { text: 'draft' }]);
    const rejected = (await t.tasks.decideHumanReview({ taskId: b.id, decision: HumanDecision.REJECT, reviewerId: 'ann' })).task!;
    expect(rejected.status).to.equal(TaskStatus.REJECTED);
    const edited = (await t.tasks.decideHumanReview({ taskId: c.id, decision: HumanDecision.EDIT, editedResult: { text: 'better' }, reviewerId: 'bob' })).task!;
    expect([edited.status, edited.result]).to.deep.equal([TaskStatus.COMPLETE, { text: 'better' }]);
    const { events } = await t.tasks.listTaskEvents({ taskId: c.id });
    expect(events.at(-1)!.details).to.deep.equal({ decision: 'EDIT', reviewer_id: 'bob', notes: '' });

    await expectError(t.tasks.decideHumanReview({ taskId: a.id, decision: HumanDecision.REJECT, reviewerId: 'eve' }), Code.FailedPrecondition, 'ALREADY_DECIDED');
    expect((await t.tasks.getTask({ id: a.id })).task!.status).to.equal(TaskStatus.COMPLETE);
    expect((await t.tasks.listHumanReviews({})).tasks).to.have.length(0);
  });

  it('two decisions at the same moment: exactly one applies, the other is ALREADY_DECIDED', async () => {
    for (let round = 0; round < 5; round++) {
      const task = await inHumanReview();
      const results = await Promise.allSettled([
        t.tasks.decideHumanReview({ taskId: task.id, decision: HumanDecision.APPROVE, reviewerId: 'ann' }),
        t.tasks.decideHumanReview({ taskId: task.id, decision: HumanDecision.REJECT, reviewerId: 'bob' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      await expectError(Promise.reject(refused.reason), Code.FailedPrecondition, 'ALREADY_DECIDED');
      const { events } = await t.tasks.listTaskEvents({ taskId: task.id });
      expect(events.filter((e) => e.fromStatus === TaskStatus.HUMAN_REVIEW)).to.have.length(1);
    }
  });

  it('refuses decisions on tasks not waiting for a human, and bad decisions', async () => {
    const task = await inHumanReview();
    const pending = await createTask(t);
    await expectError(t.tasks.decideHumanReview({ taskId: pending.id, decision: HumanDecision.APPROVE, reviewerId: 'ann' }), Code.FailedPrecondition, 'NOT_IN_HUMAN_REVIEW');
    const cases: Array<[Parameters<typeof t.tasks.decideHumanReview>[0], string[]]> = [
      [{ taskId: task.id, reviewerId: 'ann' }, ['decision']],
      [{ taskId: task.id, decision: 7 as HumanDecision, reviewerId: 'ann' }, ['decision']],
      [{ taskId: task.id, decision: HumanDecision.EDIT, reviewerId: 'ann' }, ['edited_result']],
      [{ taskId: task.id, decision: HumanDecision.APPROVE, editedResult: { x: 1 }, reviewerId: 'ann' }, ['edited_result']],
      [{ taskId: task.id, decision: HumanDecision.APPROVE }, ['reviewer_id']],
    ];
    for (const [request, fields] of cases) expect(violatedFields(await expectError(t.tasks.decideHumanReview(request), Code.InvalidArgument))).to.deep.equal(fields);
    expect((await t.tasks.getTask({ id: task.id })).task!.status).to.equal(TaskStatus.HUMAN_REVIEW);
  });

  it('the Judge and the reviewer need tasks:review', async () => {
    const task = await inHumanReview();
    const worker = await newTaskTenant({ scopes: ['tasks:work', 'tasks:read'] });
    await expectError(worker.tasks.reviewTask({ taskId: task.id, expectedStateVersion: 1n, confidenceScore: 1 }), Code.PermissionDenied);
    await expectError(worker.tasks.decideHumanReview({ taskId: task.id, decision: HumanDecision.APPROVE, reviewerId: 'x' }), Code.PermissionDenied);
  });
});
