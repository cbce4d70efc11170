/** Types generated for queries found in "sql/tasks/tasks.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type BufferArray = (Buffer)[];

export type DateOrString = Date | string;

export type DateOrStringArray = (DateOrString)[];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type booleanArray = (boolean)[];

export type numberArray = (number)[];

export type stringArray = (string)[];

/** 'ReleaseExpiredKeys' parameters type */
export interface IReleaseExpiredKeysParams {
  keys: stringArray;
  retentionMs: string;
  tenantId: string;
}

/** 'ReleaseExpiredKeys' return type */
export interface IReleaseExpiredKeysResult {
  id: string;
}

/** 'ReleaseExpiredKeys' query type */
export interface IReleaseExpiredKeysQuery {
  params: IReleaseExpiredKeysParams;
  result: IReleaseExpiredKeysResult;
}

const releaseExpiredKeysIR: any = {"usedParamSet":{"tenantId":true,"keys":true,"retentionMs":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":58,"b":67}]},{"name":"keys","required":true,"transform":{"type":"scalar"},"locs":[{"a":95,"b":100}]},{"name":"retentionMs","required":true,"transform":{"type":"scalar"},"locs":[{"a":139,"b":151}]}],"statement":"UPDATE tasks SET idempotency_key = NULL\nWHERE tenant_id = :tenantId! AND idempotency_key = ANY(:keys!::text[])\n  AND finish_time < now() - :retentionMs!::bigint * interval '1 millisecond'\nRETURNING id AS \"id!\"                                                                                                   "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE tasks SET idempotency_key = NULL
 * WHERE tenant_id = :tenantId! AND idempotency_key = ANY(:keys!::text[])
 *   AND finish_time < now() - :retentionMs!::bigint * interval '1 millisecond'
 * RETURNING id AS "id!"                                                                                                   
 * ```
 */
export const releaseExpiredKeys = new PreparedQuery<IReleaseExpiredKeysParams,IReleaseExpiredKeysResult>(releaseExpiredKeysIR);


/** 'GetTaskAgents' parameters type */
export interface IGetTaskAgentsParams {
  ids: stringArray;
  tenantId: string;
}

/** 'GetTaskAgents' return type */
export interface IGetTaskAgentsResult {
  id: string;
  status: string;
}

/** 'GetTaskAgents' query type */
export interface IGetTaskAgentsQuery {
  params: IGetTaskAgentsParams;
  result: IGetTaskAgentsResult;
}

const getTaskAgentsIR: any = {"usedParamSet":{"tenantId":true,"ids":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":70,"b":79}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":94,"b":98}]}],"statement":"SELECT id AS \"id!\", status AS \"status!\" FROM agents WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                          "};

/**
 * Query generated from SQL:
 * ```
 * SELECT id AS "id!", status AS "status!" FROM agents WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                          
 * ```
 */
export const getTaskAgents = new PreparedQuery<IGetTaskAgentsParams,IGetTaskAgentsResult>(getTaskAgentsIR);


/** 'GetTaskCampaigns' parameters type */
export interface IGetTaskCampaignsParams {
  ids: stringArray;
  tenantId: string;
}

/** 'GetTaskCampaigns' return type */
export interface IGetTaskCampaignsResult {
  id: string;
}

/** 'GetTaskCampaigns' query type */
export interface IGetTaskCampaignsQuery {
  params: IGetTaskCampaignsParams;
  result: IGetTaskCampaignsResult;
}

const getTaskCampaignsIR: any = {"usedParamSet":{"tenantId":true,"ids":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":52,"b":61}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":76,"b":80}]}],"statement":"SELECT id AS \"id!\" FROM campaigns WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                                                                                                                                                      "};

/**
 * Query generated from SQL:
 * ```
 * SELECT id AS "id!" FROM campaigns WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                                                                                                                                                      
 * ```
 */
export const getTaskCampaigns = new PreparedQuery<IGetTaskCampaignsParams,IGetTaskCampaignsResult>(getTaskCampaignsIR);


/** 'InsertTasks' parameters type */
export interface IInsertTasksParams {
  agentIds: stringArray;
  campaignIds: stringArray;
  contexts: stringArray;
  fingerprints: BufferArray;
  idempotencyKeys: stringArray;
  ids: stringArray;
  maxAttempts: numberArray;
  priorities: numberArray;
  requiresReview: booleanArray;
  runTimes: DateOrStringArray;
  taskTypes: stringArray;
  tenantId: string;
}

/** 'InsertTasks' return type */
export interface IInsertTasksResult {
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

/** 'InsertTasks' query type */
export interface IInsertTasksQuery {
  params: IInsertTasksParams;
  result: IInsertTasksResult;
}

const insertTasksIR: any = {"usedParamSet":{"tenantId":true,"ids":true,"taskTypes":true,"priorities":true,"contexts":true,"campaignIds":true,"agentIds":true,"maxAttempts":true,"runTimes":true,"requiresReview":true,"idempotencyKeys":true,"fingerprints":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":191,"b":200}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":395,"b":399}]},{"name":"taskTypes","required":true,"transform":{"type":"scalar"},"locs":[{"a":410,"b":420}]},{"name":"priorities","required":true,"transform":{"type":"scalar"},"locs":[{"a":431,"b":442}]},{"name":"contexts","required":true,"transform":{"type":"scalar"},"locs":[{"a":457,"b":466}]},{"name":"campaignIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":489,"b":501}]},{"name":"agentIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":512,"b":521}]},{"name":"maxAttempts","required":true,"transform":{"type":"scalar"},"locs":[{"a":532,"b":544}]},{"name":"runTimes","required":true,"transform":{"type":"scalar"},"locs":[{"a":558,"b":567}]},{"name":"requiresReview","required":true,"transform":{"type":"scalar"},"locs":[{"a":597,"b":612}]},{"name":"idempotencyKeys","required":true,"transform":{"type":"scalar"},"locs":[{"a":626,"b":642}]},{"name":"fingerprints","required":true,"transform":{"type":"scalar"},"locs":[{"a":653,"b":666}]}],"statement":"INSERT INTO tasks (tenant_id, id, task_type, priority, context, campaign_id, agent_id, max_attempts,\n                   run_time, requires_review, idempotency_key, create_fingerprint)\nSELECT :tenantId!, t.id, t.task_type, t.priority, t.context::jsonb, t.campaign_id, t.agent_id,\n       t.max_attempts, coalesce(t.run_time, now()), t.requires_review, t.idempotency_key, t.fingerprint\nFROM unnest(:ids!::uuid[], :taskTypes!::text[], :priorities!::smallint[], :contexts!::text[],\n            :campaignIds!::uuid[], :agentIds!::uuid[], :maxAttempts!::integer[], :runTimes!::timestamptz[],\n            :requiresReview!::boolean[], :idempotencyKeys!::text[], :fingerprints!::bytea[])\n     AS t(id, task_type, priority, context, campaign_id, agent_id, max_attempts, run_time,\n          requires_review, idempotency_key, fingerprint)\nON CONFLICT DO NOTHING\nRETURNING *                                                                  "};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO tasks (tenant_id, id, task_type, priority, context, campaign_id, agent_id, max_attempts,
 *                    run_time, requires_review, idempotency_key, create_fingerprint)
 * SELECT :tenantId!, t.id, t.task_type, t.priority, t.context::jsonb, t.campaign_id, t.agent_id,
 *        t.max_attempts, coalesce(t.run_time, now()), t.requires_review, t.idempotency_key, t.fingerprint
 * FROM unnest(:ids!::uuid[], :taskTypes!::text[], :priorities!::smallint[], :contexts!::text[],
 *             :campaignIds!::uuid[], :agentIds!::uuid[], :maxAttempts!::integer[], :runTimes!::timestamptz[],
 *             :requiresReview!::boolean[], :idempotencyKeys!::text[], :fingerprints!::bytea[])
 *      AS t(id, task_type, priority, context, campaign_id, agent_id, max_attempts, run_time,
 *           requires_review, idempotency_key, fingerprint)
 * ON CONFLICT DO NOTHING
 * RETURNING *                                                                  
 * ```
 */
export const insertTasks = new PreparedQuery<IInsertTasksParams,IInsertTasksResult>(insertTasksIR);


/** 'GetTasksByIdsOrKeys' parameters type */
export interface IGetTasksByIdsOrKeysParams {
  ids: stringArray;
  keys: stringArray;
  tenantId: string;
}

/** 'GetTasksByIdsOrKeys' return type */
export interface IGetTasksByIdsOrKeysResult {
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

/** 'GetTasksByIdsOrKeys' query type */
export interface IGetTasksByIdsOrKeysQuery {
  params: IGetTasksByIdsOrKeysParams;
  result: IGetTasksByIdsOrKeysResult;
}

const getTasksByIdsOrKeysIR: any = {"usedParamSet":{"tenantId":true,"ids":true,"keys":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":38,"b":47}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":63,"b":67}]},{"name":"keys","required":true,"transform":{"type":"scalar"},"locs":[{"a":103,"b":108}]}],"statement":"SELECT * FROM tasks\nWHERE tenant_id = :tenantId! AND (id = ANY(:ids!::uuid[]) OR idempotency_key = ANY(:keys!::text[]))"};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM tasks
 * WHERE tenant_id = :tenantId! AND (id = ANY(:ids!::uuid[]) OR idempotency_key = ANY(:keys!::text[]))
 * ```
 */
export const getTasksByIdsOrKeys = new PreparedQuery<IGetTasksByIdsOrKeysParams,IGetTasksByIdsOrKeysResult>(getTasksByIdsOrKeysIR);


/** 'GetTask' parameters type */
export interface IGetTaskParams {
  id: string;
  tenantId: string;
}

/** 'GetTask' return type */
export interface IGetTaskResult {
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

/** 'GetTask' query type */
export interface IGetTaskQuery {
  params: IGetTaskParams;
  result: IGetTaskResult;
}

const getTaskIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":38,"b":47}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":58,"b":61}]}],"statement":"SELECT * FROM tasks WHERE tenant_id = :tenantId! AND id = :id!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM tasks WHERE tenant_id = :tenantId! AND id = :id!
 * ```
 */
