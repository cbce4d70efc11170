/** Types generated for queries found in "sql/tasks/notify.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type stringArray = (string)[];

/** 'NotifyTasks' parameters type */
export interface INotifyTasksParams {
  channel: string;
  payloads: stringArray;
}

/** 'NotifyTasks' return type */
export interface INotifyTasksResult {
  sent: string;
}

/** 'NotifyTasks' query type */
export interface INotifyTasksQuery {
  params: INotifyTasksParams;
  result: INotifyTasksResult;
}

const notifyTasksIR: any = {"usedParamSet":{"channel":true,"payloads":true},"params":[{"name":"channel","required":true,"transform":{"type":"scalar"},"locs":[{"a":50,"b":58}]},{"name":"payloads","required":true,"transform":{"type":"scalar"},"locs":[{"a":82,"b":91}]}],"statement":"SELECT count(*) AS \"sent!\" FROM (SELECT pg_notify(:channel!::text, p) FROM unnest(:payloads!::text[]) AS p) AS sent"};

/**
 * Query generated from SQL:
 * ```
 * SELECT count(*) AS "sent!" FROM (SELECT pg_notify(:channel!::text, p) FROM unnest(:payloads!::text[]) AS p) AS sent
 * ```
 */
export const notifyTasks = new PreparedQuery<INotifyTasksParams,INotifyTasksResult>(notifyTasksIR);


