/** Types generated for queries found in "sql/tasks/metrics.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

/** 'TaskQueueDepth' parameters type */
export type ITaskQueueDepthParams = void;

/** 'TaskQueueDepth' return type */
export interface ITaskQueueDepthResult {
  oldest_due_seconds: number | null;
  pending: number;
  task_type: string;
}

/** 'TaskQueueDepth' query type */
export interface ITaskQueueDepthQuery {
  params: ITaskQueueDepthParams;
  result: ITaskQueueDepthResult;
}

const taskQueueDepthIR: any = {"usedParamSet":{},"params":[],"statement":"SELECT task_type AS \"task_type!\",\n       count(*)::int AS \"pending!\",\n       extract(epoch FROM now() - min(run_time) FILTER (WHERE run_time <= now()))::float8 AS oldest_due_seconds\nFROM tasks\nWHERE status = 'PENDING'\nGROUP BY task_type"};

/**
 * Query generated from SQL:
 * ```
 * SELECT task_type AS "task_type!",
 *        count(*)::int AS "pending!",
 *        extract(epoch FROM now() - min(run_time) FILTER (WHERE run_time <= now()))::float8 AS oldest_due_seconds
 * FROM tasks
 * WHERE status = 'PENDING'
 * GROUP BY task_type
 * ```
 */
export const taskQueueDepth = new PreparedQuery<ITaskQueueDepthParams,ITaskQueueDepthResult>(taskQueueDepthIR);


