/** Types generated for queries found in "sql/audit/denied.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

/** 'RecordDeniedCall' parameters type */
export interface IRecordDeniedCallParams {
  method: string;
  reason: string;
  scope: string;
}

/** 'RecordDeniedCall' return type */
export interface IRecordDeniedCallResult {
  recorded: undefined | null;
}

/** 'RecordDeniedCall' query type */
export interface IRecordDeniedCallQuery {
  params: IRecordDeniedCallParams;
  result: IRecordDeniedCallResult;
}

const recordDeniedCallIR: any = {"usedParamSet":{"method":true,"reason":true,"scope":true},"params":[{"name":"method","required":true,"transform":{"type":"scalar"},"locs":[{"a":34,"b":41}]},{"name":"reason","required":true,"transform":{"type":"scalar"},"locs":[{"a":44,"b":51}]},{"name":"scope","required":true,"transform":{"type":"scalar"},"locs":[{"a":54,"b":60}]}],"statement":"SELECT chimera.record_denied_call(:method!, :reason!, :scope!) AS \"recorded\"                                                                                                                                                                       "};

/**
 * Query generated from SQL:
 * ```
 * SELECT chimera.record_denied_call(:method!, :reason!, :scope!) AS "recorded"                                                                                                                                                                       
 * ```
 */
export const recordDeniedCall = new PreparedQuery<IRecordDeniedCallParams,IRecordDeniedCallResult>(recordDeniedCallIR);


/** 'RecordOtherTenantMiss' parameters type */
export interface IRecordOtherTenantMissParams {
  method: string;
  resourceId: string;
  resourceType: string;
}

/** 'RecordOtherTenantMiss' return type */
export interface IRecordOtherTenantMissResult {
  recorded: boolean;
}

/** 'RecordOtherTenantMiss' query type */
export interface IRecordOtherTenantMissQuery {
  params: IRecordOtherTenantMissParams;
  result: IRecordOtherTenantMissResult;
}

const recordOtherTenantMissIR: any = {"usedParamSet":{"method":true,"resourceType":true,"resourceId":true},"params":[{"name":"method","required":true,"transform":{"type":"scalar"},"locs":[{"a":40,"b":47}]},{"name":"resourceType","required":true,"transform":{"type":"scalar"},"locs":[{"a":50,"b":63}]},{"name":"resourceId","required":true,"transform":{"type":"scalar"},"locs":[{"a":66,"b":77}]}],"statement":"SELECT chimera.record_other_tenant_miss(:method!, :resourceType!, :resourceId!) AS \"recorded!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT chimera.record_other_tenant_miss(:method!, :resourceType!, :resourceId!) AS "recorded!"
 * ```
 */
export const recordOtherTenantMiss = new PreparedQuery<IRecordOtherTenantMissParams,IRecordOtherTenantMissResult>(recordOtherTenantMissIR);


