/** Types generated for queries found in "sql/ledger/balances.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

/** 'ListBalanceHistory' parameters type */
export interface IListBalanceHistoryParams {
  accountId: string;
  asOf: DateOrString;
  beforeVersion?: string | null | void;
  limit: string;
  tenantId: string;
}

/** 'ListBalanceHistory' return type */
export interface IListBalanceHistoryResult {
  account_id: string;
  account_version: string;
  create_time: Date;
  credits_pending: string;
  credits_posted: string;
  debits_pending: string;
  debits_posted: string;
  tenant_id: string;
  transfer_id: string;
}

/** 'ListBalanceHistory' query type */
export interface IListBalanceHistoryQuery {
  params: IListBalanceHistoryParams;
  result: IListBalanceHistoryResult;
}

const listBalanceHistoryIR: any = {"usedParamSet":{"beforeVersion":true,"tenantId":true,"accountId":true,"asOf":true,"limit":true},"params":[{"name":"beforeVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":83,"b":96}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":172,"b":181},{"a":629,"b":638},{"a":756,"b":765}]},{"name":"accountId","required":true,"transform":{"type":"scalar"},"locs":[{"a":194,"b":204},{"a":659,"b":669},{"a":784,"b":794}]},{"name":"asOf","required":true,"transform":{"type":"scalar"},"locs":[{"a":484,"b":489},{"a":885,"b":890}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":928,"b":934}]}],"statement":"WITH RECURSIVE\nto_as_of(lo, hi) AS (\n  SELECT 0::bigint, least(a.version, coalesce(:beforeVersion::bigint - 1, a.version)) + 1\n  FROM ledger_accounts a WHERE a.tenant_id = :tenantId! AND a.id = :accountId!\n  UNION ALL\n  SELECT CASE WHEN m.after THEN s.lo ELSE s.mid END, CASE WHEN m.after THEN s.mid ELSE s.hi END\n  FROM (SELECT t.lo, t.hi, (t.lo + t.hi) / 2 AS mid FROM to_as_of t WHERE t.hi - t.lo > 1 OFFSET 0) s\n  CROSS JOIN LATERAL (\n    SELECT coalesce(bool_or(e.create_time >= :asOf!::timestamptz + chimera.ledger_time_bound() + interval '1 millisecond'), false) AS after\n    FROM ledger_entries e\n    WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId! AND e.account_version = s.mid\n  ) m\n)\nSELECT * FROM ledger_entries\nWHERE tenant_id = :tenantId! AND account_id = :accountId!\n  AND account_version < (SELECT coalesce(min(hi), 0) FROM to_as_of)\n  AND create_time <= :asOf!\nORDER BY account_version DESC\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * WITH RECURSIVE
 * to_as_of(lo, hi) AS (
 *   SELECT 0::bigint, least(a.version, coalesce(:beforeVersion::bigint - 1, a.version)) + 1
 *   FROM ledger_accounts a WHERE a.tenant_id = :tenantId! AND a.id = :accountId!
 *   UNION ALL
 *   SELECT CASE WHEN m.after THEN s.lo ELSE s.mid END, CASE WHEN m.after THEN s.mid ELSE s.hi END
 *   FROM (SELECT t.lo, t.hi, (t.lo + t.hi) / 2 AS mid FROM to_as_of t WHERE t.hi - t.lo > 1 OFFSET 0) s
 *   CROSS JOIN LATERAL (
 *     SELECT coalesce(bool_or(e.create_time >= :asOf!::timestamptz + chimera.ledger_time_bound() + interval '1 millisecond'), false) AS after
 *     FROM ledger_entries e
 *     WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId! AND e.account_version = s.mid
 *   ) m
 * )
 * SELECT * FROM ledger_entries
 * WHERE tenant_id = :tenantId! AND account_id = :accountId!
 *   AND account_version < (SELECT coalesce(min(hi), 0) FROM to_as_of)
 *   AND create_time <= :asOf!
 * ORDER BY account_version DESC
 * LIMIT :limit!
 * ```
 */
export const listBalanceHistory = new PreparedQuery<IListBalanceHistoryParams,IListBalanceHistoryResult>(listBalanceHistoryIR);


