/* The balances an account had after its postings up to :asOf, newest first; the first row is the
   balance as of that time. :beforeVersion pages further back. Entries' times follow their
   versions within chimera.ledger_time_bound() (B; see listAccountTransfers in transfers.sql), so
   a binary search over versions (a primary-key lookup a step) finds hi, from which on every entry
   is after :asOf: the first version it probes whose time is at or after :asOf + B. The scan then
   runs down from hi - 1 and passes over at most the entries of 2B, however long the history. */
/* @name listBalanceHistory */
WITH RECURSIVE
to_as_of(lo, hi) AS (
  SELECT 0::bigint, least(a.version, coalesce(:beforeVersion::bigint - 1, a.version)) + 1
  FROM ledger_accounts a WHERE a.tenant_id = :tenantId! AND a.id = :accountId!
  UNION ALL
  SELECT CASE WHEN m.after THEN s.lo ELSE s.mid END, CASE WHEN m.after THEN s.mid ELSE s.hi END
  FROM (SELECT t.lo, t.hi, (t.lo + t.hi) / 2 AS mid FROM to_as_of t WHERE t.hi - t.lo > 1 OFFSET 0) s
  CROSS JOIN LATERAL (
    SELECT coalesce(bool_or(e.create_time >= :asOf!::timestamptz + chimera.ledger_time_bound() + interval '1 millisecond'), false) AS after
    FROM ledger_entries e
    WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId! AND e.account_version = s.mid
  ) m
)
SELECT * FROM ledger_entries
WHERE tenant_id = :tenantId! AND account_id = :accountId!
  AND account_version < (SELECT coalesce(min(hi), 0) FROM to_as_of)
  AND create_time <= :asOf!
ORDER BY account_version DESC
LIMIT :limit!;
