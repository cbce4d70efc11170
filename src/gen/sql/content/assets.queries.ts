/** Types generated for queries found in "sql/content/assets.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type stringArray = (string)[];

/** 'InsertAsset' parameters type */
export interface IInsertAssetParams {
  agentId: string;
  assetType: string;
  campaignId?: string | null | void;
  confidenceScore?: number | null | void;
  createFingerprint: Buffer;
  disclosureLevel?: string | null | void;
  embedding?: string | null | void;
  embeddingModel: string;
  id: string;
  metadata: Json;
  platform?: string | null | void;
  storageUrl: string;
  taskId?: string | null | void;
  tenantId: string;
  textContent: string;
}

/** 'InsertAsset' return type */
export interface IInsertAssetResult {
  id: string;
}

/** 'InsertAsset' query type */
export interface IInsertAssetQuery {
  params: IInsertAssetParams;
  result: IInsertAssetResult;
}

const insertAssetIR: any = {"usedParamSet":{"tenantId":true,"id":true,"agentId":true,"campaignId":true,"taskId":true,"assetType":true,"platform":true,"textContent":true,"storageUrl":true,"disclosureLevel":true,"confidenceScore":true,"embedding":true,"embeddingModel":true,"metadata":true,"createFingerprint":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":282,"b":291}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":294,"b":297}]},{"name":"agentId","required":true,"transform":{"type":"scalar"},"locs":[{"a":300,"b":308}]},{"name":"campaignId","required":false,"transform":{"type":"scalar"},"locs":[{"a":311,"b":321}]},{"name":"taskId","required":false,"transform":{"type":"scalar"},"locs":[{"a":330,"b":336}]},{"name":"assetType","required":true,"transform":{"type":"scalar"},"locs":[{"a":345,"b":355}]},{"name":"platform","required":false,"transform":{"type":"scalar"},"locs":[{"a":358,"b":366}]},{"name":"textContent","required":true,"transform":{"type":"scalar"},"locs":[{"a":375,"b":387}]},{"name":"storageUrl","required":true,"transform":{"type":"scalar"},"locs":[{"a":398,"b":409}]},{"name":"disclosureLevel","required":false,"transform":{"type":"scalar"},"locs":[{"a":412,"b":427}]},{"name":"confidenceScore","required":false,"transform":{"type":"scalar"},"locs":[{"a":436,"b":451}]},{"name":"embedding","required":false,"transform":{"type":"scalar"},"locs":[{"a":462,"b":471}]},{"name":"embeddingModel","required":true,"transform":{"type":"scalar"},"locs":[{"a":482,"b":497}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":500,"b":509}]},{"name":"createFingerprint","required":true,"transform":{"type":"scalar"},"locs":[{"a":520,"b":538}]}],"statement":"INSERT INTO content_assets (tenant_id, id, agent_id, campaign_id, task_id, asset_type, platform, text_content,\n                            storage_url, disclosure_level, confidence_score, embedding, embedding_model, metadata,\n                            create_fingerprint)\nVALUES (:tenantId!, :id!, :agentId!, :campaignId::uuid, :taskId::uuid, :assetType!, :platform::text, :textContent!,\n        :storageUrl!, :disclosureLevel::text, :confidenceScore::float8, :embedding::vector, :embeddingModel!, :metadata!,\n        :createFingerprint!)\nON CONFLICT (tenant_id, id) DO NOTHING\nRETURNING id AS \"id!\"                                                           "};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO content_assets (tenant_id, id, agent_id, campaign_id, task_id, asset_type, platform, text_content,
 *                             storage_url, disclosure_level, confidence_score, embedding, embedding_model, metadata,
 *                             create_fingerprint)
 * VALUES (:tenantId!, :id!, :agentId!, :campaignId::uuid, :taskId::uuid, :assetType!, :platform::text, :textContent!,
 *         :storageUrl!, :disclosureLevel::text, :confidenceScore::float8, :embedding::vector, :embeddingModel!, :metadata!,
 *         :createFingerprint!)
 * ON CONFLICT (tenant_id, id) DO NOTHING
 * RETURNING id AS "id!"                                                           
 * ```
 */
export const insertAsset = new PreparedQuery<IInsertAssetParams,IInsertAssetResult>(insertAssetIR);


/** 'PutVideo' parameters type */
export interface IPutVideoParams {
  assetId: string;
  bitrateKbps?: number | null | void;
  codec: string;
  durationMs: string;
  fileSizeBytes?: string | null | void;
  frameRate: number;
  height: number;
  tenantId: string;
  thumbnailUrl: string;
  tier?: string | null | void;
  topics: stringArray;
  transcript: string;
  width: number;
}

/** 'PutVideo' return type */
export interface IPutVideoResult {
  asset_id: string;
}

/** 'PutVideo' query type */
export interface IPutVideoQuery {
  params: IPutVideoParams;
  result: IPutVideoResult;
}

const putVideoIR: any = {"usedParamSet":{"tenantId":true,"assetId":true,"durationMs":true,"width":true,"height":true,"frameRate":true,"codec":true,"bitrateKbps":true,"fileSizeBytes":true,"tier":true,"thumbnailUrl":true,"transcript":true,"topics":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":204,"b":213}]},{"name":"assetId","required":true,"transform":{"type":"scalar"},"locs":[{"a":216,"b":224}]},{"name":"durationMs","required":true,"transform":{"type":"scalar"},"locs":[{"a":227,"b":238}]},{"name":"width","required":true,"transform":{"type":"scalar"},"locs":[{"a":241,"b":247}]},{"name":"height","required":true,"transform":{"type":"scalar"},"locs":[{"a":250,"b":257}]},{"name":"frameRate","required":true,"transform":{"type":"scalar"},"locs":[{"a":260,"b":270}]},{"name":"codec","required":true,"transform":{"type":"scalar"},"locs":[{"a":273,"b":279}]},{"name":"bitrateKbps","required":false,"transform":{"type":"scalar"},"locs":[{"a":282,"b":293}]},{"name":"fileSizeBytes","required":false,"transform":{"type":"scalar"},"locs":[{"a":313,"b":326}]},{"name":"tier","required":false,"transform":{"type":"scalar"},"locs":[{"a":337,"b":341}]},{"name":"thumbnailUrl","required":true,"transform":{"type":"scalar"},"locs":[{"a":350,"b":363}]},{"name":"transcript","required":true,"transform":{"type":"scalar"},"locs":[{"a":366,"b":377}]},{"name":"topics","required":true,"transform":{"type":"scalar"},"locs":[{"a":380,"b":387}]}],"statement":"INSERT INTO content_videos (tenant_id, asset_id, duration_ms, width, height, frame_rate, codec, bitrate_kbps,\n                            file_size_bytes, tier, thumbnail_url, transcript, topics)\nVALUES (:tenantId!, :assetId!, :durationMs!, :width!, :height!, :frameRate!, :codec!, :bitrateKbps::integer,\n        :fileSizeBytes::bigint, :tier::text, :thumbnailUrl!, :transcript!, :topics!::text[])\nON CONFLICT (tenant_id, asset_id) DO UPDATE SET\n  duration_ms = EXCLUDED.duration_ms, width = EXCLUDED.width, height = EXCLUDED.height,\n  frame_rate = EXCLUDED.frame_rate, codec = EXCLUDED.codec, bitrate_kbps = EXCLUDED.bitrate_kbps,\n  file_size_bytes = EXCLUDED.file_size_bytes, tier = EXCLUDED.tier, thumbnail_url = EXCLUDED.thumbnail_url,\n  transcript = EXCLUDED.transcript, topics = EXCLUDED.topics\nRETURNING asset_id AS \"asset_id!\"                                                                                                   "};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO content_videos (tenant_id, asset_id, duration_ms, width, height, frame_rate, codec, bitrate_kbps,
 *                             file_size_bytes, tier, thumbnail_url, transcript, topics)
 * VALUES (:tenantId!, :assetId!, :durationMs!, :width!, :height!, :frameRate!, :codec!, :bitrateKbps::integer,
 *         :fileSizeBytes::bigint, :tier::text, :thumbnailUrl!, :transcript!, :topics!::text[])
 * ON CONFLICT (tenant_id, asset_id) DO UPDATE SET
 *   duration_ms = EXCLUDED.duration_ms, width = EXCLUDED.width, height = EXCLUDED.height,
 *   frame_rate = EXCLUDED.frame_rate, codec = EXCLUDED.codec, bitrate_kbps = EXCLUDED.bitrate_kbps,
 *   file_size_bytes = EXCLUDED.file_size_bytes, tier = EXCLUDED.tier, thumbnail_url = EXCLUDED.thumbnail_url,
 *   transcript = EXCLUDED.transcript, topics = EXCLUDED.topics
 * RETURNING asset_id AS "asset_id!"                                                                                                   
 * ```
 */
export const putVideo = new PreparedQuery<IPutVideoParams,IPutVideoResult>(putVideoIR);


/** 'GetAsset' parameters type */
export interface IGetAssetParams {
  id: string;
  tenantId: string;
  withEmbedding: boolean;
}

/** 'GetAsset' return type */
export interface IGetAssetResult {
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

/** 'GetAsset' query type */
export interface IGetAssetQuery {
  params: IGetAssetParams;
  result: IGetAssetResult;
}

const getAssetIR: any = {"usedParamSet":{"withEmbedding":true,"tenantId":true,"id":true},"params":[{"name":"withEmbedding","required":true,"transform":{"type":"scalar"},"locs":[{"a":210,"b":224}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":571,"b":580}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":593,"b":596}]}],"statement":"SELECT a.tenant_id, a.id, a.agent_id, a.campaign_id, a.task_id, a.asset_type, a.platform, a.status, a.text_content,\n       a.storage_url, a.external_id, a.disclosure_level, a.confidence_score,\n       CASE WHEN :withEmbedding!::boolean THEN a.embedding END AS embedding,\n       a.embedding_model, a.metadata, a.create_fingerprint, a.version, a.create_time, a.update_time, a.publish_time,\n       to_jsonb(v) - '{tenant_id,asset_id,id}'::text[] AS video\nFROM content_assets a\nLEFT JOIN content_videos v ON v.tenant_id = a.tenant_id AND v.asset_id = a.id\nWHERE a.tenant_id = :tenantId! AND a.id = :id!                                            "};

/**
 * Query generated from SQL:
 * ```
 * SELECT a.tenant_id, a.id, a.agent_id, a.campaign_id, a.task_id, a.asset_type, a.platform, a.status, a.text_content,
 *        a.storage_url, a.external_id, a.disclosure_level, a.confidence_score,
 *        CASE WHEN :withEmbedding!::boolean THEN a.embedding END AS embedding,
 *        a.embedding_model, a.metadata, a.create_fingerprint, a.version, a.create_time, a.update_time, a.publish_time,
 *        to_jsonb(v) - '{tenant_id,asset_id,id}'::text[] AS video
 * FROM content_assets a
 * LEFT JOIN content_videos v ON v.tenant_id = a.tenant_id AND v.asset_id = a.id
 * WHERE a.tenant_id = :tenantId! AND a.id = :id!                                            
 * ```
 */
export const getAsset = new PreparedQuery<IGetAssetParams,IGetAssetResult>(getAssetIR);


/** 'ListAssets' parameters type */
export interface IListAssetsParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  agentId?: string | null | void;
  assetType?: string | null | void;
  campaignId?: string | null | void;
  limit: string;
  status?: string | null | void;
  tenantId: string;
}

