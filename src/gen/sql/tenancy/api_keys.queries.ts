/** Types generated for queries found in "sql/tenancy/api_keys.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type DateOrStringArray = (DateOrString)[];

export type stringArray = (string)[];

/** 'InsertApiKey' parameters type */
export interface IInsertApiKeyParams {
  description: string;
  expireTime?: DateOrString | null | void;
  scopes: stringArray;
  secretPrefix: string;
  secretSha256: Buffer;
  tenantId: string;
}

/** 'InsertApiKey' return type */
export interface IInsertApiKeyResult {
  create_time: Date;
  description: string;
  expire_time: Date | null;
  id: string;
  /** Latest successful authentication with the key, written in batches: up to the flush interval late. */
  last_use_time: Date | null;
  revoke_time: Date | null;
  scopes: stringArray;
  secret_prefix: string;
  secret_sha256: Buffer;
  tenant_id: string;
}

/** 'InsertApiKey' query type */
export interface IInsertApiKeyQuery {
  params: IInsertApiKeyParams;
  result: IInsertApiKeyResult;
}

const insertApiKeyIR: any = {"usedParamSet":{"tenantId":true,"secretSha256":true,"secretPrefix":true,"scopes":true,"description":true,"expireTime":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":105,"b":114}]},{"name":"secretSha256","required":true,"transform":{"type":"scalar"},"locs":[{"a":117,"b":130}]},{"name":"secretPrefix","required":true,"transform":{"type":"scalar"},"locs":[{"a":133,"b":146}]},{"name":"scopes","required":true,"transform":{"type":"scalar"},"locs":[{"a":149,"b":156}]},{"name":"description","required":true,"transform":{"type":"scalar"},"locs":[{"a":159,"b":171}]},{"name":"expireTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":174,"b":184}]}],"statement":"INSERT INTO api_keys (tenant_id, secret_sha256, secret_prefix, scopes, description, expire_time)\nVALUES (:tenantId!, :secretSha256!, :secretPrefix!, :scopes!, :description!, :expireTime)\nRETURNING *"};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO api_keys (tenant_id, secret_sha256, secret_prefix, scopes, description, expire_time)
 * VALUES (:tenantId!, :secretSha256!, :secretPrefix!, :scopes!, :description!, :expireTime)
 * RETURNING *
 * ```
 */
export const insertApiKey = new PreparedQuery<IInsertApiKeyParams,IInsertApiKeyResult>(insertApiKeyIR);


/** 'ListApiKeys' parameters type */
export interface IListApiKeysParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  limit: string;
  showRevoked: boolean;
  tenantId: string;
}

/** 'ListApiKeys' return type */
export interface IListApiKeysResult {
  create_time: Date;
  description: string;
  expire_time: Date | null;
  id: string;
  /** Latest successful authentication with the key, written in batches: up to the flush interval late. */
  last_use_time: Date | null;
  revoke_time: Date | null;
  scopes: stringArray;
  secret_prefix: string;
  secret_sha256: Buffer;
  tenant_id: string;
}

/** 'ListApiKeys' query type */
export interface IListApiKeysQuery {
  params: IListApiKeysParams;
  result: IListApiKeysResult;
}

const listApiKeysIR: any = {"usedParamSet":{"tenantId":true,"showRevoked":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":41,"b":50}]},{"name":"showRevoked","required":true,"transform":{"type":"scalar"},"locs":[{"a":59,"b":71}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":113,"b":122},{"a":169,"b":178}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":181,"b":188}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":229,"b":235}]}],"statement":"SELECT * FROM api_keys\nWHERE tenant_id = :tenantId!\n  AND (:showRevoked!::boolean OR revoke_time IS NULL)\n  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\nORDER BY create_time, id\nLIMIT :limit!                                                 "};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM api_keys
 * WHERE tenant_id = :tenantId!
 *   AND (:showRevoked!::boolean OR revoke_time IS NULL)
 *   AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
 * ORDER BY create_time, id
 * LIMIT :limit!                                                 
 * ```
 */
export const listApiKeys = new PreparedQuery<IListApiKeysParams,IListApiKeysResult>(listApiKeysIR);


/** 'RevokeApiKey' parameters type */
export interface IRevokeApiKeyParams {
  id: string;
  tenantId: string;
}

/** 'RevokeApiKey' return type */
export interface IRevokeApiKeyResult {
  create_time: Date;
  description: string;
  expire_time: Date | null;
  id: string;
  /** Latest successful authentication with the key, written in batches: up to the flush interval late. */
  last_use_time: Date | null;
  revoke_time: Date | null;
  scopes: stringArray;
  secret_prefix: string;
  secret_sha256: Buffer;
  tenant_id: string;
}

/** 'RevokeApiKey' query type */
export interface IRevokeApiKeyQuery {
  params: IRevokeApiKeyParams;
  result: IRevokeApiKeyResult;
}

const revokeApiKeyIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":81,"b":90}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":101,"b":104}]}],"statement":"UPDATE api_keys SET revoke_time = coalesce(revoke_time, now())\nWHERE tenant_id = :tenantId! AND id = :id!\nRETURNING *                                                                          "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE api_keys SET revoke_time = coalesce(revoke_time, now())
 * WHERE tenant_id = :tenantId! AND id = :id!
 * RETURNING *                                                                          
 * ```
 */
export const revokeApiKey = new PreparedQuery<IRevokeApiKeyParams,IRevokeApiKeyResult>(revokeApiKeyIR);


/** 'FindApiKeyBySecret' parameters type */
export interface IFindApiKeyBySecretParams {
  secretSha256: Buffer;
}

/** 'FindApiKeyBySecret' return type */
export interface IFindApiKeyBySecretResult {
  expire_time: Date | null;
  key_id: string;
  revoke_time: Date | null;
  scopes: stringArray;
  tenant_id: string;
  tenant_status: string;
}

/** 'FindApiKeyBySecret' query type */
export interface IFindApiKeyBySecretQuery {
  params: IFindApiKeyBySecretParams;
  result: IFindApiKeyBySecretResult;
}

const findApiKeyBySecretIR: any = {"usedParamSet":{"secretSha256":true},"params":[{"name":"secretSha256","required":true,"transform":{"type":"scalar"},"locs":[{"a":226,"b":239}]}],"statement":"SELECT\n  k.tenant_id AS \"tenant_id!\",\n  k.id AS \"key_id!\",\n  k.scopes AS \"scopes!\",\n  k.expire_time,\n  k.revoke_time,\n  t.status AS \"tenant_status!\"\nFROM api_keys k\nJOIN tenants t ON t.id = k.tenant_id\nWHERE k.secret_sha256 = :secretSha256!                                                                                          "};

/**
 * Query generated from SQL:
 * ```
 * SELECT
 *   k.tenant_id AS "tenant_id!",
 *   k.id AS "key_id!",
 *   k.scopes AS "scopes!",
 *   k.expire_time,
 *   k.revoke_time,
 *   t.status AS "tenant_status!"
 * FROM api_keys k
 * JOIN tenants t ON t.id = k.tenant_id
 * WHERE k.secret_sha256 = :secretSha256!                                                                                          
 * ```
 */
export const findApiKeyBySecret = new PreparedQuery<IFindApiKeyBySecretParams,IFindApiKeyBySecretResult>(findApiKeyBySecretIR);


/** 'LockApiKey' parameters type */
export interface ILockApiKeyParams {
  id: string;
  tenantId: string;
}

/** 'LockApiKey' return type */
export interface ILockApiKeyResult {
  create_time: Date;
  description: string;
  expire_time: Date | null;
  expired: boolean;
  id: string;
  /** Latest successful authentication with the key, written in batches: up to the flush interval late. */
  last_use_time: Date | null;
  revoke_time: Date | null;
  scopes: stringArray;
  secret_prefix: string;
  secret_sha256: Buffer;
  tenant_id: string;
}

/** 'LockApiKey' query type */
export interface ILockApiKeyQuery {
  params: ILockApiKeyParams;
  result: ILockApiKeyResult;
}

const lockApiKeyIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":107,"b":116}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":127,"b":130}]}],"statement":"SELECT *, (expire_time IS NOT NULL AND expire_time <= now()) AS \"expired!\"\nFROM api_keys\nWHERE tenant_id = :tenantId! AND id = :id!\nFOR UPDATE                                                                                                                                       "};

/**
 * Query generated from SQL:
 * ```
 * SELECT *, (expire_time IS NOT NULL AND expire_time <= now()) AS "expired!"
 * FROM api_keys
 * WHERE tenant_id = :tenantId! AND id = :id!
 * FOR UPDATE                                                                                                                                       
 * ```
 */
export const lockApiKey = new PreparedQuery<ILockApiKeyParams,ILockApiKeyResult>(lockApiKeyIR);


/** 'ShortenApiKeyExpiry' parameters type */
export interface IShortenApiKeyExpiryParams {
  graceMs: string;
  id: string;
  tenantId: string;
}

/** 'ShortenApiKeyExpiry' return type */
export interface IShortenApiKeyExpiryResult {
  create_time: Date;
  description: string;
  expire_time: Date | null;
  id: string;
  /** Latest successful authentication with the key, written in batches: up to the flush interval late. */
  last_use_time: Date | null;
  revoke_time: Date | null;
  scopes: stringArray;
  secret_prefix: string;
  secret_sha256: Buffer;
  tenant_id: string;
}

/** 'ShortenApiKeyExpiry' query type */
export interface IShortenApiKeyExpiryQuery {
  params: IShortenApiKeyExpiryParams;
  result: IShortenApiKeyExpiryResult;
}

const shortenApiKeyExpiryIR: any = {"usedParamSet":{"graceMs":true,"tenantId":true,"id":true},"params":[{"name":"graceMs","required":true,"transform":{"type":"scalar"},"locs":[{"a":72,"b":80}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":136,"b":145}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":156,"b":159}]}],"statement":"UPDATE api_keys SET expire_time = least(expire_time, chimera.now_ms() + :graceMs!::bigint * interval '1 millisecond')\nWHERE tenant_id = :tenantId! AND id = :id!\nRETURNING *                                                                                                                                                                                                                                                                      "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE api_keys SET expire_time = least(expire_time, chimera.now_ms() + :graceMs!::bigint * interval '1 millisecond')
 * WHERE tenant_id = :tenantId! AND id = :id!
 * RETURNING *                                                                                                                                                                                                                                                                      
 * ```
 */
