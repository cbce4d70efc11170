/* @name insertTenant */
INSERT INTO tenants (id, name, status, settings, metadata, create_fingerprint)
VALUES (:id!, :name!, :status!, :settings!, :metadata!, :createFingerprint!)
ON CONFLICT (id) DO NOTHING
RETURNING *;

/* @name getTenant */
SELECT * FROM tenants WHERE id = :id!;

/* @name listTenants */
SELECT * FROM tenants
WHERE (:status::text IS NULL OR status = :status)
  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
ORDER BY create_time, id
LIMIT :limit!;

/* Applies the fields whose set flag is true, only when :expectedVersion is null or current. */
/* @name updateTenant */
UPDATE tenants SET
  name        = CASE WHEN :setName!::boolean     THEN :name!::text      ELSE name END,
  status      = CASE WHEN :setStatus!::boolean   THEN :status!::text    ELSE status END,
  settings    = CASE WHEN :setSettings!::boolean THEN :settings!::jsonb ELSE settings END,
  metadata    = CASE WHEN :setMetadata!::boolean THEN :metadata!::jsonb ELSE metadata END,
  version     = version + 1,
  update_time = now()
WHERE id = :id!
  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
RETURNING *;
