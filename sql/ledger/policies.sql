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

/* @name listBudgetAlerts */
SELECT * FROM ledger_budget_alerts
WHERE tenant_id = :tenantId!
  AND (:accountId::uuid IS NULL OR account_id = :accountId)
  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
ORDER BY create_time, id
LIMIT :limit!;
