/* Tenants with expired reservations, and the accounts holding them (run as chimera_admin). */
/* @name findExpiredReservations */
SELECT tenant_id AS "tenant_id!", array_agg(DISTINCT debit_account_id) AS "account_ids!"
FROM ledger_pending
WHERE expire_time <= now()
GROUP BY tenant_id
LIMIT :limit!;
