/* The balances an account had after its postings up to :asOf, newest first; the first row is
   the balance as of that time. :beforeVersion pages further back. */
/* @name listBalanceHistory */
SELECT * FROM ledger_entries
WHERE tenant_id = :tenantId! AND account_id = :accountId!
  AND create_time <= :asOf!
  AND (:beforeVersion::bigint IS NULL OR account_version < :beforeVersion)
ORDER BY account_version DESC
LIMIT :limit!;
