/* The audit chain's lag (GET /metrics, as chimera_admin): committed events the sealer has not
   chained yet, and the age of the oldest. Reads only the events of transactions at or above the
   sealer's horizon (audit_events_txid_idx), each looked up in the chain's unique index: the
   LIMIT keeps that a nested loop of index probes, where an anti-join would hash the whole chain
   (the planner cannot estimate the horizon's selectivity). */
/* @name auditSealLag */
SELECT count(*)::int AS "unsealed!",
       extract(epoch FROM now() - min(e.event_time))::float8 AS oldest_seconds
FROM audit_events e
LEFT JOIN LATERAL (
  SELECT true AS sealed FROM audit_chain c WHERE c.tenant_id = e.tenant_id AND c.event_id = e.id LIMIT 1
) c ON true
WHERE e.txid >= (SELECT sealed_below FROM audit_seal_state)
  AND c.sealed IS NULL;
