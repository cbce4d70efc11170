/** Types generated for queries found in "sql/tasks/review.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type stringArray = (string)[];

/** 'ReviewTask' parameters type */
export interface IReviewTaskParams {
  confidenceScore: number;
  expectedVersion: string;
  id: string;
  judgeId: string;
  notes: string;
  sensitiveTopics: stringArray;
  tenantId: string;
}

/** 'ReviewTask' return type */
export interface IReviewTaskResult {
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

/** 'ReviewTask' query type */
export interface IReviewTaskQuery {
  params: IReviewTaskParams;
  result: IReviewTaskResult;
}

const reviewTaskIR: any = {"usedParamSet":{"tenantId":true,"sensitiveTopics":true,"confidenceScore":true,"id":true,"judgeId":true,"notes":true,"expectedVersion":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":222,"b":231},{"a":659,"b":668},{"a":1362,"b":1371}]},{"name":"sensitiveTopics","required":true,"transform":{"type":"scalar"},"locs":[{"a":280,"b":296},{"a":899,"b":915},{"a":1201,"b":1217}]},{"name":"confidenceScore","required":true,"transform":{"type":"scalar"},"locs":[{"a":350,"b":366},{"a":428,"b":444},{"a":849,"b":865},{"a":1103,"b":1119}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":681,"b":684}]},{"name":"judgeId","required":true,"transform":{"type":"scalar"},"locs":[{"a":1066,"b":1074}]},{"name":"notes","required":true,"transform":{"type":"scalar"},"locs":[{"a":1238,"b":1244}]},{"name":"expectedVersion","required":true,"transform":{"type":"scalar"},"locs":[{"a":1435,"b":1451}]}],"statement":"WITH policy AS (\n  SELECT coalesce((settings ->> 'auto_approve_threshold')::float8, 0.90) AS auto_approve,\n         coalesce((settings ->> 'human_review_threshold')::float8, 0.70) AS human_review\n  FROM tenants WHERE id = :tenantId!\n), verdict AS (\n  SELECT CASE WHEN cardinality(:sensitiveTopics!::text[]) > 0 THEN 'HUMAN_REVIEW'\n              WHEN :confidenceScore!::float8 > p.auto_approve THEN 'COMPLETE'\n              WHEN :confidenceScore!::float8 >= p.human_review THEN 'HUMAN_REVIEW'\n              WHEN t.attempt < t.max_attempts THEN 'PENDING'\n              ELSE 'REJECTED' END AS status,\n         t.id\n  FROM tasks t, policy p\n  WHERE t.tenant_id = :tenantId! AND t.id = :id!\n)\nUPDATE tasks t SET\n  status             = v.status,\n  run_time           = CASE WHEN v.status = 'PENDING' THEN now() ELSE t.run_time END,\n  confidence_score   = :confidenceScore!::float8,\n  sensitive_topics   = :sensitiveTopics!::text[],\n  finish_time        = CASE WHEN v.status IN ('COMPLETE', 'REJECTED') THEN now() END,\n  transition_details = jsonb_build_object('judge_id', :judgeId!::text, 'confidence_score', :confidenceScore!::float8,\n                                          'sensitive_topics', to_jsonb(:sensitiveTopics!::text[]), 'notes', :notes!::text),\n  state_version      = t.state_version + 1,\n  update_time        = now()\nFROM verdict v\nWHERE t.tenant_id = :tenantId! AND t.id = v.id AND t.status = 'REVIEW' AND t.state_version = :expectedVersion!\nRETURNING t.*                                                  "};

/**
 * Query generated from SQL:
 * ```
 * WITH policy AS (
 *   SELECT coalesce((settings ->> 'auto_approve_threshold')::float8, 0.90) AS auto_approve,
 *          coalesce((settings ->> 'human_review_threshold')::float8, 0.70) AS human_review
 *   FROM tenants WHERE id = :tenantId!
 * ), verdict AS (
 *   SELECT CASE WHEN cardinality(:sensitiveTopics!::text[]) > 0 THEN 'HUMAN_REVIEW'
 *               WHEN :confidenceScore!::float8 > p.auto_approve THEN 'COMPLETE'
 *               WHEN :confidenceScore!::float8 >= p.human_review THEN 'HUMAN_REVIEW'
 *               WHEN t.attempt < t.max_attempts THEN 'PENDING'
 *               ELSE 'REJECTED' END AS status,
 *          t.id
 *   FROM tasks t, policy p
 *   WHERE t.tenant_id = :tenantId! AND t.id = :id!
 * )
 * UPDATE tasks t SET
 *   status             = v.status,
 *   run_time           = CASE WHEN v.status = 'PENDING' THEN now() ELSE t.run_time END,
 *   confidence_score   = :confidenceScore!::float8,
 *   sensitive_topics   = :sensitiveTopics!::text[],
 *   finish_time        = CASE WHEN v.status IN ('COMPLETE', 'REJECTED') THEN now() END,
 *   transition_details = jsonb_build_object('judge_id', :judgeId!::text, 'confidence_score', :confidenceScore!::float8,
 *                                           'sensitive_topics', to_jsonb(:sensitiveTopics!::text[]), 'notes', :notes!::text),
 *   state_version      = t.state_version + 1,
 *   update_time        = now()
 * FROM verdict v
 * WHERE t.tenant_id = :tenantId! AND t.id = v.id AND t.status = 'REVIEW' AND t.state_version = :expectedVersion!
 * RETURNING t.*                                                  
 * ```
 */
export const reviewTask = new PreparedQuery<IReviewTaskParams,IReviewTaskResult>(reviewTaskIR);


