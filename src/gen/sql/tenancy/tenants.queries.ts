/** Types generated for queries found in "sql/tenancy/tenants.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** 'InsertTenant' parameters type */
export interface IInsertTenantParams {
  createFingerprint: Buffer;
  id: string;
  metadata: Json;
  name: string;
  settings: Json;
  status: string;
}

/** 'InsertTenant' return type */
export interface IInsertTenantResult {
  create_fingerprint: Buffer;
  create_time: Date;
  id: string;
  metadata: Json;
  name: string;
  settings: Json;
  status: string;
  update_time: Date;
  version: string;
}

/** 'InsertTenant' query type */
export interface IInsertTenantQuery {
  params: IInsertTenantParams;
  result: IInsertTenantResult;
}

const insertTenantIR: any = {"usedParamSet":{"id":true,"name":true,"status":true,"settings":true,"metadata":true,"createFingerprint":true},"params":[{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":87,"b":90}]},{"name":"name","required":true,"transform":{"type":"scalar"},"locs":[{"a":93,"b":98}]},{"name":"status","required":true,"transform":{"type":"scalar"},"locs":[{"a":101,"b":108}]},{"name":"settings","required":true,"transform":{"type":"scalar"},"locs":[{"a":111,"b":120}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":123,"b":132}]},{"name":"createFingerprint","required":true,"transform":{"type":"scalar"},"locs":[{"a":135,"b":153}]}],"statement":"INSERT INTO tenants (id, name, status, settings, metadata, create_fingerprint)\nVALUES (:id!, :name!, :status!, :settings!, :metadata!, :createFingerprint!)\nON CONFLICT (id) DO NOTHING\nRETURNING *"};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO tenants (id, name, status, settings, metadata, create_fingerprint)
 * VALUES (:id!, :name!, :status!, :settings!, :metadata!, :createFingerprint!)
 * ON CONFLICT (id) DO NOTHING
 * RETURNING *
 * ```
 */
export const insertTenant = new PreparedQuery<IInsertTenantParams,IInsertTenantResult>(insertTenantIR);


/** 'GetTenant' parameters type */
export interface IGetTenantParams {
  id: string;
}

/** 'GetTenant' return type */
export interface IGetTenantResult {
  create_fingerprint: Buffer;
  create_time: Date;
  id: string;
  metadata: Json;
  name: string;
  settings: Json;
  status: string;
  update_time: Date;
  version: string;
}

/** 'GetTenant' query type */
export interface IGetTenantQuery {
  params: IGetTenantParams;
  result: IGetTenantResult;
}

const getTenantIR: any = {"usedParamSet":{"id":true},"params":[{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":33,"b":36}]}],"statement":"SELECT * FROM tenants WHERE id = :id!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM tenants WHERE id = :id!
 * ```
 */
export const getTenant = new PreparedQuery<IGetTenantParams,IGetTenantResult>(getTenantIR);


/** 'ListTenants' parameters type */
export interface IListTenantsParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  limit: string;
  status?: string | null | void;
}

/** 'ListTenants' return type */
export interface IListTenantsResult {
  create_fingerprint: Buffer;
  create_time: Date;
  id: string;
  metadata: Json;
  name: string;
  settings: Json;
  status: string;
  update_time: Date;
  version: string;
}

/** 'ListTenants' query type */
export interface IListTenantsQuery {
  params: IListTenantsParams;
  result: IListTenantsResult;
}

const listTenantsIR: any = {"usedParamSet":{"status":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"status","required":false,"transform":{"type":"scalar"},"locs":[{"a":29,"b":35},{"a":63,"b":69}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":79,"b":88},{"a":135,"b":144}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":147,"b":154}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":195,"b":201}]}],"statement":"SELECT * FROM tenants\nWHERE (:status::text IS NULL OR status = :status)\n  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\nORDER BY create_time, id\nLIMIT :limit!                                                                                               "};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM tenants
 * WHERE (:status::text IS NULL OR status = :status)
 *   AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
 * ORDER BY create_time, id
 * LIMIT :limit!                                                                                               
 * ```
 */
export const listTenants = new PreparedQuery<IListTenantsParams,IListTenantsResult>(listTenantsIR);


/** 'UpdateTenant' parameters type */
export interface IUpdateTenantParams {
  expectedVersion?: string | null | void;
  id: string;
  metadata: Json;
  name: string;
  setMetadata: boolean;
  setName: boolean;
  setSettings: boolean;
  setStatus: boolean;
  settings: Json;
  status: string;
}

/** 'UpdateTenant' return type */
export interface IUpdateTenantResult {
  create_fingerprint: Buffer;
  create_time: Date;
  id: string;
  metadata: Json;
  name: string;
  settings: Json;
  status: string;
  update_time: Date;
  version: string;
}

/** 'UpdateTenant' query type */
export interface IUpdateTenantQuery {
  params: IUpdateTenantParams;
  result: IUpdateTenantResult;
}

const updateTenantIR: any = {"usedParamSet":{"setName":true,"name":true,"setStatus":true,"status":true,"setSettings":true,"settings":true,"setMetadata":true,"metadata":true,"id":true,"expectedVersion":true},"params":[{"name":"setName","required":true,"transform":{"type":"scalar"},"locs":[{"a":45,"b":53}]},{"name":"name","required":true,"transform":{"type":"scalar"},"locs":[{"a":73,"b":78}]},{"name":"setStatus","required":true,"transform":{"type":"scalar"},"locs":[{"a":132,"b":142}]},{"name":"status","required":true,"transform":{"type":"scalar"},"locs":[{"a":160,"b":167}]},{"name":"setSettings","required":true,"transform":{"type":"scalar"},"locs":[{"a":221,"b":233}]},{"name":"settings","required":true,"transform":{"type":"scalar"},"locs":[{"a":249,"b":258}]},{"name":"setMetadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":312,"b":324}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":340,"b":349}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":439,"b":442}]},{"name":"expectedVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":451,"b":466},{"a":497,"b":512}]}],"statement":"UPDATE tenants SET\n  name        = CASE WHEN :setName!::boolean     THEN :name!::text      ELSE name END,\n  status      = CASE WHEN :setStatus!::boolean   THEN :status!::text    ELSE status END,\n  settings    = CASE WHEN :setSettings!::boolean THEN :settings!::jsonb ELSE settings END,\n  metadata    = CASE WHEN :setMetadata!::boolean THEN :metadata!::jsonb ELSE metadata END,\n  version     = version + 1,\n  update_time = now()\nWHERE id = :id!\n  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)\nRETURNING *"};

/**
 * Query generated from SQL:
 * ```
 * UPDATE tenants SET
 *   name        = CASE WHEN :setName!::boolean     THEN :name!::text      ELSE name END,
 *   status      = CASE WHEN :setStatus!::boolean   THEN :status!::text    ELSE status END,
 *   settings    = CASE WHEN :setSettings!::boolean THEN :settings!::jsonb ELSE settings END,
 *   metadata    = CASE WHEN :setMetadata!::boolean THEN :metadata!::jsonb ELSE metadata END,
 *   version     = version + 1,
 *   update_time = now()
 * WHERE id = :id!
 *   AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
 * RETURNING *
 * ```
 */
export const updateTenant = new PreparedQuery<IUpdateTenantParams,IUpdateTenantResult>(updateTenantIR);


