/* Time inside the ledger is the transaction's start time, now(): every check and every timestamp
   of one batch agree, whichever server instance runs it. */

/* Locks every account a batch touches, in one statement and in id order (so concurrent batches
   cannot deadlock): the batch's accounts, the accounts of the pending transfers it posts or voids,
   and the counterparts of expired reservations on those accounts (which the batch voids first). */
/* @name lockAccounts */
WITH wanted AS (
  SELECT unnest(:accountIds!::uuid[]) AS id
  UNION
  SELECT unnest(ARRAY[t.debit_account_id, t.credit_account_id]) FROM ledger_transfers t
  WHERE t.tenant_id = :tenantId! AND t.id = ANY(:pendingIds!::uuid[])
  UNION
  SELECT p.credit_account_id FROM ledger_pending p
  WHERE p.tenant_id = :tenantId! AND p.debit_account_id = ANY(:accountIds!::uuid[]) AND p.expire_time <= now()
  UNION
  SELECT p.debit_account_id FROM ledger_pending p
  WHERE p.tenant_id = :tenantId! AND p.credit_account_id = ANY(:accountIds!::uuid[]) AND p.expire_time <= now()
)
SELECT a.*
FROM ledger_accounts a
WHERE a.tenant_id = :tenantId! AND a.id IN (SELECT id FROM wanted)
ORDER BY a.id
FOR UPDATE OF a;

/* Expired reservations on the batch's accounts (or that the batch resolves). Read after
   lockAccounts: they are voided in the same transaction, before the batch is applied, so an
   expired reservation never blocks spending and never can be posted. */
/* @name getExpiredReservations */
SELECT p.transfer_id AS "transfer_id!", p.debit_account_id AS "debit_account_id!",
       p.credit_account_id AS "credit_account_id!", p.amount AS "amount!", p.create_time AS "create_time!"
FROM ledger_pending p
WHERE p.tenant_id = :tenantId! AND p.expire_time <= now()
  AND (p.debit_account_id = ANY(:accountIds!::uuid[]) OR p.credit_account_id = ANY(:accountIds!::uuid[])
       OR p.transfer_id = ANY(:pendingIds!::uuid[]))
ORDER BY p.transfer_id;

/* @name transactionTime */
SELECT now() AS "now!";

/* @name getTransfersByIds */
SELECT * FROM ledger_transfers WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[]);

/* Transfers with, for pending ones, whether each is still open and how it was resolved (a void
   made at or after the expiry time is the expiry itself: users cannot void an expired one).
   CreateTransfers reads it after lockAccounts, so no one else can resolve them meanwhile. */
/* @name getPendingTransfers */
SELECT t.*,
       (p.transfer_id IS NOT NULL) AS "open!",
       coalesce(t.expire_time <= now(), false) AS "expired!",
       r.post_pending AS resolved_by_post,
       r.void_pending AS resolved_by_void,
       (r.void_pending AND r.create_time >= t.expire_time) AS resolved_by_expiry
FROM ledger_transfers t
LEFT JOIN ledger_pending p ON p.tenant_id = t.tenant_id AND p.transfer_id = t.id
LEFT JOIN ledger_transfers r ON r.tenant_id = t.tenant_id AND r.pending_id = t.id
WHERE t.tenant_id = :tenantId! AND t.id = ANY(:ids!::uuid[]);

/* @name findExternalRefs */
SELECT id AS "id!", external_ref AS "external_ref!" FROM ledger_transfers
WHERE tenant_id = :tenantId! AND external_ref = ANY(:refs!::text[]);

/* Writes a whole batch's outcome in one statement: transfers, entries, new balances, and the
   opening and closing of reservations. */
