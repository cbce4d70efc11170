/** Types generated for queries found in "sql/audit/denied.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

/** 'RecordDeniedCall' parameters type */
export interface IRecordDeniedCallParams {
  method: string;
  reason: string;
  scope: string;
  tenantId: string;
}

/** 'RecordDeniedCall' return type */
export interface IRecordDeniedCallResult {
  id: string;
}

/** 'RecordDeniedCall' query type */
export interface IRecordDeniedCallQuery {
  params: IRecordDeniedCallParams;
  result: IRecordDeniedCallResult;
}

const recordDeniedCallIR: any = {"usedParamSet":{"tenantId":true,"method":true,"reason":true,"scope":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":107,"b":116}]},{"name":"method","required":true,"transform":{"type":"scalar"},"locs":[{"a":191,"b":198}]},{"name":"reason","required":true,"transform":{"type":"scalar"},"locs":[{"a":238,"b":245}]},{"name":"scope","required":true,"transform":{"type":"scalar"},"locs":[{"a":263,"b":269}]}],"statement":"INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, after)\nVALUES (:tenantId!, chimera.current_actor(), chimera.current_request_id(), 'DENIED', 'rpc', :method!,\n        jsonb_build_object('reason', :reason!::text, 'scope', :scope!::text))\nRETURNING id AS \"id!\""};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, after)
 * VALUES (:tenantId!, chimera.current_actor(), chimera.current_request_id(), 'DENIED', 'rpc', :method!,
 *         jsonb_build_object('reason', :reason!::text, 'scope', :scope!::text))
 * RETURNING id AS "id!"
 * ```
 */
export const recordDeniedCall = new PreparedQuery<IRecordDeniedCallParams,IRecordDeniedCallResult>(recordDeniedCallIR);


