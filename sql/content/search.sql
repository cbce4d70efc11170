/* The nearest assets to :query by cosine distance, through the HNSW index (iterative scans keep
   the filters from starving it; setVectorSearchParams). relaxed_order may return rows slightly
   out of order, hence the re-sort outside. Without embeddings. */
/* @name searchSimilarContent */
WITH nearest AS MATERIALIZED (
  SELECT a.id, a.embedding <=> :query!::vector AS distance
  FROM content_assets a
  WHERE a.tenant_id = :tenantId! AND a.embedding IS NOT NULL
    AND (:agentId::uuid IS NULL OR a.agent_id = :agentId)
    AND (:campaignId::uuid IS NULL OR a.campaign_id = :campaignId)
    AND (:assetType::text IS NULL OR a.asset_type = :assetType)
    AND (:platform::text IS NULL OR a.platform = :platform)
    AND (:status::text IS NULL OR a.status = :status)
    AND (:excludeId::uuid IS NULL OR a.id <> :excludeId)
  ORDER BY a.embedding <=> :query!::vector
  LIMIT :limit!
)
SELECT n.id AS "id!", n.distance AS "distance!" FROM nearest n ORDER BY n.distance, n.id;

/* The same by brute force: `+ 0` keeps the planner off the index, so every matching asset is
   compared (exact: true). */
/* @name searchSimilarContentExact */
SELECT a.id AS "id!", a.embedding <=> :query!::vector AS "distance!"
FROM content_assets a
WHERE a.tenant_id = :tenantId! AND a.embedding IS NOT NULL
  AND (:agentId::uuid IS NULL OR a.agent_id = :agentId)
  AND (:campaignId::uuid IS NULL OR a.campaign_id = :campaignId)
  AND (:assetType::text IS NULL OR a.asset_type = :assetType)
  AND (:platform::text IS NULL OR a.platform = :platform)
  AND (:status::text IS NULL OR a.status = :status)
  AND (:excludeId::uuid IS NULL OR a.id <> :excludeId)
ORDER BY (a.embedding <=> :query!::vector) + 0, a.id
LIMIT :limit!;

/* An asset's own embedding, to search from. */
/* @name getAssetEmbedding */
SELECT embedding FROM content_assets WHERE tenant_id = :tenantId! AND id = :id!;

/* The assets found, with their video metadata, without embeddings. */
/* @name getAssetsByIds */
SELECT a.tenant_id, a.id, a.agent_id, a.campaign_id, a.task_id, a.asset_type, a.platform, a.status, a.text_content,
       a.storage_url, a.external_id, a.disclosure_level, a.confidence_score, NULL::text AS embedding,
       a.embedding_model, a.metadata, a.create_fingerprint, a.version, a.create_time, a.update_time, a.publish_time,
       to_jsonb(v) - '{tenant_id,asset_id,id}'::text[] AS video
FROM content_assets a
LEFT JOIN content_videos v ON v.tenant_id = a.tenant_id AND v.asset_id = a.id
WHERE a.tenant_id = :tenantId! AND a.id = ANY(:ids!::uuid[]);
