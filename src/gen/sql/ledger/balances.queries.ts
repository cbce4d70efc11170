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

const listBalanceHistoryIR: any = {"usedParamSet":{"tenantId":true,"accountId":true,"asOf":true,"beforeVersion":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":47,"b":56}]},{"name":"accountId","required":true,"transform":{"type":"scalar"},"locs":[{"a":75,"b":85}]},{"name":"asOf","required":true,"transform":{"type":"scalar"},"locs":[{"a":108,"b":113}]},{"name":"beforeVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":122,"b":135},{"a":174,"b":187}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":226,"b":232}]}],"statement":"SELECT * FROM ledger_entries\nWHERE tenant_id = :tenantId! AND account_id = :accountId!\n  AND create_time <= :asOf!\n  AND (:beforeVersion::bigint IS NULL OR account_version < :beforeVersion)\nORDER BY account_version DESC\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM ledger_entries
 * WHERE tenant_id = :tenantId! AND account_id = :accountId!
 *   AND create_time <= :asOf!
 *   AND (:beforeVersion::bigint IS NULL OR account_version < :beforeVersion)
 * ORDER BY account_version DESC
 * LIMIT :limit!
 * ```
 */
export const listBalanceHistory = new PreparedQuery<IListBalanceHistoryParams,IListBalanceHistoryResult>(listBalanceHistoryIR);


