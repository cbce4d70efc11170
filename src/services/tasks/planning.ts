// The Planner's side of TaskService: creating, reading, listing and cancelling tasks, and their
// history.
import { randomUUID } from 'node:crypto';
import { Code, type HandlerContext } from '@connectrpc/connect';
import type { IDatabaseConnection } from '@pgtyped/runtime';
import { TaskStatus, TaskType, type CreateTasksRequest, type CancelTaskRequest, type GetTaskRequest, type ListTaskEventsRequest, type ListTasksRequest } from '../../gen/proto/chimera/tasks/v1/tasks_pb.js';
import {
  cancelTask,
  getTask,
  getTaskAgents,
  getTaskCampaigns,
  getTasksByIdsOrKeys,
  insertTasks,
  listTaskEvents,
  listTasks,
  releaseExpiredKeys,
  type IGetTaskResult,
} from '../../gen/sql/tasks/tasks.queries.js';
import type { TxClient } from '../../db/tx.js';
import { fingerprint } from '../../lib/canonical.js';
import { alreadyExists, apiError, failedPrecondition, notFound } from '../../lib/errors.js';
import { jsonBytes } from '../../lib/page-token.js';
import { Violations } from '../../lib/validate.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import { signalsOf, type TaskHub } from './hub.js';
import { contextToRow, TASK_STATUSES, taskEventFromRow, taskFromRow, withNulls } from './mapping.js';
import { storedName } from '../../lib/stored.js';
import { MAX_BATCH, validateBatchSize, validateNewTask, validateTaskType, validateVersion } from './validation.js';

export interface PlanningOptions {
  /** How long a finished task keeps its idempotency key. */
  keyRetentionMs: number;
}

const taskBytes = (r: IGetTaskResult) => 600 + jsonBytes(r.context, r.result, r.transition_details);

export async function existingTask(client: IDatabaseConnection, tenantId: string, id: string): Promise<IGetTaskResult> {
  const [row] = await getTask.run({ tenantId, id }, client);
  if (!row) throw notFound('task', id);
  return row;
}

export function staleVersion(id: string) {
  return apiError(Code.Aborted, 'STATE_VERSION_MISMATCH', `task ${id} has changed since that state_version; read it again`, {
    resource_type: 'task',
    resource_id: id,
  });
}

/** A create's tasks, validated, with their ids (client-chosen or new) and fingerprints. */
function prepareTasks(v: Violations, req: CreateTasksRequest) {
  validateBatchSize(v, 'tasks', req.tasks.length);
  const now = Date.now();
  const seenIds = new Set<string>();
  const seenKeys = new Set<string>();
  return req.tasks.slice(0, MAX_BATCH).map((t, i) => {
    const field = `tasks[${i}]`;
    const checked = validateNewTask(v, field, t, now);
    if (checked.id !== null && seenIds.has(checked.id)) v.add(`${field}.id`, 'appears twice in the batch');
    if (checked.idempotencyKey !== null && seenKeys.has(checked.idempotencyKey)) v.add(`${field}.idempotency_key`, 'appears twice in the batch');
    if (checked.id !== null) seenIds.add(checked.id);
    if (checked.idempotencyKey !== null) seenKeys.add(checked.idempotencyKey);
    const content = {
      id: checked.id,
      taskType: storedName(TaskType, t.taskType) ?? '',
      priority: checked.priority,
      context: contextToRow(t.context),
      campaignId: checked.campaignId,
      agentId: checked.agentId,
      maxAttempts: checked.maxAttempts,
      runTime: checked.runTime?.toISOString() ?? null,
      requiresReview: t.requiresReview,
      idempotencyKey: checked.idempotencyKey,
    };
    return { id: checked.id ?? randomUUID(), content, fingerprint: fingerprint(content) };
  });
}
type PreparedTask = ReturnType<typeof prepareTasks>[number];


/** Tasks may be created only for the tenant's live agents and existing campaigns. */
async function checkReferences(client: TxClient, tenantId: string, tasks: PreparedTask[]): Promise<void> {
  const campaignIds = [...new Set(tasks.flatMap((t) => (t.content.campaignId === null ? [] : [t.content.campaignId])))];
  if (campaignIds.length > 0) {
    const found = new Set((await getTaskCampaigns.run({ tenantId, ids: campaignIds }, client)).map((c) => c.id));
    const missing = campaignIds.find((id) => !found.has(id));
    if (missing) throw notFound('campaign', missing);
  }
  const ids = [...new Set(tasks.map((t) => t.content.agentId))];
  const agents = new Map((await getTaskAgents.run({ tenantId, ids }, client)).map((a) => [a.id, a.status]));
  for (const id of ids) {
    if (!agents.has(id)) throw notFound('agent', id);
    if (agents.get(id) === 'ARCHIVED') throw failedPrecondition('AGENT_ARCHIVED', `agent ${id} is archived and cannot be given tasks`, { resource_id: id });
  }
}

/** The stored tasks a create repeated, each checked to have the same content. */
async function replayed(client: TxClient, tenantId: string, tasks: PreparedTask[]): Promise<Map<string, IGetTaskResult>> {
  const keys = tasks.flatMap((t) => (t.content.idempotencyKey === null ? [] : [t.content.idempotencyKey]));
  const rows = await getTasksByIdsOrKeys.run({ tenantId, ids: tasks.map((t) => t.id), keys }, client);
  const found = new Map<string, IGetTaskResult>();
  for (const task of tasks) {
    const byId = rows.find((r) => r.id === task.id);
    const existing = byId ?? rows.find((r) => r.idempotency_key !== null && r.idempotency_key === task.content.idempotencyKey);
    if (!existing) throw new Error(`task ${task.id} was neither inserted nor found`);
    if (!existing.create_fingerprint.equals(task.fingerprint)) {
      throw byId
        ? alreadyExists('ID_TAKEN', `task ${task.id} already exists with different content`, { resource_id: task.id })
        : alreadyExists('IDEMPOTENCY_KEY_TAKEN', `idempotency key ${JSON.stringify(task.content.idempotencyKey)} was used for task ${existing.id} with different content`, {
            resource_id: existing.id,
          });
    }
    found.set(task.id, existing);
  }
  return found;
}

