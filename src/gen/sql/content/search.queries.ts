/** Types generated for queries found in "sql/content/search.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type stringArray = (string)[];

/** 'SearchSimilarContent' parameters type */
export interface ISearchSimilarContentParams {
  agentId?: string | null | void;
  assetType?: string | null | void;
  campaignId?: string | null | void;
  excludeId?: string | null | void;
  limit: string;
  platform?: string | null | void;
  query: string;
  status?: string | null | void;
  tenantId: string;
}

/** 'SearchSimilarContent' return type */
export interface ISearchSimilarContentResult {
  distance: number;
  id: string;
}

/** 'SearchSimilarContent' query type */
export interface ISearchSimilarContentQuery {
  params: ISearchSimilarContentParams;
  result: ISearchSimilarContentResult;
}

const searchSimilarContentIR: any = {"usedParamSet":{"query":true,"tenantId":true,"agentId":true,"campaignId":true,"assetType":true,"platform":true,"status":true,"excludeId":true,"limit":true},"params":[{"name":"query","required":true,"transform":{"type":"scalar"},"locs":[{"a":62,"b":68},{"a":562,"b":568}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":136,"b":145}]},{"name":"agentId","required":false,"transform":{"type":"scalar"},"locs":[{"a":184,"b":191},{"a":223,"b":230}]},{"name":"campaignId","required":false,"transform":{"type":"scalar"},"locs":[{"a":242,"b":252},{"a":287,"b":297}]},{"name":"assetType","required":false,"transform":{"type":"scalar"},"locs":[{"a":309,"b":318},{"a":352,"b":361}]},{"name":"platform","required":false,"transform":{"type":"scalar"},"locs":[{"a":373,"b":381},{"a":413,"b":421}]},{"name":"status","required":false,"transform":{"type":"scalar"},"locs":[{"a":433,"b":439},{"a":469,"b":475}]},{"name":"excludeId","required":false,"transform":{"type":"scalar"},"locs":[{"a":487,"b":496},{"a":523,"b":532}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":586,"b":592}]}],"statement":"WITH nearest AS MATERIALIZED (\n  SELECT a.id, a.embedding <=> :query!::vector AS distance\n  FROM content_assets a\n  WHERE a.tenant_id = :tenantId! AND a.embedding IS NOT NULL\n    AND (:agentId::uuid IS NULL OR a.agent_id = :agentId)\n    AND (:campaignId::uuid IS NULL OR a.campaign_id = :campaignId)\n    AND (:assetType::text IS NULL OR a.asset_type = :assetType)\n    AND (:platform::text IS NULL OR a.platform = :platform)\n    AND (:status::text IS NULL OR a.status = :status)\n    AND (:excludeId::uuid IS NULL OR a.id <> :excludeId)\n  ORDER BY a.embedding <=> :query!::vector\n  LIMIT :limit!\n)\nSELECT n.id AS \"id!\", n.distance AS \"distance!\" FROM nearest n ORDER BY n.distance, n.id                                                                                                                           "};

/**
 * Query generated from SQL:
 * ```
 * WITH nearest AS MATERIALIZED (
 *   SELECT a.id, a.embedding <=> :query!::vector AS distance
 *   FROM content_assets a
 *   WHERE a.tenant_id = :tenantId! AND a.embedding IS NOT NULL
 *     AND (:agentId::uuid IS NULL OR a.agent_id = :agentId)
 *     AND (:campaignId::uuid IS NULL OR a.campaign_id = :campaignId)
 *     AND (:assetType::text IS NULL OR a.asset_type = :assetType)
 *     AND (:platform::text IS NULL OR a.platform = :platform)
 *     AND (:status::text IS NULL OR a.status = :status)
 *     AND (:excludeId::uuid IS NULL OR a.id <> :excludeId)
 *   ORDER BY a.embedding <=> :query!::vector
 *   LIMIT :limit!
 * )
 * SELECT n.id AS "id!", n.distance AS "distance!" FROM nearest n ORDER BY n.distance, n.id                                                                                                                           
 * ```
 */
