/** Types generated for queries found in "sql/tasks/work.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type booleanArray = (boolean)[];

export type stringArray = (string)[];

/** 'ClaimTasks' parameters type */
export interface IClaimTasksParams {
  leaseMs: string;
  limit: string;
  taskTypes: stringArray;
  tenantId: string;
  workerId: string;
}

/** 'ClaimTasks' return type */
export interface IClaimTasksResult {
  agent_id: string;
  assigned_worker_id: string;
  attempt: number;
  campaign_id: string | null;
  confidence_score: number | null;
  context: Json;
  create_fingerprint: Buffer;
  create_time: Date;
  finish_time: Date | null;
  id: string;
  idempotency_key: string | null;
  last_error: string;
  lease_expire_time: Date | null;
  max_attempts: number;
  priority: number;
  requires_review: boolean;
  result: Json | null;
  run_time: Date;
  sensitive_topics: stringArray;
  state_version: string;
  status: string;
  task_type: string;
  tenant_id: string;
  transition_details: Json;
  update_time: Date;
}

/** 'ClaimTasks' query type */
export interface IClaimTasksQuery {
  params: IClaimTasksParams;
  result: IClaimTasksResult;
}

const claimTasksIR: any = {"usedParamSet":{"tenantId":true,"taskTypes":true,"limit":true,"workerId":true,"leaseMs":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":68,"b":77}]},{"name":"taskTypes","required":true,"transform":{"type":"scalar"},"locs":[{"a":148,"b":158}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":211,"b":217}]},{"name":"workerId","required":true,"transform":{"type":"scalar"},"locs":[{"a":364,"b":373}]},{"name":"leaseMs","required":true,"transform":{"type":"scalar"},"locs":[{"a":407,"b":415}]}],"statement":"WITH due AS (\n  SELECT tenant_id, id FROM tasks\n  WHERE tenant_id = :tenantId! AND status = 'PENDING' AND run_time <= now()\n    AND task_type = ANY(:taskTypes!::text[])\n  ORDER BY priority, run_time, id\n  LIMIT :limit!\n  FOR UPDATE SKIP LOCKED\n)\nUPDATE tasks t SET\n  status             = 'IN_PROGRESS',\n  attempt            = t.attempt + 1,\n  assigned_worker_id = :workerId!,\n  lease_expire_time  = now() + :leaseMs!::bigint * interval '1 millisecond',\n  transition_details = '{}',\n  state_version      = t.state_version + 1,\n  update_time        = now()\nFROM due\nWHERE t.tenant_id = due.tenant_id AND t.id = due.id\nRETURNING t.*                                                                        "};

/**
 * Query generated from SQL:
 * ```
 * WITH due AS (
 *   SELECT tenant_id, id FROM tasks
 *   WHERE tenant_id = :tenantId! AND status = 'PENDING' AND run_time <= now()
 *     AND task_type = ANY(:taskTypes!::text[])
 *   ORDER BY priority, run_time, id
 *   LIMIT :limit!
 *   FOR UPDATE SKIP LOCKED
 * )
 * UPDATE tasks t SET
 *   status             = 'IN_PROGRESS',
 *   attempt            = t.attempt + 1,
 *   assigned_worker_id = :workerId!,
 *   lease_expire_time  = now() + :leaseMs!::bigint * interval '1 millisecond',
 *   transition_details = '{}',
 *   state_version      = t.state_version + 1,
 *   update_time        = now()
 * FROM due
 * WHERE t.tenant_id = due.tenant_id AND t.id = due.id
 * RETURNING t.*                                                                        
 * ```
 */
export const claimTasks = new PreparedQuery<IClaimTasksParams,IClaimTasksResult>(claimTasksIR);


/** 'HeartbeatTask' parameters type */
export interface IHeartbeatTaskParams {
  id: string;
  leaseMs: string;
  stateVersion: string;
  tenantId: string;
}

/** 'HeartbeatTask' return type */
export interface IHeartbeatTaskResult {
  lease_expire_time: Date;
}

/** 'HeartbeatTask' query type */
export interface IHeartbeatTaskQuery {
  params: IHeartbeatTaskParams;
  result: IHeartbeatTaskResult;
}