/* @name writeTransferBatch */
WITH new_transfers AS (
  INSERT INTO ledger_transfers (tenant_id, id, debit_account_id, credit_account_id, amount, pending_id,
                                linked, pending, post_pending, void_pending, timeout_seconds, expire_time,
                                code, external_ref, metadata, create_time)
  SELECT :tenantId!, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id,
         t.linked, t.pending, t.post_pending, t.void_pending, t.timeout_seconds,
         CASE WHEN t.pending AND t.timeout_seconds > 0 THEN date_trunc('milliseconds', now() + make_interval(secs => t.timeout_seconds)) END,
         t.code, t.external_ref, t.metadata::jsonb, chimera.now_ms()
  FROM unnest(:tIds!::uuid[], :tDebitIds!::uuid[], :tCreditIds!::uuid[], :tAmounts!::numeric[], :tPendingIds!::uuid[],
              :tLinked!::boolean[], :tPending!::boolean[], :tPostPending!::boolean[], :tVoidPending!::boolean[],
              :tTimeouts!::integer[], :tCodes!::integer[], :tExternalRefs!::text[], :tMetadata!::text[])
       AS t(id, debit_account_id, credit_account_id, amount, pending_id, linked, pending, post_pending,
            void_pending, timeout_seconds, code, external_ref, metadata)
  RETURNING id, pending, debit_account_id, credit_account_id, amount, expire_time
),
new_entries AS (
  INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id,
                              debits_pending, debits_posted, credits_pending, credits_posted, create_time)
  SELECT :tenantId!, e.account_id, e.account_version, e.transfer_id,
         e.debits_pending, e.debits_posted, e.credits_pending, e.credits_posted, chimera.now_ms()
  FROM unnest(:eAccountIds!::uuid[], :eVersions!::bigint[], :eTransferIds!::uuid[], :eDebitsPending!::numeric[],
              :eDebitsPosted!::numeric[], :eCreditsPending!::numeric[], :eCreditsPosted!::numeric[])
       AS e(account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
  RETURNING 1
),
new_balances AS (
  UPDATE ledger_accounts a
  SET debits_pending = b.debits_pending, debits_posted = b.debits_posted,
      credits_pending = b.credits_pending, credits_posted = b.credits_posted, version = b.version
  FROM unnest(:bAccountIds!::uuid[], :bDebitsPending!::numeric[], :bDebitsPosted!::numeric[],
              :bCreditsPending!::numeric[], :bCreditsPosted!::numeric[], :bVersions!::bigint[])
       AS b(id, debits_pending, debits_posted, credits_pending, credits_posted, version)
  WHERE a.tenant_id = :tenantId! AND a.id = b.id
  RETURNING 1
),
opened AS (
  INSERT INTO ledger_pending (tenant_id, transfer_id, debit_account_id, credit_account_id, amount, expire_time)
  SELECT :tenantId!, id, debit_account_id, credit_account_id, amount, expire_time FROM new_transfers WHERE pending
  RETURNING 1
),
closed AS (
  DELETE FROM ledger_pending WHERE tenant_id = :tenantId! AND transfer_id = ANY(:resolvedPendingIds!::uuid[])
  RETURNING 1
),
spent AS (
  INSERT INTO ledger_spend_windows AS w (tenant_id, account_id, window_start, debited)
  SELECT :tenantId!, s.account_id, s.window_start, s.delta
  FROM unnest(:sAccountIds!::uuid[], :sWindowStarts!::timestamptz[], :sDeltas!::numeric[]) AS s(account_id, window_start, delta)
  ON CONFLICT (tenant_id, account_id, window_start) DO UPDATE SET debited = w.debited + excluded.debited
  RETURNING 1
),
-- Releases (voids, expiries, partial posts) only lower existing windows. A reservation opened
-- before its account had a policy was never counted, so a window never goes below zero.
released AS (
  UPDATE ledger_spend_windows w SET debited = greatest(w.debited - r.amount, 0)
  FROM unnest(:rAccountIds!::uuid[], :rWindowStarts!::timestamptz[], :rAmounts!::numeric[]) AS r(account_id, window_start, amount)
  WHERE w.tenant_id = :tenantId! AND w.account_id = r.account_id AND w.window_start = r.window_start
  RETURNING 1
),
alerted AS (
  INSERT INTO ledger_budget_alerts (tenant_id, account_id, window_start, spent, spend_limit, transfer_id)
  SELECT :tenantId!, a.account_id, a.window_start, a.spent, a.spend_limit, a.transfer_id
  FROM unnest(:aAccountIds!::uuid[], :aWindowStarts!::timestamptz[], :aSpent!::numeric[], :aLimits!::numeric[], :aTransferIds!::uuid[])
       AS a(account_id, window_start, spent, spend_limit, transfer_id)
  ON CONFLICT (tenant_id, account_id, window_start) DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM new_transfers) AS "transfers!",
       (SELECT count(*) FROM new_entries) AS "entries!",
       (SELECT count(*) FROM new_balances) AS "accounts!",
       (SELECT count(*) FROM opened) AS "opened!",
       (SELECT count(*) FROM closed) AS "closed!",
       (SELECT count(*) FROM spent) + (SELECT count(*) FROM released) AS "windows!",
       (SELECT count(*) FROM alerted) AS "alerts!";

/* @name listTransfers */
SELECT * FROM ledger_transfers
WHERE tenant_id = :tenantId!
  AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)
  AND (:endTime::timestamptz IS NULL OR create_time < :endTime)
  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
ORDER BY create_time, id
LIMIT :limit!;

/* Transfers debiting or crediting one account: two index scans merged, so each stays a keyset
   scan (a transfer never debits and credits the same account, so nothing appears twice). */
/* @name listAccountTransfers */
WITH page AS (
  (SELECT id, create_time FROM ledger_transfers
   WHERE tenant_id = :tenantId! AND debit_account_id = :accountId!
     AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)
     AND (:endTime::timestamptz IS NULL OR create_time < :endTime)
     AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
   ORDER BY create_time, id LIMIT :limit!)
  UNION ALL
  (SELECT id, create_time FROM ledger_transfers
   WHERE tenant_id = :tenantId! AND credit_account_id = :accountId!
     AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)
     AND (:endTime::timestamptz IS NULL OR create_time < :endTime)
     AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
   ORDER BY create_time, id LIMIT :limit!)
  ORDER BY create_time, id
  LIMIT :limit!
)
SELECT t.* FROM page JOIN ledger_transfers t ON t.tenant_id = :tenantId! AND t.id = page.id
ORDER BY t.create_time, t.id;
