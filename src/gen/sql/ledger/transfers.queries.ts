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
  alert_ratio_bp: number | null;
  approval_threshold: string | null;
  asset: string;
  closed: boolean;
  credits_must_not_exceed_debits: boolean;
  credits_pending: string;
  credits_posted: string;
  debits_must_not_exceed_credits: boolean;
  debits_pending: string;
  debits_posted: string;
  id: string;
  spend_limit: string | null;
  spend_window: string | null;
  version: string;
  window_alerted: boolean;
  window_debited: string;
  window_start: Date | null;
}

/** 'LockAccounts' query type */
export interface ILockAccountsQuery {
  params: ILockAccountsParams;
  result: ILockAccountsResult;
}

const lockAccountsIR: any = {"usedParamSet":{"tenantId":true,"accountIds":true,"pendingIds":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":595,"b":604}]},{"name":"accountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":607,"b":618}]},{"name":"pendingIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":629,"b":640}]}],"statement":"SELECT id AS \"id!\", asset AS \"asset!\",\n       debits_must_not_exceed_credits AS \"debits_must_not_exceed_credits!\",\n       credits_must_not_exceed_debits AS \"credits_must_not_exceed_debits!\", closed AS \"closed!\",\n       debits_pending AS \"debits_pending!\", debits_posted AS \"debits_posted!\",\n       credits_pending AS \"credits_pending!\", credits_posted AS \"credits_posted!\", version AS \"version!\",\n       spend_window, spend_limit, alert_ratio_bp, approval_threshold, window_start,\n       window_debited AS \"window_debited!\", window_alerted AS \"window_alerted!\"\nFROM chimera.ledger_lock_accounts(:tenantId!, :accountIds!::uuid[], :pendingIds!::uuid[])                                                                                                                                                                                    "};

/**
 * Query generated from SQL:
 * ```
 * SELECT id AS "id!", asset AS "asset!",
 *        debits_must_not_exceed_credits AS "debits_must_not_exceed_credits!",
 *        credits_must_not_exceed_debits AS "credits_must_not_exceed_debits!", closed AS "closed!",
 *        debits_pending AS "debits_pending!", debits_posted AS "debits_posted!",
 *        credits_pending AS "credits_pending!", credits_posted AS "credits_posted!", version AS "version!",
 *        spend_window, spend_limit, alert_ratio_bp, approval_threshold, window_start,
 *        window_debited AS "window_debited!", window_alerted AS "window_alerted!"
 * FROM chimera.ledger_lock_accounts(:tenantId!, :accountIds!::uuid[], :pendingIds!::uuid[])                                                                                                                                                                                    
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

const getExpiredReservationsIR: any = {"usedParamSet":{"tenantId":true,"accountIds":true,"pendingIds":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":221,"b":230}]},{"name":"accountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":233,"b":244}]},{"name":"pendingIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":255,"b":266}]}],"statement":"SELECT transfer_id AS \"transfer_id!\", debit_account_id AS \"debit_account_id!\",\n       credit_account_id AS \"credit_account_id!\", amount AS \"amount!\", create_time AS \"create_time!\"\nFROM chimera.ledger_expired_reservations(:tenantId!, :accountIds!::uuid[], :pendingIds!::uuid[])                                                                                                                                                                               "};

/**
 * Query generated from SQL:
 * ```
 * SELECT transfer_id AS "transfer_id!", debit_account_id AS "debit_account_id!",
 *        credit_account_id AS "credit_account_id!", amount AS "amount!", create_time AS "create_time!"
 * FROM chimera.ledger_expired_reservations(:tenantId!, :accountIds!::uuid[], :pendingIds!::uuid[])                                                                                                                                                                               
 * ```
 */
export const getExpiredReservations = new PreparedQuery<IGetExpiredReservationsParams,IGetExpiredReservationsResult>(getExpiredReservationsIR);


/** 'TransactionTime' parameters type */
export type ITransactionTimeParams = void;

/** 'TransactionTime' return type */
export interface ITransactionTimeResult {
  in_time: boolean;
  now: Date;
}

/** 'TransactionTime' query type */
export interface ITransactionTimeQuery {
  params: ITransactionTimeParams;
  result: ITransactionTimeResult;
}

const transactionTimeIR: any = {"usedParamSet":{},"params":[],"statement":"SELECT now() AS \"now!\", chimera.ledger_check_time_bound() AS \"in_time!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT now() AS "now!", chimera.ledger_check_time_bound() AS "in_time!"
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

const findExternalRefsIR: any = {"usedParamSet":{"tenantId":true,"refs":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":92,"b":101}]},{"name":"refs","required":true,"transform":{"type":"scalar"},"locs":[{"a":126,"b":131}]}],"statement":"SELECT id AS \"id!\", external_ref AS \"external_ref!\" FROM ledger_transfers\nWHERE tenant_id = :tenantId! AND external_ref = ANY(:refs!::text[])                                                                                                                                                                                                                                              "};

/**
 * Query generated from SQL:
 * ```
 * SELECT id AS "id!", external_ref AS "external_ref!" FROM ledger_transfers
 * WHERE tenant_id = :tenantId! AND external_ref = ANY(:refs!::text[])                                                                                                                                                                                                                                              
 * ```
 */
export const findExternalRefs = new PreparedQuery<IFindExternalRefsParams,IFindExternalRefsResult>(findExternalRefsIR);


/** 'InsertTransfers' parameters type */
export interface IInsertTransfersParams {
  amounts: stringArray;
  codes: numberArray;
  creditIds: stringArray;
  debitIds: stringArray;
  externalRefs: stringArray;
  ids: stringArray;
  linked: booleanArray;
  metadata: stringArray;
  pending: booleanArray;
  pendingIds: stringArray;
  postPending: booleanArray;
  tenantId: string;
  timeouts: numberArray;
  voidPending: booleanArray;
}

/** 'InsertTransfers' return type */
export interface IInsertTransfersResult {
  transfers: string;
}

/** 'InsertTransfers' query type */
export interface IInsertTransfersQuery {
  params: IInsertTransfersParams;
  result: IInsertTransfersResult;
}

const insertTransfersIR: any = {"usedParamSet":{"tenantId":true,"ids":true,"debitIds":true,"creditIds":true,"amounts":true,"pendingIds":true,"linked":true,"pending":true,"postPending":true,"voidPending":true,"timeouts":true,"codes":true,"externalRefs":true,"metadata":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":42,"b":51}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":54,"b":58}]},{"name":"debitIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":69,"b":78}]},{"name":"creditIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":89,"b":99}]},{"name":"amounts","required":true,"transform":{"type":"scalar"},"locs":[{"a":110,"b":118}]},{"name":"pendingIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":134,"b":145}]},{"name":"linked","required":true,"transform":{"type":"scalar"},"locs":[{"a":156,"b":163}]},{"name":"pending","required":true,"transform":{"type":"scalar"},"locs":[{"a":177,"b":185}]},{"name":"postPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":199,"b":211}]},{"name":"voidPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":227,"b":239}]},{"name":"timeouts","required":true,"transform":{"type":"scalar"},"locs":[{"a":253,"b":262}]},{"name":"codes","required":true,"transform":{"type":"scalar"},"locs":[{"a":276,"b":282}]},{"name":"externalRefs","required":true,"transform":{"type":"scalar"},"locs":[{"a":296,"b":309}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":322,"b":331}]}],"statement":"SELECT chimera.ledger_insert_transfers(\n  :tenantId!, :ids!::uuid[], :debitIds!::uuid[], :creditIds!::uuid[], :amounts!::numeric[],\n  :pendingIds!::uuid[], :linked!::boolean[], :pending!::boolean[], :postPending!::boolean[],\n  :voidPending!::boolean[], :timeouts!::integer[], :codes!::integer[], :externalRefs!::text[],\n  :metadata!::text[]\n) AS \"transfers!\"                                                                                                                                                                                                                                                                                                                          "};

/**
 * Query generated from SQL:
 * ```
 * SELECT chimera.ledger_insert_transfers(
 *   :tenantId!, :ids!::uuid[], :debitIds!::uuid[], :creditIds!::uuid[], :amounts!::numeric[],
 *   :pendingIds!::uuid[], :linked!::boolean[], :pending!::boolean[], :postPending!::boolean[],
 *   :voidPending!::boolean[], :timeouts!::integer[], :codes!::integer[], :externalRefs!::text[],
 *   :metadata!::text[]
 * ) AS "transfers!"                                                                                                                                                                                                                                                                                                                          
 * ```
 */
export const insertTransfers = new PreparedQuery<IInsertTransfersParams,IInsertTransfersResult>(insertTransfersIR);


/** 'WritePostings' parameters type */
export interface IWritePostingsParams {
  aAccountIds: stringArray;
  aLimits: stringArray;
  aSpent: stringArray;
  aTransferIds: stringArray;
  aWindowStarts: DateOrStringArray;
  expectedChecksum: string;
  rAccountIds: stringArray;
  rAmounts: stringArray;
  resolvedPendingIds: stringArray;
  rWindowStarts: DateOrStringArray;
  sAccountIds: stringArray;
  sDeltas: stringArray;
  sWindowStarts: DateOrStringArray;
  tCreditIds: stringArray;
  tDebitIds: stringArray;
  tenantId: string;
  tIds: stringArray;
  tPending: booleanArray;
  tPendingDeltas: stringArray;
  tPostedDeltas: stringArray;
}

/** 'WritePostings' return type */
export interface IWritePostingsResult {
  transfers: string;
}

/** 'WritePostings' query type */
export interface IWritePostingsQuery {
  params: IWritePostingsParams;
  result: IWritePostingsResult;
}

const writePostingsIR: any = {"usedParamSet":{"tenantId":true,"tIds":true,"tDebitIds":true,"tCreditIds":true,"tPending":true,"tPendingDeltas":true,"tPostedDeltas":true,"expectedChecksum":true,"resolvedPendingIds":true,"sAccountIds":true,"sWindowStarts":true,"sDeltas":true,"rAccountIds":true,"rWindowStarts":true,"rAmounts":true,"aAccountIds":true,"aWindowStarts":true,"aSpent":true,"aLimits":true,"aTransferIds":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":40,"b":49}]},{"name":"tIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":52,"b":57}]},{"name":"tDebitIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":68,"b":78}]},{"name":"tCreditIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":89,"b":100}]},{"name":"tPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":111,"b":120}]},{"name":"tPendingDeltas","required":true,"transform":{"type":"scalar"},"locs":[{"a":136,"b":151}]},{"name":"tPostedDeltas","required":true,"transform":{"type":"scalar"},"locs":[{"a":165,"b":179}]},{"name":"expectedChecksum","required":true,"transform":{"type":"scalar"},"locs":[{"a":193,"b":210}]},{"name":"resolvedPendingIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":224,"b":243}]},{"name":"sAccountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":256,"b":268}]},{"name":"sWindowStarts","required":true,"transform":{"type":"scalar"},"locs":[{"a":279,"b":293}]},{"name":"sDeltas","required":true,"transform":{"type":"scalar"},"locs":[{"a":311,"b":319}]},{"name":"rAccountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":333,"b":345}]},{"name":"rWindowStarts","required":true,"transform":{"type":"scalar"},"locs":[{"a":358,"b":372}]},{"name":"rAmounts","required":true,"transform":{"type":"scalar"},"locs":[{"a":390,"b":399}]},{"name":"aAccountIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":413,"b":425}]},{"name":"aWindowStarts","required":true,"transform":{"type":"scalar"},"locs":[{"a":436,"b":450}]},{"name":"aSpent","required":true,"transform":{"type":"scalar"},"locs":[{"a":470,"b":477}]},{"name":"aLimits","required":true,"transform":{"type":"scalar"},"locs":[{"a":491,"b":499}]},{"name":"aTransferIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":513,"b":526}]}],"statement":"SELECT chimera.ledger_write_postings(\n  :tenantId!, :tIds!::uuid[], :tDebitIds!::uuid[], :tCreditIds!::uuid[], :tPending!::boolean[],\n  :tPendingDeltas!::numeric[], :tPostedDeltas!::numeric[], :expectedChecksum!::numeric,\n  :resolvedPendingIds!::uuid[],\n  :sAccountIds!::uuid[], :sWindowStarts!::timestamptz[], :sDeltas!::numeric[], :rAccountIds!::uuid[],\n  :rWindowStarts!::timestamptz[], :rAmounts!::numeric[], :aAccountIds!::uuid[], :aWindowStarts!::timestamptz[],\n  :aSpent!::numeric[], :aLimits!::numeric[], :aTransferIds!::uuid[]\n) AS \"transfers!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT chimera.ledger_write_postings(
 *   :tenantId!, :tIds!::uuid[], :tDebitIds!::uuid[], :tCreditIds!::uuid[], :tPending!::boolean[],
 *   :tPendingDeltas!::numeric[], :tPostedDeltas!::numeric[], :expectedChecksum!::numeric,
 *   :resolvedPendingIds!::uuid[],
 *   :sAccountIds!::uuid[], :sWindowStarts!::timestamptz[], :sDeltas!::numeric[], :rAccountIds!::uuid[],
 *   :rWindowStarts!::timestamptz[], :rAmounts!::numeric[], :aAccountIds!::uuid[], :aWindowStarts!::timestamptz[],
 *   :aSpent!::numeric[], :aLimits!::numeric[], :aTransferIds!::uuid[]
 * ) AS "transfers!"
 * ```
 */
export const writePostings = new PreparedQuery<IWritePostingsParams,IWritePostingsResult>(writePostingsIR);


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

const listTransfersIR: any = {"usedParamSet":{"tenantId":true,"startTime":true,"endTime":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":49,"b":58}]},{"name":"startTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":67,"b":76},{"a":117,"b":126}]},{"name":"endTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":136,"b":143},{"a":183,"b":190}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":200,"b":209},{"a":256,"b":265}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":268,"b":275}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":316,"b":322}]}],"statement":"SELECT * FROM ledger_transfers\nWHERE tenant_id = :tenantId!\n  AND (:startTime::timestamptz IS NULL OR create_time >= :startTime)\n  AND (:endTime::timestamptz IS NULL OR create_time < :endTime)\n  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\nORDER BY create_time, id\nLIMIT :limit!                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                    "};

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
  afterVersion?: string | null | void;
  endTime?: DateOrString | null | void;
  limit: string;
  startTime?: DateOrString | null | void;
  tenantId: string;
}

/** 'ListAccountTransfers' return type */
export interface IListAccountTransfersResult {
  account_version: string;
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

const listAccountTransfersIR: any = {"usedParamSet":{"tenantId":true,"accountId":true,"startTime":true,"afterVersion":true,"endTime":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":90,"b":99},{"a":812,"b":821},{"a":1573,"b":1582},{"a":1872,"b":1881}]},{"name":"accountId","required":true,"transform":{"type":"scalar"},"locs":[{"a":112,"b":122},{"a":842,"b":852},{"a":1603,"b":1613},{"a":1902,"b":1912}]},{"name":"startTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":311,"b":320},{"a":662,"b":671},{"a":2181,"b":2190},{"a":2233,"b":2242}]},{"name":"afterVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":351,"b":363},{"a":1047,"b":1059},{"a":1966,"b":1978}]},{"name":"endTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":1116,"b":1123},{"a":1426,"b":1433},{"a":2252,"b":2259},{"a":2301,"b":2308}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":2344,"b":2350}]}],"statement":"WITH RECURSIVE\naccount AS (\n  SELECT a.version FROM ledger_accounts a WHERE a.tenant_id = :tenantId! AND a.id = :accountId!\n),\n-- Versions lo and hi - 1 bracket the first entry at or after start - B; lo's entry is before it.\nfrom_start(lo, hi) AS (\n  SELECT 0::bigint, (SELECT version FROM account) + 1\n  WHERE :startTime::timestamptz IS NOT NULL AND :afterVersion::bigint IS NULL\n  UNION ALL\n  SELECT CASE WHEN m.before THEN s.mid ELSE s.lo END, CASE WHEN m.before THEN s.hi ELSE s.mid END\n  FROM (SELECT f.lo, f.hi, (f.lo + f.hi) / 2 AS mid FROM from_start f WHERE f.hi - f.lo > 1 OFFSET 0) s\n  CROSS JOIN LATERAL (\n    SELECT coalesce(bool_or(e.create_time < :startTime::timestamptz - chimera.ledger_time_bound() - interval '1 millisecond'), false) AS before\n    FROM ledger_entries e\n    WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId! AND e.account_version = s.mid\n  ) m\n),\n-- The same for the first entry at or after end + B, above where the scan starts.\nto_end(lo, hi) AS (\n  SELECT greatest((SELECT max(lo) FROM from_start), :afterVersion::bigint, 0), (SELECT version FROM account) + 1\n  WHERE :endTime::timestamptz IS NOT NULL\n  UNION ALL\n  SELECT CASE WHEN m.after THEN s.lo ELSE s.mid END, CASE WHEN m.after THEN s.mid ELSE s.hi END\n  FROM (SELECT t.lo, t.hi, (t.lo + t.hi) / 2 AS mid FROM to_end t WHERE t.hi - t.lo > 1 OFFSET 0) s\n  CROSS JOIN LATERAL (\n    SELECT coalesce(bool_or(e.create_time >= :endTime::timestamptz + chimera.ledger_time_bound() + interval '1 millisecond'), false) AS after\n    FROM ledger_entries e\n    WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId! AND e.account_version = s.mid\n  ) m\n)\nSELECT t.*, e.account_version AS \"account_version!\"\nFROM ledger_entries e\nCROSS JOIN LATERAL (\n  SELECT * FROM ledger_transfers x WHERE x.tenant_id = e.tenant_id AND x.id = e.transfer_id LIMIT 1\n) t\nWHERE e.tenant_id = :tenantId! AND e.account_id = :accountId!\n  AND e.account_version > (SELECT greatest(max(lo), :afterVersion::bigint, 0) FROM from_start)\n  AND e.account_version < (SELECT coalesce(min(hi), 9223372036854775807) FROM to_end)\n  -- An entry's time is its transfer's: both are their transaction's now_ms().\n  AND (:startTime::timestamptz IS NULL OR e.create_time >= :startTime)\n  AND (:endTime::timestamptz IS NULL OR e.create_time < :endTime)\nORDER BY e.account_version\nLIMIT :limit!                                                                                                                                                                                                                                                                                                                                                                "};

/**
 * Query generated from SQL:
 * ```
 * WITH RECURSIVE
 * account AS (
 *   SELECT a.version FROM ledger_accounts a WHERE a.tenant_id = :tenantId! AND a.id = :accountId!
 * ),
 * -- Versions lo and hi - 1 bracket the first entry at or after start - B; lo's entry is before it.
 * from_start(lo, hi) AS (
 *   SELECT 0::bigint, (SELECT version FROM account) + 1
 *   WHERE :startTime::timestamptz IS NOT NULL AND :afterVersion::bigint IS NULL
 *   UNION ALL
 *   SELECT CASE WHEN m.before THEN s.mid ELSE s.lo END, CASE WHEN m.before THEN s.hi ELSE s.mid END
 *   FROM (SELECT f.lo, f.hi, (f.lo + f.hi) / 2 AS mid FROM from_start f WHERE f.hi - f.lo > 1 OFFSET 0) s
 *   CROSS JOIN LATERAL (
 *     SELECT coalesce(bool_or(e.create_time < :startTime::timestamptz - chimera.ledger_time_bound() - interval '1 millisecond'), false) AS before
 *     FROM ledger_entries e
 *     WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId! AND e.account_version = s.mid
 *   ) m
 * ),
 * -- The same for the first entry at or after end + B, above where the scan starts.
 * to_end(lo, hi) AS (
 *   SELECT greatest((SELECT max(lo) FROM from_start), :afterVersion::bigint, 0), (SELECT version FROM account) + 1
 *   WHERE :endTime::timestamptz IS NOT NULL
 *   UNION ALL
 *   SELECT CASE WHEN m.after THEN s.lo ELSE s.mid END, CASE WHEN m.after THEN s.mid ELSE s.hi END
 *   FROM (SELECT t.lo, t.hi, (t.lo + t.hi) / 2 AS mid FROM to_end t WHERE t.hi - t.lo > 1 OFFSET 0) s
 *   CROSS JOIN LATERAL (
 *     SELECT coalesce(bool_or(e.create_time >= :endTime::timestamptz + chimera.ledger_time_bound() + interval '1 millisecond'), false) AS after
 *     FROM ledger_entries e
 *     WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId! AND e.account_version = s.mid
 *   ) m
 * )
 * SELECT t.*, e.account_version AS "account_version!"
 * FROM ledger_entries e
 * CROSS JOIN LATERAL (
 *   SELECT * FROM ledger_transfers x WHERE x.tenant_id = e.tenant_id AND x.id = e.transfer_id LIMIT 1
 * ) t
 * WHERE e.tenant_id = :tenantId! AND e.account_id = :accountId!
 *   AND e.account_version > (SELECT greatest(max(lo), :afterVersion::bigint, 0) FROM from_start)
 *   AND e.account_version < (SELECT coalesce(min(hi), 9223372036854775807) FROM to_end)
 *   -- An entry's time is its transfer's: both are their transaction's now_ms().
 *   AND (:startTime::timestamptz IS NULL OR e.create_time >= :startTime)
 *   AND (:endTime::timestamptz IS NULL OR e.create_time < :endTime)
 * ORDER BY e.account_version
 * LIMIT :limit!                                                                                                                                                                                                                                                                                                                                                                
 * ```
 */
export const listAccountTransfers = new PreparedQuery<IListAccountTransfersParams,IListAccountTransfersResult>(listAccountTransfersIR);


/** 'WriteDecidedBatch' parameters type */
export interface IWriteDecidedBatchParams {
  aCreditsPending: stringArray;
  aCreditsPosted: stringArray;
  aDebitsPending: stringArray;
  aDebitsPosted: stringArray;
  aIds: stringArray;
  amounts: stringArray;
  aVersions: stringArray;
  codes: numberArray;
  creditIds: stringArray;
  debitIds: stringArray;
  expectedChecksum: string;
  externalRefs: stringArray;
  ids: stringArray;
  linked: booleanArray;
  metadata: stringArray;
  pending: booleanArray;
  pendingIds: stringArray;
  postPending: booleanArray;
  tenantId: string;
  timeouts: numberArray;
  voidPending: booleanArray;
}

/** 'WriteDecidedBatch' return type */
export interface IWriteDecidedBatchResult {
  transfers: string;
}

/** 'WriteDecidedBatch' query type */
export interface IWriteDecidedBatchQuery {
  params: IWriteDecidedBatchParams;
  result: IWriteDecidedBatchResult;
}

const writeDecidedBatchIR: any = {"usedParamSet":{"tenantId":true,"ids":true,"debitIds":true,"creditIds":true,"amounts":true,"pendingIds":true,"linked":true,"pending":true,"postPending":true,"voidPending":true,"timeouts":true,"codes":true,"externalRefs":true,"metadata":true,"aIds":true,"aVersions":true,"aDebitsPending":true,"aDebitsPosted":true,"aCreditsPending":true,"aCreditsPosted":true,"expectedChecksum":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":39,"b":48}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":51,"b":55}]},{"name":"debitIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":66,"b":75}]},{"name":"creditIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":86,"b":96}]},{"name":"amounts","required":true,"transform":{"type":"scalar"},"locs":[{"a":107,"b":115}]},{"name":"pendingIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":131,"b":142}]},{"name":"linked","required":true,"transform":{"type":"scalar"},"locs":[{"a":153,"b":160}]},{"name":"pending","required":true,"transform":{"type":"scalar"},"locs":[{"a":174,"b":182}]},{"name":"postPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":196,"b":208}]},{"name":"voidPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":224,"b":236}]},{"name":"timeouts","required":true,"transform":{"type":"scalar"},"locs":[{"a":250,"b":259}]},{"name":"codes","required":true,"transform":{"type":"scalar"},"locs":[{"a":273,"b":279}]},{"name":"externalRefs","required":true,"transform":{"type":"scalar"},"locs":[{"a":293,"b":306}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":319,"b":328}]},{"name":"aIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":341,"b":346}]},{"name":"aVersions","required":true,"transform":{"type":"scalar"},"locs":[{"a":357,"b":367}]},{"name":"aDebitsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":380,"b":395}]},{"name":"aDebitsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":409,"b":423}]},{"name":"aCreditsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":439,"b":455}]},{"name":"aCreditsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":469,"b":484}]},{"name":"expectedChecksum","required":true,"transform":{"type":"scalar"},"locs":[{"a":498,"b":515}]}],"statement":"SELECT chimera.ledger_write_decided(\n  :tenantId!, :ids!::uuid[], :debitIds!::uuid[], :creditIds!::uuid[], :amounts!::numeric[],\n  :pendingIds!::uuid[], :linked!::boolean[], :pending!::boolean[], :postPending!::boolean[],\n  :voidPending!::boolean[], :timeouts!::integer[], :codes!::integer[], :externalRefs!::text[],\n  :metadata!::text[],\n  :aIds!::uuid[], :aVersions!::bigint[], :aDebitsPending!::numeric[], :aDebitsPosted!::numeric[],\n  :aCreditsPending!::numeric[], :aCreditsPosted!::numeric[], :expectedChecksum!::numeric\n) AS \"transfers!\"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               "};

/**
 * Query generated from SQL:
 * ```
 * SELECT chimera.ledger_write_decided(
 *   :tenantId!, :ids!::uuid[], :debitIds!::uuid[], :creditIds!::uuid[], :amounts!::numeric[],
 *   :pendingIds!::uuid[], :linked!::boolean[], :pending!::boolean[], :postPending!::boolean[],
 *   :voidPending!::boolean[], :timeouts!::integer[], :codes!::integer[], :externalRefs!::text[],
 *   :metadata!::text[],
 *   :aIds!::uuid[], :aVersions!::bigint[], :aDebitsPending!::numeric[], :aDebitsPosted!::numeric[],
 *   :aCreditsPending!::numeric[], :aCreditsPosted!::numeric[], :expectedChecksum!::numeric
 * ) AS "transfers!"                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                               
 * ```
 */
export const writeDecidedBatch = new PreparedQuery<IWriteDecidedBatchParams,IWriteDecidedBatchResult>(writeDecidedBatchIR);


/** 'DecidedLockTimeout' parameters type */
export type IDecidedLockTimeoutParams = void;

/** 'DecidedLockTimeout' return type */
export interface IDecidedLockTimeoutResult {
  lock_timeout: string;
}

/** 'DecidedLockTimeout' query type */
export interface IDecidedLockTimeoutQuery {
  params: IDecidedLockTimeoutParams;
  result: IDecidedLockTimeoutResult;
}

const decidedLockTimeoutIR: any = {"usedParamSet":{},"params":[],"statement":"SELECT set_config('lock_timeout', '200ms', true) AS \"lock_timeout!\"                                                                                                                                                                                                 "};

/**
 * Query generated from SQL:
 * ```
 * SELECT set_config('lock_timeout', '200ms', true) AS "lock_timeout!"                                                                                                                                                                                                 
 * ```
 */
export const decidedLockTimeout = new PreparedQuery<IDecidedLockTimeoutParams,IDecidedLockTimeoutResult>(decidedLockTimeoutIR);


/** 'SettleBalances' parameters type */
export interface ISettleBalancesParams {
  creditsPending: stringArray;
  creditsPosted: stringArray;
  debitsPending: stringArray;
  debitsPosted: stringArray;
  ids: stringArray;
  newCreditsPending: stringArray;
  newCreditsPosted: stringArray;
  newDebitsPending: stringArray;
  newDebitsPosted: stringArray;
  newVersions: stringArray;
  tenantId: string;
  versions: stringArray;
}

/** 'SettleBalances' return type */
export interface ISettleBalancesResult {
  accounts: string;
}

/** 'SettleBalances' query type */
export interface ISettleBalancesQuery {
  params: ISettleBalancesParams;
  result: ISettleBalancesResult;
}

const settleBalancesIR: any = {"usedParamSet":{"tenantId":true,"ids":true,"versions":true,"debitsPending":true,"debitsPosted":true,"creditsPending":true,"creditsPosted":true,"newVersions":true,"newDebitsPending":true,"newDebitsPosted":true,"newCreditsPending":true,"newCreditsPosted":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":41,"b":50}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":53,"b":57}]},{"name":"versions","required":true,"transform":{"type":"scalar"},"locs":[{"a":68,"b":77}]},{"name":"debitsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":90,"b":104}]},{"name":"debitsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":118,"b":131}]},{"name":"creditsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":147,"b":162}]},{"name":"creditsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":176,"b":190}]},{"name":"newVersions","required":true,"transform":{"type":"scalar"},"locs":[{"a":204,"b":216}]},{"name":"newDebitsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":231,"b":248}]},{"name":"newDebitsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":262,"b":278}]},{"name":"newCreditsPending","required":true,"transform":{"type":"scalar"},"locs":[{"a":292,"b":310}]},{"name":"newCreditsPosted","required":true,"transform":{"type":"scalar"},"locs":[{"a":326,"b":343}]}],"statement":"SELECT chimera.ledger_settle_balances(\n  :tenantId!, :ids!::uuid[], :versions!::bigint[], :debitsPending!::numeric[], :debitsPosted!::numeric[],\n  :creditsPending!::numeric[], :creditsPosted!::numeric[], :newVersions!::bigint[],\n  :newDebitsPending!::numeric[], :newDebitsPosted!::numeric[], :newCreditsPending!::numeric[],\n  :newCreditsPosted!::numeric[]\n) AS \"accounts!\""};

/**
 * Query generated from SQL:
 * ```
 * SELECT chimera.ledger_settle_balances(
 *   :tenantId!, :ids!::uuid[], :versions!::bigint[], :debitsPending!::numeric[], :debitsPosted!::numeric[],
 *   :creditsPending!::numeric[], :creditsPosted!::numeric[], :newVersions!::bigint[],
 *   :newDebitsPending!::numeric[], :newDebitsPosted!::numeric[], :newCreditsPending!::numeric[],
 *   :newCreditsPosted!::numeric[]
 * ) AS "accounts!"
 * ```
 */
export const settleBalances = new PreparedQuery<ISettleBalancesParams,ISettleBalancesResult>(settleBalancesIR);