const heartbeatTaskIR: any = {"usedParamSet":{"leaseMs":true,"tenantId":true,"id":true,"stateVersion":true},"params":[{"name":"leaseMs","required":true,"transform":{"type":"scalar"},"locs":[{"a":45,"b":53}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":108,"b":117}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":128,"b":131}]},{"name":"stateVersion","required":true,"transform":{"type":"scalar"},"locs":[{"a":180,"b":193}]}],"statement":"UPDATE tasks SET lease_expire_time = now() + :leaseMs!::bigint * interval '1 millisecond'\nWHERE tenant_id = :tenantId! AND id = :id! AND status = 'IN_PROGRESS' AND state_version = :stateVersion!\nRETURNING lease_expire_time AS \"lease_expire_time!\"                                                                                                                                                                      "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE tasks SET lease_expire_time = now() + :leaseMs!::bigint * interval '1 millisecond'
 * WHERE tenant_id = :tenantId! AND id = :id! AND status = 'IN_PROGRESS' AND state_version = :stateVersion!
 * RETURNING lease_expire_time AS "lease_expire_time!"                                                                                                                                                                      
 * ```
 */
export const heartbeatTask = new PreparedQuery<IHeartbeatTaskParams,IHeartbeatTaskResult>(heartbeatTaskIR);


/** 'CompleteTasks' parameters type */
export interface ICompleteTasksParams {
  ids: stringArray;
  results: stringArray;
  stateVersions: stringArray;
  tenantId: string;
}

/** 'CompleteTasks' return type */
export interface ICompleteTasksResult {
  agent_id: string;
  assigned_worker_id: string;
  attempt: number;
  campaign_id: string | null;
  confidence_score: number | null;
  context: Json;
  create_fingerprint: Buffer;
  create_time: Date;
  finish_time: Date | null;
  id: string;
  idempotency_key: string | null;
  last_error: string;
  lease_expire_time: Date | null;
  max_attempts: number;
  priority: number;
  requires_review: boolean;
  result: Json | null;
  run_time: Date;
  sensitive_topics: stringArray;
  state_version: string;
  status: string;
  task_type: string;
  tenant_id: string;
  transition_details: Json;
  update_time: Date;
}

/** 'CompleteTasks' query type */
export interface ICompleteTasksQuery {
  params: ICompleteTasksParams;
  result: ICompleteTasksResult;
}

const completeTasksIR: any = {"usedParamSet":{"ids":true,"stateVersions":true,"results":true,"tenantId":true},"params":[{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":365,"b":369}]},{"name":"stateVersions","required":true,"transform":{"type":"scalar"},"locs":[{"a":380,"b":394}]},{"name":"results","required":true,"transform":{"type":"scalar"},"locs":[{"a":407,"b":415}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":478,"b":487}]}],"statement":"UPDATE tasks t SET\n  status             = CASE WHEN t.requires_review THEN 'REVIEW' ELSE 'COMPLETE' END,\n  result             = c.result::jsonb,\n  lease_expire_time  = NULL,\n  finish_time        = CASE WHEN t.requires_review THEN NULL ELSE now() END,\n  transition_details = '{}',\n  state_version      = t.state_version + 1,\n  update_time        = now()\nFROM unnest(:ids!::uuid[], :stateVersions!::bigint[], :results!::text[]) AS c(id, state_version, result)\nWHERE t.tenant_id = :tenantId! AND t.id = c.id AND t.state_version = c.state_version\n  AND t.status = 'IN_PROGRESS'\nRETURNING t.*                                                                                                                                                                                          "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE tasks t SET
 *   status             = CASE WHEN t.requires_review THEN 'REVIEW' ELSE 'COMPLETE' END,
 *   result             = c.result::jsonb,
 *   lease_expire_time  = NULL,
 *   finish_time        = CASE WHEN t.requires_review THEN NULL ELSE now() END,
 *   transition_details = '{}',
 *   state_version      = t.state_version + 1,
 *   update_time        = now()
 * FROM unnest(:ids!::uuid[], :stateVersions!::bigint[], :results!::text[]) AS c(id, state_version, result)
 * WHERE t.tenant_id = :tenantId! AND t.id = c.id AND t.state_version = c.state_version
 *   AND t.status = 'IN_PROGRESS'
 * RETURNING t.*                                                                                                                                                                                          
 * ```
 */
export const completeTasks = new PreparedQuery<ICompleteTasksParams,ICompleteTasksResult>(completeTasksIR);


/** 'FailTasks' parameters type */
export interface IFailTasksParams {
  errors: stringArray;
  ids: stringArray;
  permanent: booleanArray;
  retryDelaysMs: stringArray;
  stateVersions: stringArray;
  tenantId: string;
}

/** 'FailTasks' return type */
export interface IFailTasksResult {
  agent_id: string;
  assigned_worker_id: string;
  attempt: number;
  campaign_id: string | null;
  confidence_score: number | null;
  context: Json;
  create_fingerprint: Buffer;
  create_time: Date;
  finish_time: Date | null;
  id: string;
  idempotency_key: string | null;
  last_error: string;
  lease_expire_time: Date | null;
  max_attempts: number;
  priority: number;
  requires_review: boolean;
  result: Json | null;
  run_time: Date;
  sensitive_topics: stringArray;
  state_version: string;
  status: string;
  task_type: string;
  tenant_id: string;
  transition_details: Json;
  update_time: Date;
}

