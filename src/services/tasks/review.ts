// The Judge's and the human reviewer's side of TaskService: the Judge's verdicts, routed by the
// tenant's thresholds, and the human review queue, where each task is decided once.
import type { HandlerContext } from '@connectrpc/connect';
import {
  HumanDecision,
  TaskType,
  type DecideHumanReviewRequest,
  type ListHumanReviewsRequest,
  type ReviewTaskRequest,
} from '../../gen/proto/chimera/tasks/v1/tasks_pb.js';
import { decideHumanReview, leftHumanReview, listHumanReviews, reviewTask } from '../../gen/sql/tasks/review.queries.js';
import { failedPrecondition } from '../../lib/errors.js';
import { jsonBytes } from '../../lib/page-token.js';
import { Violations } from '../../lib/validate.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import { signalsOf, type TaskHub } from './hub.js';
import { taskFromRow } from './mapping.js';
import { storedName } from '../../lib/stored.js';
import { existingTask, staleVersion } from './planning.js';
import { MAX_RESULT_BYTES, validateJsonSize, validateTaskType, validateVersion } from './validation.js';

const DECISIONS = [HumanDecision.APPROVE, HumanDecision.REJECT, HumanDecision.EDIT] as const;

export function reviewRpcs(deps: ServiceDeps, hub: TaskHub) {
  return {
    async reviewTask(req: ReviewTaskRequest, ctx: HandlerContext) {
      const v = new Violations();
      const id = v.uuid('task_id', req.taskId);
      const expectedVersion = validateVersion(v, 'expected_state_version', req.expectedStateVersion, { required: true });
      if (!Number.isFinite(req.confidenceScore) || req.confidenceScore < 0 || req.confidenceScore > 1) v.add('confidence_score', 'must be between 0 and 1');
      const sensitiveTopics = v.textList('sensitive_topics', req.sensitiveTopics, { maxItems: 50, maxLength: 100 });
      sensitiveTopics.forEach((topic, i) => topic === '' && v.add(`sensitive_topics[${i}]`, 'must not be empty'));
      const judgeId = v.text('judge_id', req.judgeId, { max: 200 });
      const notes = v.text('notes', req.notes, { max: 2_000 });
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        const [reviewed] = await reviewTask.run(
          { tenantId: scope.tenantId, id, expectedVersion: expectedVersion!, confidenceScore: req.confidenceScore, sensitiveTopics, judgeId, notes },
          client,
        );
        if (reviewed) return reviewed;
        const existing = await existingTask(client, scope.tenantId, id);
        if (existing.state_version !== expectedVersion) throw staleVersion(id);
        throw failedPrecondition('NOT_IN_REVIEW', `task ${id} is ${existing.status}, not REVIEW`, { resource_id: id, status: existing.status });
      });
      hub.publish(signalsOf(scope.tenantId, [row]));
      return { task: taskFromRow(row) };
    },

    async listHumanReviews(req: ListHumanReviewsRequest, ctx: HandlerContext) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      if (req.taskType) validateTaskType(v, 'task_type', req.taskType);
      const agentId = v.optionalUuid('agent_id', req.agentId) ?? null;
      const filters = { taskType: storedName(TaskType, req.taskType), agentId };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, { humanReviews: filters });
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.tenantRead(scope, (client) =>
        listHumanReviews.run({ tenantId: scope.tenantId, ...filters, ...cursor, limit: String(pageSize + 1) }, client),
      );
      const page = deps.pageTokens.page(rows, pageSize, { humanReviews: filters }, { bytesOf: (r) => 600 + jsonBytes(r.context, r.result) });
      return { tasks: page.rows.map(taskFromRow), nextPageToken: page.nextPageToken };
    },

    async decideHumanReview(req: DecideHumanReviewRequest, ctx: HandlerContext) {
      const v = new Violations();
      const id = v.uuid('task_id', req.taskId);
      if (req.decision === HumanDecision.UNSPECIFIED) v.add('decision', 'is required');
      else v.enumOf('decision', req.decision, DECISIONS, 'APPROVE, REJECT, EDIT');
      const edit = req.decision === HumanDecision.EDIT;
      if (edit && !req.editedResult) v.add('edited_result', 'is required with EDIT');
      if (!edit && req.editedResult) v.add('edited_result', 'is allowed only with EDIT');
      const editedResult = edit ? validateJsonSize(v, 'edited_result', req.editedResult, MAX_RESULT_BYTES) : null;
      const reviewerId = v.text('reviewer_id', req.reviewerId, { min: 1, max: 200 });
      const notes = v.text('notes', req.notes, { max: 2_000 });
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        const decision = HumanDecision[req.decision];
        const [decided] = await decideHumanReview.run({ tenantId: scope.tenantId, id, decision, editedResult, reviewerId, notes }, client);
        if (decided) return decided;
        const existing = await existingTask(client, scope.tenantId, id);
        const [{ left }] = await leftHumanReview.run({ tenantId: scope.tenantId, id }, client);
        throw left
          ? failedPrecondition('ALREADY_DECIDED', `task ${id} was already decided (it is ${existing.status})`, { resource_id: id, status: existing.status })
          : failedPrecondition('NOT_IN_HUMAN_REVIEW', `task ${id} is ${existing.status}, not HUMAN_REVIEW`, { resource_id: id, status: existing.status });
      });
      hub.publish(signalsOf(scope.tenantId, [row]));
      return { task: taskFromRow(row) };
    },
  };
}
