// The Worker's side of TaskService: claiming leases, heartbeats, and completing or failing what
// was claimed, one task or a batch, each only with the current fencing token (state_version).
import type { HandlerContext } from '@connectrpc/connect';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { IDatabaseConnection } from '@pgtyped/runtime';
import { create } from '@bufbuild/protobuf';
import {
  TaskCompletionSchema,
  TaskFailureSchema,
  TaskOutcomeResult,
  TaskType,
  type ClaimTasksRequest,
  type CompleteTaskRequest,
  type FailTaskRequest,
  type HeartbeatTaskRequest,
} from '../../gen/proto/chimera/tasks/v1/tasks_pb.js';
import { claimTasks, completeTasks, failTasks, getTaskStates, heartbeatTask } from '../../gen/sql/tasks/work.queries.js';
import type { IGetTaskResult } from '../../gen/sql/tasks/tasks.queries.js';
import { failedPrecondition, notFound } from '../../lib/errors.js';
import { Violations } from '../../lib/validate.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import { signalsOf, type TaskHub } from './hub.js';
import { TASK_STATUSES, taskFromRow, withNulls } from './mapping.js';
import { storedName } from '../../lib/stored.js';
import { DEFAULT_LEASE_MS, durationMs, MAX_BATCH, MAX_RESULT_BYTES, MAX_WAIT_MS, validateBatchSize, validateJsonSize, validateTaskType, validateVersion } from './validation.js';
import { WorkWaiter } from './waiter.js';

const LEASE = { min: 1_000, max: 3_600_000, fallback: DEFAULT_LEASE_MS };
const RETRY_DELAY_MAX_MS = 24 * 3_600_000;
/** A waiting claim answers this long before the call's deadline, so the answer arrives in time. */
const DEADLINE_MARGIN_MS = 50;

const claimOrder = (a: IGetTaskResult, b: IGetTaskResult) =>
  a.priority - b.priority || a.run_time.getTime() - b.run_time.getTime() || (a.id < b.id ? -1 : 1);

/** One item of a completion or failure, as stored. */
interface Item {
  id: string;
  stateVersion: string;
}

/** The items of a single-or-batch request: the request's own fields, or its `items`. */
function itemsOf<T>(v: Violations, req: { taskId: string; items: T[] }, single: () => T, check: (item: T, field: (name: string) => string) => void): T[] {
  if (req.items.length === 0) {
    const item = single();
    check(item, (name) => name);
    return [item];
  }
  validateBatchSize(v, 'items', req.items.length);
  if (req.taskId !== '') v.add('task_id', 'must be empty when items are given');
  req.items.slice(0, MAX_BATCH).forEach((item, i) => check(item, (name) => `items[${i}].${name}`));
  return req.items.slice(0, MAX_BATCH);
}

function checkItem(v: Violations, item: { taskId: string; stateVersion: bigint }, field: (name: string) => string, seen: Set<string>): Item {
  const id = v.uuid(field('task_id'), item.taskId);
  if (seen.has(id)) v.add(field('task_id'), 'appears twice in the batch');
  seen.add(id);
  return { id, stateVersion: validateVersion(v, field('state_version'), item.stateVersion, { required: true }) ?? '0' };
}