/** 'FailTasks' query type */
export interface IFailTasksQuery {
  params: IFailTasksParams;
  result: IFailTasksResult;
}

const failTasksIR: any = {"usedParamSet":{"ids":true,"stateVersions":true,"errors":true,"permanent":true,"retryDelaysMs":true,"tenantId":true},"params":[{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":698,"b":702}]},{"name":"stateVersions","required":true,"transform":{"type":"scalar"},"locs":[{"a":713,"b":727}]},{"name":"errors","required":true,"transform":{"type":"scalar"},"locs":[{"a":740,"b":747}]},{"name":"permanent","required":true,"transform":{"type":"scalar"},"locs":[{"a":758,"b":768}]},{"name":"retryDelaysMs","required":true,"transform":{"type":"scalar"},"locs":[{"a":794,"b":808}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":899,"b":908}]}],"statement":"UPDATE tasks t SET\n  status             = CASE WHEN f.permanent THEN 'FAILED'\n                            WHEN t.attempt < t.max_attempts THEN 'PENDING'\n                            ELSE 'BLOCKED' END,\n  run_time           = CASE WHEN NOT f.permanent AND t.attempt < t.max_attempts\n                            THEN now() + coalesce(f.retry_delay_ms * interval '1 millisecond', chimera.task_retry_delay(t.attempt))\n                            ELSE t.run_time END,\n  last_error         = f.error,\n  lease_expire_time  = NULL,\n  finish_time        = CASE WHEN f.permanent THEN now() END,\n  transition_details = '{}',\n  state_version      = t.state_version + 1,\n  update_time        = now()\nFROM unnest(:ids!::uuid[], :stateVersions!::bigint[], :errors!::text[], :permanent!::boolean[],\n            :retryDelaysMs!::bigint[]) AS f(id, state_version, error, permanent, retry_delay_ms)\nWHERE t.tenant_id = :tenantId! AND t.id = f.id AND t.state_version = f.state_version\n  AND t.status = 'IN_PROGRESS'\nRETURNING t.*                                                                                                   "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE tasks t SET
 *   status             = CASE WHEN f.permanent THEN 'FAILED'
 *                             WHEN t.attempt < t.max_attempts THEN 'PENDING'
 *                             ELSE 'BLOCKED' END,
 *   run_time           = CASE WHEN NOT f.permanent AND t.attempt < t.max_attempts
 *                             THEN now() + coalesce(f.retry_delay_ms * interval '1 millisecond', chimera.task_retry_delay(t.attempt))
 *                             ELSE t.run_time END,
 *   last_error         = f.error,
 *   lease_expire_time  = NULL,
 *   finish_time        = CASE WHEN f.permanent THEN now() END,
 *   transition_details = '{}',
 *   state_version      = t.state_version + 1,
 *   update_time        = now()
 * FROM unnest(:ids!::uuid[], :stateVersions!::bigint[], :errors!::text[], :permanent!::boolean[],
 *             :retryDelaysMs!::bigint[]) AS f(id, state_version, error, permanent, retry_delay_ms)
 * WHERE t.tenant_id = :tenantId! AND t.id = f.id AND t.state_version = f.state_version
 *   AND t.status = 'IN_PROGRESS'
 * RETURNING t.*                                                                                                   
 * ```
 */
export const failTasks = new PreparedQuery<IFailTasksParams,IFailTasksResult>(failTasksIR);


/** 'GetTaskStates' parameters type */
export interface IGetTaskStatesParams {
  ids: stringArray;
  tenantId: string;
}

/** 'GetTaskStates' return type */
export interface IGetTaskStatesResult {
  id: string;
  state_version: string;
  status: string;
}

/** 'GetTaskStates' query type */
export interface IGetTaskStatesQuery {
  params: IGetTaskStatesParams;
  result: IGetTaskStatesResult;
}

const getTaskStatesIR: any = {"usedParamSet":{"tenantId":true,"ids":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":104,"b":113}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":128,"b":132}]}],"statement":"SELECT id AS \"id!\", status AS \"status!\", state_version AS \"state_version!\"\nFROM tasks WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                       "};

/**
 * Query generated from SQL:
 * ```
 * SELECT id AS "id!", status AS "status!", state_version AS "state_version!"
 * FROM tasks WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                       
 * ```
 */
export const getTaskStates = new PreparedQuery<IGetTaskStatesParams,IGetTaskStatesResult>(getTaskStatesIR);


/** 'FindExpiredLeases' parameters type */
export interface IFindExpiredLeasesParams {
  limit: string;
}

/** 'FindExpiredLeases' return type */
export interface IFindExpiredLeasesResult {
  tenant_id: string;
}

/** 'FindExpiredLeases' query type */
export interface IFindExpiredLeasesQuery {
  params: IFindExpiredLeasesParams;
  result: IFindExpiredLeasesResult;
}

const findExpiredLeasesIR: any = {"usedParamSet":{"limit":true},"params":[{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":118,"b":124}]}],"statement":"SELECT DISTINCT tenant_id AS \"tenant_id!\" FROM tasks\nWHERE status = 'IN_PROGRESS' AND lease_expire_time < now()\nLIMIT :limit!                                                                                                                                                                                                                                                       "};

/**
 * Query generated from SQL:
 * ```
 * SELECT DISTINCT tenant_id AS "tenant_id!" FROM tasks
 * WHERE status = 'IN_PROGRESS' AND lease_expire_time < now()
 * LIMIT :limit!                                                                                                                                                                                                                                                       
 * ```
 */
export const findExpiredLeases = new PreparedQuery<IFindExpiredLeasesParams,IFindExpiredLeasesResult>(findExpiredLeasesIR);


/** 'RescueExpiredLeases' parameters type */
export interface IRescueExpiredLeasesParams {
  limit: string;
  tenantId: string;
}

/** 'RescueExpiredLeases' return type */
export interface IRescueExpiredLeasesResult {
  agent_id: string;
  assigned_worker_id: string;
  attempt: number;
  campaign_id: string | null;
  confidence_score: number | null;
  context: Json;
  create_fingerprint: Buffer;
  create_time: Date;
  finish_time: Date | null;
  id: string;
  idempotency_key: string | null;
  last_error: string;
  lease_expire_time: Date | null;
  max_attempts: number;
  priority: number;
  requires_review: boolean;
  result: Json | null;
  run_time: Date;
  sensitive_topics: stringArray;
  state_version: string;
  status: string;
  task_type: string;
  tenant_id: string;
  transition_details: Json;
  update_time: Date;
}

/** 'RescueExpiredLeases' query type */
export interface IRescueExpiredLeasesQuery {
  params: IRescueExpiredLeasesParams;
  result: IRescueExpiredLeasesResult;
}

const rescueExpiredLeasesIR: any = {"usedParamSet":{"tenantId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":72,"b":81}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":148,"b":154}]}],"statement":"WITH expired AS (\n  SELECT tenant_id, id FROM tasks\n  WHERE tenant_id = :tenantId! AND status = 'IN_PROGRESS' AND lease_expire_time < now()\n  LIMIT :limit!\n  FOR UPDATE SKIP LOCKED\n)\nUPDATE tasks t SET\n  status             = CASE WHEN t.attempt < t.max_attempts THEN 'PENDING' ELSE 'BLOCKED' END,\n  run_time           = CASE WHEN t.attempt < t.max_attempts THEN now() + chimera.task_retry_delay(t.attempt) ELSE t.run_time END,\n  last_error         = 'lease expired at ' || to_char(t.lease_expire_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')\n                       || ' (worker ' || t.assigned_worker_id || ')',\n  lease_expire_time  = NULL,\n  transition_details = '{}',\n  state_version      = t.state_version + 1,\n  update_time        = now()\nFROM expired\nWHERE t.tenant_id = expired.tenant_id AND t.id = expired.id\nRETURNING t.*"};

/**
 * Query generated from SQL:
 * ```
 * WITH expired AS (
 *   SELECT tenant_id, id FROM tasks
 *   WHERE tenant_id = :tenantId! AND status = 'IN_PROGRESS' AND lease_expire_time < now()
 *   LIMIT :limit!
 *   FOR UPDATE SKIP LOCKED
 * )
 * UPDATE tasks t SET
 *   status             = CASE WHEN t.attempt < t.max_attempts THEN 'PENDING' ELSE 'BLOCKED' END,
 *   run_time           = CASE WHEN t.attempt < t.max_attempts THEN now() + chimera.task_retry_delay(t.attempt) ELSE t.run_time END,
 *   last_error         = 'lease expired at ' || to_char(t.lease_expire_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
 *                        || ' (worker ' || t.assigned_worker_id || ')',
 *   lease_expire_time  = NULL,
 *   transition_details = '{}',
 *   state_version      = t.state_version + 1,
 *   update_time        = now()
 * FROM expired
 * WHERE t.tenant_id = expired.tenant_id AND t.id = expired.id
 * RETURNING t.*
 * ```
 */
export const rescueExpiredLeases = new PreparedQuery<IRescueExpiredLeasesParams,IRescueExpiredLeasesResult>(rescueExpiredLeasesIR);