export const shortenApiKeyExpiry = new PreparedQuery<IShortenApiKeyExpiryParams,IShortenApiKeyExpiryResult>(shortenApiKeyExpiryIR);


/** 'RecordApiKeyUses' parameters type */
export interface IRecordApiKeyUsesParams {
  ids: stringArray;
  tenantIds: stringArray;
  useTimes: DateOrStringArray;
}

/** 'RecordApiKeyUses' return type */
export type IRecordApiKeyUsesResult = void;

/** 'RecordApiKeyUses' query type */
export interface IRecordApiKeyUsesQuery {
  params: IRecordApiKeyUsesParams;
  result: IRecordApiKeyUsesResult;
}

const recordApiKeyUsesIR: any = {"usedParamSet":{"tenantIds":true,"ids":true,"useTimes":true},"params":[{"name":"tenantIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":88,"b":98}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":109,"b":113}]},{"name":"useTimes","required":true,"transform":{"type":"scalar"},"locs":[{"a":124,"b":133}]}],"statement":"UPDATE api_keys k SET last_use_time = greatest(k.last_use_time, u.use_time)\nFROM unnest(:tenantIds!::uuid[], :ids!::uuid[], :useTimes!::timestamptz[]) AS u(tenant_id, id, use_time)\nWHERE k.tenant_id = u.tenant_id AND k.id = u.id\n  AND k.last_use_time IS DISTINCT FROM greatest(k.last_use_time, u.use_time)"};

/**
 * Query generated from SQL:
 * ```
 * UPDATE api_keys k SET last_use_time = greatest(k.last_use_time, u.use_time)
 * FROM unnest(:tenantIds!::uuid[], :ids!::uuid[], :useTimes!::timestamptz[]) AS u(tenant_id, id, use_time)
 * WHERE k.tenant_id = u.tenant_id AND k.id = u.id
 *   AND k.last_use_time IS DISTINCT FROM greatest(k.last_use_time, u.use_time)
 * ```
 */
export const recordApiKeyUses = new PreparedQuery<IRecordApiKeyUsesParams,IRecordApiKeyUsesResult>(recordApiKeyUsesIR);


