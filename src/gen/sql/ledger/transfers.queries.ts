/** Types generated for queries found in "sql/ledger/transfers.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type DateOrStringArray = (DateOrString)[];

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type booleanArray = (boolean)[];

export type numberArray = (number)[];

export type stringArray = (string)[];

/** 'LockAccounts' parameters type */
export interface ILockAccountsParams {
  accountIds: stringArray;
  pendingIds: stringArray;
  tenantId: string;
}

/** 'LockAccounts' return type */
export interface ILockAccountsResult {
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
  version: string;
  wallet_address: string;
  wallet_network: string;
}

/** 'LockAccounts' query type */
export interface ILockAccountsQuery {
  params: ILockAccountsParams;
  result: ILockAccountsResult;
}

const lockAccountsIR: any = {"usedParamSet":{"accountIds":true,"tenantId":true,"pendingIds":true},"params":[{"name":"accountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":33,"b":44},{"a":348,"b":359},{"a":518,"b":529}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":179,"b":188},{"a":308,"b":317},{"a":477,"b":486},{"a":623,"b":632}]},{"name":"pendingIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":205,"b":216}]}],"statement":"WITH wanted AS (\n  SELECT unnest(:accountIds!::uuid[]) AS id\n  UNION\n  SELECT unnest(ARRAY[t.debit_account_id, t.credit_account_id]) FROM ledger_transfers t\n  WHERE t.tenant_id = :tenantId! AND t.id = ANY(:pendingIds!::uuid[])\n  UNION\n  SELECT p.credit_account_id FROM ledger_pending p\n  WHERE p.tenant_id = :tenantId! AND p.debit_account_id = ANY(:accountIds!::uuid[]) AND p.expire_time <= now()\n  UNION\n  SELECT p.debit_account_id FROM ledger_pending p\n  WHERE p.tenant_id = :tenantId! AND p.credit_account_id = ANY(:accountIds!::uuid[]) AND p.expire_time <= now()\n)\nSELECT a.*\nFROM ledger_accounts a\nWHERE a.tenant_id = :tenantId! AND a.id IN (SELECT id FROM wanted)\nORDER BY a.id\nFOR UPDATE OF a                                                                                                                                                                                                                                                              "};

/**
 * Query generated from SQL:
 * ```
 * WITH wanted AS (
 *   SELECT unnest(:accountIds!::uuid[]) AS id
 *   UNION
 *   SELECT unnest(ARRAY[t.debit_account_id, t.credit_account_id]) FROM ledger_transfers t
 *   WHERE t.tenant_id = :tenantId! AND t.id = ANY(:pendingIds!::uuid[])
 *   UNION
 *   SELECT p.credit_account_id FROM ledger_pending p
 *   WHERE p.tenant_id = :tenantId! AND p.debit_account_id = ANY(:accountIds!::uuid[]) AND p.expire_time <= now()
 *   UNION
 *   SELECT p.debit_account_id FROM ledger_pending p
 *   WHERE p.tenant_id = :tenantId! AND p.credit_account_id = ANY(:accountIds!::uuid[]) AND p.expire_time <= now()
 * )
 * SELECT a.*
 * FROM ledger_accounts a
 * WHERE a.tenant_id = :tenantId! AND a.id IN (SELECT id FROM wanted)
 * ORDER BY a.id
 * FOR UPDATE OF a                                                                                                                                                                                                                                                              
 * ```
 */
export const lockAccounts = new PreparedQuery<ILockAccountsParams,ILockAccountsResult>(lockAccountsIR);


/** 'GetExpiredReservations' parameters type */
export interface IGetExpiredReservationsParams {
  accountIds: stringArray;
  pendingIds: stringArray;
  tenantId: string;
}

/** 'GetExpiredReservations' return type */
export interface IGetExpiredReservationsResult {
  amount: string;
  create_time: Date;
  credit_account_id: string;
  debit_account_id: string;
  transfer_id: string;
}

/** 'GetExpiredReservations' query type */
export interface IGetExpiredReservationsQuery {
  params: IGetExpiredReservationsParams;
  result: IGetExpiredReservationsResult;
}

const getExpiredReservationsIR: any = {"usedParamSet":{"tenantId":true,"accountIds":true,"pendingIds":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":232,"b":241}]},{"name":"accountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":302,"b":313},{"a":353,"b":364}]},{"name":"pendingIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":405,"b":416}]}],"statement":"SELECT p.transfer_id AS \"transfer_id!\", p.debit_account_id AS \"debit_account_id!\",\n       p.credit_account_id AS \"credit_account_id!\", p.amount AS \"amount!\", p.create_time AS \"create_time!\"\nFROM ledger_pending p\nWHERE p.tenant_id = :tenantId! AND p.expire_time <= now()\n  AND (p.debit_account_id = ANY(:accountIds!::uuid[]) OR p.credit_account_id = ANY(:accountIds!::uuid[])\n       OR p.transfer_id = ANY(:pendingIds!::uuid[]))\nORDER BY p.transfer_id"};

/**
 * Query generated from SQL:
 * ```
 * SELECT p.transfer_id AS "transfer_id!", p.debit_account_id AS "debit_account_id!",
 *        p.credit_account_id AS "credit_account_id!", p.amount AS "amount!", p.create_time AS "create_time!"
 * FROM ledger_pending p
 * WHERE p.tenant_id = :tenantId! AND p.expire_time <= now()
 *   AND (p.debit_account_id = ANY(:accountIds!::uuid[]) OR p.credit_account_id = ANY(:accountIds!::uuid[])
 *        OR p.transfer_id = ANY(:pendingIds!::uuid[]))
 * ORDER BY p.transfer_id
 * ```
 */
export const getExpiredReservations = new PreparedQuery<IGetExpiredReservationsParams,IGetExpiredReservationsResult>(getExpiredReservationsIR);


/** 'TransactionTime' parameters type */
export type ITransactionTimeParams = void;

/** 'TransactionTime' return type */
export interface ITransactionTimeResult {
  now: Date;
}

/** 'TransactionTime' query type */
export interface ITransactionTimeQuery {
  params: ITransactionTimeParams;
  result: ITransactionTimeResult;
}

const transactionTimeIR: any = {"usedParamSet":{},"params":[],"statement":"SELECT now() AS \"now!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT now() AS "now!"
 * ```
 */
export const transactionTime = new PreparedQuery<ITransactionTimeParams,ITransactionTimeResult>(transactionTimeIR);


/** 'GetTransfersByIds' parameters type */
export interface IGetTransfersByIdsParams {
  ids: stringArray;
  tenantId: string;
}

/** 'GetTransfersByIds' return type */
export interface IGetTransfersByIdsResult {
  amount: string;
  code: number;
  create_time: Date;
  credit_account_id: string;
  debit_account_id: string;
  expire_time: Date | null;
  external_ref: string | null;
  id: string;
  linked: boolean;
  metadata: Json;
  pending: boolean;
  pending_id: string | null;
  post_pending: boolean;
  tenant_id: string;
  timeout_seconds: number;
  void_pending: boolean;
}

/** 'GetTransfersByIds' query type */
export interface IGetTransfersByIdsQuery {
  params: IGetTransfersByIdsParams;
  result: IGetTransfersByIdsResult;
}

const getTransfersByIdsIR: any = {"usedParamSet":{"tenantId":true,"ids":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":49,"b":58}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":73,"b":77}]}],"statement":"SELECT * FROM ledger_transfers WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                                                                                                                                                                                                                          "};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM ledger_transfers WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                                                                                                                                                                                                                          
 * ```
 */
export const getTransfersByIds = new PreparedQuery<IGetTransfersByIdsParams,IGetTransfersByIdsResult>(getTransfersByIdsIR);


/** 'GetPendingTransfers' parameters type */
export interface IGetPendingTransfersParams {
  ids: stringArray;
  tenantId: string;
}

/** 'GetPendingTransfers' return type */
export interface IGetPendingTransfersResult {
  amount: string;
  code: number;
  create_time: Date;
  credit_account_id: string;
  debit_account_id: string;
  expire_time: Date | null;
  expired: boolean;
  external_ref: string | null;
  id: string;
  linked: boolean;
  metadata: Json;
  open: boolean;
  pending: boolean;
  pending_id: string | null;
  post_pending: boolean;
  resolved_by_expiry: boolean | null;
  resolved_by_post: boolean;
  resolved_by_void: boolean;
  tenant_id: string;
  timeout_seconds: number;
  void_pending: boolean;
}

/** 'GetPendingTransfers' query type */
export interface IGetPendingTransfersQuery {
  params: IGetPendingTransfersParams;
  result: IGetPendingTransfersResult;
}

const getPendingTransfersIR: any = {"usedParamSet":{"tenantId":true,"ids":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":495,"b":504}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":521,"b":525}]}],"statement":"SELECT t.*,\n       (p.transfer_id IS NOT NULL) AS \"open!\",\n       coalesce(t.expire_time <= now(), false) AS \"expired!\",\n       r.post_pending AS resolved_by_post,\n       r.void_pending AS resolved_by_void,\n       (r.void_pending AND r.create_time >= t.expire_time) AS resolved_by_expiry\nFROM ledger_transfers t\nLEFT JOIN ledger_pending p ON p.tenant_id = t.tenant_id AND p.transfer_id = t.id\nLEFT JOIN ledger_transfers r ON r.tenant_id = t.tenant_id AND r.pending_id = t.id\nWHERE t.tenant_id = :tenantId! AND t.id = ANY(:ids!::uuid[])"};

/**
 * Query generated from SQL:
 * ```
 * SELECT t.*,
 *        (p.transfer_id IS NOT NULL) AS "open!",
 *        coalesce(t.expire_time <= now(), false) AS "expired!",
 *        r.post_pending AS resolved_by_post,
 *        r.void_pending AS resolved_by_void,
 *        (r.void_pending AND r.create_time >= t.expire_time) AS resolved_by_expiry
 * FROM ledger_transfers t
 * LEFT JOIN ledger_pending p ON p.tenant_id = t.tenant_id AND p.transfer_id = t.id
 * LEFT JOIN ledger_transfers r ON r.tenant_id = t.tenant_id AND r.pending_id = t.id
 * WHERE t.tenant_id = :tenantId! AND t.id = ANY(:ids!::uuid[])
 * ```
 */
export const getPendingTransfers = new PreparedQuery<IGetPendingTransfersParams,IGetPendingTransfersResult>(getPendingTransfersIR);


/** 'FindExternalRefs' parameters type */
export interface IFindExternalRefsParams {
  refs: stringArray;
  tenantId: string;
}

/** 'FindExternalRefs' return type */
export interface IFindExternalRefsResult {
  external_ref: string;
  id: string;
}

/** 'FindExternalRefs' query type */
export interface IFindExternalRefsQuery {
  params: IFindExternalRefsParams;
  result: IFindExternalRefsResult;
}

const findExternalRefsIR: any = {"usedParamSet":{"tenantId":true,"refs":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":92,"b":101}]},{"name":"refs","required":true,"transform":{"type":"scalar"},"locs":[{"a":126,"b":131}]}],"statement":"SELECT id AS \"id!\", external_ref AS \"external_ref!\" FROM ledger_transfers\nWHERE tenant_id = :tenantId! AND external_ref = ANY(:refs!::text[])                                                                                                                                        "};

/**
 * Query generated from SQL:
 * ```
 * SELECT id AS "id!", external_ref AS "external_ref!" FROM ledger_transfers
 * WHERE tenant_id = :tenantId! AND external_ref = ANY(:refs!::text[])                                                                                                                                        
 * ```
 */
export const findExternalRefs = new PreparedQuery<IFindExternalRefsParams,IFindExternalRefsResult>(findExternalRefsIR);


/** 'WriteTransferBatch' parameters type */
export interface IWriteTransferBatchParams {
  aAccountIds: stringArray;
  aLimits: stringArray;
  aSpent: stringArray;
  aTransferIds: stringArray;
  aWindowStarts: DateOrStringArray;
  bAccountIds: stringArray;
  bCreditsPending: stringArray;
  bCreditsPosted: stringArray;
  bDebitsPending: stringArray;
  bDebitsPosted: stringArray;
  bVersions: stringArray;
  eAccountIds: stringArray;
  eCreditsPending: stringArray;
  eCreditsPosted: stringArray;
  eDebitsPending: stringArray;
  eDebitsPosted: stringArray;
  eTransferIds: stringArray;
  eVersions: stringArray;
  rAccountIds: stringArray;
  rAmounts: stringArray;
  resolvedPendingIds: stringArray;
  rWindowStarts: DateOrStringArray;
  sAccountIds: stringArray;
  sDeltas: stringArray;
  sWindowStarts: DateOrStringArray;
  tAmounts: stringArray;
  tCodes: numberArray;
  tCreditIds: stringArray;
  tDebitIds: stringArray;
  tenantId: string;
  tExternalRefs: stringArray;
  tIds: stringArray;
  tLinked: booleanArray;
  tMetadata: stringArray;
  tPending: booleanArray;
  tPendingIds: stringArray;
  tPostPending: booleanArray;
  tTimeouts: numberArray;
  tVoidPending: booleanArray;
}

/** 'WriteTransferBatch' return type */
export interface IWriteTransferBatchResult {
  accounts: string;
  alerts: string;
  closed: string;
  entries: string;
  opened: string;
  transfers: string;
  windows: string;
}

/** 'WriteTransferBatch' query type */
export interface IWriteTransferBatchQuery {
  params: IWriteTransferBatchParams;
  result: IWriteTransferBatchResult;
}

const writeTransferBatchIR: any = {"usedParamSet":{"tenantId":true,"tIds":true,"tDebitIds":true,"tCreditIds":true,"tAmounts":true,"tPendingIds":true,"tLinked":true,"tPending":true,"tPostPending":true,"tVoidPending":true,"tTimeouts":true,"tCodes":true,"tExternalRefs":true,"tMetadata":true,"eAccountIds":true,"eVersions":true,"eTransferIds":true,"eDebitsPending":true,"eDebitsPosted":true,"eCreditsPending":true,"eCreditsPosted":true,"bAccountIds":true,"bDebitsPending":true,"bDebitsPosted":true,"bCreditsPending":true,"bCreditsPosted":true,"bVersions":true,"resolvedPendingIds":true,"sAccountIds":true,"sWindowStarts":true,"sDeltas":true,"rAccountIds":true,"rWindowStarts":true,"rAmounts":true,"aAccountIds":true,"aWindowStarts":true,"aSpent":true,"aLimits":true,"aTransferIds":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":319,"b":328},{"a":1509,"b":1518},{"a":2534,"b":2543},{"a":2711,"b":2720},{"a":2893,"b":2902},{"a":3080,"b":3089},{"a":3812,"b":3821},{"a":4036,"b":4045}]},{"name":"tIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":708,"b":713}]},{"name":"tDebitIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":724,"b":734}]},{"name":"tCreditIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":745,"b":756}]},{"name":"tAmounts","required":true,"transform":{"type":"scalar"},"locs":[{"a":767,"b":776}]},{"name":"tPendingIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":790,"b":802}]},{"name":"tLinked","required":true,"transform":{"type":"scalar"},"locs":[{"a":827,"b":835}]},{"name":"tPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":849,"b":858}]},{"name":"tPostPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":872,"b":885}]},{"name":"tVoidPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":899,"b":912}]},{"name":"tTimeouts","required":true,"transform":{"type":"scalar"},"locs":[{"a":940,"b":950}]},{"name":"tCodes","required":true,"transform":{"type":"scalar"},"locs":[{"a":964,"b":971}]},{"name":"tExternalRefs","required":true,"transform":{"type":"scalar"},"locs":[{"a":985,"b":999}]},{"name":"tMetadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":1010,"b":1020}]},{"name":"eAccountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":1681,"b":1693}]},{"name":"eVersions","required":true,"transform":{"type":"scalar"},"locs":[{"a":1704,"b":1714}]},{"name":"eTransferIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":1727,"b":1740}]},{"name":"eDebitsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":1751,"b":1766}]},{"name":"eDebitsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":1794,"b":1808}]},{"name":"eCreditsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":1822,"b":1838}]},{"name":"eCreditsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":1852,"b":1867}]},{"name":"bAccountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":2247,"b":2259}]},{"name":"bDebitsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":2270,"b":2285}]},{"name":"bDebitsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":2299,"b":2313}]},{"name":"bCreditsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":2341,"b":2357}]},{"name":"bCreditsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":2371,"b":2386}]},{"name":"bVersions","required":true,"transform":{"type":"scalar"},"locs":[{"a":2400,"b":2410}]},{"name":"resolvedPendingIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":2926,"b":2945}]},{"name":"sAccountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":3144,"b":3156}]},{"name":"sWindowStarts","required":true,"transform":{"type":"scalar"},"locs":[{"a":3167,"b":3181}]},{"name":"sDeltas","required":true,"transform":{"type":"scalar"},"locs":[{"a":3199,"b":3207}]},{"name":"rAccountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":3673,"b":3685}]},{"name":"rWindowStarts","required":true,"transform":{"type":"scalar"},"locs":[{"a":3696,"b":3710}]},{"name":"rAmounts","required":true,"transform":{"type":"scalar"},"locs":[{"a":3728,"b":3737}]},{"name":"aAccountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":4130,"b":4142}]},{"name":"aWindowStarts","required":true,"transform":{"type":"scalar"},"locs":[{"a":4153,"b":4167}]},{"name":"aSpent","required":true,"transform":{"type":"scalar"},"locs":[{"a":4185,"b":4192}]},{"name":"aLimits","required":true,"transform":{"type":"scalar"},"locs":[{"a":4206,"b":4214}]},{"name":"aTransferIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":4228,"b":4241}]}],"statement":"WITH new_transfers AS (\n  INSERT INTO ledger_transfers (tenant_id, id, debit_account_id, credit_account_id, amount, pending_id,\n                                linked, pending, post_pending, void_pending, timeout_seconds, expire_time,\n                                code, external_ref, metadata, create_time)\n  SELECT :tenantId!, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id,\n         t.linked, t.pending, t.post_pending, t.void_pending, t.timeout_seconds,\n         CASE WHEN t.pending AND t.timeout_seconds > 0 THEN date_trunc('milliseconds', now() + make_interval(secs => t.timeout_seconds)) END,\n         t.code, t.external_ref, t.metadata::jsonb, chimera.now_ms()\n  FROM unnest(:tIds!::uuid[], :tDebitIds!::uuid[], :tCreditIds!::uuid[], :tAmounts!::numeric[], :tPendingIds!::uuid[],\n              :tLinked!::boolean[], :tPending!::boolean[], :tPostPending!::boolean[], :tVoidPending!::boolean[],\n              :tTimeouts!::integer[], :tCodes!::integer[], :tExternalRefs!::text[], :tMetadata!::text[])\n       AS t(id, debit_account_id, credit_account_id, amount, pending_id, linked, pending, post_pending,\n            void_pending, timeout_seconds, code, external_ref, metadata)\n  RETURNING id, pending, debit_account_id, credit_account_id, amount, expire_time\n),\nnew_entries AS (\n  INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id,\n                              debits_pending, debits_posted, credits_pending, credits_posted, create_time)\n  SELECT :tenantId!, e.account_id, e.account_version, e.transfer_id,\n         e.debits_pending, e.debits_posted, e.credits_pending, e.credits_posted, chimera.now_ms()\n  FROM unnest(:eAccountIds!::uuid[], :eVersions!::bigint[], :eTransferIds!::uuid[], :eDebitsPending!::numeric[],\n              :eDebitsPosted!::numeric[], :eCreditsPending!::numeric[], :eCreditsPosted!::numeric[])\n       AS e(account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)\n  RETURNING 1\n),\nnew_balances AS (\n  UPDATE ledger_accounts a\n  SET debits_pending = b.debits_pending, debits_posted = b.debits_posted,\n      credits_pending = b.credits_pending, credits_posted = b.credits_posted, version = b.version\n  FROM unnest(:bAccountIds!::uuid[], :bDebitsPending!::numeric[], :bDebitsPosted!::numeric[],\n              :bCreditsPending!::numeric[], :bCreditsPosted!::numeric[], :bVersions!::bigint[])\n       AS b(id, debits_pending, debits_posted, credits_pending, credits_posted, version)\n  WHERE a.tenant_id = :tenantId! AND a.id = b.id\n  RETURNING 1\n),\nopened AS (\n  INSERT INTO ledger_pending (tenant_id, transfer_id, debit_account_id, credit_account_id, amount, expire_time)\n  SELECT :tenantId!, id, debit_account_id, credit_account_id, amount, expire_time FROM new_transfers WHERE pending\n  RETURNING 1\n),\nclosed AS (\n  DELETE FROM ledger_pending WHERE tenant_id = :tenantId! AND transfer_id = ANY(:resolvedPendingIds!::uuid[])\n  RETURNING 1\n),\nspent AS (\n  INSERT INTO ledger_spend_windows AS w (tenant_id, account_id, window_start, debited)\n  SELECT :tenantId!, s.account_id, s.window_start, s.delta\n  FROM unnest(:sAccountIds!::uuid[], :sWindowStarts!::timestamptz[], :sDeltas!::numeric[]) AS s(account_id, window_start, delta)\n  ON CONFLICT (tenant_id, account_id, window_start) DO UPDATE SET debited = w.debited + excluded.debited\n  RETURNING 1\n),\n-- Releases (voids, expiries, partial posts) only lower existing windows. A reservation opened\n-- before its account had a policy was never counted, so a window never goes below zero.\nreleased AS (\n  UPDATE ledger_spend_windows w SET debited = greatest(w.debited - r.amount, 0)\n  FROM unnest(:rAccountIds!::uuid[], :rWindowStarts!::timestamptz[], :rAmounts!::numeric[]) AS r(account_id, window_start, amount)\n  WHERE w.tenant_id = :tenantId! AND w.account_id = r.account_id AND w.window_start = r.window_start\n  RETURNING 1\n),\nalerted AS (\n  INSERT INTO ledger_budget_alerts (tenant_id, account_id, window_start, spent, spend_limit, transfer_id)\n  SELECT :tenantId!, a.account_id, a.window_start, a.spent, a.spend_limit, a.transfer_id\n  FROM unnest(:aAccountIds!::uuid[], :aWindowStarts!::timestamptz[], :aSpent!::numeric[], :aLimits!::numeric[], :aTransferIds!::uuid[])\n       AS a(account_id, window_start, spent, spend_limit, transfer_id)\n  ON CONFLICT (tenant_id, account_id, window_start) DO NOTHING\n  RETURNING 1\n)\nSELECT (SELECT count(*) FROM new_transfers) AS \"transfers!\",\n       (SELECT count(*) FROM new_entries) AS \"entries!\",\n       (SELECT count(*) FROM new_balances) AS \"accounts!\",\n       (SELECT count(*) FROM opened) AS \"opened!\",\n       (SELECT count(*) FROM closed) AS \"closed!\",\n       (SELECT count(*) FROM spent) + (SELECT count(*) FROM released) AS \"windows!\",\n       (SELECT count(*) FROM alerted) AS \"alerts!\""};

/**
 * Query generated from SQL:
 * ```
 * WITH new_transfers AS (
 *   INSERT INTO ledger_transfers (tenant_id, id, debit_account_id, credit_account_id, amount, pending_id,
 *                                 linked, pending, post_pending, void_pending, timeout_seconds, expire_time,
 *                                 code, external_ref, metadata, create_time)
 *   SELECT :tenantId!, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id,
 *          t.linked, t.pending, t.post_pending, t.void_pending, t.timeout_seconds,
 *          CASE WHEN t.pending AND t.timeout_seconds > 0 THEN date_trunc('milliseconds', now() + make_interval(secs => t.timeout_seconds)) END,
 *          t.code, t.external_ref, t.metadata::jsonb, chimera.now_ms()
 *   FROM unnest(:tIds!::uuid[], :tDebitIds!::uuid[], :tCreditIds!::uuid[], :tAmounts!::numeric[], :tPendingIds!::uuid[],
 *               :tLinked!::boolean[], :tPending!::boolean[], :tPostPending!::boolean[], :tVoidPending!::boolean[],
 *               :tTimeouts!::integer[], :tCodes!::integer[], :tExternalRefs!::text[], :tMetadata!::text[])
 *        AS t(id, debit_account_id, credit_account_id, amount, pending_id, linked, pending, post_pending,
 *             void_pending, timeout_seconds, code, external_ref, metadata)
 *   RETURNING id, pending, debit_account_id, credit_account_id, amount, expire_time
 * ),
 * new_entries AS (
 *   INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id,
 *                               debits_pending, debits_posted, credits_pending, credits_posted, create_time)
 *   SELECT :tenantId!, e.account_id, e.account_version, e.transfer_id,
 *          e.debits_pending, e.debits_posted, e.credits_pending, e.credits_posted, chimera.now_ms()
 *   FROM unnest(:eAccountIds!::uuid[], :eVersions!::bigint[], :eTransferIds!::uuid[], :eDebitsPending!::numeric[],
 *               :eDebitsPosted!::numeric[], :eCreditsPending!::numeric[], :eCreditsPosted!::numeric[])
 *        AS e(account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
 *   RETURNING 1
 * ),
 * new_balances AS (
 *   UPDATE ledger_accounts a
 *   SET debits_pending = b.debits_pending, debits_posted = b.debits_posted,
 *       credits_pending = b.credits_pending, credits_posted = b.credits_posted, version = b.version
 *   FROM unnest(:bAccountIds!::uuid[], :bDebitsPending!::numeric[], :bDebitsPosted!::numeric[],
 *               :bCreditsPending!::numeric[], :bCreditsPosted!::numeric[], :bVersions!::bigint[])
 *        AS b(id, debits_pending, debits_posted, credits_pending, credits_posted, version)
 *   WHERE a.tenant_id = :tenantId! AND a.id = b.id
 *   RETURNING 1
 * ),
 * opened AS (
 *   INSERT INTO ledger_pending (tenant_id, transfer_id, debit_account_id, credit_account_id, amount, expire_time)
 *   SELECT :tenantId!, id, debit_account_id, credit_account_id, amount, expire_time FROM new_transfers WHERE pending
 *   RETURNING 1
 * ),
 * closed AS (
 *   DELETE FROM ledger_pending WHERE tenant_id = :tenantId! AND transfer_id = ANY(:resolvedPendingIds!::uuid[])
 *   RETURNING 1
 * ),
 * spent AS (
 *   INSERT INTO ledger_spend_windows AS w (tenant_id, account_id, window_start, debited)
 *   SELECT :tenantId!, s.account_id, s.window_start, s.delta
 *   FROM unnest(:sAccountIds!::uuid[], :sWindowStarts!::timestamptz[], :sDeltas!::numeric[]) AS s(account_id, window_start, delta)
 *   ON CONFLICT (tenant_id, account_id, window_start) DO UPDATE SET debited = w.debited + excluded.debited
 *   RETURNING 1
 * ),
 * -- Releases (voids, expiries, partial posts) only lower existing windows. A reservation opened
 * -- before its account had a policy was never counted, so a window never goes below zero.
 * released AS (
 *   UPDATE ledger_spend_windows w SET debited = greatest(w.debited - r.amount, 0)
 *   FROM unnest(:rAccountIds!::uuid[], :rWindowStarts!::timestamptz[], :rAmounts!::numeric[]) AS r(account_id, window_start, amount)
 *   WHERE w.tenant_id = :tenantId! AND w.account_id = r.account_id AND w.window_start = r.window_start
 *   RETURNING 1
 * ),
 * alerted AS (
 *   INSERT INTO ledger_budget_alerts (tenant_id, account_id, window_start, spent, spend_limit, transfer_id)
 *   SELECT :tenantId!, a.account_id, a.window_start, a.spent, a.spend_limit, a.transfer_id
 *   FROM unnest(:aAccountIds!::uuid[], :aWindowStarts!::timestamptz[], :aSpent!::numeric[], :aLimits!::numeric[], :aTransferIds!::uuid[])
 *        AS a(account_id, window_start, spent, spend_limit, transfer_id)
 *   ON CONFLICT (tenant_id, account_id, window_start) DO NOTHING
 *   RETURNING 1
 * )
 * SELECT (SELECT count(*) FROM new_transfers) AS "transfers!",
 *        (SELECT count(*) FROM new_entries) AS "entries!",
 *        (SELECT count(*) FROM new_balances) AS "accounts!",
 *        (SELECT count(*) FROM opened) AS "opened!",
 *        (SELECT count(*) FROM closed) AS "closed!",
 *        (SELECT count(*) FROM spent) + (SELECT count(*) FROM released) AS "windows!",
 *        (SELECT count(*) FROM alerted) AS "alerts!"
 * ```
 */
export const writeTransferBatch = new PreparedQuery<IWriteTransferBatchParams,IWriteTransferBatchResult>(writeTransferBatchIR);


/** 'ListTransfers' parameters type */
export interface IListTransfersParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  endTime?: DateOrString | null | void;
  limit: string;
  startTime?: DateOrString | null | void;
  tenantId: string;
}

/** 'ListTransfers' return type */
export interface IListTransfersResult {
  amount: string;
  code: number;
  create_time: Date;
  credit_account_id: string;
  debit_account_id: string;
  expire_time: Date | null;
  external_ref: string | null;
  id: string;
  linked: boolean;
  metadata: Json;
  pending: boolean;
  pending_id: string | null;
  post_pending: boolean;
  tenant_id: string;
  timeout_seconds: number;
  void_pending: boolean;
}

/** 'ListTransfers' query type */
export interface IListTransfersQuery {
  params: IListTransfersParams;
  result: IListTransfersResult;
}

const listTransfersIR: any = {"usedParamSet":{"tenantId":true,"startTime":true,"endTime":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":49,"b":58}]},{"name":"startTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":67,"b":76},{"a":117,"b":126}]},{"name":"endTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":136,"b":143},{"a":183,"b":190}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":200,"b":209},{"a":256,"b":265}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":268,"b":275}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":316,"b":322}]}],"statement":"SELECT * FROM ledger_transfers\nWHERE tenant_id = :tenantId!\n  AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)\n  AND (:endTime::timestamptz IS NULL OR create_time < :endTime)\n  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\nORDER BY create_time, id\nLIMIT :limit!                                                                                                                                                                                           "};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM ledger_transfers
 * WHERE tenant_id = :tenantId!
 *   AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)
 *   AND (:endTime::timestamptz IS NULL OR create_time < :endTime)
 *   AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
 * ORDER BY create_time, id
 * LIMIT :limit!                                                                                                                                                                                           
 * ```
 */
export const listTransfers = new PreparedQuery<IListTransfersParams,IListTransfersResult>(listTransfersIR);


/** 'ListAccountTransfers' parameters type */
export interface IListAccountTransfersParams {
  accountId: string;
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  endTime?: DateOrString | null | void;
  limit: string;
  startTime?: DateOrString | null | void;
  tenantId: string;
}

/** 'ListAccountTransfers' return type */
export interface IListAccountTransfersResult {
  amount: string;
  code: number;
  create_time: Date;
  credit_account_id: string;
  debit_account_id: string;
  expire_time: Date | null;
  external_ref: string | null;
  id: string;
  linked: boolean;
  metadata: Json;
  pending: boolean;
  pending_id: string | null;
  post_pending: boolean;
  tenant_id: string;
  timeout_seconds: number;
  void_pending: boolean;
}

/** 'ListAccountTransfers' query type */
export interface IListAccountTransfersQuery {
  params: IListAccountTransfersParams;
  result: IListAccountTransfersResult;
}

const listAccountTransfersIR: any = {"usedParamSet":{"tenantId":true,"accountId":true,"startTime":true,"endTime":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":84,"b":93},{"a":488,"b":497},{"a":919,"b":928}]},{"name":"accountId","required":true,"transform":{"type":"scalar"},"locs":[{"a":118,"b":128},{"a":523,"b":533}]},{"name":"startTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":140,"b":149},{"a":190,"b":199},{"a":545,"b":554},{"a":595,"b":604}]},{"name":"endTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":212,"b":219},{"a":259,"b":266},{"a":617,"b":624},{"a":664,"b":671}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":279,"b":288},{"a":335,"b":344},{"a":684,"b":693},{"a":740,"b":749}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":347,"b":354},{"a":752,"b":759}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":398,"b":404},{"a":803,"b":809},{"a":847,"b":853}]}],"statement":"WITH page AS (\n  (SELECT id, create_time FROM ledger_transfers\n   WHERE tenant_id = :tenantId! AND debit_account_id = :accountId!\n     AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)\n     AND (:endTime::timestamptz IS NULL OR create_time < :endTime)\n     AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\n   ORDER BY create_time, id LIMIT :limit!)\n  UNION ALL\n  (SELECT id, create_time FROM ledger_transfers\n   WHERE tenant_id = :tenantId! AND credit_account_id = :accountId!\n     AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)\n     AND (:endTime::timestamptz IS NULL OR create_time < :endTime)\n     AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\n   ORDER BY create_time, id LIMIT :limit!)\n  ORDER BY create_time, id\n  LIMIT :limit!\n)\nSELECT t.* FROM page JOIN ledger_transfers t ON t.tenant_id = :tenantId! AND t.id = page.id\nORDER BY t.create_time, t.id"};

/**
 * Query generated from SQL:
 * ```
 * WITH page AS (
 *   (SELECT id, create_time FROM ledger_transfers
 *    WHERE tenant_id = :tenantId! AND debit_account_id = :accountId!
 *      AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)
 *      AND (:endTime::timestamptz IS NULL OR create_time < :endTime)
 *      AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
 *    ORDER BY create_time, id LIMIT :limit!)
 *   UNION ALL
 *   (SELECT id, create_time FROM ledger_transfers
 *    WHERE tenant_id = :tenantId! AND credit_account_id = :accountId!
 *      AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)
 *      AND (:endTime::timestamptz IS NULL OR create_time < :endTime)
 *      AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
 *    ORDER BY create_time, id LIMIT :limit!)
 *   ORDER BY create_time, id
 *   LIMIT :limit!
 * )
 * SELECT t.* FROM page JOIN ledger_transfers t ON t.tenant_id = :tenantId! AND t.id = page.id
 * ORDER BY t.create_time, t.id
 * ```
 */
export const listAccountTransfers = new PreparedQuery<IListAccountTransfersParams,IListAccountTransfersResult>(listAccountTransfersIR);


