/** Types generated for queries found in "sql/platform/metrics.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

/** 'WithoutJit' parameters type */
export type IWithoutJitParams = void;

/** 'WithoutJit' return type */
export interface IWithoutJitResult {
  jit: string;
}

/** 'WithoutJit' query type */
export interface IWithoutJitQuery {
  params: IWithoutJitParams;
  result: IWithoutJitResult;
}

const withoutJitIR: any = {"usedParamSet":{},"params":[],"statement":"SELECT set_config('jit', 'off', true) AS \"jit!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT set_config('jit', 'off', true) AS "jit!"
 * ```
 */
export const withoutJit = new PreparedQuery<IWithoutJitParams,IWithoutJitResult>(withoutJitIR);


