/** Types generated for queries found in "sql/audit/audit.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** 'SealAuditEvents' parameters type */
export type ISealAuditEventsParams = void;

/** 'SealAuditEvents' return type */
export interface ISealAuditEventsResult {
  sealed: number;
}

/** 'SealAuditEvents' query type */
export interface ISealAuditEventsQuery {
  params: ISealAuditEventsParams;
  result: ISealAuditEventsResult;
}

const sealAuditEventsIR: any = {"usedParamSet":{},"params":[],"statement":"SELECT chimera.seal_audit_events() AS \"sealed!\"                                                                                         "};

/**
 * Query generated from SQL:
 * ```
 * SELECT chimera.seal_audit_events() AS "sealed!"                                                                                         
 * ```
 */
export const sealAuditEvents = new PreparedQuery<ISealAuditEventsParams,ISealAuditEventsResult>(sealAuditEventsIR);


/** 'ListAuditEvents' parameters type */
export interface IListAuditEventsParams {
  action?: string | null | void;
  actor?: string | null | void;
  afterId: string;
  endTime?: DateOrString | null | void;
  limit: string;
  resourceId?: string | null | void;
  resourceType?: string | null | void;
  startTime?: DateOrString | null | void;
  tenantId: string;
}

/** 'ListAuditEvents' return type */
export interface IListAuditEventsResult {
  action: string;
  actor: string;
  after: Json | null;
  before: Json | null;
  create_time: Date;
  event_time: Date;
  hash: Buffer;
  id: string;
  request_id: string | null;
  resource_id: string;
  resource_type: string;
  seq: string;
}

/** 'ListAuditEvents' query type */
export interface IListAuditEventsQuery {
  params: IListAuditEventsParams;
  result: IListAuditEventsResult;
}