export const searchSimilarContent = new PreparedQuery<ISearchSimilarContentParams,ISearchSimilarContentResult>(searchSimilarContentIR);


/** 'SearchSimilarContentExact' parameters type */
export interface ISearchSimilarContentExactParams {
  agentId?: string | null | void;
  assetType?: string | null | void;
  campaignId?: string | null | void;
  excludeId?: string | null | void;
  limit: string;
  platform?: string | null | void;
  query: string;
  status?: string | null | void;
  tenantId: string;
}

/** 'SearchSimilarContentExact' return type */
export interface ISearchSimilarContentExactResult {
  distance: number;
  id: string;
}

/** 'SearchSimilarContentExact' query type */
export interface ISearchSimilarContentExactQuery {
  params: ISearchSimilarContentExactParams;
  result: ISearchSimilarContentExactResult;
}

const searchSimilarContentExactIR: any = {"usedParamSet":{"query":true,"tenantId":true,"agentId":true,"campaignId":true,"assetType":true,"platform":true,"status":true,"excludeId":true,"limit":true},"params":[{"name":"query","required":true,"transform":{"type":"scalar"},"locs":[{"a":38,"b":44},{"a":524,"b":530}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":111,"b":120}]},{"name":"agentId","required":false,"transform":{"type":"scalar"},"locs":[{"a":157,"b":164},{"a":196,"b":203}]},{"name":"campaignId","required":false,"transform":{"type":"scalar"},"locs":[{"a":213,"b":223},{"a":258,"b":268}]},{"name":"assetType","required":false,"transform":{"type":"scalar"},"locs":[{"a":278,"b":287},{"a":321,"b":330}]},{"name":"platform","required":false,"transform":{"type":"scalar"},"locs":[{"a":340,"b":348},{"a":380,"b":388}]},{"name":"status","required":false,"transform":{"type":"scalar"},"locs":[{"a":398,"b":404},{"a":434,"b":440}]},{"name":"excludeId","required":false,"transform":{"type":"scalar"},"locs":[{"a":450,"b":459},{"a":486,"b":495}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":557,"b":563}]}],"statement":"SELECT a.id AS \"id!\", a.embedding <=> :query!::vector AS \"distance!\"\nFROM content_assets a\nWHERE a.tenant_id = :tenantId! AND a.embedding IS NOT NULL\n  AND (:agentId::uuid IS NULL OR a.agent_id = :agentId)\n  AND (:campaignId::uuid IS NULL OR a.campaign_id = :campaignId)\n  AND (:assetType::text IS NULL OR a.asset_type = :assetType)\n  AND (:platform::text IS NULL OR a.platform = :platform)\n  AND (:status::text IS NULL OR a.status = :status)\n  AND (:excludeId::uuid IS NULL OR a.id <> :excludeId)\nORDER BY (a.embedding <=> :query!::vector) + 0, a.id\nLIMIT :limit!                                               "};

/**
 * Query generated from SQL:
 * ```
 * SELECT a.id AS "id!", a.embedding <=> :query!::vector AS "distance!"
 * FROM content_assets a
 * WHERE a.tenant_id = :tenantId! AND a.embedding IS NOT NULL
 *   AND (:agentId::uuid IS NULL OR a.agent_id = :agentId)
 *   AND (:campaignId::uuid IS NULL OR a.campaign_id = :campaignId)
 *   AND (:assetType::text IS NULL OR a.asset_type = :assetType)
 *   AND (:platform::text IS NULL OR a.platform = :platform)
 *   AND (:status::text IS NULL OR a.status = :status)
 *   AND (:excludeId::uuid IS NULL OR a.id <> :excludeId)
 * ORDER BY (a.embedding <=> :query!::vector) + 0, a.id
 * LIMIT :limit!                                               
 * ```
 */
