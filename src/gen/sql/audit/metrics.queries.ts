/** Types generated for queries found in "sql/audit/metrics.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

/** 'AuditSealLag' parameters type */
export type IAuditSealLagParams = void;

/** 'AuditSealLag' return type */
export interface IAuditSealLagResult {
  oldest_seconds: number | null;
  unsealed: number;
}

/** 'AuditSealLag' query type */
export interface IAuditSealLagQuery {
  params: IAuditSealLagParams;
  result: IAuditSealLagResult;
}

const auditSealLagIR: any = {"usedParamSet":{},"params":[],"statement":"SELECT count(*)::int AS \"unsealed!\",\n       extract(epoch FROM now() - min(e.event_time))::float8 AS oldest_seconds\nFROM audit_events e\nLEFT JOIN LATERAL (\n  SELECT true AS sealed FROM audit_chain c WHERE c.tenant_id = e.tenant_id AND c.event_id = e.id LIMIT 1\n) c ON true\nWHERE e.txid >= (SELECT sealed_below FROM audit_seal_state)\n  AND c.sealed IS NULL"};

/**
 * Query generated from SQL:
 * ```
 * SELECT count(*)::int AS "unsealed!",
 *        extract(epoch FROM now() - min(e.event_time))::float8 AS oldest_seconds
 * FROM audit_events e
 * LEFT JOIN LATERAL (
 *   SELECT true AS sealed FROM audit_chain c WHERE c.tenant_id = e.tenant_id AND c.event_id = e.id LIMIT 1
 * ) c ON true
 * WHERE e.txid >= (SELECT sealed_below FROM audit_seal_state)
 *   AND c.sealed IS NULL
 * ```
 */
export const auditSealLag = new PreparedQuery<IAuditSealLagParams,IAuditSealLagResult>(auditSealLagIR);