export function planningRpcs(deps: ServiceDeps, hub: TaskHub, options: PlanningOptions) {
  return {
    async createTasks(req: CreateTasksRequest, ctx: HandlerContext) {
      const v = new Violations();
      const tasks = prepareTasks(v, req);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const tenantId = scope.tenantId;
      const { rows, inserted } = await deps.db.tenantTx(scope, async (client) => {
        await checkReferences(client, tenantId, tasks);
        const keys = tasks.flatMap((t) => (t.content.idempotencyKey === null ? [] : [t.content.idempotencyKey]));
        if (keys.length > 0) await releaseExpiredKeys.run({ tenantId, keys, retentionMs: String(options.keyRetentionMs) }, client);
        const inserted = await insertTasks.run(
          {
            tenantId,
            ids: tasks.map((t) => t.id),
            taskTypes: tasks.map((t) => t.content.taskType),
            priorities: tasks.map((t) => t.content.priority),
            contexts: tasks.map((t) => JSON.stringify(t.content.context)),
            campaignIds: withNulls(tasks.map((t) => t.content.campaignId)),
            agentIds: tasks.map((t) => t.content.agentId),
            maxAttempts: tasks.map((t) => t.content.maxAttempts),
            runTimes: withNulls(tasks.map((t) => t.content.runTime)),
            requiresReview: tasks.map((t) => t.content.requiresReview),
            idempotencyKeys: withNulls(tasks.map((t) => t.content.idempotencyKey)),
            fingerprints: tasks.map((t) => t.fingerprint),
          },
          client,
        );
        const byId = new Map(inserted.map((r) => [r.id, r]));
        const repeated = tasks.filter((t) => !byId.has(t.id));
        if (repeated.length > 0) for (const [id, row] of await replayed(client, tenantId, repeated)) byId.set(id, row);
        return { rows: tasks.map((t) => byId.get(t.id)!), inserted };
      });
      hub.publish(signalsOf(tenantId, inserted));
      return { tasks: rows.map(taskFromRow) };
    },

    async getTask(req: GetTaskRequest, ctx: HandlerContext) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      return { task: taskFromRow(await deps.db.tenantRead(scope, (client) => existingTask(client, scope.tenantId, id))) };
    },

    async listTasks(req: ListTasksRequest, ctx: HandlerContext) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      if (req.status) v.enumOf('status', req.status, Object.values(TASK_STATUSES), 'a TaskStatus');
      if (req.taskType) validateTaskType(v, 'task_type', req.taskType);
      const agentId = v.optionalUuid('agent_id', req.agentId) ?? null;
      const campaignId = v.optionalUuid('campaign_id', req.campaignId) ?? null;
      const filters = {
        status: storedName(TaskStatus, req.status),
        taskType: storedName(TaskType, req.taskType),
        agentId,
        campaignId,
      };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.tenantRead(scope, (client) =>
        listTasks.run({ tenantId: scope.tenantId, ...filters, ...cursor, limit: String(pageSize + 1) }, client),
      );
      const page = deps.pageTokens.page(rows, pageSize, filters, { bytesOf: taskBytes });
      return { tasks: page.rows.map(taskFromRow), nextPageToken: page.nextPageToken };
    },

    async cancelTask(req: CancelTaskRequest, ctx: HandlerContext) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      const expectedVersion = validateVersion(v, 'expected_state_version', req.expectedStateVersion, { required: false });
      const reason = v.text('reason', req.reason, { max: 2_000 });
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        const [cancelled] = await cancelTask.run({ tenantId: scope.tenantId, id, expectedVersion, reason }, client);
        if (cancelled) return { task: cancelled, changed: true };
        const existing = await existingTask(client, scope.tenantId, id);
        if (expectedVersion !== null && existing.state_version !== expectedVersion) throw staleVersion(id);
        if (existing.status === 'CANCELLED') return { task: existing, changed: false }; // cancelling twice is a no-op
        throw failedPrecondition('TASK_FINISHED', `task ${id} is ${existing.status} and cannot be cancelled`, { resource_id: id, status: existing.status });
      });
      if (row.changed) hub.publish(signalsOf(scope.tenantId, [row.task]));
      return { task: taskFromRow(row.task) };
    },

    async listTaskEvents(req: ListTaskEventsRequest, ctx: HandlerContext) {
      const v = new Violations();
      const taskId = v.uuid('task_id', req.taskId);
      const pageSize = v.pageSize('page_size', req.pageSize);
      const filters = { taskId };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.tenantRead(scope, async (client) => {
        const events = await listTaskEvents.run({ tenantId: scope.tenantId, taskId, afterVersion: cursor.afterId ?? '0', limit: String(pageSize + 1) }, client);
        // Every task has its creation event: no events on the first page means no such task.
        if (events.length === 0 && cursor.afterId === null) throw notFound('task', taskId);
        return events;
      });
      // Keyed by state_version; the cursor's time is the event's, for the token's shape only.
      const keyed = rows.map((r) => ({ ...r, create_time: r.event_time, id: r.state_version }));
      const page = deps.pageTokens.page(keyed, pageSize, filters, { bytesOf: (r) => 300 + jsonBytes(r.details) + r.error.length });
      return { events: page.rows.map(taskEventFromRow), nextPageToken: page.nextPageToken };
    },
  };
}
