// Rows <-> messages for TaskService. The enums are stored by name (task_type, status) or by
// number (priority), so a reader of the table needs no lookup.
import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { optionalTimestamp } from '../../lib/stored.js';
import {
  TaskContextSchema,
  TaskEventSchema,
  TaskPriority,
  TaskSchema,
  TaskStatus,
  TaskType,
  type Task,
  type TaskContext,
  type TaskEvent,
} from '../../gen/proto/chimera/tasks/v1/tasks_pb.js';
import type { IGetTaskResult, IListTaskEventsResult } from '../../gen/sql/tasks/tasks.queries.js';

export const TASK_TYPES: Record<string, TaskType> = {
  GENERATE_CONTENT: TaskType.GENERATE_CONTENT,
  REPLY_COMMENT: TaskType.REPLY_COMMENT,
  EXECUTE_TRANSACTION: TaskType.EXECUTE_TRANSACTION,
  FETCH_TRENDS: TaskType.FETCH_TRENDS,
};

export const TASK_STATUSES: Record<string, TaskStatus> = {
  PENDING: TaskStatus.PENDING,
  IN_PROGRESS: TaskStatus.IN_PROGRESS,
  REVIEW: TaskStatus.REVIEW,
  HUMAN_REVIEW: TaskStatus.HUMAN_REVIEW,
  COMPLETE: TaskStatus.COMPLETE,
  FAILED: TaskStatus.FAILED,
  BLOCKED: TaskStatus.BLOCKED,
  REJECTED: TaskStatus.REJECTED,
  CANCELLED: TaskStatus.CANCELLED,
};

/** An array parameter with NULL elements: pg sends them as NULL, which pgtyped's types for
 *  array parameters do not say. */
export const withNulls = (values: Array<string | null>) => values as string[];

/** The context as stored in the `context` jsonb column. */
export type ContextRow = {
  goal_description: string;
  persona_constraints: string[];
  required_resources: string[];
};

export function contextToRow(c: TaskContext | undefined): ContextRow {
  return {
    goal_description: c?.goalDescription ?? '',
    persona_constraints: c?.personaConstraints ?? [],
    required_resources: c?.requiredResources ?? [],
  };
}

function contextFromRow(json: unknown): TaskContext {
  const c = { ...contextToRow(undefined), ...(json as Partial<ContextRow>) };
  return create(TaskContextSchema, {
    goalDescription: c.goal_description,
    personaConstraints: c.persona_constraints,
    requiredResources: c.required_resources,
  });
}

export function taskFromRow(row: IGetTaskResult): Task {
  return create(TaskSchema, {
    id: row.id,
    taskType: TASK_TYPES[row.task_type] ?? TaskType.UNSPECIFIED,
    priority: row.priority as TaskPriority,
    status: TASK_STATUSES[row.status] ?? TaskStatus.UNSPECIFIED,
    context: contextFromRow(row.context),
    campaignId: row.campaign_id ?? '',
    agentId: row.agent_id,
    assignedWorkerId: row.assigned_worker_id,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    runTime: optionalTimestamp(row.run_time),
    leaseExpireTime: optionalTimestamp(row.lease_expire_time),
    stateVersion: BigInt(row.state_version),
    requiresReview: row.requires_review,
    result: (row.result as JsonObject | null) ?? undefined,
    confidenceScore: row.confidence_score ?? undefined,
    lastError: row.last_error,
    idempotencyKey: row.idempotency_key ?? '',
    sensitiveTopics: row.sensitive_topics,
    createTime: optionalTimestamp(row.create_time),
    updateTime: optionalTimestamp(row.update_time),
    finishTime: optionalTimestamp(row.finish_time),
  });
}

export function taskEventFromRow(row: IListTaskEventsResult): TaskEvent {
  return create(TaskEventSchema, {
    taskId: row.task_id,
    stateVersion: BigInt(row.state_version),
    fromStatus: row.from_status ? (TASK_STATUSES[row.from_status] ?? TaskStatus.UNSPECIFIED) : TaskStatus.UNSPECIFIED,
    toStatus: TASK_STATUSES[row.to_status] ?? TaskStatus.UNSPECIFIED,
    actor: row.actor,
    attempt: row.attempt,
    workerId: row.worker_id,
    error: row.error,
    details: row.details as JsonObject,
    eventTime: timestampFromDate(row.event_time),
  });
}