/** 'ListAssets' return type */
export interface IListAssetsResult {
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

/** 'ListAssets' query type */
export interface IListAssetsQuery {
  params: IListAssetsParams;
  result: IListAssetsResult;
}

const listAssetsIR: any = {"usedParamSet":{"tenantId":true,"agentId":true,"campaignId":true,"status":true,"assetType":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":519,"b":528}]},{"name":"agentId","required":false,"transform":{"type":"scalar"},"locs":[{"a":537,"b":544},{"a":576,"b":583}]},{"name":"campaignId","required":false,"transform":{"type":"scalar"},"locs":[{"a":593,"b":603},{"a":638,"b":648}]},{"name":"status","required":false,"transform":{"type":"scalar"},"locs":[{"a":658,"b":664},{"a":694,"b":700}]},{"name":"assetType","required":false,"transform":{"type":"scalar"},"locs":[{"a":710,"b":719},{"a":753,"b":762}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":772,"b":781},{"a":832,"b":841}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":844,"b":851}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":896,"b":902}]}],"statement":"SELECT a.tenant_id, a.id, a.agent_id, a.campaign_id, a.task_id, a.asset_type, a.platform, a.status, a.text_content,\n       a.storage_url, a.external_id, a.disclosure_level, a.confidence_score, NULL::text AS embedding,\n       a.embedding_model, a.metadata, a.create_fingerprint, a.version, a.create_time, a.update_time, a.publish_time,\n       to_jsonb(v) - '{tenant_id,asset_id,id}'::text[] AS video\nFROM content_assets a\nLEFT JOIN content_videos v ON v.tenant_id = a.tenant_id AND v.asset_id = a.id\nWHERE a.tenant_id = :tenantId!\n  AND (:agentId::uuid IS NULL OR a.agent_id = :agentId)\n  AND (:campaignId::uuid IS NULL OR a.campaign_id = :campaignId)\n  AND (:status::text IS NULL OR a.status = :status)\n  AND (:assetType::text IS NULL OR a.asset_type = :assetType)\n  AND (:afterTime::timestamptz IS NULL OR (a.create_time, a.id) > (:afterTime, :afterId::uuid))\nORDER BY a.create_time, a.id\nLIMIT :limit!                                                                                                                                                                 "};

