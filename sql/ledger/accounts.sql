/* Inserts a batch of validated accounts in one statement; ids already taken are skipped and
   returned by nothing (the handler compares them with what exists). */
/* @name insertAccounts */
INSERT INTO ledger_accounts (tenant_id, id, asset, asset_scale, owner_type, owner_id,
                             debits_must_not_exceed_credits, credits_must_not_exceed_debits, closed,
                             wallet_network, wallet_address, metadata)
SELECT :tenantId!, a.id, a.asset, a.asset_scale, a.owner_type, a.owner_id,
       a.debits_must_not_exceed_credits, a.credits_must_not_exceed_debits, a.closed,
       a.wallet_network, a.wallet_address, a.metadata::jsonb
FROM unnest(:ids!::uuid[], :assets!::text[], :assetScales!::smallint[], :ownerTypes!::text[], :ownerIds!::text[],
            :debitsMustNotExceedCredits!::boolean[], :creditsMustNotExceedDebits!::boolean[], :closed!::boolean[],
            :walletNetworks!::text[], :walletAddresses!::text[], :metadata!::text[])
     AS a(id, asset, asset_scale, owner_type, owner_id, debits_must_not_exceed_credits,
          credits_must_not_exceed_debits, closed, wallet_network, wallet_address, metadata)
ORDER BY a.id
ON CONFLICT (tenant_id, id) DO NOTHING
RETURNING id AS "id!";

/* @name getAccountsByIds */
SELECT * FROM ledger_accounts WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[]);

/* Reservations that have expired stop counting at once, before the sweeper voids them: reads
   report them so the balances shown can leave them out. */
/* @name getAccount */
SELECT a.*,
       coalesce((SELECT sum(p.amount) FROM ledger_pending p
                 WHERE p.tenant_id = a.tenant_id AND p.debit_account_id = a.id AND p.expire_time <= now()), 0)
         AS "expired_debits_pending!",
       coalesce((SELECT sum(p.amount) FROM ledger_pending p
                 WHERE p.tenant_id = a.tenant_id AND p.credit_account_id = a.id AND p.expire_time <= now()), 0)
         AS "expired_credits_pending!"
FROM ledger_accounts a
WHERE a.tenant_id = :tenantId! AND a.id = :id!;

/* @name listAccounts */
SELECT a.*,
       coalesce((SELECT sum(p.amount) FROM ledger_pending p
                 WHERE p.tenant_id = a.tenant_id AND p.debit_account_id = a.id AND p.expire_time <= now()), 0)
         AS "expired_debits_pending!",
       coalesce((SELECT sum(p.amount) FROM ledger_pending p
                 WHERE p.tenant_id = a.tenant_id AND p.credit_account_id = a.id AND p.expire_time <= now()), 0)
         AS "expired_credits_pending!"
FROM ledger_accounts a
WHERE a.tenant_id = :tenantId!
  AND (:ownerType::text IS NULL OR a.owner_type = :ownerType)
  AND (:ownerId::text IS NULL OR a.owner_id = :ownerId)
  AND (:asset::text IS NULL OR a.asset = :asset)
  AND (:afterTime::timestamptz IS NULL OR (a.create_time, a.id) > (:afterTime, :afterId::uuid))
ORDER BY a.create_time, a.id
LIMIT :limit!;
