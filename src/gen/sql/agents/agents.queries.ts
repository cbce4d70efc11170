/** Types generated for queries found in "sql/agents/agents.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** 'InsertAgent' parameters type */
export interface IInsertAgentParams {
  createFingerprint: Buffer;
  displayName: string;
  handle: string;
  id: string;
  metadata: Json;
  persona: Json;
  personaEmbedding?: string | null | void;
  status: string;
  tenantId: string;
  walletAddress: string;
  walletNetwork: string;
}

/** 'InsertAgent' return type */
export interface IInsertAgentResult {
  archive_time: Date | null;
  create_fingerprint: Buffer;
  create_time: Date;
  display_name: string;
  handle: string;
  id: string;
  metadata: Json;
  persona: Json;
  persona_embedding: string | null;
  status: string;
  tenant_id: string;
  update_time: Date;
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'InsertAgent' query type */
export interface IInsertAgentQuery {
  params: IInsertAgentParams;
  result: IInsertAgentResult;
}

const insertAgentIR: any = {"usedParamSet":{"tenantId":true,"id":true,"handle":true,"displayName":true,"status":true,"persona":true,"personaEmbedding":true,"walletNetwork":true,"walletAddress":true,"metadata":true,"createFingerprint":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":183,"b":192}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":195,"b":198}]},{"name":"handle","required":true,"transform":{"type":"scalar"},"locs":[{"a":201,"b":208}]},{"name":"displayName","required":true,"transform":{"type":"scalar"},"locs":[{"a":211,"b":223}]},{"name":"status","required":true,"transform":{"type":"scalar"},"locs":[{"a":226,"b":233}]},{"name":"persona","required":true,"transform":{"type":"scalar"},"locs":[{"a":236,"b":244}]},{"name":"personaEmbedding","required":false,"transform":{"type":"scalar"},"locs":[{"a":247,"b":263}]},{"name":"walletNetwork","required":true,"transform":{"type":"scalar"},"locs":[{"a":282,"b":296}]},{"name":"walletAddress","required":true,"transform":{"type":"scalar"},"locs":[{"a":299,"b":313}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":316,"b":325}]},{"name":"createFingerprint","required":true,"transform":{"type":"scalar"},"locs":[{"a":328,"b":346}]}],"statement":"INSERT INTO agents (tenant_id, id, handle, display_name, status, persona, persona_embedding,\n                    wallet_network, wallet_address, metadata, create_fingerprint)\nVALUES (:tenantId!, :id!, :handle!, :displayName!, :status!, :persona!, :personaEmbedding::vector,\n        :walletNetwork!, :walletAddress!, :metadata!, :createFingerprint!)\nON CONFLICT (tenant_id, id) DO NOTHING\nRETURNING *"};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO agents (tenant_id, id, handle, display_name, status, persona, persona_embedding,
 *                     wallet_network, wallet_address, metadata, create_fingerprint)
 * VALUES (:tenantId!, :id!, :handle!, :displayName!, :status!, :persona!, :personaEmbedding::vector,
 *         :walletNetwork!, :walletAddress!, :metadata!, :createFingerprint!)
 * ON CONFLICT (tenant_id, id) DO NOTHING
 * RETURNING *
 * ```
 */
export const insertAgent = new PreparedQuery<IInsertAgentParams,IInsertAgentResult>(insertAgentIR);


/** 'GetAgent' parameters type */
export interface IGetAgentParams {
  id: string;
  tenantId: string;
}

/** 'GetAgent' return type */
export interface IGetAgentResult {
  archive_time: Date | null;
  create_fingerprint: Buffer;
  create_time: Date;
  display_name: string;
  handle: string;
  id: string;
  metadata: Json;
  persona: Json;
  persona_embedding: string | null;
  status: string;
  tenant_id: string;
  update_time: Date;
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'GetAgent' query type */
export interface IGetAgentQuery {
  params: IGetAgentParams;
  result: IGetAgentResult;
}

const getAgentIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":39,"b":48}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":59,"b":62}]}],"statement":"SELECT * FROM agents WHERE tenant_id = :tenantId! AND id = :id!                                                                                                                     "};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM agents WHERE tenant_id = :tenantId! AND id = :id!                                                                                                                     
 * ```
 */
export const getAgent = new PreparedQuery<IGetAgentParams,IGetAgentResult>(getAgentIR);


/** 'ListAgents' parameters type */
export interface IListAgentsParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  limit: string;
  showArchived: boolean;
  status?: string | null | void;
  tenantId: string;
  withEmbedding: boolean;
}

