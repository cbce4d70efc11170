/** Types generated for queries found in "sql/ledger/accounts.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type booleanArray = (boolean)[];

export type numberArray = (number)[];

export type stringArray = (string)[];

/** 'InsertAccounts' parameters type */
export interface IInsertAccountsParams {
  assets: stringArray;
  assetScales: numberArray;
  closed: booleanArray;
  creditsMustNotExceedDebits: booleanArray;
  debitsMustNotExceedCredits: booleanArray;
  ids: stringArray;
  metadata: stringArray;
  ownerIds: stringArray;
  ownerTypes: stringArray;
  tenantId: string;
  walletAddresses: stringArray;
  walletNetworks: stringArray;
}

/** 'InsertAccounts' return type */
export interface IInsertAccountsResult {
  id: string;
}

/** 'InsertAccounts' query type */
export interface IInsertAccountsQuery {
  params: IInsertAccountsParams;
  result: IInsertAccountsResult;
}

const insertAccountsIR: any = {"usedParamSet":{"tenantId":true,"ids":true,"assets":true,"assetScales":true,"ownerTypes":true,"ownerIds":true,"debitsMustNotExceedCredits":true,"creditsMustNotExceedDebits":true,"closed":true,"walletNetworks":true,"walletAddresses":true,"metadata":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":265,"b":274}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":491,"b":495}]},{"name":"assets","required":true,"transform":{"type":"scalar"},"locs":[{"a":506,"b":513}]},{"name":"assetScales","required":true,"transform":{"type":"scalar"},"locs":[{"a":524,"b":536}]},{"name":"ownerTypes","required":true,"transform":{"type":"scalar"},"locs":[{"a":551,"b":562}]},{"name":"ownerIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":573,"b":582}]},{"name":"debitsMustNotExceedCredits","required":true,"transform":{"type":"scalar"},"locs":[{"a":605,"b":632}]},{"name":"creditsMustNotExceedDebits","required":true,"transform":{"type":"scalar"},"locs":[{"a":646,"b":673}]},{"name":"closed","required":true,"transform":{"type":"scalar"},"locs":[{"a":687,"b":694}]},{"name":"walletNetworks","required":true,"transform":{"type":"scalar"},"locs":[{"a":720,"b":735}]},{"name":"walletAddresses","required":true,"transform":{"type":"scalar"},"locs":[{"a":746,"b":762}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":773,"b":782}]}],"statement":"INSERT INTO ledger_accounts (tenant_id, id, asset, asset_scale, owner_type, owner_id,\n                             debits_must_not_exceed_credits, credits_must_not_exceed_debits, closed,\n                             wallet_network, wallet_address, metadata)\nSELECT :tenantId!, a.id, a.asset, a.asset_scale, a.owner_type, a.owner_id,\n       a.debits_must_not_exceed_credits, a.credits_must_not_exceed_debits, a.closed,\n       a.wallet_network, a.wallet_address, a.metadata::jsonb\nFROM unnest(:ids!::uuid[], :assets!::text[], :assetScales!::smallint[], :ownerTypes!::text[], :ownerIds!::text[],\n            :debitsMustNotExceedCredits!::boolean[], :creditsMustNotExceedDebits!::boolean[], :closed!::boolean[],\n            :walletNetworks!::text[], :walletAddresses!::text[], :metadata!::text[])\n     AS a(id, asset, asset_scale, owner_type, owner_id, debits_must_not_exceed_credits,\n          credits_must_not_exceed_debits, closed, wallet_network, wallet_address, metadata)\nORDER BY a.id\nON CONFLICT (tenant_id, id) DO NOTHING\nRETURNING id AS \"id!\""};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO ledger_accounts (tenant_id, id, asset, asset_scale, owner_type, owner_id,
 *                              debits_must_not_exceed_credits, credits_must_not_exceed_debits, closed,
 *                              wallet_network, wallet_address, metadata)
 * SELECT :tenantId!, a.id, a.asset, a.asset_scale, a.owner_type, a.owner_id,
 *        a.debits_must_not_exceed_credits, a.credits_must_not_exceed_debits, a.closed,
 *        a.wallet_network, a.wallet_address, a.metadata::jsonb
 * FROM unnest(:ids!::uuid[], :assets!::text[], :assetScales!::smallint[], :ownerTypes!::text[], :ownerIds!::text[],
 *             :debitsMustNotExceedCredits!::boolean[], :creditsMustNotExceedDebits!::boolean[], :closed!::boolean[],
 *             :walletNetworks!::text[], :walletAddresses!::text[], :metadata!::text[])
 *      AS a(id, asset, asset_scale, owner_type, owner_id, debits_must_not_exceed_credits,
 *           credits_must_not_exceed_debits, closed, wallet_network, wallet_address, metadata)
 * ORDER BY a.id
 * ON CONFLICT (tenant_id, id) DO NOTHING
 * RETURNING id AS "id!"
 * ```
 */
export const insertAccounts = new PreparedQuery<IInsertAccountsParams,IInsertAccountsResult>(insertAccountsIR);


/** 'GetAccountsByIds' parameters type */
export interface IGetAccountsByIdsParams {
  ids: stringArray;
  tenantId: string;
}

/** 'GetAccountsByIds' return type */
export interface IGetAccountsByIdsResult {
  asset: string;
  asset_scale: number;
  closed: boolean;
  create_time: Date;
  credits_must_not_exceed_debits: boolean;
  credits_pending: string;
  credits_posted: string;
  debits_must_not_exceed_credits: boolean;
  debits_pending: string;
  debits_posted: string;
  id: string;
  metadata: Json;
  owner_id: string;
  owner_type: string;
  tenant_id: string;
  /** Incremented by every posting; the account_version of its latest entry. */
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'GetAccountsByIds' query type */
export interface IGetAccountsByIdsQuery {
  params: IGetAccountsByIdsParams;
  result: IGetAccountsByIdsResult;
}

const getAccountsByIdsIR: any = {"usedParamSet":{"tenantId":true,"ids":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":48,"b":57}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":72,"b":76}]}],"statement":"SELECT * FROM ledger_accounts WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                                                                                         "};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM ledger_accounts WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                                                                                         
 * ```
 */
export const getAccountsByIds = new PreparedQuery<IGetAccountsByIdsParams,IGetAccountsByIdsResult>(getAccountsByIdsIR);


/** 'GetAccount' parameters type */
export interface IGetAccountParams {
  id: string;
  tenantId: string;
}

/** 'GetAccount' return type */
export interface IGetAccountResult {
  asset: string;
  asset_scale: number;
  closed: boolean;
  create_time: Date;
  credits_must_not_exceed_debits: boolean;
  credits_pending: string;
  credits_posted: string;
  debits_must_not_exceed_credits: boolean;
  debits_pending: string;
  debits_posted: string;
  expired_credits_pending: string;
  expired_debits_pending: string;
  id: string;
  metadata: Json;
  owner_id: string;
  owner_type: string;
  tenant_id: string;
  /** Incremented by every posting; the account_version of its latest entry. */
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'GetAccount' query type */
export interface IGetAccountQuery {
  params: IGetAccountParams;
  result: IGetAccountResult;
}

const getAccountIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":476,"b":485}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":498,"b":501}]}],"statement":"SELECT a.*,\n       coalesce((SELECT sum(p.amount) FROM ledger_pending p\n                 WHERE p.tenant_id = a.tenant_id AND p.debit_account_id = a.id AND p.expire_time <= now()), 0)\n         AS \"expired_debits_pending!\",\n       coalesce((SELECT sum(p.amount) FROM ledger_pending p\n                 WHERE p.tenant_id = a.tenant_id AND p.credit_account_id = a.id AND p.expire_time <= now()), 0)\n         AS \"expired_credits_pending!\"\nFROM ledger_accounts a\nWHERE a.tenant_id = :tenantId! AND a.id = :id!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT a.*,
 *        coalesce((SELECT sum(p.amount) FROM ledger_pending p
 *                  WHERE p.tenant_id = a.tenant_id AND p.debit_account_id = a.id AND p.expire_time <= now()), 0)
 *          AS "expired_debits_pending!",
 *        coalesce((SELECT sum(p.amount) FROM ledger_pending p
 *                  WHERE p.tenant_id = a.tenant_id AND p.credit_account_id = a.id AND p.expire_time <= now()), 0)
 *          AS "expired_credits_pending!"
 * FROM ledger_accounts a
 * WHERE a.tenant_id = :tenantId! AND a.id = :id!
 * ```
 */
export const getAccount = new PreparedQuery<IGetAccountParams,IGetAccountResult>(getAccountIR);


/** 'ListAccounts' parameters type */
export interface IListAccountsParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  asset?: string | null | void;
  limit: string;
  ownerId?: string | null | void;
  ownerType?: string | null | void;
  tenantId: string;
}

/** 'ListAccounts' return type */
export interface IListAccountsResult {
  asset: string;
  asset_scale: number;
  closed: boolean;
  create_time: Date;
  credits_must_not_exceed_debits: boolean;
  credits_pending: string;
  credits_posted: string;
  debits_must_not_exceed_credits: boolean;
  debits_pending: string;
  debits_posted: string;
  expired_credits_pending: string;
  expired_debits_pending: string;
  id: string;
  metadata: Json;
  owner_id: string;
  owner_type: string;
  tenant_id: string;
  /** Incremented by every posting; the account_version of its latest entry. */
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'ListAccounts' query type */
export interface IListAccountsQuery {
  params: IListAccountsParams;
  result: IListAccountsResult;
}

const listAccountsIR: any = {"usedParamSet":{"tenantId":true,"ownerType":true,"ownerId":true,"asset":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":476,"b":485}]},{"name":"ownerType","required":false,"transform":{"type":"scalar"},"locs":[{"a":494,"b":503},{"a":537,"b":546}]},{"name":"ownerId","required":false,"transform":{"type":"scalar"},"locs":[{"a":556,"b":563},{"a":595,"b":602}]},{"name":"asset","required":false,"transform":{"type":"scalar"},"locs":[{"a":612,"b":617},{"a":646,"b":651}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":661,"b":670},{"a":721,"b":730}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":733,"b":740}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":785,"b":791}]}],"statement":"SELECT a.*,\n       coalesce((SELECT sum(p.amount) FROM ledger_pending p\n                 WHERE p.tenant_id = a.tenant_id AND p.debit_account_id = a.id AND p.expire_time <= now()), 0)\n         AS \"expired_debits_pending!\",\n       coalesce((SELECT sum(p.amount) FROM ledger_pending p\n                 WHERE p.tenant_id = a.tenant_id AND p.credit_account_id = a.id AND p.expire_time <= now()), 0)\n         AS \"expired_credits_pending!\"\nFROM ledger_accounts a\nWHERE a.tenant_id = :tenantId!\n  AND (:ownerType::text IS NULL OR a.owner_type = :ownerType)\n  AND (:ownerId::text IS NULL OR a.owner_id = :ownerId)\n  AND (:asset::text IS NULL OR a.asset = :asset)\n  AND (:afterTime::timestamptz IS NULL OR (a.create_time, a.id) > (:afterTime, :afterId::uuid))\nORDER BY a.create_time, a.id\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT a.*,
 *        coalesce((SELECT sum(p.amount) FROM ledger_pending p
 *                  WHERE p.tenant_id = a.tenant_id AND p.debit_account_id = a.id AND p.expire_time <= now()), 0)
 *          AS "expired_debits_pending!",
 *        coalesce((SELECT sum(p.amount) FROM ledger_pending p
 *                  WHERE p.tenant_id = a.tenant_id AND p.credit_account_id = a.id AND p.expire_time <= now()), 0)
 *          AS "expired_credits_pending!"
 * FROM ledger_accounts a
 * WHERE a.tenant_id = :tenantId!
 *   AND (:ownerType::text IS NULL OR a.owner_type = :ownerType)
 *   AND (:ownerId::text IS NULL OR a.owner_id = :ownerId)
 *   AND (:asset::text IS NULL OR a.asset = :asset)
 *   AND (:afterTime::timestamptz IS NULL OR (a.create_time, a.id) > (:afterTime, :afterId::uuid))
 * ORDER BY a.create_time, a.id
 * LIMIT :limit!
 * ```
 */
export const listAccounts = new PreparedQuery<IListAccountsParams,IListAccountsResult>(listAccountsIR);


