/* Time inside the ledger is the transaction's start time, now(): every check and every timestamp
   of one batch agree, whichever server instance runs it. */

/* Locks every account a batch touches, in id order, and reads each one's balances and spend
   policy with the state of its current window: chimera.ledger_lock_accounts. Like the other
   statements of CreateTransfers' hot path, the statement lives in a function so that its plan is
   cached per connection (db/migrations/*_ledger_functions.sql). */
/* @name lockAccounts */
SELECT id AS "id!", asset AS "asset!",
       debits_must_not_exceed_credits AS "debits_must_not_exceed_credits!",
       credits_must_not_exceed_debits AS "credits_must_not_exceed_debits!", closed AS "closed!",
       debits_pending AS "debits_pending!", debits_posted AS "debits_posted!",
       credits_pending AS "credits_pending!", credits_posted AS "credits_posted!", version AS "version!",
       spend_window, spend_limit, alert_ratio_bp, approval_threshold, window_start,
       window_debited AS "window_debited!", window_alerted AS "window_alerted!"
FROM chimera.ledger_lock_accounts(:tenantId!, :accountIds!::uuid[], :pendingIds!::uuid[]);

/* Expired reservations on the batch's accounts (or that the batch resolves), read after the lock
   and voided before the batch is applied: chimera.ledger_expired_reservations. */
/* @name getExpiredReservations */
SELECT transfer_id AS "transfer_id!", debit_account_id AS "debit_account_id!",
       credit_account_id AS "credit_account_id!", amount AS "amount!", create_time AS "create_time!"
FROM chimera.ledger_expired_reservations(:tenantId!, :accountIds!::uuid[], :pendingIds!::uuid[]);

/* The batch's time, read right after its locks: 40001 if it took too long to get them, so that
   it gives them up before doing its work (chimera.ledger_check_time_bound). */
/* @name transactionTime */
SELECT now() AS "now!", chimera.ledger_check_time_bound() AS "in_time!";

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

/* Writes transfer rows (chimera.ledger_insert_transfers). Arrays whose elements are all the
   column's default may be empty. A large batch calls it before it locks its accounts, everything
   else together with the rest of the write. */
/* @name insertTransfers */
SELECT chimera.ledger_insert_transfers(
  :tenantId!, :ids!::uuid[], :debitIds!::uuid[], :creditIds!::uuid[], :amounts!::numeric[],
  :pendingIds!::uuid[], :linked!::boolean[], :pending!::boolean[], :postPending!::boolean[],
  :voidPending!::boolean[], :timeouts!::integer[], :codes!::integer[], :externalRefs!::text[],
  :metadata!::text[]
) AS "transfers!";

/* Writes the rest of a batch's outcome in one call: entries and new balances (computed in SQL from
   each transfer's movement, checked against the caller's checksum), the opening and closing of
   reservations, spend windows and alerts: chimera.ledger_write_postings, a function so that its
   plan is cached. */
/* @name writePostings */
SELECT chimera.ledger_write_postings(
  :tenantId!, :tIds!::uuid[], :tDebitIds!::uuid[], :tCreditIds!::uuid[], :tPending!::boolean[],
  :tPendingDeltas!::numeric[], :tPostedDeltas!::numeric[], :expectedChecksum!::numeric,
  :resolvedPendingIds!::uuid[],
  :sAccountIds!::uuid[], :sWindowStarts!::timestamptz[], :sDeltas!::numeric[], :rAccountIds!::uuid[],
  :rWindowStarts!::timestamptz[], :rAmounts!::numeric[], :aAccountIds!::uuid[], :aWindowStarts!::timestamptz[],
  :aSpent!::numeric[], :aLimits!::numeric[], :aTransferIds!::uuid[]
) AS "transfers!";

/* @name listTransfers */
SELECT * FROM ledger_transfers
WHERE tenant_id = :tenantId!
  AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)
  AND (:endTime::timestamptz IS NULL OR create_time < :endTime)
  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
ORDER BY create_time, id
LIMIT :limit!;

/* Transfers debiting or crediting one account, in the order they changed its balances: its
   entries, by version, 1 to the account's version. Each transaction changes balances within
   chimera.ledger_time_bound() (B) of its start, so no entry's time is more than B before that of
   a lower version. A time range therefore narrows the versions scanned by
   two binary searches over them (a primary-key lookup a step), each a no-op without its end of the
   range: below any version older than start - B every entry is before start, and from any version
   at or after end + B every entry is at or after end. What is scanned is within 2B of the range.
   (Both searches widen B by a millisecond, a margin for times truncated to milliseconds.) Later
   pages start after :afterVersion. Every bound is a column or a scalar subquery, so that it
   stays an index condition under the tenant policies (an expression over a policy-protected row
   would be held back as a filter). */