const listAuditEventsIR: any = {"usedParamSet":{"tenantId":true,"resourceType":true,"resourceId":true,"actor":true,"action":true,"startTime":true,"endTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":276,"b":285}]},{"name":"resourceType","required":false,"transform":{"type":"scalar"},"locs":[{"a":294,"b":306},{"a":343,"b":355}]},{"name":"resourceId","required":false,"transform":{"type":"scalar"},"locs":[{"a":365,"b":375},{"a":410,"b":420}]},{"name":"actor","required":false,"transform":{"type":"scalar"},"locs":[{"a":430,"b":435},{"a":464,"b":469}]},{"name":"action","required":false,"transform":{"type":"scalar"},"locs":[{"a":479,"b":485},{"a":515,"b":521}]},{"name":"startTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":531,"b":540},{"a":582,"b":591}]},{"name":"endTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":601,"b":608},{"a":649,"b":656}]},{"name":"afterId","required":true,"transform":{"type":"scalar"},"locs":[{"a":672,"b":680}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":710,"b":716}]}],"statement":"SELECT e.id, e.event_time AS create_time, e.event_time, e.actor, e.request_id, e.action, e.resource_type,\n       e.resource_id, e.before, e.after, c.seq, c.hash\nFROM audit_events e\nLEFT JOIN audit_chain c ON c.tenant_id = e.tenant_id AND c.event_id = e.id\nWHERE e.tenant_id = :tenantId!\n  AND (:resourceType::text IS NULL OR e.resource_type = :resourceType)\n  AND (:resourceId::text IS NULL OR e.resource_id = :resourceId)\n  AND (:actor::text IS NULL OR e.actor = :actor)\n  AND (:action::text IS NULL OR e.action = :action)\n  AND (:startTime::timestamptz IS NULL OR e.event_time >= :startTime)\n  AND (:endTime::timestamptz IS NULL OR e.event_time < :endTime)\n  AND e.id > :afterId!::bigint\nORDER BY e.id\nLIMIT :limit!                                          "};

/**
 * Query generated from SQL:
 * ```
 * SELECT e.id, e.event_time AS create_time, e.event_time, e.actor, e.request_id, e.action, e.resource_type,
 *        e.resource_id, e.before, e.after, c.seq, c.hash
 * FROM audit_events e
 * LEFT JOIN audit_chain c ON c.tenant_id = e.tenant_id AND c.event_id = e.id
 * WHERE e.tenant_id = :tenantId!
 *   AND (:resourceType::text IS NULL OR e.resource_type = :resourceType)
 *   AND (:resourceId::text IS NULL OR e.resource_id = :resourceId)
 *   AND (:actor::text IS NULL OR e.actor = :actor)
 *   AND (:action::text IS NULL OR e.action = :action)
 *   AND (:startTime::timestamptz IS NULL OR e.event_time >= :startTime)
 *   AND (:endTime::timestamptz IS NULL OR e.event_time < :endTime)
 *   AND e.id > :afterId!::bigint
 * ORDER BY e.id
 * LIMIT :limit!                                          
 * ```
 */
export const listAuditEvents = new PreparedQuery<IListAuditEventsParams,IListAuditEventsResult>(listAuditEventsIR);


/** 'GetAuditHead' parameters type */
export interface IGetAuditHeadParams {
  tenantId: string;
}

/** 'GetAuditHead' return type */
export interface IGetAuditHeadResult {
  hash: Buffer;
  seal_time: Date;
  seq: string;
}

/** 'GetAuditHead' query type */
export interface IGetAuditHeadQuery {
  params: IGetAuditHeadParams;
  result: IGetAuditHeadResult;
}

const getAuditHeadIR: any = {"usedParamSet":{"tenantId":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":100,"b":109}]}],"statement":"SELECT seq AS \"seq!\", hash AS \"hash!\", seal_time AS \"seal_time!\" FROM audit_chain\nWHERE tenant_id = :tenantId! ORDER BY seq DESC LIMIT 1                                                                         "};

/**
 * Query generated from SQL:
 * ```
 * SELECT seq AS "seq!", hash AS "hash!", seal_time AS "seal_time!" FROM audit_chain
 * WHERE tenant_id = :tenantId! ORDER BY seq DESC LIMIT 1                                                                         
 * ```
 */
export const getAuditHead = new PreparedQuery<IGetAuditHeadParams,IGetAuditHeadResult>(getAuditHeadIR);


/** 'GetAuditLink' parameters type */
export interface IGetAuditLinkParams {
  seq: string;
  tenantId: string;
}

/** 'GetAuditLink' return type */
export interface IGetAuditLinkResult {
  hash: Buffer;
}

/** 'GetAuditLink' query type */
export interface IGetAuditLinkQuery {
  params: IGetAuditLinkParams;
  result: IGetAuditLinkResult;
}

const getAuditLinkIR: any = {"usedParamSet":{"tenantId":true,"seq":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":58,"b":67}]},{"name":"seq","required":true,"transform":{"type":"scalar"},"locs":[{"a":79,"b":83}]}],"statement":"SELECT hash AS \"hash!\" FROM audit_chain WHERE tenant_id = :tenantId! AND seq = :seq!                                                                                                                                                                                                                                                                                    "};

/**
 * Query generated from SQL:
 * ```
 * SELECT hash AS "hash!" FROM audit_chain WHERE tenant_id = :tenantId! AND seq = :seq!                                                                                                                                                                                                                                                                                    
 * ```
 */
export const getAuditLink = new PreparedQuery<IGetAuditLinkParams,IGetAuditLinkResult>(getAuditLinkIR);


/** 'VerifyAuditChain' parameters type */
export interface IVerifyAuditChainParams {
  fromSeq: string;
  previousHash: Buffer;
  tenantId: string;
}

/** 'VerifyAuditChain' return type */
export interface IVerifyAuditChainResult {
  first_bad_seq: string | null;
  head_seq: string | null;
  verified: string;
}

/** 'VerifyAuditChain' query type */
export interface IVerifyAuditChainQuery {
  params: IVerifyAuditChainParams;
  result: IVerifyAuditChainResult;
}

const verifyAuditChainIR: any = {"usedParamSet":{"previousHash":true,"tenantId":true,"fromSeq":true},"params":[{"name":"previousHash","required":true,"transform":{"type":"scalar"},"locs":[{"a":131,"b":144}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":292,"b":301}]},{"name":"fromSeq","required":true,"transform":{"type":"scalar"},"locs":[{"a":316,"b":324},{"a":538,"b":546}]}],"statement":"WITH links AS (\n  SELECT c.seq, c.hash, e AS ev,\n         lag(c.seq) OVER w AS previous_seq,\n         coalesce(lag(c.hash) OVER w, :previousHash!::bytea) AS previous_hash\n  FROM audit_chain c\n  LEFT JOIN audit_events e ON e.tenant_id = c.tenant_id AND e.id = c.event_id\n  WHERE c.tenant_id = :tenantId! AND c.seq >= :fromSeq!::bigint\n  WINDOW w AS (ORDER BY c.seq)\n)\nSELECT count(*) AS \"verified!\",\n       max(seq) AS head_seq,\n       min(seq) FILTER (WHERE (ev).id IS NULL\n                           OR seq <> coalesce(previous_seq + 1, :fromSeq!::bigint)\n                           OR hash <> sha256(previous_hash || chimera.audit_event_bytes(seq, ev))) AS first_bad_seq\nFROM links"};

/**
 * Query generated from SQL:
 * ```
 * WITH links AS (
 *   SELECT c.seq, c.hash, e AS ev,
 *          lag(c.seq) OVER w AS previous_seq,
 *          coalesce(lag(c.hash) OVER w, :previousHash!::bytea) AS previous_hash
 *   FROM audit_chain c
 *   LEFT JOIN audit_events e ON e.tenant_id = c.tenant_id AND e.id = c.event_id
 *   WHERE c.tenant_id = :tenantId! AND c.seq >= :fromSeq!::bigint
 *   WINDOW w AS (ORDER BY c.seq)
 * )
 * SELECT count(*) AS "verified!",
 *        max(seq) AS head_seq,
 *        min(seq) FILTER (WHERE (ev).id IS NULL
 *                            OR seq <> coalesce(previous_seq + 1, :fromSeq!::bigint)
 *                            OR hash <> sha256(previous_hash || chimera.audit_event_bytes(seq, ev))) AS first_bad_seq
 * FROM links
 * ```
 */
export const verifyAuditChain = new PreparedQuery<IVerifyAuditChainParams,IVerifyAuditChainResult>(verifyAuditChainIR);


