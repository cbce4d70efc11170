/** Types generated for queries found in "sql/platform/session.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

/** 'SetTenantContext' parameters type */
export interface ISetTenantContextParams {
  actor: string;
  requestId: string;
  statementTimeout: string;
  tenantId: string;
}

/** 'SetTenantContext' return type */
export interface ISetTenantContextResult {
  actor: string;
  request_id: string;
  role: string;
  statement_timeout: string;
  tenant_id: string;
}

/** 'SetTenantContext' query type */
export interface ISetTenantContextQuery {
  params: ISetTenantContextParams;
  result: ISetTenantContextResult;
}

const setTenantContextIR: any = {"usedParamSet":{"tenantId":true,"actor":true,"requestId":true,"statementTimeout":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":91,"b":100}]},{"name":"actor","required":true,"transform":{"type":"scalar"},"locs":[{"a":158,"b":164}]},{"name":"requestId","required":true,"transform":{"type":"scalar"},"locs":[{"a":217,"b":227}]},{"name":"statementTimeout","required":true,"transform":{"type":"scalar"},"locs":[{"a":288,"b":305}]}],"statement":"SELECT\n  set_config('role', 'chimera_app', true) AS \"role!\",\n  set_config('app.tenant_id', :tenantId!::text, true) AS \"tenant_id!\",\n  set_config('app.actor', :actor!, true) AS \"actor!\",\n  set_config('app.request_id', :requestId!, true) AS \"request_id!\",\n  set_config('statement_timeout', :statementTimeout!::text, true) AS \"statement_timeout!\"                                                            "};

/**
 * Query generated from SQL:
 * ```
 * SELECT
 *   set_config('role', 'chimera_app', true) AS "role!",
 *   set_config('app.tenant_id', :tenantId!::text, true) AS "tenant_id!",
 *   set_config('app.actor', :actor!, true) AS "actor!",
 *   set_config('app.request_id', :requestId!, true) AS "request_id!",
 *   set_config('statement_timeout', :statementTimeout!::text, true) AS "statement_timeout!"                                                            
 * ```
 */
export const setTenantContext = new PreparedQuery<ISetTenantContextParams,ISetTenantContextResult>(setTenantContextIR);


/** 'SetAdminContext' parameters type */
export interface ISetAdminContextParams {
  actor: string;
  requestId: string;
  statementTimeout: string;
}

/** 'SetAdminContext' return type */
export interface ISetAdminContextResult {
  actor: string;
  request_id: string;
  role: string;
  statement_timeout: string;
  tenant_id: string;
}

/** 'SetAdminContext' query type */
export interface ISetAdminContextQuery {
  params: ISetAdminContextParams;
  result: ISetAdminContextResult;
}

const setAdminContextIR: any = {"usedParamSet":{"actor":true,"requestId":true,"statementTimeout":true},"params":[{"name":"actor","required":true,"transform":{"type":"scalar"},"locs":[{"a":146,"b":152}]},{"name":"requestId","required":true,"transform":{"type":"scalar"},"locs":[{"a":205,"b":215}]},{"name":"statementTimeout","required":true,"transform":{"type":"scalar"},"locs":[{"a":276,"b":293}]}],"statement":"SELECT\n  set_config('role', 'chimera_admin', true) AS \"role!\",\n  set_config('app.tenant_id', '', true) AS \"tenant_id!\",\n  set_config('app.actor', :actor!, true) AS \"actor!\",\n  set_config('app.request_id', :requestId!, true) AS \"request_id!\",\n  set_config('statement_timeout', :statementTimeout!::text, true) AS \"statement_timeout!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT
 *   set_config('role', 'chimera_admin', true) AS "role!",
 *   set_config('app.tenant_id', '', true) AS "tenant_id!",
 *   set_config('app.actor', :actor!, true) AS "actor!",
 *   set_config('app.request_id', :requestId!, true) AS "request_id!",
 *   set_config('statement_timeout', :statementTimeout!::text, true) AS "statement_timeout!"
 * ```
 */
export const setAdminContext = new PreparedQuery<ISetAdminContextParams,ISetAdminContextResult>(setAdminContextIR);


/** 'ListAppliedMigrations' parameters type */
export type IListAppliedMigrationsParams = void;

/** 'ListAppliedMigrations' return type */
export interface IListAppliedMigrationsResult {
  version: string;
}

/** 'ListAppliedMigrations' query type */
export interface IListAppliedMigrationsQuery {
  params: IListAppliedMigrationsParams;
  result: IListAppliedMigrationsResult;
}

const listAppliedMigrationsIR: any = {"usedParamSet":{},"params":[],"statement":"SELECT version AS \"version!\" FROM schema_migrations ORDER BY version                                                                                                                                                                                                                                       "};

/**
 * Query generated from SQL:
 * ```
 * SELECT version AS "version!" FROM schema_migrations ORDER BY version                                                                                                                                                                                                                                       
 * ```
 */
export const listAppliedMigrations = new PreparedQuery<IListAppliedMigrationsParams,IListAppliedMigrationsResult>(listAppliedMigrationsIR);


/** 'SetReadOnly' parameters type */
export type ISetReadOnlyParams = void;

/** 'SetReadOnly' return type */
export interface ISetReadOnlyResult {
  read_only: string;
}

/** 'SetReadOnly' query type */
export interface ISetReadOnlyQuery {
  params: ISetReadOnlyParams;
  result: ISetReadOnlyResult;
}

const setReadOnlyIR: any = {"usedParamSet":{},"params":[],"statement":"SELECT set_config('transaction_read_only', 'on', true) AS \"read_only!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT set_config('transaction_read_only', 'on', true) AS "read_only!"
 * ```
 */
export const setReadOnly = new PreparedQuery<ISetReadOnlyParams,ISetReadOnlyResult>(setReadOnlyIR);


