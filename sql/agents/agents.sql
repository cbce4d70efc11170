/* A repeated id returns no row (the handler then compares fingerprints); a taken handle raises
   unique_violation on agents_live_handle_key. */
/* @name insertAgent */
INSERT INTO agents (tenant_id, id, handle, display_name, status, persona, persona_embedding,
                    wallet_network, wallet_address, metadata, create_fingerprint)
VALUES (:tenantId!, :id!, :handle!, :displayName!, :status!, :persona!, :personaEmbedding::vector,
        :walletNetwork!, :walletAddress!, :metadata!, :createFingerprint!)
ON CONFLICT (tenant_id, id) DO NOTHING
RETURNING *;

/* @name getAgent */
SELECT * FROM agents WHERE tenant_id = :tenantId! AND id = :id!;

/* Lists leave the embedding out unless :withEmbedding (the FULL view, AIP-157): it is most of an
   agent's size. */
/* @name listAgents */
SELECT a.tenant_id, a.id, a.handle, a.display_name, a.status, a.persona,
       CASE WHEN :withEmbedding!::boolean THEN a.persona_embedding END AS persona_embedding,
       a.wallet_network, a.wallet_address, a.metadata, a.create_fingerprint, a.version, a.create_time,
       a.update_time, a.archive_time
FROM agents a
WHERE a.tenant_id = :tenantId!
  AND (:status::text IS NULL OR a.status = :status)
  AND (:status::text IS NOT NULL OR :showArchived!::boolean OR a.status <> 'ARCHIVED')
  AND (:afterTime::timestamptz IS NULL OR (a.create_time, a.id) > (:afterTime, :afterId::uuid))
ORDER BY a.create_time, a.id
LIMIT :limit!;

/* Applies the fields whose set flag is true (and merges :personaPatch, the persona keys named
   in the field mask), only when :expectedVersion is null or current. Archived agents are not
   updated (the handler reports why). */
/* @name updateAgent */
UPDATE agents SET
  handle            = CASE WHEN :setHandle!::boolean           THEN :handle!::text            ELSE handle END,
  display_name      = CASE WHEN :setDisplayName!::boolean      THEN :displayName!::text       ELSE display_name END,
  status            = CASE WHEN :setStatus!::boolean           THEN :status!::text            ELSE status END,
  persona           = persona || :personaPatch!::jsonb,
  persona_embedding = CASE WHEN :setPersonaEmbedding!::boolean THEN :personaEmbedding::vector ELSE persona_embedding END,
  wallet_network    = CASE WHEN :setWallet!::boolean           THEN :walletNetwork!::text     ELSE wallet_network END,
  wallet_address    = CASE WHEN :setWallet!::boolean           THEN :walletAddress!::text     ELSE wallet_address END,
  metadata          = CASE WHEN :setMetadata!::boolean         THEN :metadata!::jsonb         ELSE metadata END,
  version           = version + 1,
  update_time       = now()
WHERE tenant_id = :tenantId! AND id = :id!
  AND status <> 'ARCHIVED'
  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
RETURNING *;

/* @name archiveAgent */
UPDATE agents SET
  status       = 'ARCHIVED',
  archive_time = now(),
  version      = version + 1,
  update_time  = now()
WHERE tenant_id = :tenantId! AND id = :id!
  AND status <> 'ARCHIVED'
  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
RETURNING *;

/* relaxed_order may return rows slightly out of order, hence the re-sort outside. The embeddings
   are left out unless :withEmbedding, as in listAgents. */
/* @name searchSimilarAgents */
WITH nearest AS MATERIALIZED (
  SELECT a.*, a.persona_embedding <=> :query!::vector AS cosine_distance
  FROM agents a
  WHERE a.tenant_id = :tenantId!
    AND a.persona_embedding IS NOT NULL
    AND a.status <> 'ARCHIVED'
    AND (:status::text IS NULL OR a.status = :status)
    AND (:excludeId::uuid IS NULL OR a.id <> :excludeId)
  ORDER BY a.persona_embedding <=> :query!::vector
  LIMIT :limit!
)
SELECT n.tenant_id, n.id, n.handle, n.display_name, n.status, n.persona,
       CASE WHEN :withEmbedding!::boolean THEN n.persona_embedding END AS persona_embedding,
       n.wallet_network, n.wallet_address, n.metadata, n.create_fingerprint, n.version, n.create_time,
       n.update_time, n.archive_time, n.cosine_distance AS "distance!"
FROM nearest n ORDER BY n.cosine_distance;

/* @name getAgentEmbedding */
SELECT persona_embedding::text AS embedding FROM agents WHERE tenant_id = :tenantId! AND id = :id!;