/**
 * Query generated from SQL:
 * ```
 * SELECT a.tenant_id, a.id, a.agent_id, a.campaign_id, a.task_id, a.asset_type, a.platform, a.status, a.text_content,
 *        a.storage_url, a.external_id, a.disclosure_level, a.confidence_score, NULL::text AS embedding,
 *        a.embedding_model, a.metadata, a.create_fingerprint, a.version, a.create_time, a.update_time, a.publish_time,
 *        to_jsonb(v) - '{tenant_id,asset_id,id}'::text[] AS video
 * FROM content_assets a
 * LEFT JOIN content_videos v ON v.tenant_id = a.tenant_id AND v.asset_id = a.id
 * WHERE a.tenant_id = :tenantId!
 *   AND (:agentId::uuid IS NULL OR a.agent_id = :agentId)
 *   AND (:campaignId::uuid IS NULL OR a.campaign_id = :campaignId)
 *   AND (:status::text IS NULL OR a.status = :status)
 *   AND (:assetType::text IS NULL OR a.asset_type = :assetType)
 *   AND (:afterTime::timestamptz IS NULL OR (a.create_time, a.id) > (:afterTime, :afterId::uuid))
 * ORDER BY a.create_time, a.id
 * LIMIT :limit!                                                                                                                                                                 
 * ```
 */
