/** Types generated for queries found in "sql/ledger/sweeper.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type stringArray = (string)[];

/** 'FindExpiredReservations' parameters type */
export interface IFindExpiredReservationsParams {
  limit: string;
}

/** 'FindExpiredReservations' return type */
export interface IFindExpiredReservationsResult {
  account_ids: stringArray;
  tenant_id: string;
}

/** 'FindExpiredReservations' query type */
export interface IFindExpiredReservationsQuery {
  params: IFindExpiredReservationsParams;
  result: IFindExpiredReservationsResult;
}

const findExpiredReservationsIR: any = {"usedParamSet":{"limit":true},"params":[{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":161,"b":167}]}],"statement":"SELECT tenant_id AS \"tenant_id!\", array_agg(DISTINCT debit_account_id) AS \"account_ids!\"\nFROM ledger_pending\nWHERE expire_time <= now()\nGROUP BY tenant_id\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT tenant_id AS "tenant_id!", array_agg(DISTINCT debit_account_id) AS "account_ids!"
 * FROM ledger_pending
 * WHERE expire_time <= now()
 * GROUP BY tenant_id
 * LIMIT :limit!
 * ```
 */
export const findExpiredReservations = new PreparedQuery<IFindExpiredReservationsParams,IFindExpiredReservationsResult>(findExpiredReservationsIR);