/** 'ListAgents' return type */
export interface IListAgentsResult {
  archive_time: Date | null;
  create_fingerprint: Buffer;
  create_time: Date;
  display_name: string;
  handle: string;
  id: string;
  metadata: Json;
  persona: Json;
  persona_embedding: string | null;
  status: string;
  tenant_id: string;
  update_time: Date;
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'ListAgents' query type */
export interface IListAgentsQuery {
  params: IListAgentsParams;
  result: IListAgentsResult;
}

const listAgentsIR: any = {"usedParamSet":{"withEmbedding":true,"tenantId":true,"status":true,"showArchived":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"withEmbedding","required":true,"transform":{"type":"scalar"},"locs":[{"a":90,"b":104}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":340,"b":349}]},{"name":"status","required":false,"transform":{"type":"scalar"},"locs":[{"a":358,"b":364},{"a":394,"b":400},{"a":410,"b":416}]},{"name":"showArchived","required":true,"transform":{"type":"scalar"},"locs":[{"a":439,"b":452}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":497,"b":506},{"a":557,"b":566}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":569,"b":576}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":621,"b":627}]}],"statement":"SELECT a.tenant_id, a.id, a.handle, a.display_name, a.status, a.persona,\n       CASE WHEN :withEmbedding!::boolean THEN a.persona_embedding END AS persona_embedding,\n       a.wallet_network, a.wallet_address, a.metadata, a.create_fingerprint, a.version, a.create_time,\n       a.update_time, a.archive_time\nFROM agents a\nWHERE a.tenant_id = :tenantId!\n  AND (:status::text IS NULL OR a.status = :status)\n  AND (:status::text IS NOT NULL OR :showArchived!::boolean OR a.status <> 'ARCHIVED')\n  AND (:afterTime::timestamptz IS NULL OR (a.create_time, a.id) > (:afterTime, :afterId::uuid))\nORDER BY a.create_time, a.id\nLIMIT :limit!                                                                                                                                                                                                                                     "};

/**
 * Query generated from SQL:
 * ```
 * SELECT a.tenant_id, a.id, a.handle, a.display_name, a.status, a.persona,
 *        CASE WHEN :withEmbedding!::boolean THEN a.persona_embedding END AS persona_embedding,
 *        a.wallet_network, a.wallet_address, a.metadata, a.create_fingerprint, a.version, a.create_time,
 *        a.update_time, a.archive_time
 * FROM agents a
 * WHERE a.tenant_id = :tenantId!
 *   AND (:status::text IS NULL OR a.status = :status)
 *   AND (:status::text IS NOT NULL OR :showArchived!::boolean OR a.status <> 'ARCHIVED')
 *   AND (:afterTime::timestamptz IS NULL OR (a.create_time, a.id) > (:afterTime, :afterId::uuid))
 * ORDER BY a.create_time, a.id
 * LIMIT :limit!                                                                                                                                                                                                                                     
 * ```
 */
export const listAgents = new PreparedQuery<IListAgentsParams,IListAgentsResult>(listAgentsIR);


/** 'UpdateAgent' parameters type */
export interface IUpdateAgentParams {
  displayName: string;
  expectedVersion?: string | null | void;
  handle: string;
  id: string;
  metadata: Json;
  personaEmbedding?: string | null | void;
  personaPatch: Json;
  setDisplayName: boolean;
  setHandle: boolean;
  setMetadata: boolean;
  setPersonaEmbedding: boolean;
  setStatus: boolean;
  setWallet: boolean;
  status: string;
  tenantId: string;
  walletAddress: string;
  walletNetwork: string;
}