export const searchSimilarContentExact = new PreparedQuery<ISearchSimilarContentExactParams,ISearchSimilarContentExactResult>(searchSimilarContentExactIR);


/** 'GetAssetEmbedding' parameters type */
export interface IGetAssetEmbeddingParams {
  id: string;
  tenantId: string;
}

/** 'GetAssetEmbedding' return type */
export interface IGetAssetEmbeddingResult {
  embedding: string | null;
}

/** 'GetAssetEmbedding' query type */
export interface IGetAssetEmbeddingQuery {
  params: IGetAssetEmbeddingParams;
  result: IGetAssetEmbeddingResult;
}

const getAssetEmbeddingIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":55,"b":64}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":75,"b":78}]}],"statement":"SELECT embedding FROM content_assets WHERE tenant_id = :tenantId! AND id = :id!                                                                      "};

/**
 * Query generated from SQL:
 * ```
 * SELECT embedding FROM content_assets WHERE tenant_id = :tenantId! AND id = :id!                                                                      
 * ```
 */
export const getAssetEmbedding = new PreparedQuery<IGetAssetEmbeddingParams,IGetAssetEmbeddingResult>(getAssetEmbeddingIR);


/** 'GetAssetsByIds' parameters type */
export interface IGetAssetsByIdsParams {
  ids: stringArray;
  tenantId: string;
}

/** 'GetAssetsByIds' return type */
export interface IGetAssetsByIdsResult {
  agent_id: string;
  asset_type: string;
  campaign_id: string | null;
  confidence_score: number | null;
  create_fingerprint: Buffer;
  create_time: Date;
  disclosure_level: string | null;
  embedding: string | null;
  embedding_model: string;
  external_id: string | null;
  id: string;
  metadata: Json;
  platform: string | null;
  publish_time: Date | null;
  status: string;
  storage_url: string;
  task_id: string | null;
  tenant_id: string;
  text_content: string;
  update_time: Date;
  version: string;
  video: Json | null;
}

/** 'GetAssetsByIds' query type */
export interface IGetAssetsByIdsQuery {
  params: IGetAssetsByIdsParams;
  result: IGetAssetsByIdsResult;
}

const getAssetsByIdsIR: any = {"usedParamSet":{"tenantId":true,"ids":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":519,"b":528}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":545,"b":549}]}],"statement":"SELECT a.tenant_id, a.id, a.agent_id, a.campaign_id, a.task_id, a.asset_type, a.platform, a.status, a.text_content,\n       a.storage_url, a.external_id, a.disclosure_level, a.confidence_score, NULL::text AS embedding,\n       a.embedding_model, a.metadata, a.create_fingerprint, a.version, a.create_time, a.update_time, a.publish_time,\n       to_jsonb(v) - '{tenant_id,asset_id,id}'::text[] AS video\nFROM content_assets a\nLEFT JOIN content_videos v ON v.tenant_id = a.tenant_id AND v.asset_id = a.id\nWHERE a.tenant_id = :tenantId! AND a.id = ANY(:ids!::uuid[])"};

/**
 * Query generated from SQL:
 * ```
 * SELECT a.tenant_id, a.id, a.agent_id, a.campaign_id, a.task_id, a.asset_type, a.platform, a.status, a.text_content,
 *        a.storage_url, a.external_id, a.disclosure_level, a.confidence_score, NULL::text AS embedding,
 *        a.embedding_model, a.metadata, a.create_fingerprint, a.version, a.create_time, a.update_time, a.publish_time,
 *        to_jsonb(v) - '{tenant_id,asset_id,id}'::text[] AS video
 * FROM content_assets a
 * LEFT JOIN content_videos v ON v.tenant_id = a.tenant_id AND v.asset_id = a.id
 * WHERE a.tenant_id = :tenantId! AND a.id = ANY(:ids!::uuid[])
 * ```
 */
export const getAssetsByIds = new PreparedQuery<IGetAssetsByIdsParams,IGetAssetsByIdsResult>(getAssetsByIdsIR);