export const getTask = new PreparedQuery<IGetTaskParams,IGetTaskResult>(getTaskIR);


/** 'ListTasks' parameters type */
export interface IListTasksParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  agentId?: string | null | void;
  campaignId?: string | null | void;
  limit: string;
  status?: string | null | void;
  taskType?: string | null | void;
  tenantId: string;
}

/** 'ListTasks' return type */
export interface IListTasksResult {
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

/** 'ListTasks' query type */
export interface IListTasksQuery {
  params: IListTasksParams;
  result: IListTasksResult;
}

const listTasksIR: any = {"usedParamSet":{"tenantId":true,"status":true,"taskType":true,"agentId":true,"campaignId":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":38,"b":47}]},{"name":"status","required":false,"transform":{"type":"scalar"},"locs":[{"a":56,"b":62},{"a":90,"b":96}]},{"name":"taskType","required":false,"transform":{"type":"scalar"},"locs":[{"a":106,"b":114},{"a":145,"b":153}]},{"name":"agentId","required":false,"transform":{"type":"scalar"},"locs":[{"a":163,"b":170},{"a":200,"b":207}]},{"name":"campaignId","required":false,"transform":{"type":"scalar"},"locs":[{"a":217,"b":227},{"a":260,"b":270}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":280,"b":289},{"a":336,"b":345}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":348,"b":355}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":396,"b":402}]}],"statement":"SELECT * FROM tasks\nWHERE tenant_id = :tenantId!\n  AND (:status::text IS NULL OR status = :status)\n  AND (:taskType::text IS NULL OR task_type = :taskType)\n  AND (:agentId::uuid IS NULL OR agent_id = :agentId)\n  AND (:campaignId::uuid IS NULL OR campaign_id = :campaignId)\n  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\nORDER BY create_time, id\nLIMIT :limit!                                                                                     "};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM tasks
 * WHERE tenant_id = :tenantId!
 *   AND (:status::text IS NULL OR status = :status)
 *   AND (:taskType::text IS NULL OR task_type = :taskType)
 *   AND (:agentId::uuid IS NULL OR agent_id = :agentId)
 *   AND (:campaignId::uuid IS NULL OR campaign_id = :campaignId)
 *   AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
 * ORDER BY create_time, id
 * LIMIT :limit!                                                                                     
 * ```
 */
export const listTasks = new PreparedQuery<IListTasksParams,IListTasksResult>(listTasksIR);


/** 'CancelTask' parameters type */
export interface ICancelTaskParams {
  expectedVersion?: string | null | void;
  id: string;
  reason: string;
  tenantId: string;
}

/** 'CancelTask' return type */
export interface ICancelTaskResult {
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

/** 'CancelTask' query type */
export interface ICancelTaskQuery {
  params: ICancelTaskParams;
  result: ICancelTaskResult;
}

const cancelTaskIR: any = {"usedParamSet":{"reason":true,"tenantId":true,"id":true,"expectedVersion":true},"params":[{"name":"reason","required":true,"transform":{"type":"scalar"},"locs":[{"a":164,"b":171}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":270,"b":279}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":290,"b":293}]},{"name":"expectedVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":382,"b":397},{"a":434,"b":449}]}],"statement":"UPDATE tasks SET\n  status             = 'CANCELLED',\n  lease_expire_time  = NULL,\n  finish_time        = now(),\n  transition_details = jsonb_build_object('reason', :reason!::text),\n  state_version      = state_version + 1,\n  update_time        = now()\nWHERE tenant_id = :tenantId! AND id = :id!\n  AND status IN ('PENDING', 'IN_PROGRESS', 'REVIEW', 'HUMAN_REVIEW', 'BLOCKED')\n  AND (:expectedVersion::bigint IS NULL OR state_version = :expectedVersion)\nRETURNING *                                                               "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE tasks SET
 *   status             = 'CANCELLED',
 *   lease_expire_time  = NULL,
 *   finish_time        = now(),
 *   transition_details = jsonb_build_object('reason', :reason!::text),
 *   state_version      = state_version + 1,
 *   update_time        = now()
 * WHERE tenant_id = :tenantId! AND id = :id!
 *   AND status IN ('PENDING', 'IN_PROGRESS', 'REVIEW', 'HUMAN_REVIEW', 'BLOCKED')
 *   AND (:expectedVersion::bigint IS NULL OR state_version = :expectedVersion)
 * RETURNING *                                                               
 * ```
 */
