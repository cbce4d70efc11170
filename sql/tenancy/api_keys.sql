/* @name insertApiKey */
INSERT INTO api_keys (tenant_id, secret_sha256, secret_prefix, scopes, description, expire_time)
VALUES (:tenantId!, :secretSha256!, :secretPrefix!, :scopes!, :description!, :expireTime)
RETURNING *;

/* @name listApiKeys */
SELECT * FROM api_keys
WHERE tenant_id = :tenantId!
  AND (:showRevoked!::boolean OR revoke_time IS NULL)
  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
ORDER BY create_time, id
LIMIT :limit!;

/* Revoking twice keeps the first revoke_time. */
/* @name revokeApiKey */
UPDATE api_keys SET revoke_time = coalesce(revoke_time, now())
WHERE tenant_id = :tenantId! AND id = :id!
RETURNING *;

/* What the auth interceptor needs to accept or refuse a bearer secret. */
/* @name findApiKeyBySecret */
SELECT
  k.tenant_id AS "tenant_id!",
  k.id AS "key_id!",
  k.scopes AS "scopes!",
  k.expire_time,
  k.revoke_time,
  t.status AS "tenant_status!"
FROM api_keys k
JOIN tenants t ON t.id = k.tenant_id
WHERE k.secret_sha256 = :secretSha256!;