/* @name listAccountTransfers */
WITH RECURSIVE
account AS (
  SELECT a.version FROM ledger_accounts a WHERE a.tenant_id = :tenantId! AND a.id = :accountId!
),
-- Versions lo and hi - 1 bracket the first entry at or after start - B; lo's entry is before it.
from_start(lo, hi) AS (
  SELECT 0::bigint, (SELECT version FROM account) + 1
  WHERE :startTime::timestamptz IS NOT NULL AND :afterVersion::bigint IS NULL
  UNION ALL
  SELECT CASE WHEN m.before THEN s.mid ELSE s.lo END, CASE WHEN m.before THEN s.hi ELSE s.mid END
  FROM (SELECT f.lo, f.hi, (f.lo + f.hi) / 2 AS mid FROM from_start f WHERE f.hi - f.lo > 1 OFFSET 0) s
  CROSS JOIN LATERAL (
    SELECT coalesce(bool_or(e.create_time < :startTime::timestamptz - chimera.ledger_time_bound() - interval '1 millisecond'), false) AS before
    FROM ledger_entries e
    WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId! AND e.account_version = s.mid
  ) m
),
-- The same for the first entry at or after end + B, above where the scan starts.
to_end(lo, hi) AS (
  SELECT greatest((SELECT max(lo) FROM from_start), :afterVersion::bigint, 0), (SELECT version FROM account) + 1
  WHERE :endTime::timestamptz IS NOT NULL
  UNION ALL
  SELECT CASE WHEN m.after THEN s.lo ELSE s.mid END, CASE WHEN m.after THEN s.mid ELSE s.hi END
  FROM (SELECT t.lo, t.hi, (t.lo + t.hi) / 2 AS mid FROM to_end t WHERE t.hi - t.lo > 1 OFFSET 0) s
  CROSS JOIN LATERAL (
    SELECT coalesce(bool_or(e.create_time >= :endTime::timestamptz + chimera.ledger_time_bound() + interval '1 millisecond'), false) AS after
    FROM ledger_entries e
    WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId! AND e.account_version = s.mid
  ) m
)
SELECT t.*, e.account_version AS "account_version!"
FROM ledger_entries e
CROSS JOIN LATERAL (
  SELECT * FROM ledger_transfers x WHERE x.tenant_id = e.tenant_id AND x.id = e.transfer_id LIMIT 1
) t
WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId!
  AND e.account_version > (SELECT greatest(max(lo), :afterVersion::bigint, 0) FROM from_start)
  AND e.account_version < (SELECT coalesce(min(hi), 9223372036854775807) FROM to_end)
  -- An entry's time is its transfer's: both are their transaction's now_ms().
  AND (:startTime::timestamptz IS NULL OR e.create_time >= :startTime)
  AND (:endTime::timestamptz IS NULL OR e.create_time < :endTime)
ORDER BY e.account_version
LIMIT :limit!;

/* A batch decided before its accounts are locked (decided-batches.ts): its transfers, and its entries
   running from the balances its accounts are expected to hold, and its reservations, written
   before any lock is taken (chimera.ledger_write_decided; the arrays as in insertTransfers).
   SQLSTATE CH001 when the batch must run the careful way. */
/* @name writeDecidedBatch */
SELECT chimera.ledger_write_decided(
  :tenantId!, :ids!::uuid[], :debitIds!::uuid[], :creditIds!::uuid[], :amounts!::numeric[],
  :pendingIds!::uuid[], :linked!::boolean[], :pending!::boolean[], :postPending!::boolean[],
  :voidPending!::boolean[], :timeouts!::integer[], :codes!::integer[], :externalRefs!::text[],
  :metadata!::text[],
  :aIds!::uuid[], :aVersions!::bigint[], :aDebitsPending!::numeric[], :aDebitsPosted!::numeric[],
  :aCreditsPending!::numeric[], :aCreditsPosted!::numeric[], :expectedChecksum!::numeric
) AS "transfers!";

/* A decided batch never waits long for a lock. Its own instance's batches never make it wait
   (decided-batches.ts), so the holder is another writer: another instance, about to change balances
   the batch expects and likely to wait in turn for the batch's entries of the same account
   versions (a deadlock PostgreSQL would break only after deadlock_timeout, 1 s by default), or a
   spend policy being set. Past this the batch gives up (55P03) and runs the careful way, which
   waits its turn. Short waits (a table being extended) stay well below it. */
/* @name decidedLockTimeout */
SELECT set_config('lock_timeout', '200ms', true) AS "lock_timeout!";

/* The only part of a decided batch under the account locks: each account moves from the balances
   the batch expected to the ones it computed, or the transaction fails with SQLSTATE CH001. */
/* @name settleBalances */
SELECT chimera.ledger_settle_balances(
  :tenantId!, :ids!::uuid[], :versions!::bigint[], :debitsPending!::numeric[], :debitsPosted!::numeric[],
  :creditsPending!::numeric[], :creditsPosted!::numeric[], :newVersions!::bigint[],
  :newDebitsPending!::numeric[], :newDebitsPosted!::numeric[], :newCreditsPending!::numeric[],
  :newCreditsPosted!::numeric[]
) AS "accounts!";
