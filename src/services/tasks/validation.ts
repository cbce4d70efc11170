// Field rules for tasks, shared by the RPCs that take them.
import type { Duration } from '@bufbuild/protobuf/wkt';
import { TaskPriority, TaskType, type Task, type TaskContext } from '../../gen/proto/chimera/tasks/v1/tasks_pb.js';
import type { Violations } from '../../lib/validate.js';

export const MAX_BATCH = 1_000;
export const MAX_CONTEXT_BYTES = 64 * 1024;
export const MAX_RESULT_BYTES = 256 * 1024;
export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_LEASE_MS = 30_000;
export const MAX_WAIT_MS = 60_000;
const MAX_RUN_AHEAD_MS = 366 * 24 * 3600 * 1000;

export const TYPES = [TaskType.GENERATE_CONTENT, TaskType.REPLY_COMMENT, TaskType.EXECUTE_TRANSACTION, TaskType.FETCH_TRENDS] as const;
const TYPE_NAMES = 'GENERATE_CONTENT, REPLY_COMMENT, EXECUTE_TRANSACTION, FETCH_TRENDS';
const PRIORITIES = [TaskPriority.HIGH, TaskPriority.MEDIUM, TaskPriority.LOW] as const;
const LIST = { maxItems: 50, maxLength: 500 };

export function validateTaskType(v: Violations, field: string, type: TaskType): TaskType {
  if (type === TaskType.UNSPECIFIED) v.add(field, 'is required');
  else v.enumOf(field, type, TYPES, TYPE_NAMES);
  return type;
}

/** A batch's size: 1 to MAX_BATCH items. */
export function validateBatchSize(v: Violations, field: string, size: number): void {
  if (size === 0) v.add(field, 'must have at least one item');
  if (size > MAX_BATCH) v.add(field, `must have at most ${MAX_BATCH} items, got ${size}`);
}

export function validateContext(v: Violations, field: string, c: TaskContext | undefined): void {
  if (!c) {
    v.add(field, 'is required');
    return;
  }
  v.text(`${field}.goal_description`, c.goalDescription, { min: 1, max: 2_000 });
  v.textList(`${field}.persona_constraints`, c.personaConstraints, LIST);
  v.textList(`${field}.required_resources`, c.requiredResources, LIST);
  const bytes = Buffer.byteLength(JSON.stringify(c));
  if (bytes > MAX_CONTEXT_BYTES) v.add(field, `must be at most ${MAX_CONTEXT_BYTES} bytes as JSON, got ${bytes}`);
}

/** The task of a create: its stored values, defaults applied. */
export function validateNewTask(v: Violations, field: string, t: Task, now: number) {
  validateTaskType(v, `${field}.task_type`, t.taskType);
  const priority = t.priority === TaskPriority.UNSPECIFIED ? TaskPriority.MEDIUM : v.enumOf(`${field}.priority`, t.priority, PRIORITIES, 'HIGH, MEDIUM, LOW');
  validateContext(v, `${field}.context`, t.context);
  const maxAttempts = t.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) v.add(`${field}.max_attempts`, 'must be between 1 and 100');
  let runTime: Date | null = null;
  if (t.runTime) {
    const ms = Number(t.runTime.seconds) * 1000 + Math.floor(t.runTime.nanos / 1e6);
    if (!Number.isFinite(ms) || t.runTime.nanos < 0 || t.runTime.nanos > 999_999_999 || ms < 0 || ms > now + MAX_RUN_AHEAD_MS) {
      v.add(`${field}.run_time`, 'must be a valid time at most a year ahead');
    } else {
      runTime = new Date(ms);
    }
  }
  const key = t.idempotencyKey === '' ? null : v.text(`${field}.idempotency_key`, t.idempotencyKey, { max: 200 });
  return {
    id: t.id ? v.uuid(`${field}.id`, t.id) : null,
    agentId: v.uuid(`${field}.agent_id`, t.agentId),
    campaignId: v.optionalUuid(`${field}.campaign_id`, t.campaignId) ?? null,
    priority,
    maxAttempts,
    runTime,
    idempotencyKey: key,
  };
}

/** A duration in milliseconds within [min, max]; `fallback` when unset. */
export function durationMs(v: Violations, field: string, d: Duration | undefined, bounds: { min: number; max: number; fallback: number }): number {
  if (!d) return bounds.fallback;
  const ms = Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6);
  if (!Number.isFinite(ms) || ms < bounds.min || ms > bounds.max) {
    v.add(field, `must be between ${bounds.min / 1000} s and ${bounds.max / 1000} s`);
    return bounds.fallback;
  }
  return ms;
}

/** A fencing token or expected version: a positive state_version. */
export function validateVersion(v: Violations, field: string, version: bigint, options: { required: boolean }): string | null {
  if (version === 0n) {
    if (options.required) v.add(field, 'is required');
    return null;
  }
  if (version < 0n) v.add(field, 'must be positive');
  return version.toString();
}

/** A JSON object's size as JSON, bounded. */
export function validateJsonSize(v: Violations, field: string, value: unknown, maxBytes: number): string {
  const json = JSON.stringify(value ?? {});
  if (Buffer.byteLength(json) > maxBytes) v.add(field, `must be at most ${maxBytes} bytes as JSON`);
  return json;
}