/** 'UpdateAgent' return type */
export interface IUpdateAgentResult {
  archive_time: Date | null;
  create_fingerprint: Buffer;
  create_time: Date;
  display_name: string;
  handle: string;
  id: string;
  metadata: Json;
  persona: Json;
  persona_embedding: string | null;
  status: string;
  tenant_id: string;
  update_time: Date;
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'UpdateAgent' query type */
export interface IUpdateAgentQuery {
  params: IUpdateAgentParams;
  result: IUpdateAgentResult;
}

const updateAgentIR: any = {"usedParamSet":{"setHandle":true,"handle":true,"setDisplayName":true,"displayName":true,"setStatus":true,"status":true,"personaPatch":true,"setPersonaEmbedding":true,"personaEmbedding":true,"setWallet":true,"walletNetwork":true,"walletAddress":true,"setMetadata":true,"metadata":true,"tenantId":true,"id":true,"expectedVersion":true},"params":[{"name":"setHandle","required":true,"transform":{"type":"scalar"},"locs":[{"a":50,"b":60}]},{"name":"handle","required":true,"transform":{"type":"scalar"},"locs":[{"a":86,"b":93}]},{"name":"setDisplayName","required":true,"transform":{"type":"scalar"},"locs":[{"a":161,"b":176}]},{"name":"displayName","required":true,"transform":{"type":"scalar"},"locs":[{"a":197,"b":209}]},{"name":"setStatus","required":true,"transform":{"type":"scalar"},"locs":[{"a":278,"b":288}]},{"name":"status","required":true,"transform":{"type":"scalar"},"locs":[{"a":314,"b":321}]},{"name":"personaPatch","required":true,"transform":{"type":"scalar"},"locs":[{"a":390,"b":403}]},{"name":"setPersonaEmbedding","required":true,"transform":{"type":"scalar"},"locs":[{"a":445,"b":465}]},{"name":"personaEmbedding","required":false,"transform":{"type":"scalar"},"locs":[{"a":481,"b":497}]},{"name":"setWallet","required":true,"transform":{"type":"scalar"},"locs":[{"a":567,"b":577},{"a":686,"b":696}]},{"name":"walletNetwork","required":true,"transform":{"type":"scalar"},"locs":[{"a":603,"b":617}]},{"name":"walletAddress","required":true,"transform":{"type":"scalar"},"locs":[{"a":722,"b":736}]},{"name":"setMetadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":805,"b":817}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":841,"b":850}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":967,"b":976}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":987,"b":990}]},{"name":"expectedVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":1026,"b":1041},{"a":1072,"b":1087}]}],"statement":"UPDATE agents SET\n  handle            = CASE WHEN :setHandle!::boolean           THEN :handle!::text            ELSE handle END,\n  display_name      = CASE WHEN :setDisplayName!::boolean      THEN :displayName!::text       ELSE display_name END,\n  status            = CASE WHEN :setStatus!::boolean           THEN :status!::text            ELSE status END,\n  persona           = persona || :personaPatch!::jsonb,\n  persona_embedding = CASE WHEN :setPersonaEmbedding!::boolean THEN :personaEmbedding::vector ELSE persona_embedding END,\n  wallet_network    = CASE WHEN :setWallet!::boolean           THEN :walletNetwork!::text     ELSE wallet_network END,\n  wallet_address    = CASE WHEN :setWallet!::boolean           THEN :walletAddress!::text     ELSE wallet_address END,\n  metadata          = CASE WHEN :setMetadata!::boolean         THEN :metadata!::jsonb         ELSE metadata END,\n  version           = version + 1,\n  update_time       = now()\nWHERE tenant_id = :tenantId! AND id = :id!\n  AND status <> 'ARCHIVED'\n  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)\nRETURNING *"};

/**
 * Query generated from SQL:
 * ```
 * UPDATE agents SET
 *   handle            = CASE WHEN :setHandle!::boolean           THEN :handle!::text            ELSE handle END,
 *   display_name      = CASE WHEN :setDisplayName!::boolean      THEN :displayName!::text       ELSE display_name END,
 *   status            = CASE WHEN :setStatus!::boolean           THEN :status!::text            ELSE status END,
 *   persona           = persona || :personaPatch!::jsonb,
 *   persona_embedding = CASE WHEN :setPersonaEmbedding!::boolean THEN :personaEmbedding::vector ELSE persona_embedding END,
 *   wallet_network    = CASE WHEN :setWallet!::boolean           THEN :walletNetwork!::text     ELSE wallet_network END,
 *   wallet_address    = CASE WHEN :setWallet!::boolean           THEN :walletAddress!::text     ELSE wallet_address END,
 *   metadata          = CASE WHEN :setMetadata!::boolean         THEN :metadata!::jsonb         ELSE metadata END,
 *   version           = version + 1,
 *   update_time       = now()
 * WHERE tenant_id = :tenantId! AND id = :id!
 *   AND status <> 'ARCHIVED'
 *   AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
 * RETURNING *
 * ```
 */
export const updateAgent = new PreparedQuery<IUpdateAgentParams,IUpdateAgentResult>(updateAgentIR);


/** 'ArchiveAgent' parameters type */
export interface IArchiveAgentParams {
  expectedVersion?: string | null | void;
  id: string;
  tenantId: string;
}

/** 'ArchiveAgent' return type */
export interface IArchiveAgentResult {
  archive_time: Date | null;
  create_fingerprint: Buffer;
  create_time: Date;
  display_name: string;
  handle: string;
  id: string;
  metadata: Json;
  persona: Json;
  persona_embedding: string | null;
  status: string;
  tenant_id: string;
  update_time: Date;
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'ArchiveAgent' query type */
export interface IArchiveAgentQuery {
  params: IArchiveAgentParams;
  result: IArchiveAgentResult;
}

const archiveAgentIR: any = {"usedParamSet":{"tenantId":true,"id":true,"expectedVersion":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":142,"b":151}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":162,"b":165}]},{"name":"expectedVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":201,"b":216},{"a":247,"b":262}]}],"statement":"UPDATE agents SET\n  status       = 'ARCHIVED',\n  archive_time = now(),\n  version      = version + 1,\n  update_time  = now()\nWHERE tenant_id = :tenantId! AND id = :id!\n  AND status <> 'ARCHIVED'\n  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)\nRETURNING *                                                                                                                                                             "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE agents SET
 *   status       = 'ARCHIVED',
 *   archive_time = now(),
 *   version      = version + 1,
 *   update_time  = now()
 * WHERE tenant_id = :tenantId! AND id = :id!
 *   AND status <> 'ARCHIVED'
 *   AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
 * RETURNING *                                                                                                                                                             
 * ```
 */
export const archiveAgent = new PreparedQuery<IArchiveAgentParams,IArchiveAgentResult>(archiveAgentIR);


/** 'SearchSimilarAgents' parameters type */
export interface ISearchSimilarAgentsParams {
  excludeId?: string | null | void;
  limit: string;
  query: string;
  status?: string | null | void;
  tenantId: string;
  withEmbedding: boolean;
}

/** 'SearchSimilarAgents' return type */
export interface ISearchSimilarAgentsResult {
  archive_time: Date | null;
  create_fingerprint: Buffer;
  create_time: Date;
  display_name: string;
  distance: number;
  handle: string;
  id: string;
  metadata: Json;
  persona: Json;
  persona_embedding: string | null;
  status: string;
  tenant_id: string;
  update_time: Date;
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'SearchSimilarAgents' query type */
export interface ISearchSimilarAgentsQuery {
  params: ISearchSimilarAgentsParams;
  result: ISearchSimilarAgentsResult;
}

const searchSimilarAgentsIR: any = {"usedParamSet":{"query":true,"tenantId":true,"status":true,"excludeId":true,"limit":true,"withEmbedding":true},"params":[{"name":"query","required":true,"transform":{"type":"scalar"},"locs":[{"a":69,"b":75},{"a":370,"b":376}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":142,"b":151}]},{"name":"status","required":false,"transform":{"type":"scalar"},"locs":[{"a":233,"b":239},{"a":269,"b":275}]},{"name":"excludeId","required":false,"transform":{"type":"scalar"},"locs":[{"a":287,"b":296},{"a":323,"b":332}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":394,"b":400}]},{"name":"withEmbedding","required":true,"transform":{"type":"scalar"},"locs":[{"a":494,"b":508}]}],"statement":"WITH nearest AS MATERIALIZED (\n  SELECT a.*, a.persona_embedding <=> :query!::vector AS cosine_distance\n  FROM agents a\n  WHERE a.tenant_id = :tenantId!\n    AND a.persona_embedding IS NOT NULL\n    AND a.status <> 'ARCHIVED'\n    AND (:status::text IS NULL OR a.status = :status)\n    AND (:excludeId::uuid IS NULL OR a.id <> :excludeId)\n  ORDER BY a.persona_embedding <=> :query!::vector\n  LIMIT :limit!\n)\nSELECT n.tenant_id, n.id, n.handle, n.display_name, n.status, n.persona,\n       CASE WHEN :withEmbedding!::boolean THEN n.persona_embedding END AS persona_embedding,\n       n.wallet_network, n.wallet_address, n.metadata, n.create_fingerprint, n.version, n.create_time,\n       n.update_time, n.archive_time, n.cosine_distance AS \"distance!\"\nFROM nearest n ORDER BY n.cosine_distance"};

/**
 * Query generated from SQL:
 * ```
 * WITH nearest AS MATERIALIZED (
 *   SELECT a.*, a.persona_embedding <=> :query!::vector AS cosine_distance
 *   FROM agents a
 *   WHERE a.tenant_id = :tenantId!
 *     AND a.persona_embedding IS NOT NULL
 *     AND a.status <> 'ARCHIVED'
 *     AND (:status::text IS NULL OR a.status = :status)
 *     AND (:excludeId::uuid IS NULL OR a.id <> :excludeId)
 *   ORDER BY a.persona_embedding <=> :query!::vector
 *   LIMIT :limit!
 * )
 * SELECT n.tenant_id, n.id, n.handle, n.display_name, n.status, n.persona,
 *        CASE WHEN :withEmbedding!::boolean THEN n.persona_embedding END AS persona_embedding,
 *        n.wallet_network, n.wallet_address, n.metadata, n.create_fingerprint, n.version, n.create_time,
 *        n.update_time, n.archive_time, n.cosine_distance AS "distance!"
 * FROM nearest n ORDER BY n.cosine_distance
 * ```
 */
export const searchSimilarAgents = new PreparedQuery<ISearchSimilarAgentsParams,ISearchSimilarAgentsResult>(searchSimilarAgentsIR);


/** 'GetAgentEmbedding' parameters type */
export interface IGetAgentEmbeddingParams {
  id: string;
  tenantId: string;
}

/** 'GetAgentEmbedding' return type */
export interface IGetAgentEmbeddingResult {
  embedding: string | null;
}

/** 'GetAgentEmbedding' query type */
export interface IGetAgentEmbeddingQuery {
  params: IGetAgentEmbeddingParams;
  result: IGetAgentEmbeddingResult;
}

const getAgentEmbeddingIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":74,"b":83}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":94,"b":97}]}],"statement":"SELECT persona_embedding::text AS embedding FROM agents WHERE tenant_id = :tenantId! AND id = :id!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT persona_embedding::text AS embedding FROM agents WHERE tenant_id = :tenantId! AND id = :id!
 * ```
 */
export const getAgentEmbedding = new PreparedQuery<IGetAgentEmbeddingParams,IGetAgentEmbeddingResult>(getAgentEmbeddingIR);


