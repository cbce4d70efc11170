/* Creates or replaces an account's spend policy; with :expectedVersion, only if it is current. */
/* @name upsertSpendPolicy */
INSERT INTO ledger_spend_policies (tenant_id, account_id, spend_window, spend_limit, alert_ratio_bp, approval_threshold)
VALUES (:tenantId!, :accountId!, :spendWindow!, :spendLimit!, :alertRatioBp!, :approvalThreshold)
ON CONFLICT (tenant_id, account_id) DO UPDATE SET
  spend_window       = excluded.spend_window,
  spend_limit        = excluded.spend_limit,
  alert_ratio_bp     = excluded.alert_ratio_bp,
  approval_threshold = excluded.approval_threshold,
  version            = ledger_spend_policies.version + 1,
  update_time        = chimera.now_ms()
WHERE :expectedVersion::bigint IS NULL OR ledger_spend_policies.version = :expectedVersion
RETURNING *;

/* The policies of a batch's debit accounts with the current UTC window of each (day, or ISO week
   from Monday), what was debited in it so far and whether its alert was raised. */
/* @name getSpendState */
SELECT p.account_id AS "account_id!", p.spend_window AS "spend_window!", p.spend_limit AS "spend_limit!",
       p.alert_ratio_bp AS "alert_ratio_bp!", p.approval_threshold,
       ws.window_start AS "window_start!",
       coalesce(w.debited, 0) AS "debited!",
       (a.id IS NOT NULL) AS "alerted!"
FROM ledger_spend_policies p
CROSS JOIN LATERAL (
  SELECT date_trunc(CASE p.spend_window WHEN 'DAILY' THEN 'day' ELSE 'week' END, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS window_start
) ws
LEFT JOIN ledger_spend_windows w
  ON w.tenant_id = p.tenant_id AND w.account_id = p.account_id AND w.window_start = ws.window_start
LEFT JOIN ledger_budget_alerts a
  ON a.tenant_id = p.tenant_id AND a.account_id = p.account_id AND a.window_start = ws.window_start
WHERE p.tenant_id = :tenantId!
  AND (p.account_id = ANY(:accountIds!::uuid[])
       OR p.account_id IN (SELECT t.debit_account_id FROM ledger_transfers t WHERE t.tenant_id = :tenantId! AND t.id = ANY(:pendingIds!::uuid[]))
       OR p.account_id IN (SELECT r.debit_account_id FROM ledger_pending r WHERE r.tenant_id = :tenantId!
                             AND r.credit_account_id = ANY(:accountIds!::uuid[]) AND r.expire_time <= now()));

/* @name listBudgetAlerts */
SELECT * FROM ledger_budget_alerts
WHERE tenant_id = :tenantId!
  AND (:accountId::uuid IS NULL OR account_id = :accountId)
  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
ORDER BY create_time, id
LIMIT :limit!;