/** 'ListHumanReviews' parameters type */
export interface IListHumanReviewsParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  agentId?: string | null | void;
  limit: string;
  taskType?: string | null | void;
  tenantId: string;
}

/** 'ListHumanReviews' return type */
export interface IListHumanReviewsResult {
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

/** 'ListHumanReviews' query type */
export interface IListHumanReviewsQuery {
  params: IListHumanReviewsParams;
  result: IListHumanReviewsResult;
}

const listHumanReviewsIR: any = {"usedParamSet":{"tenantId":true,"taskType":true,"agentId":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":38,"b":47}]},{"name":"taskType","required":false,"transform":{"type":"scalar"},"locs":[{"a":84,"b":92},{"a":123,"b":131}]},{"name":"agentId","required":false,"transform":{"type":"scalar"},"locs":[{"a":141,"b":148},{"a":178,"b":185}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":195,"b":204},{"a":251,"b":260}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":263,"b":270}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":311,"b":317}]}],"statement":"SELECT * FROM tasks\nWHERE tenant_id = :tenantId! AND status = 'HUMAN_REVIEW'\n  AND (:taskType::text IS NULL OR task_type = :taskType)\n  AND (:agentId::uuid IS NULL OR agent_id = :agentId)\n  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\nORDER BY create_time, id\nLIMIT :limit!                                                                                                                                                                                   "};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM tasks
 * WHERE tenant_id = :tenantId! AND status = 'HUMAN_REVIEW'
 *   AND (:taskType::text IS NULL OR task_type = :taskType)
 *   AND (:agentId::uuid IS NULL OR agent_id = :agentId)
 *   AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
 * ORDER BY create_time, id
 * LIMIT :limit!                                                                                                                                                                                   
 * ```
 */
export const listHumanReviews = new PreparedQuery<IListHumanReviewsParams,IListHumanReviewsResult>(listHumanReviewsIR);


/** 'DecideHumanReview' parameters type */
export interface IDecideHumanReviewParams {
  decision: string;
  editedResult?: Json | null | void;
  id: string;
  notes: string;
  reviewerId: string;
  tenantId: string;
}

/** 'DecideHumanReview' return type */
export interface IDecideHumanReviewResult {
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

/** 'DecideHumanReview' query type */
export interface IDecideHumanReviewQuery {
  params: IDecideHumanReviewParams;
  result: IDecideHumanReviewResult;
}

const decideHumanReviewIR: any = {"usedParamSet":{"decision":true,"editedResult":true,"reviewerId":true,"notes":true,"tenantId":true,"id":true},"params":[{"name":"decision","required":true,"transform":{"type":"scalar"},"locs":[{"a":50,"b":59},{"a":148,"b":157},{"a":301,"b":310}]},{"name":"editedResult","required":false,"transform":{"type":"scalar"},"locs":[{"a":179,"b":191}]},{"name":"reviewerId","required":true,"transform":{"type":"scalar"},"locs":[{"a":334,"b":345}]},{"name":"notes","required":true,"transform":{"type":"scalar"},"locs":[{"a":405,"b":411}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":510,"b":519}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":530,"b":533}]}],"statement":"UPDATE tasks SET\n  status             = CASE WHEN :decision!::text = 'REJECT' THEN 'REJECTED' ELSE 'COMPLETE' END,\n  result             = CASE WHEN :decision!::text = 'EDIT' THEN :editedResult::jsonb ELSE result END,\n  finish_time        = now(),\n  transition_details = jsonb_build_object('decision', :decision!::text, 'reviewer_id', :reviewerId!::text,\n                                          'notes', :notes!::text),\n  state_version      = state_version + 1,\n  update_time        = now()\nWHERE tenant_id = :tenantId! AND id = :id! AND status = 'HUMAN_REVIEW'\nRETURNING *                                                                                              "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE tasks SET
 *   status             = CASE WHEN :decision!::text = 'REJECT' THEN 'REJECTED' ELSE 'COMPLETE' END,
 *   result             = CASE WHEN :decision!::text = 'EDIT' THEN :editedResult::jsonb ELSE result END,
 *   finish_time        = now(),
 *   transition_details = jsonb_build_object('decision', :decision!::text, 'reviewer_id', :reviewerId!::text,
 *                                           'notes', :notes!::text),
 *   state_version      = state_version + 1,
 *   update_time        = now()
 * WHERE tenant_id = :tenantId! AND id = :id! AND status = 'HUMAN_REVIEW'
 * RETURNING *                                                                                              
 * ```
 */
export const decideHumanReview = new PreparedQuery<IDecideHumanReviewParams,IDecideHumanReviewResult>(decideHumanReviewIR);


/** 'LeftHumanReview' parameters type */
export interface ILeftHumanReviewParams {
  id: string;
  tenantId: string;
}

/** 'LeftHumanReview' return type */
export interface ILeftHumanReviewResult {
  left: boolean;
}

/** 'LeftHumanReview' query type */
export interface ILeftHumanReviewQuery {
  params: ILeftHumanReviewParams;
  result: ILeftHumanReviewResult;
}

const leftHumanReviewIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":74,"b":83}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":99,"b":102}]}],"statement":"SELECT EXISTS (SELECT 1 FROM task_events\n               WHERE tenant_id = :tenantId! AND task_id = :id! AND from_status = 'HUMAN_REVIEW') AS \"left!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT EXISTS (SELECT 1 FROM task_events
 *                WHERE tenant_id = :tenantId! AND task_id = :id! AND from_status = 'HUMAN_REVIEW') AS "left!"
 * ```
 */
export const leftHumanReview = new PreparedQuery<ILeftHumanReviewParams,ILeftHumanReviewResult>(leftHumanReviewIR);