export const listAssets = new PreparedQuery<IListAssetsParams,IListAssetsResult>(listAssetsIR);


/** 'UpdateAsset' parameters type */
export interface IUpdateAssetParams {
  confidenceScore?: number | null | void;
  disclosureLevel?: string | null | void;
  embedding?: string | null | void;
  embeddingModel: string;
  expectedVersion: string;
  fromStatus: string;
  id: string;
  metadata: Json;
  platform?: string | null | void;
  setConfidence: boolean;
  setDisclosure: boolean;
  setEmbedding: boolean;
  setMetadata: boolean;
  setPlatform: boolean;
  setStorageUrl: boolean;
  setText: boolean;
  status: string;
  storageUrl: string;
  tenantId: string;
  textContent: string;
}

/** 'UpdateAsset' return type */
export interface IUpdateAssetResult {
  id: string;
}

/** 'UpdateAsset' query type */
export interface IUpdateAssetQuery {
  params: IUpdateAssetParams;
  result: IUpdateAssetResult;
}

const updateAssetIR: any = {"usedParamSet":{"status":true,"setPlatform":true,"platform":true,"setText":true,"textContent":true,"setStorageUrl":true,"storageUrl":true,"setDisclosure":true,"disclosureLevel":true,"setConfidence":true,"confidenceScore":true,"setEmbedding":true,"embedding":true,"embeddingModel":true,"setMetadata":true,"metadata":true,"tenantId":true,"id":true,"fromStatus":true,"expectedVersion":true},"params":[{"name":"status","required":true,"transform":{"type":"scalar"},"locs":[{"a":47,"b":54}]},{"name":"setPlatform","required":true,"transform":{"type":"scalar"},"locs":[{"a":94,"b":106}]},{"name":"platform","required":false,"transform":{"type":"scalar"},"locs":[{"a":124,"b":132}]},{"name":"setText","required":true,"transform":{"type":"scalar"},"locs":[{"a":201,"b":209}]},{"name":"textContent","required":true,"transform":{"type":"scalar"},"locs":[{"a":231,"b":243}]},{"name":"setStorageUrl","required":true,"transform":{"type":"scalar"},"locs":[{"a":312,"b":326}]},{"name":"storageUrl","required":true,"transform":{"type":"scalar"},"locs":[{"a":342,"b":353}]},{"name":"setDisclosure","required":true,"transform":{"type":"scalar"},"locs":[{"a":422,"b":436}]},{"name":"disclosureLevel","required":false,"transform":{"type":"scalar"},"locs":[{"a":452,"b":467}]},{"name":"setConfidence","required":true,"transform":{"type":"scalar"},"locs":[{"a":537,"b":551}]},{"name":"confidenceScore","required":false,"transform":{"type":"scalar"},"locs":[{"a":567,"b":582}]},{"name":"setEmbedding","required":true,"transform":{"type":"scalar"},"locs":[{"a":652,"b":665},{"a":760,"b":773}]},{"name":"embedding","required":false,"transform":{"type":"scalar"},"locs":[{"a":682,"b":691}]},{"name":"embeddingModel","required":true,"transform":{"type":"scalar"},"locs":[{"a":790,"b":805}]},{"name":"setMetadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":874,"b":886}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":904,"b":913}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":1029,"b":1038}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":1049,"b":1052}]},{"name":"fromStatus","required":true,"transform":{"type":"scalar"},"locs":[{"a":1067,"b":1078}]},{"name":"expectedVersion","required":true,"transform":{"type":"scalar"},"locs":[{"a":1094,"b":1110}]}],"statement":"UPDATE content_assets SET\n  status           = :status!::text,\n  platform         = CASE WHEN :setPlatform!::boolean   THEN :platform::text            ELSE platform END,\n  text_content     = CASE WHEN :setText!::boolean       THEN :textContent!::text        ELSE text_content END,\n  storage_url      = CASE WHEN :setStorageUrl!::boolean THEN :storageUrl!::text         ELSE storage_url END,\n  disclosure_level = CASE WHEN :setDisclosure!::boolean THEN :disclosureLevel::text     ELSE disclosure_level END,\n  confidence_score = CASE WHEN :setConfidence!::boolean THEN :confidenceScore::float8   ELSE confidence_score END,\n  embedding        = CASE WHEN :setEmbedding!::boolean  THEN :embedding::vector         ELSE embedding END,\n  embedding_model  = CASE WHEN :setEmbedding!::boolean  THEN :embeddingModel!::text     ELSE embedding_model END,\n  metadata         = CASE WHEN :setMetadata!::boolean   THEN :metadata!::jsonb          ELSE metadata END,\n  version          = version + 1,\n  update_time      = now()\nWHERE tenant_id = :tenantId! AND id = :id! AND status = :fromStatus! AND version = :expectedVersion!\nRETURNING id AS \"id!\"                                                                                   "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE content_assets SET
 *   status           = :status!::text,
 *   platform         = CASE WHEN :setPlatform!::boolean   THEN :platform::text            ELSE platform END,
 *   text_content     = CASE WHEN :setText!::boolean       THEN :textContent!::text        ELSE text_content END,
 *   storage_url      = CASE WHEN :setStorageUrl!::boolean THEN :storageUrl!::text         ELSE storage_url END,
 *   disclosure_level = CASE WHEN :setDisclosure!::boolean THEN :disclosureLevel::text     ELSE disclosure_level END,
 *   confidence_score = CASE WHEN :setConfidence!::boolean THEN :confidenceScore::float8   ELSE confidence_score END,
 *   embedding        = CASE WHEN :setEmbedding!::boolean  THEN :embedding::vector         ELSE embedding END,
 *   embedding_model  = CASE WHEN :setEmbedding!::boolean  THEN :embeddingModel!::text     ELSE embedding_model END,
 *   metadata         = CASE WHEN :setMetadata!::boolean   THEN :metadata!::jsonb          ELSE metadata END,
 *   version          = version + 1,
 *   update_time      = now()
 * WHERE tenant_id = :tenantId! AND id = :id! AND status = :fromStatus! AND version = :expectedVersion!
 * RETURNING id AS "id!"                                                                                   
 * ```
 */
export const updateAsset = new PreparedQuery<IUpdateAssetParams,IUpdateAssetResult>(updateAssetIR);


/** 'PublishAsset' parameters type */
export interface IPublishAssetParams {
  disclosureLevel?: string | null | void;
  expectedVersion: string;
  externalId: string;
  id: string;
  platform?: string | null | void;
  tenantId: string;
}

/** 'PublishAsset' return type */
export interface IPublishAssetResult {
  id: string;
}

/** 'PublishAsset' query type */
export interface IPublishAssetQuery {
  params: IPublishAssetParams;
  result: IPublishAssetResult;
}

const publishAssetIR: any = {"usedParamSet":{"platform":true,"disclosureLevel":true,"externalId":true,"tenantId":true,"id":true,"expectedVersion":true},"params":[{"name":"platform","required":false,"transform":{"type":"scalar"},"locs":[{"a":90,"b":98}]},{"name":"disclosureLevel","required":false,"transform":{"type":"scalar"},"locs":[{"a":148,"b":163}]},{"name":"externalId","required":true,"transform":{"type":"scalar"},"locs":[{"a":212,"b":223}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":333,"b":342}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":353,"b":356}]},{"name":"expectedVersion","required":true,"transform":{"type":"scalar"},"locs":[{"a":396,"b":412}]}],"statement":"UPDATE content_assets SET\n  status           = 'PUBLISHED',\n  platform         = coalesce(:platform::text, platform),\n  disclosure_level = coalesce(:disclosureLevel::text, disclosure_level),\n  external_id      = :externalId!,\n  publish_time     = now(),\n  version          = version + 1,\n  update_time      = now()\nWHERE tenant_id = :tenantId! AND id = :id! AND status = 'APPROVED' AND version = :expectedVersion!\nRETURNING id AS \"id!\""};

/**
 * Query generated from SQL:
 * ```
 * UPDATE content_assets SET
 *   status           = 'PUBLISHED',
 *   platform         = coalesce(:platform::text, platform),
 *   disclosure_level = coalesce(:disclosureLevel::text, disclosure_level),
 *   external_id      = :externalId!,
 *   publish_time     = now(),
 *   version          = version + 1,
 *   update_time      = now()
 * WHERE tenant_id = :tenantId! AND id = :id! AND status = 'APPROVED' AND version = :expectedVersion!
 * RETURNING id AS "id!"
 * ```
 */
export const publishAsset = new PreparedQuery<IPublishAssetParams,IPublishAssetResult>(publishAssetIR);


/** 'ArchiveAsset' parameters type */
export interface IArchiveAssetParams {
  expectedVersion: string;
  id: string;
  tenantId: string;
}

/** 'ArchiveAsset' return type */
export interface IArchiveAssetResult {
  id: string;
}

/** 'ArchiveAsset' query type */
export interface IArchiveAssetQuery {
  params: IArchiveAssetParams;
  result: IArchiveAssetResult;
}

const archiveAssetIR: any = {"usedParamSet":{"tenantId":true,"id":true,"expectedVersion":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":108,"b":117}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":128,"b":131}]},{"name":"expectedVersion","required":true,"transform":{"type":"scalar"},"locs":[{"a":172,"b":188}]}],"statement":"UPDATE content_assets SET status = 'ARCHIVED', version = version + 1, update_time = now()\nWHERE tenant_id = :tenantId! AND id = :id! AND status <> 'ARCHIVED' AND version = :expectedVersion!\nRETURNING id AS \"id!\"                                                                                     "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE content_assets SET status = 'ARCHIVED', version = version + 1, update_time = now()
 * WHERE tenant_id = :tenantId! AND id = :id! AND status <> 'ARCHIVED' AND version = :expectedVersion!
 * RETURNING id AS "id!"                                                                                     
 * ```
 */
export const archiveAsset = new PreparedQuery<IArchiveAssetParams,IArchiveAssetResult>(archiveAssetIR);


/** 'ExternalIdTaken' parameters type */
export interface IExternalIdTakenParams {
  externalId: string;
  platform: string;
  tenantId: string;
}

/** 'ExternalIdTaken' return type */
export interface IExternalIdTakenResult {
  taken: boolean;
}

/** 'ExternalIdTaken' query type */
export interface IExternalIdTakenQuery {
  params: IExternalIdTakenParams;
  result: IExternalIdTakenResult;
}

const externalIdTakenIR: any = {"usedParamSet":{"tenantId":true,"platform":true,"externalId":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":62,"b":71}]},{"name":"platform","required":true,"transform":{"type":"scalar"},"locs":[{"a":88,"b":97}]},{"name":"externalId","required":true,"transform":{"type":"scalar"},"locs":[{"a":117,"b":128}]}],"statement":"SELECT EXISTS (SELECT 1 FROM content_assets WHERE tenant_id = :tenantId! AND platform = :platform! AND external_id = :externalId!) AS \"taken!\"                                                                                                                                                                      "};

/**
 * Query generated from SQL:
 * ```
 * SELECT EXISTS (SELECT 1 FROM content_assets WHERE tenant_id = :tenantId! AND platform = :platform! AND external_id = :externalId!) AS "taken!"                                                                                                                                                                      
 * ```
 */
export const externalIdTaken = new PreparedQuery<IExternalIdTakenParams,IExternalIdTakenResult>(externalIdTakenIR);


/** 'GetAssetReferences' parameters type */
export interface IGetAssetReferencesParams {
  agentId: string;
  campaignId?: string | null | void;
  taskId?: string | null | void;
  tenantId: string;
}

/** 'GetAssetReferences' return type */
export interface IGetAssetReferencesResult {
  agent_status: string | null;
  campaign_found: boolean;
  task_found: boolean;
}

/** 'GetAssetReferences' query type */
export interface IGetAssetReferencesQuery {
  params: IGetAssetReferencesParams;
  result: IGetAssetReferencesResult;
}

const getAssetReferencesIR: any = {"usedParamSet":{"tenantId":true,"agentId":true,"campaignId":true,"taskId":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":52,"b":61},{"a":187,"b":196},{"a":322,"b":331}]},{"name":"agentId","required":true,"transform":{"type":"scalar"},"locs":[{"a":72,"b":80}]},{"name":"campaignId","required":false,"transform":{"type":"scalar"},"locs":[{"a":108,"b":118},{"a":207,"b":217}]},{"name":"taskId","required":false,"transform":{"type":"scalar"},"locs":[{"a":251,"b":257},{"a":342,"b":348}]}],"statement":"SELECT (SELECT status FROM agents WHERE tenant_id = :tenantId! AND id = :agentId!) AS agent_status,\n       (:campaignId::uuid IS NULL OR EXISTS (SELECT 1 FROM campaigns WHERE tenant_id = :tenantId! AND id = :campaignId)) AS \"campaign_found!\",\n       (:taskId::uuid IS NULL OR EXISTS (SELECT 1 FROM tasks WHERE tenant_id = :tenantId! AND id = :taskId)) AS \"task_found!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT (SELECT status FROM agents WHERE tenant_id = :tenantId! AND id = :agentId!) AS agent_status,
 *        (:campaignId::uuid IS NULL OR EXISTS (SELECT 1 FROM campaigns WHERE tenant_id = :tenantId! AND id = :campaignId)) AS "campaign_found!",
 *        (:taskId::uuid IS NULL OR EXISTS (SELECT 1 FROM tasks WHERE tenant_id = :tenantId! AND id = :taskId)) AS "task_found!"
 * ```
 */
export const getAssetReferences = new PreparedQuery<IGetAssetReferencesParams,IGetAssetReferencesResult>(getAssetReferencesIR);