export const cancelTask = new PreparedQuery<ICancelTaskParams,ICancelTaskResult>(cancelTaskIR);


/** 'ListTaskEvents' parameters type */
export interface IListTaskEventsParams {
  afterVersion: string;
  limit: string;
  taskId: string;
  tenantId: string;
}

/** 'ListTaskEvents' return type */
export interface IListTaskEventsResult {
  actor: string;
  attempt: number;
  details: Json;
  error: string;
  event_time: Date;
  from_status: string | null;
  state_version: string;
  task_id: string;
  tenant_id: string;
  to_status: string;
  worker_id: string;
}

/** 'ListTaskEvents' query type */
export interface IListTaskEventsQuery {
  params: IListTaskEventsParams;
  result: IListTaskEventsResult;
}

const listTaskEventsIR: any = {"usedParamSet":{"tenantId":true,"taskId":true,"afterVersion":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":44,"b":53}]},{"name":"taskId","required":true,"transform":{"type":"scalar"},"locs":[{"a":69,"b":76}]},{"name":"afterVersion","required":true,"transform":{"type":"scalar"},"locs":[{"a":98,"b":111}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":150,"b":156}]}],"statement":"SELECT * FROM task_events\nWHERE tenant_id = :tenantId! AND task_id = :taskId! AND state_version > :afterVersion!::bigint\nORDER BY state_version\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM task_events
 * WHERE tenant_id = :tenantId! AND task_id = :taskId! AND state_version > :afterVersion!::bigint
 * ORDER BY state_version
 * LIMIT :limit!
 * ```
 */
export const listTaskEvents = new PreparedQuery<IListTaskEventsParams,IListTaskEventsResult>(listTaskEventsIR);


