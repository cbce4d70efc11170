/** Types generated for queries found in "sql/platform/vector.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

/** 'SetVectorSearchParams' parameters type */
export interface ISetVectorSearchParamsParams {
  efSearch: string;
}

/** 'SetVectorSearchParams' return type */
export interface ISetVectorSearchParamsResult {
  ef_search: string;
  iterative_scan: string;
}

/** 'SetVectorSearchParams' query type */
export interface ISetVectorSearchParamsQuery {
  params: ISetVectorSearchParamsParams;
  result: ISetVectorSearchParamsResult;
}

const setVectorSearchParamsIR: any = {"usedParamSet":{"efSearch":true},"params":[{"name":"efSearch","required":true,"transform":{"type":"scalar"},"locs":[{"a":38,"b":47}]}],"statement":"SELECT\n  set_config('hnsw.ef_search', :efSearch!::text, true) AS \"ef_search!\",\n  set_config('hnsw.iterative_scan', 'relaxed_order', true) AS \"iterative_scan!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT
 *   set_config('hnsw.ef_search', :efSearch!::text, true) AS "ef_search!",
 *   set_config('hnsw.iterative_scan', 'relaxed_order', true) AS "iterative_scan!"
 * ```
 */
export const setVectorSearchParams = new PreparedQuery<ISetVectorSearchParamsParams,ISetVectorSearchParamsResult>(setVectorSearchParamsIR);