export function workRpcs(deps: ServiceDeps, hub: TaskHub) {
  /** Applies `write` to the items and says what became of each: OK, NOT_FOUND or LEASE_LOST. */
  async function settle(ctx: HandlerContext, items: Item[], write: (tenantId: string, client: IDatabaseConnection) => Promise<IGetTaskResult[]>) {
    const scope = tenantScope(ctx, deps);
    // The write is one statement; the states that explain the items it did not apply are read after it.
    const { written, states } = await deps.db.tenantStatements(scope, async (client) => {
      const written = await write(scope.tenantId, client);
      if (written.length === items.length) return { written, states: [] };
      const ids = items.filter((item) => !written.some((row) => row.id === item.id)).map((item) => item.id);
      return { written, states: await getTaskStates.run({ tenantId: scope.tenantId, ids }, client) };
    });
    hub.publish(signalsOf(scope.tenantId, written));
    const byId = new Map(written.map((row) => [row.id, row]));
    const outcomes = items.map((item) => {
      const row = byId.get(item.id);
      if (row) return { taskId: item.id, result: TaskOutcomeResult.OK, status: TASK_STATUSES[row.status], stateVersion: BigInt(row.state_version), row };
      const found = states.some((s) => s.id === item.id);
      return { taskId: item.id, result: found ? TaskOutcomeResult.LEASE_LOST : TaskOutcomeResult.NOT_FOUND, status: undefined, stateVersion: 0n, row: undefined };
    });
    return outcomes;
  }

  /** The answer to a single completion or failure: the task, or the reason it did not apply. */
  function single(outcome: Awaited<ReturnType<typeof settle>>[number]) {
    if (outcome.row) return { task: taskFromRow(outcome.row), outcomes: [] };
    if (outcome.result === TaskOutcomeResult.NOT_FOUND) throw notFound('task', outcome.taskId);
    throw leaseLost(outcome.taskId);
  }

  const batch = (outcomes: Awaited<ReturnType<typeof settle>>) => ({
    outcomes: outcomes.map(({ taskId, result, status, stateVersion }) => ({ taskId, result, status, stateVersion })),
  });

  return {
    async claimTasks(req: ClaimTasksRequest, ctx: HandlerContext) {
      const v = new Violations();
      const workerId = v.text('worker_id', req.workerId, { min: 1, max: 200 });
      if (req.taskTypes.length === 0) v.add('task_types', 'must name at least one type');
      req.taskTypes.forEach((type, i) => validateTaskType(v, `task_types[${i}]`, type));
      const maxTasks = req.maxTasks === 0 ? 1 : req.maxTasks;
      if (maxTasks < 1 || maxTasks > MAX_BATCH) v.add('max_tasks', `must be between 1 and ${MAX_BATCH}`);
      const leaseMs = durationMs(v, 'lease_duration', req.leaseDuration, LEASE);
      const waitMs = durationMs(v, 'wait', req.wait, { min: 0, max: MAX_WAIT_MS, fallback: 0 });
      v.throwIfAny();

      const types = [...new Set(req.taskTypes.map((type) => storedName(TaskType, type)!))];
      const scope = tenantScope(ctx, deps);
      const remaining = ctx.timeoutMs();
      const until = Date.now() + Math.min(waitMs, remaining === undefined ? Infinity : remaining - DEADLINE_MARGIN_MS);
      const waiter = waitMs > 0 ? new WorkWaiter(hub, scope.tenantId, new Set(types)) : undefined;
      try {
        for (;;) {
          const rows = await deps.db.tenantStatements(scope, (client) =>
            claimTasks.run({ tenantId: scope.tenantId, taskTypes: types, limit: String(maxTasks), workerId, leaseMs: String(leaseMs) }, client),
          );
          if (rows.length > 0) hub.publish(signalsOf(scope.tenantId, rows));
          const left = until - Date.now();
          if (rows.length > 0 || !waiter || left <= 0 || ctx.signal.aborted || hub.stopped) return { tasks: rows.sort(claimOrder).map(taskFromRow) };
          await waiter.wait(left, ctx.signal);
        }
      } finally {
        waiter?.close();
      }
    },

    async heartbeatTask(req: HeartbeatTaskRequest, ctx: HandlerContext) {
      const v = new Violations();
      const id = v.uuid('task_id', req.taskId);
      const stateVersion = validateVersion(v, 'state_version', req.stateVersion, { required: true });
      const leaseMs = durationMs(v, 'lease_duration', req.leaseDuration, LEASE);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const [row] = await deps.db.tenantStatements(scope, async (client) => {
        const extended = await heartbeatTask.run({ tenantId: scope.tenantId, id, stateVersion: stateVersion!, leaseMs: String(leaseMs) }, client);
        if (extended.length > 0) return extended;
        const [state] = await getTaskStates.run({ tenantId: scope.tenantId, ids: [id] }, client);
        throw state ? leaseLost(id) : notFound('task', id);
      });
      return { leaseExpireTime: timestampFromDate(row.lease_expire_time) };
    },

    async completeTask(req: CompleteTaskRequest, ctx: HandlerContext) {
      const v = new Violations();
      const seen = new Set<string>();
      const results: string[] = [];
      const items = itemsOf(v, req, () => create(TaskCompletionSchema, { taskId: req.taskId, stateVersion: req.stateVersion, result: req.result }), (item, field) => {
        results.push(validateJsonSize(v, field('result'), item.result, MAX_RESULT_BYTES));
      }).map((item, i) => checkItem(v, item, (name) => (req.items.length === 0 ? name : `items[${i}].${name}`), seen));
      v.throwIfAny();
      const outcomes = await settle(ctx, items, (tenantId, client) =>
        completeTasks.run({ tenantId, ids: items.map((i) => i.id), stateVersions: items.map((i) => i.stateVersion), results }, client),
      );
      return req.items.length === 0 ? single(outcomes[0]) : batch(outcomes);
    },

    async failTask(req: FailTaskRequest, ctx: HandlerContext) {
      const v = new Violations();
      const seen = new Set<string>();
      const failures: Array<{ error: string; permanent: boolean; retryDelayMs: string | null }> = [];
      const one = () => create(TaskFailureSchema, { taskId: req.taskId, stateVersion: req.stateVersion, error: req.error, permanent: req.permanent, retryDelay: req.retryDelay });
      const items = itemsOf(v, req, one, (item, field) => {
        const error = v.text(field('error'), item.error, { min: 1, max: 10_000 });
        const delay = item.retryDelay ? durationMs(v, field('retry_delay'), item.retryDelay, { min: 0, max: RETRY_DELAY_MAX_MS, fallback: 0 }) : null;
        failures.push({ error, permanent: item.permanent, retryDelayMs: delay === null ? null : String(delay) });
      }).map((item, i) => checkItem(v, item, (name) => (req.items.length === 0 ? name : `items[${i}].${name}`), seen));
      v.throwIfAny();
      const outcomes = await settle(ctx, items, (tenantId, client) =>
        failTasks.run(
          {
            tenantId,
            ids: items.map((i) => i.id),
            stateVersions: items.map((i) => i.stateVersion),
            errors: failures.map((f) => f.error),
            permanent: failures.map((f) => f.permanent),
            retryDelaysMs: withNulls(failures.map((f) => f.retryDelayMs)),
          },
          client,
        ),
      );
      return req.items.length === 0 ? single(outcomes[0]) : batch(outcomes);
    },
  };
}

export function leaseLost(id: string) {
  return failedPrecondition('LEASE_LOST', `task ${id} is no longer leased with that state_version (the lease expired, or the task moved on)`, { resource_id: id });
}
