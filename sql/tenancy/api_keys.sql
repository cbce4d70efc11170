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

/* The key RotateApiKey replaces, locked so that a concurrent revoke or rotation waits. */
/* @name lockApiKey */
SELECT *, (expire_time IS NOT NULL AND expire_time <= now()) AS "expired!"
FROM api_keys
WHERE tenant_id = :tenantId! AND id = :id!
FOR UPDATE;

/* Never lengthens a key's life: least() keeps an earlier expiry, and takes the new one when
   there was none (least ignores NULL). */
/* @name shortenApiKeyExpiry */
UPDATE api_keys SET expire_time = least(expire_time, chimera.now_ms() + :graceMs!::bigint * interval '1 millisecond')
WHERE tenant_id = :tenantId! AND id = :id!
RETURNING *;

/* Keys' latest uses, recorded in memory by the auth interceptor, written in one statement per
   flush. greatest() keeps a later time already written (by another instance, or a flush that
   overtook this one), and rows it would not change are not rewritten. */
/* @name recordApiKeyUses */
UPDATE api_keys k SET last_use_time = greatest(k.last_use_time, u.use_time)
FROM unnest(:tenantIds!::uuid[], :ids!::uuid[], :useTimes!::timestamptz[]) AS u(tenant_id, id, use_time)
WHERE k.tenant_id = u.tenant_id AND k.id = u.id
  AND k.last_use_time IS DISTINCT FROM greatest(k.last_use_time, u.use_time);
