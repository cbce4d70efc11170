/* A repeated id returns no row (the handler then compares fingerprints). */
/* @name insertAsset */
INSERT INTO content_assets (tenant_id, id, agent_id, campaign_id, task_id, asset_type, platform, text_content,
                            storage_url, disclosure_level, confidence_score, embedding, embedding_model, metadata,
                            create_fingerprint)
VALUES (:tenantId!, :id!, :agentId!, :campaignId::uuid, :taskId::uuid, :assetType!, :platform::text, :textContent!,
        :storageUrl!, :disclosureLevel::text, :confidenceScore::float8, :embedding::vector, :embeddingModel!, :metadata!,
        :createFingerprint!)
ON CONFLICT (tenant_id, id) DO NOTHING
RETURNING id AS "id!";

/* Sets a video asset's metadata, replacing what it had. */
/* @name putVideo */
INSERT INTO content_videos (tenant_id, asset_id, duration_ms, width, height, frame_rate, codec, bitrate_kbps,
                            file_size_bytes, tier, thumbnail_url, transcript, topics)
VALUES (:tenantId!, :assetId!, :durationMs!, :width!, :height!, :frameRate!, :codec!, :bitrateKbps::integer,
        :fileSizeBytes::bigint, :tier::text, :thumbnailUrl!, :transcript!, :topics!::text[])
ON CONFLICT (tenant_id, asset_id) DO UPDATE SET
  duration_ms = EXCLUDED.duration_ms, width = EXCLUDED.width, height = EXCLUDED.height,
  frame_rate = EXCLUDED.frame_rate, codec = EXCLUDED.codec, bitrate_kbps = EXCLUDED.bitrate_kbps,
  file_size_bytes = EXCLUDED.file_size_bytes, tier = EXCLUDED.tier, thumbnail_url = EXCLUDED.thumbnail_url,
  transcript = EXCLUDED.transcript, topics = EXCLUDED.topics
RETURNING asset_id AS "asset_id!";

/* An asset with its video metadata (a JSON object, or null), and its embedding unless left out. */
/* @name getAsset */
SELECT a.tenant_id, a.id, a.agent_id, a.campaign_id, a.task_id, a.asset_type, a.platform, a.status, a.text_content,
       a.storage_url, a.external_id, a.disclosure_level, a.confidence_score,
       CASE WHEN :withEmbedding!::boolean THEN a.embedding END AS embedding,
       a.embedding_model, a.metadata, a.create_fingerprint, a.version, a.create_time, a.update_time, a.publish_time,
       to_jsonb(v) - '{tenant_id,asset_id,id}'::text[] AS video
FROM content_assets a
LEFT JOIN content_videos v ON v.tenant_id = a.tenant_id AND v.asset_id = a.id
WHERE a.tenant_id = :tenantId! AND a.id = :id!;

/* Lists assets without their embeddings. */
/* @name listAssets */
SELECT a.tenant_id, a.id, a.agent_id, a.campaign_id, a.task_id, a.asset_type, a.platform, a.status, a.text_content,
       a.storage_url, a.external_id, a.disclosure_level, a.confidence_score, NULL::text AS embedding,
       a.embedding_model, a.metadata, a.create_fingerprint, a.version, a.create_time, a.update_time, a.publish_time,
       to_jsonb(v) - '{tenant_id,asset_id,id}'::text[] AS video
FROM content_assets a
LEFT JOIN content_videos v ON v.tenant_id = a.tenant_id AND v.asset_id = a.id
WHERE a.tenant_id = :tenantId!
  AND (:agentId::uuid IS NULL OR a.agent_id = :agentId)
  AND (:campaignId::uuid IS NULL OR a.campaign_id = :campaignId)
  AND (:status::text IS NULL OR a.status = :status)
  AND (:assetType::text IS NULL OR a.asset_type = :assetType)
  AND (:afterTime::timestamptz IS NULL OR (a.create_time, a.id) > (:afterTime, :afterId::uuid))
ORDER BY a.create_time, a.id
LIMIT :limit!;

/* Applies the fields whose set flag is true, when the asset is still :fromStatus at
   :expectedVersion (the handler checked the move against the lifecycle). */
/* @name updateAsset */
UPDATE content_assets SET
  status           = :status!::text,
  platform         = CASE WHEN :setPlatform!::boolean   THEN :platform::text            ELSE platform END,
  text_content     = CASE WHEN :setText!::boolean       THEN :textContent!::text        ELSE text_content END,
  storage_url      = CASE WHEN :setStorageUrl!::boolean THEN :storageUrl!::text         ELSE storage_url END,
  disclosure_level = CASE WHEN :setDisclosure!::boolean THEN :disclosureLevel::text     ELSE disclosure_level END,
  confidence_score = CASE WHEN :setConfidence!::boolean THEN :confidenceScore::float8   ELSE confidence_score END,
  embedding        = CASE WHEN :setEmbedding!::boolean  THEN :embedding::vector         ELSE embedding END,
  embedding_model  = CASE WHEN :setEmbedding!::boolean  THEN :embeddingModel!::text     ELSE embedding_model END,
  metadata         = CASE WHEN :setMetadata!::boolean   THEN :metadata!::jsonb          ELSE metadata END,
  version          = version + 1,
  update_time      = now()
WHERE tenant_id = :tenantId! AND id = :id! AND status = :fromStatus! AND version = :expectedVersion!
RETURNING id AS "id!";

/* APPROVED -> PUBLISHED, with where, under which id, and with which disclosure. */
/* @name publishAsset */
UPDATE content_assets SET
  status           = 'PUBLISHED',
  platform         = coalesce(:platform::text, platform),
  disclosure_level = coalesce(:disclosureLevel::text, disclosure_level),
  external_id      = :externalId!,
  publish_time     = now(),
  version          = version + 1,
  update_time      = now()
WHERE tenant_id = :tenantId! AND id = :id! AND status = 'APPROVED' AND version = :expectedVersion!
RETURNING id AS "id!";

/* @name archiveAsset */
UPDATE content_assets SET status = 'ARCHIVED', version = version + 1, update_time = now()
WHERE tenant_id = :tenantId! AND id = :id! AND status <> 'ARCHIVED' AND version = :expectedVersion!
RETURNING id AS "id!";

/* Whether a published post already uses :externalId on :platform (another asset). */
/* @name externalIdTaken */
SELECT EXISTS (SELECT 1 FROM content_assets WHERE tenant_id = :tenantId! AND platform = :platform! AND external_id = :externalId!) AS "taken!";

/* What a new asset refers to, in one round trip: the agent's status (null: no such agent), and
   whether the campaign and the task, when given, are the tenant's. */
/* @name getAssetReferences */
SELECT (SELECT status FROM agents WHERE tenant_id = :tenantId! AND id = :agentId!) AS agent_status,
       (:campaignId::uuid IS NULL OR EXISTS (SELECT 1 FROM campaigns WHERE tenant_id = :tenantId! AND id = :campaignId)) AS "campaign_found!",
       (:taskId::uuid IS NULL OR EXISTS (SELECT 1 FROM tasks WHERE tenant_id = :tenantId! AND id = :taskId)) AS "task_found!";
