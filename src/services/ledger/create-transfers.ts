// CreateTransfers: TigerBeetle's state machine over PostgreSQL. One transaction per request:
//   1. static checks per transfer (no I/O);
//   2. one pipelined round trip: lock every touched account in id order (with its spend policy
//      and window), read the expired reservations on them, the transfers whose ids are replayed,
//      the pending transfers being posted or voided, the external refs in use;
//   3. void the expired reservations, then apply the batch in order against the locked balances,
//      in memory, with exact BigInt arithmetic; a failure inside a linked chain rolls it back;
//   4. one round trip writes the transfers (chimera.ledger_insert_transfers), then entries,
//      balances, reservations, spend windows and alerts (chimera.ledger_write_postings), with COMMIT.
// Large batches may write their transfers first, in step 2, before the lock ("insert first", see
// createTransferGroups). Batches the service can decide from balances it remembers skip steps 2
// and 3 and lock only to settle the balances (speculative.ts); this is their fallback.
// Balances are exact integers in minor units; nothing here is ever a float.
import type { JsonObject } from '@bufbuild/protobuf';
import { CreateTransferResult as R, type Transfer } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  findExternalRefs,
  getExpiredReservations,
  transactionTime,
  getPendingTransfers,
  getTransfersByIds,
  insertTransfers,
  lockAccounts,
  writePostings,
  type IGetExpiredReservationsResult,
  type IGetPendingTransfersResult,
  type IGetTransfersByIdsResult,
  type ILockAccountsResult,
} from '../../gen/sql/ledger/transfers.queries.js';
import type { TxClient } from '../../db/tx.js';
import { statementOf } from '../../db/pipeline.js';
import { binary } from '../../db/binary-arrays.js';
import { canonicalJson } from '../../lib/canonical.js';
import { MAX_METADATA_BYTES } from '../../lib/validate.js';
import { AMOUNT, UUID } from './formats.js';

const MAX_BALANCE = 10n ** 38n - 1n;

/** A transfer that passed the static checks, normalised. */
export interface Candidate {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  /** null: post the whole pending amount, or void (amount taken from the pending transfer). */
  amount: bigint | null;
  pendingId: string;
  linked: boolean;
  pending: boolean;
  postPending: boolean;
  voidPending: boolean;
  timeoutSeconds: number;
  code: number;
  externalRef: string;
  metadata: JsonObject;
}

/** A transfer row as written. */
type TransferRow = Omit<Candidate, 'amount'> & { amount: bigint };

/** What is stored for a transfer, enough to answer replays and resolve pending ones. */
type StoredTransfer = TransferRow & {
  /** Decides the spend window a later release of a reservation belongs to. */
  createTime: Date;
};

interface PendingState {
  transfer: StoredTransfer;
  open: boolean;
  expired: boolean;
  resolution: 'posted' | 'voided' | undefined;
}

export interface AccountState {
  id: string;
  asset: string;
  debitsMustNotExceedCredits: boolean;
  creditsMustNotExceedDebits: boolean;
  closed: boolean;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
  version: bigint;
}

/** A transfer as applied: what it adds to (or, negative, takes from) the pending balances and
 *  what it adds to the posted ones, the same on its debit side and on its credit side. The write
 *  derives the entries and new balances from these, in batch order. */
interface Posting {
  transfer: StoredTransfer;
  pendingDelta: bigint;
  postedDelta: bigint;
}

/** A \u0000 escape in JSON text: the escape's backslash is not itself escaped. */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

export function staticCheck(t: Transfer): R | Candidate {
  const id = t.id.toLowerCase();
  if (id === '') return R.ID_MUST_NOT_BE_EMPTY;
  if (!UUID.test(id)) return R.ID_INVALID;
  const f = t.flags;
  const pending = f?.pending ?? false;
  const postPending = f?.postPending ?? false;
  const voidPending = f?.voidPending ?? false;
  if (Number(pending) + Number(postPending) + Number(voidPending) > 1) return R.FLAGS_ARE_MUTUALLY_EXCLUSIVE;
  const resolves = postPending || voidPending;
  const debitAccountId = t.debitAccountId.toLowerCase();
  const creditAccountId = t.creditAccountId.toLowerCase();
  if (!resolves && debitAccountId === '') return R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY;
  if (!resolves && creditAccountId === '') return R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY;
  if (debitAccountId !== '' && debitAccountId === creditAccountId) return R.ACCOUNTS_MUST_BE_DIFFERENT;
  const pendingId = t.pendingId.toLowerCase();
  if (!resolves && pendingId !== '') return R.PENDING_ID_MUST_BE_EMPTY;
  if (resolves && pendingId === '') return R.PENDING_ID_MUST_NOT_BE_EMPTY;
  if (resolves && pendingId === id) return R.PENDING_ID_MUST_BE_DIFFERENT;
  if (t.timeoutSeconds < 0 || (t.timeoutSeconds > 0 && !pending)) return R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER;
  let amount: bigint | null = null;
  if (t.amount !== '' || !resolves) {
    if (!AMOUNT.test(t.amount)) return R.AMOUNT_INVALID;
    amount = BigInt(t.amount);
    if (amount === 0n) {
      if (!resolves) return R.AMOUNT_MUST_NOT_BE_ZERO;
      amount = null;
    }
  }
  // PostgreSQL text and jsonb cannot hold U+0000.
  if (t.externalRef.length > 200 || t.externalRef.includes('\u0000')) return R.METADATA_INVALID;
  const metadata = t.metadata ?? {};
  const json = JSON.stringify(metadata);
  if (Buffer.byteLength(json) > MAX_METADATA_BYTES || ESCAPED_NUL.test(json)) return R.METADATA_INVALID;
  return {
    id,
    debitAccountId,
    creditAccountId,
    amount,
    pendingId,
    linked: f?.linked ?? false,
    pending,
    postPending,
    voidPending,
    timeoutSeconds: t.timeoutSeconds,
    code: t.code,
    externalRef: t.externalRef,
    metadata,
  };
}

function storedFromRow(row: IGetTransfersByIdsResult): StoredTransfer {
  return {
    id: row.id,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: BigInt(row.amount),
    pendingId: row.pending_id ?? '',
    linked: row.linked,
    pending: row.pending,
    postPending: row.post_pending,
    voidPending: row.void_pending,
    timeoutSeconds: row.timeout_seconds,
    code: row.code,
    externalRef: row.external_ref ?? '',
    metadata: row.metadata as JsonObject,
    createTime: row.create_time,
  };
}

function accountFromRow(row: ILockAccountsResult): AccountState {
  return {
    id: row.id,
    asset: row.asset,
    debitsMustNotExceedCredits: row.debits_must_not_exceed_credits,
    creditsMustNotExceedDebits: row.credits_must_not_exceed_debits,
    closed: row.closed,
    debitsPending: BigInt(row.debits_pending),
    debitsPosted: BigInt(row.debits_posted),
    creditsPending: BigInt(row.credits_pending),
    creditsPosted: BigInt(row.credits_posted),
    version: BigInt(row.version),
  };
}

function pendingFromRow(row: IGetPendingTransfersResult): PendingState {
  // A reservation the sweeper voided reads as expired, not as voided by someone.
  const expired = row.expired || row.resolved_by_expiry === true;
  return {
    transfer: storedFromRow(row),
    open: row.open,
    expired,
    resolution: row.resolved_by_post ? 'posted' : row.resolved_by_void && !expired ? 'voided' : undefined,
  };
}

/** A replayed id: identical fields are EXISTS, otherwise the first differing field. */
function compareWithExisting(t: Candidate, e: StoredTransfer, pendingAmount: bigint | undefined): R {
  if (t.linked !== e.linked || t.pending !== e.pending || t.postPending !== e.postPending || t.voidPending !== e.voidPending) {
    return R.EXISTS_WITH_DIFFERENT_FLAGS;
  }
  if (t.pendingId !== e.pendingId) return R.EXISTS_WITH_DIFFERENT_PENDING_ID;
  if (t.timeoutSeconds !== e.timeoutSeconds) return R.EXISTS_WITH_DIFFERENT_TIMEOUT;
  if (t.debitAccountId !== '' && t.debitAccountId !== e.debitAccountId) return R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID;
  if (t.creditAccountId !== '' && t.creditAccountId !== e.creditAccountId) return R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID;
  const wanted = t.amount ?? pendingAmount;
  if (wanted !== undefined && wanted !== e.amount) return R.EXISTS_WITH_DIFFERENT_AMOUNT;
  if (t.code !== e.code) return R.EXISTS_WITH_DIFFERENT_CODE;
  if (t.externalRef !== e.externalRef) return R.EXISTS_WITH_DIFFERENT_EXTERNAL_REF;
  if (canonicalJson(t.metadata) !== canonicalJson(e.metadata)) return R.EXISTS_WITH_DIFFERENT_METADATA;
  return R.EXISTS;
}

/** An account's spend policy and the state of its current window. */
interface SpendState {
  window: 'DAILY' | 'WEEKLY';
  limit: bigint;
  alertRatioBp: bigint;
  approvalThreshold: bigint | null;
  windowStart: Date;
  debited: bigint;
  alerted: boolean;
}

interface WindowChange {
  accountId: string;
  windowStart: Date;
  delta: bigint;
}

interface BudgetAlert {
  accountId: string;
  windowStart: Date;
  spent: bigint;
  limit: bigint;
  transferId: string;
}

/** The spend state lockAccounts read with an account, if the account has a policy. */
function spendFromRow(row: ILockAccountsResult): SpendState | undefined {
  if (row.spend_window === null || row.spend_limit === null || row.alert_ratio_bp === null || row.window_start === null) return undefined;
  return {
    window: row.spend_window === 'WEEKLY' ? 'WEEKLY' : 'DAILY',
    limit: BigInt(row.spend_limit),
    alertRatioBp: BigInt(row.alert_ratio_bp),
    approvalThreshold: row.approval_threshold === null ? null : BigInt(row.approval_threshold),
    windowStart: row.window_start,
    debited: BigInt(row.window_debited),
    alerted: row.window_alerted,
  };
}

/** The UTC day, or the ISO week (from Monday), containing `t`: as ledger_lock_accounts computes it. */
export function windowStartOf(window: 'DAILY' | 'WEEKLY', t: Date): Date {
  const day = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
  if (window === 'WEEKLY') day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day;
}

/** Everything a batch may change, so a failed linked chain can be rolled back. */
export class BatchState {
  readonly accounts: Map<string, AccountState>;
  /** The transfers applied, by id, in the order applied: the order of the entries and of each
   *  account's versions. */
  readonly created = new Map<string, Posting>();
  readonly pendings: Map<string, PendingState>;
  readonly refsInUse: Map<string, string>;
  readonly resolvedPendingIds: string[] = [];
  readonly windowChanges = new Map<string, WindowChange>();
  readonly alerts: BudgetAlert[] = [];

  constructor(
    accounts: Map<string, AccountState>,
    pendings: Map<string, PendingState>,
    refsInUse: Map<string, string>,
    readonly policies: Map<string, SpendState>,
    readonly now: Date,
  ) {
    this.accounts = accounts;
    this.pendings = pendings;
    this.refsInUse = refsInUse;
  }

  /** Counts a new debit against the account's window, raising the alert when it crosses the ratio. */
  spend(accountId: string, amount: bigint, transferId: string): void {
    const policy = this.policies.get(accountId);
    if (!policy) return;
    this.changeWindow(accountId, policy.windowStart, amount);
    const before = policy.debited;
    policy.debited += amount;
    const crossed = (spent: bigint) => spent * 10_000n >= policy.limit * policy.alertRatioBp;
    if (!policy.alerted && !crossed(before) && crossed(policy.debited)) {
      policy.alerted = true;
      this.alerts.push({ accountId, windowStart: policy.windowStart, spent: policy.debited, limit: policy.limit, transferId });
    }
  }

  /** Gives back a reservation's unspent part to the window it was counted in. */
  release(accountId: string, amount: bigint, reservedAt: Date): void {
    const policy = this.policies.get(accountId);
    if (!policy || amount === 0n) return;
    const windowStart = windowStartOf(policy.window, reservedAt);
    this.changeWindow(accountId, windowStart, -amount);
    if (windowStart.getTime() === policy.windowStart.getTime()) {
      policy.debited = policy.debited > amount ? policy.debited - amount : 0n;
    }
  }

  private changeWindow(accountId: string, windowStart: Date, delta: bigint): void {
    const key = `${accountId}|${windowStart.toISOString()}`;
    const change = this.windowChanges.get(key);
    this.windowChanges.set(key, { accountId, windowStart, delta: (change?.delta ?? 0n) + delta });
  }

  snapshot(): () => void {
    const accounts = new Map([...this.accounts].map(([k, v]) => [k, { ...v }]));
    const created = new Map(this.created);
    const pendings = new Map([...this.pendings].map(([k, v]) => [k, { ...v }]));
    const refs = new Map(this.refsInUse);
    const resolved = this.resolvedPendingIds.length;
    const policies = new Map([...this.policies].map(([k, v]) => [k, { ...v }]));
    const windowChanges = new Map(this.windowChanges);
    const alerts = this.alerts.length;
    return () => {
      this.policies.clear();
      policies.forEach((v, k) => this.policies.set(k, v));
      this.windowChanges.clear();
      windowChanges.forEach((v, k) => this.windowChanges.set(k, v));
      this.alerts.length = alerts;
      this.accounts.clear();
      accounts.forEach((v, k) => this.accounts.set(k, v));
      this.created.clear();
      created.forEach((v, k) => this.created.set(k, v));
      this.pendings.clear();
      pendings.forEach((v, k) => this.pendings.set(k, v));
      this.refsInUse.clear();
      refs.forEach((v, k) => this.refsInUse.set(k, v));
      this.resolvedPendingIds.length = resolved;
    };
  }
}

/** Applies one transfer to the batch state, or says why it cannot be applied. */
function apply(t: Candidate, s: BatchState, existing: Map<string, StoredTransfer>): R {
  const resolves = t.postPending || t.voidPending;
  let p: PendingState | undefined;
  let debit: AccountState | undefined;
  let credit: AccountState | undefined;

  if (resolves) {
    p = s.pendings.get(t.pendingId);
    if (!p) return R.PENDING_TRANSFER_NOT_FOUND;
    if (!p.transfer.pending) return R.PENDING_TRANSFER_NOT_PENDING;
    if (t.debitAccountId !== '' && t.debitAccountId !== p.transfer.debitAccountId) return R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID;
    if (t.creditAccountId !== '' && t.creditAccountId !== p.transfer.creditAccountId) return R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID;
    if (t.amount !== null && t.amount > p.transfer.amount) return R.EXCEEDS_PENDING_TRANSFER_AMOUNT;
    if (t.voidPending && t.amount !== null && t.amount !== p.transfer.amount) return R.EXCEEDS_PENDING_TRANSFER_AMOUNT;
    debit = s.accounts.get(p.transfer.debitAccountId);
    credit = s.accounts.get(p.transfer.creditAccountId);
  } else {
    debit = s.accounts.get(t.debitAccountId);
    credit = s.accounts.get(t.creditAccountId);
    if (!debit) return R.DEBIT_ACCOUNT_NOT_FOUND;
    if (!credit) return R.CREDIT_ACCOUNT_NOT_FOUND;
    if (debit.asset !== credit.asset) return R.ACCOUNTS_MUST_HAVE_THE_SAME_ASSET;
  }

  const replayed = s.created.get(t.id)?.transfer ?? existing.get(t.id);
  if (replayed) return compareWithExisting(t, replayed, p?.transfer.amount);

  if (p) {
    if (p.resolution === 'posted') return R.PENDING_TRANSFER_ALREADY_POSTED;
    if (p.resolution === 'voided') return R.PENDING_TRANSFER_ALREADY_VOIDED;
    if (p.expired || !p.open) return R.PENDING_TRANSFER_EXPIRED;
  }
  if (!debit || !credit) return R.PENDING_TRANSFER_NOT_FOUND; // unreachable: a pending transfer's accounts exist
  if (debit.closed) return R.DEBIT_ACCOUNT_CLOSED;
  if (credit.closed) return R.CREDIT_ACCOUNT_CLOSED;
  if (t.externalRef !== '') {
    const holder = s.refsInUse.get(t.externalRef);
    if (holder !== undefined && holder !== t.id) return R.EXTERNAL_REF_ALREADY_USED;
  }

  // The movement: what leaves the pending balances and what lands on the posted ones.
  const releasePending = p ? p.transfer.amount : 0n;
  const amount = p ? (t.voidPending ? p.transfer.amount : (t.amount ?? p.transfer.amount)) : t.amount!;
  const addPending = t.pending ? amount : 0n;
  const addPosted = t.pending || t.voidPending ? 0n : amount;

  const debitsPending = debit.debitsPending - releasePending + addPending;
  const debitsPosted = debit.debitsPosted + addPosted;
  const creditsPending = credit.creditsPending - releasePending + addPending;
  const creditsPosted = credit.creditsPosted + addPosted;
  if (debitsPending + debitsPosted > MAX_BALANCE) return R.OVERFLOWS_DEBITS;
  if (creditsPending + creditsPosted > MAX_BALANCE) return R.OVERFLOWS_CREDITS;
  // Limits bind new reservations and postings, not the settling of an existing reservation.
  if (!p) {
    if (debit.debitsMustNotExceedCredits && debitsPending + debitsPosted > debit.creditsPosted) return R.EXCEEDS_CREDITS;
    if (credit.creditsMustNotExceedDebits && creditsPending + creditsPosted > credit.debitsPosted) return R.EXCEEDS_DEBITS;
    const policy = s.policies.get(debit.id);
    if (policy) {
      // Above the threshold only a reservation may be made; the CFO approves it by posting.
      if (!t.pending && policy.approvalThreshold !== null && amount > policy.approvalThreshold) return R.APPROVAL_REQUIRED;
      if (policy.debited + amount > policy.limit) return R.BUDGET_EXCEEDED;
    }
  }

  const stored: StoredTransfer = { ...t, debitAccountId: debit.id, creditAccountId: credit.id, amount, createTime: s.now };
  post(s, stored, debit, credit, { debitsPending, debitsPosted, creditsPending, creditsPosted });
  if (p) s.release(debit.id, p.transfer.amount - (t.postPending ? amount : 0n), p.transfer.createTime);
  else s.spend(debit.id, amount, t.id);
  if (t.externalRef !== '') s.refsInUse.set(t.externalRef, t.id);
  if (t.pending) s.pendings.set(t.id, { transfer: stored, open: true, expired: false, resolution: undefined });
  if (p) {
    p.open = false;
    p.resolution = t.postPending ? 'posted' : 'voided';
    s.resolvedPendingIds.push(p.transfer.id);
  }
  return R.OK;
}

/** Records a transfer's effect: new balances and versions; the write turns it into one entry per
 *  account. */
function post(
  s: BatchState,
  transfer: StoredTransfer,
  debit: AccountState,
  credit: AccountState,
  after: { debitsPending: bigint; debitsPosted: bigint; creditsPending: bigint; creditsPosted: bigint },
): void {
  const pendingDelta = after.debitsPending - debit.debitsPending;
  const postedDelta = after.debitsPosted - debit.debitsPosted;
  if (after.creditsPending - credit.creditsPending !== pendingDelta || after.creditsPosted - credit.creditsPosted !== postedDelta) {
    throw new Error(`transfer ${transfer.id} would move its two sides differently`);
  }
  debit.debitsPending = after.debitsPending;
  debit.debitsPosted = after.debitsPosted;
  debit.version += 1n;
  credit.creditsPending = after.creditsPending;
  credit.creditsPosted = after.creditsPosted;
  credit.version += 1n;
  s.created.set(transfer.id, { transfer, pendingDelta, postedDelta });
}

/** Voids reservations whose time ran out, as the sweeper would, so they neither block spending
 *  nor can be posted. The voids are ordinary void_pending transfers with fresh ids. */
function voidExpired(s: BatchState, expired: IGetExpiredReservationsResult[]): void {
  for (const r of expired) {
    const debit = s.accounts.get(r.debit_account_id)!;
    const credit = s.accounts.get(r.credit_account_id)!;
    const amount = BigInt(r.amount);
    const voided: StoredTransfer = {
      id: randomUUID(),
      debitAccountId: debit.id,
      creditAccountId: credit.id,
      amount,
      pendingId: r.transfer_id,
      linked: false,
      pending: false,
      postPending: false,
      voidPending: true,
      timeoutSeconds: 0,
      code: 0,
      externalRef: '',
      metadata: { reason: 'pending transfer expired' },
      createTime: s.now,
    };
    post(s, voided, debit, credit, {
      debitsPending: debit.debitsPending - amount,
      debitsPosted: debit.debitsPosted,
      creditsPending: credit.creditsPending - amount,
      creditsPosted: credit.creditsPosted,
    });
    s.resolvedPendingIds.push(r.transfer_id);
    s.release(debit.id, amount, r.create_time);
    const p = s.pendings.get(r.transfer_id);
    if (p) Object.assign(p, { open: false, expired: true });
  }
}

/** The accounts a batch locked, as it left them, and which of them have a spend policy. */
export interface LockedAccounts {
  accounts: AccountState[];
  withPolicy: Set<string>;
}

/** From this many transfers on, a batch is applied "insert first" when it can be (see
 *  createTransferGroups). Below it, the careful way costs next to nothing. */
export const INSERT_FIRST_FROM = 256;

/** Whether a batch may be applied insert first: new plain or pending transfers between accounts
 *  named by valid ids (a row the database would refuse as malformed must not be sent before the
 *  state machine has judged it). Transfers that fail their static checks also send a batch the
 *  careful way; createTransferGroups checks that itself. */
export function mayInsertFirst(groups: Transfer[][]): boolean {
  return groups.every((g) =>
    g.every((t) => !t.flags?.postPending && !t.flags?.voidPending && UUID.test(t.debitAccountId.toLowerCase()) && UUID.test(t.creditAccountId.toLowerCase())),
  );
}

/** An insert-first batch had a transfer that did not apply: it is rolled back and run carefully. */
export class NotAllApplied extends Error {
  constructor() {
    super('a transfer of an insert-first batch did not apply; run the batch again carefully');
  }
}

/** An insert-first attempt failed in a way the careful way answers with per-transfer results: a
 *  transfer that did not apply, or a transfer row the database refused (an id or external ref
 *  already used, an account that does not exist). Nothing was applied. */
export function mustRunCarefully(err: unknown): boolean {
  return err instanceof NotAllApplied || (err instanceof pg.DatabaseError && err.code?.startsWith('23') === true);
}

/**
 * Several independent requests' transfers in one transaction: one lock statement and one write
 * for all of them, one result per transfer per request, in request order. A linked chain never
 * crosses from one group into the next. `alsoTouch` names further accounts to lock, so that their
 * expired reservations are voided too: with no transfers, that is the expiry sweeper. `observe`
 * receives the locked accounts as the batch leaves them, once it is written.
 *
 * `insertFirst` applies a batch of new plain or pending transfers (nothing posted or voided) on
 * the assumption that every one of them applies, as they almost always do: their rows are written
 * in the same round trip as the lock, just before it, so that this work overlaps another batch's
 * turn with the accounts instead of adding to it, and their ids are not looked up. If one does not
 * apply (or the database refuses a row: a replayed id, an external ref in use, a missing account),
 * the call throws before anything commits (mustRunCarefully(err) holds) and the caller runs the
 * batch again carefully, which gives each transfer its result. A batch that does not qualify is
 * applied carefully at once.
 *
 * A row written before the lock can make a transaction wait for another that writes the same id,
 * and so, rarely, deadlock with one that holds the accounts: PostgreSQL then aborts one of the two
 * and it is retried (40P01, see db/tx.ts).
 */
export async function createTransferGroups(
  client: TxClient,
  tenantId: string,
  groups: Transfer[][],
  alsoTouch: string[] = [],
  insertFirst = false,
  observe?: (locked: LockedAccounts) => void,
): Promise<R[][]> {
  const transfers = groups.flat();
  const groupEnds = groupEndsOf(groups);
  const judged = transfers.map(staticCheck);
  const candidates = judged.filter((c): c is Candidate => typeof c !== 'number');
  const first: TransferRow[] | undefined =
    insertFirst && alsoTouch.length === 0 && candidates.length === judged.length && mayInsertFirst(groups)
      ? candidates.map((c) => ({ ...c, amount: c.amount! }))
      : undefined;
  const uuids = (values: string[]) => [...new Set(values.filter((v) => UUID.test(v)))];
  // Sent in binary to both statements that take it, each as uuid[].
  const accountIds = binary('uuid', uuids([...candidates.flatMap((c) => [c.debitAccountId, c.creditAccountId]), ...alsoTouch]));
  const pendingIds = uuids(candidates.map((c) => c.pendingId));
  // Inserted first, the rows' unique indexes stand for the lookups of ids and external refs.
  const refs = first ? [] : [...new Set(candidates.map((c) => c.externalRef).filter((r) => r !== ''))];

  // Statements with nothing to look up are left out of the round trip.
  const looked = await client.pipeline([
    ...(first ? [await statementOf(insertTransfers, insertParams(tenantId, first))] : []),
    await statementOf(lockAccounts, { tenantId, accountIds, pendingIds }),
    await statementOf(transactionTime, undefined),
    await statementOf(getExpiredReservations, { tenantId, accountIds, pendingIds }),
    await statementOf(getTransfersByIds, { tenantId, ids: first ? [] : uuids(candidates.map((c) => c.id)) }),
    ...(pendingIds.length > 0 ? [await statementOf(getPendingTransfers, { tenantId, ids: pendingIds })] : []),
    ...(refs.length > 0 ? [await statementOf(findExternalRefs, { tenantId, refs })] : []),
  ]);
  if (first) looked.shift();
  const [lockedRows, timeRows, expiredRows, existingRows] = looked;
  const optional = looked.slice(4);
  const locked = lockedRows as unknown as ILockAccountsResult[];
  const pendingRows = pendingIds.length > 0 ? optional.shift()! : [];
  const refRows = refs.length > 0 ? optional.shift()! : [];
  const state = new BatchState(
    new Map(locked.map((r) => [r.id, accountFromRow(r)])),
    new Map((pendingRows as unknown as IGetPendingTransfersResult[]).map((r) => [r.id, pendingFromRow(r)])),
    new Map((refRows as Array<{ id: string; external_ref: string }>).map((r) => [r.external_ref, r.id])),
    new Map(locked.flatMap((r) => {
      const spend = spendFromRow(r);
      return spend ? [[r.id, spend] as const] : [];
    })),
    (timeRows[0] as { now: Date }).now,
  );
  const existing = new Map((existingRows as unknown as IGetTransfersByIdsResult[]).map((r) => [r.id, storedFromRow(r)]));

  voidExpired(state, expiredRows as unknown as IGetExpiredReservationsResult[]);
  const results = applyInOrder(judged, state, existing, groupEnds);
  if (first && results.some((r) => r !== R.OK)) throw new NotAllApplied();
  await write(client, tenantId, state, new Set(first?.map((t) => t.id)));
  observe?.({ accounts: [...state.accounts.values()], withPolicy: new Set(state.policies.keys()) });
  let start = 0;
  return groups.map((g) => results.slice(start, (start += g.length)));
}

/** The index of each request's last transfer in the flattened batch: linked chains end there. */
export function groupEndsOf(groups: Transfer[][]): Set<number> {
  const ends = new Set<number>();
  let last = -1;
  for (const g of groups) {
    last += g.length;
    if (g.length > 0) ends.add(last);
  }
  return ends;
}

/** Applies the batch in order; a failure inside a linked chain undoes the whole chain. */
export function applyInOrder(judged: Array<R | Candidate>, state: BatchState, existing: Map<string, StoredTransfer>, groupEnds: Set<number>): R[] {
  const results: R[] = new Array(judged.length);
  let i = 0;
  while (i < judged.length) {
    // A chain runs from i to the first transfer without flags.linked, or to the end of its group.
    let end = i;
    while (!groupEnds.has(end) && isLinked(judged[end])) end++;
    const open = isLinked(judged[end]);
    const chain = end > i || open;
    const rollback = chain ? state.snapshot() : undefined;
    let failed = -1;
    for (let k = i; k <= end; k++) {
      const c = judged[k];
      const r = typeof c === 'number' ? c : open && k === end ? R.LINKED_EVENT_CHAIN_OPEN : apply(c, state, existing);
      results[k] = r;
      if (chain && r !== R.OK && r !== R.EXISTS) {
        failed = k;
        break;
      }
    }
    if (failed >= 0 && rollback) {
      rollback();
      for (let k = i; k <= end; k++) if (k !== failed) results[k] = R.LINKED_EVENT_FAILED;
    }
    i = end + 1;
  }
  return results;
}

function isLinked(c: R | Candidate): boolean {
  return typeof c !== 'number' && c.linked;
}

/** What chimera.ledger_write_postings must arrive at on its own: each changed account's balances
 *  and version packed into one number (every balance is below 2^128), weighted by the account's
 *  rank in id order (lowercase UUID strings sort as PostgreSQL sorts uuids), and summed. */
export function balanceChecksum(postings: Posting[], accounts: Map<string, AccountState>): bigint {
  const changed = [...new Set(postings.flatMap((p) => [p.transfer.debitAccountId, p.transfer.creditAccountId]))].sort();
  return checksumOf(changed.map((id) => accounts.get(id)!));
}

/** The checksum of these accounts, every one changed by the batch, given in id order. */
export function checksumOf(changedInIdOrder: AccountState[]): bigint {
  let sum = 0n;
  changedInIdOrder.forEach((a, i) => {
    const packed = a.debitsPending + (a.debitsPosted << 128n) + (a.creditsPending << 256n) + (a.creditsPosted << 384n) + (a.version << 512n);
    sum += BigInt(i + 1) * packed;
  });
  return sum;
}

/** A column for insertTransfers: empty when every value is the column's default, which the SQL
 *  reads back as all defaults (most transfers have no flags, code, external ref or metadata). */
function column<T>(rows: TransferRow[], value: (t: TransferRow) => T, fallback: T): T[] {
  return rows.every((t) => value(t) === fallback) ? [] : rows.map(value);
}

/** insertTransfers' columns, sent in binary (PostgreSQL parses no text for them). */
export function insertParams(tenantId: string, rows: TransferRow[]) {
  return {
    tenantId,
    ids: binary('uuid', rows.map((t) => t.id)),
    debitIds: binary('uuid', rows.map((t) => t.debitAccountId)),
    creditIds: binary('uuid', rows.map((t) => t.creditAccountId)),
    amounts: binary('numeric', rows.map((t) => t.amount.toString())),
    pendingIds: binary('uuid', column(rows, (t) => t.pendingId || null, null) as string[]),
    linked: binary('bool', column(rows, (t) => t.linked, false)),
    pending: binary('bool', column(rows, (t) => t.pending, false)),
    postPending: binary('bool', column(rows, (t) => t.postPending, false)),
    voidPending: binary('bool', column(rows, (t) => t.voidPending, false)),
    timeouts: binary('int4', column(rows, (t) => t.timeoutSeconds, 0)),
    codes: binary('int4', column(rows, (t) => t.code, 0)),
    externalRefs: binary('text', column(rows, (t) => t.externalRef || null, null) as string[]),
    metadata: binary('text', column(rows, (t) => JSON.stringify(t.metadata), '{}')),
  };
}

/** Each posting's transfer and movement, in batch order, and the checksum of the balances they
 *  lead to: what the write functions compute entries and balances from. */
function postingParams(postings: Posting[], accounts: Map<string, AccountState>) {
  const transfers = postings.map((p) => p.transfer);
  return {
    tIds: binary('uuid', transfers.map((t) => t.id)),
    tDebitIds: binary('uuid', transfers.map((t) => t.debitAccountId)),
    tCreditIds: binary('uuid', transfers.map((t) => t.creditAccountId)),
    tPending: binary('bool', column(transfers, (t) => t.pending, false)),
    tPendingDeltas: binary('numeric', postings.map((p) => p.pendingDelta.toString())),
    tPostedDeltas: binary('numeric', postings.map((p) => p.postedDelta.toString())),
    expectedChecksum: balanceChecksum(postings, accounts).toString(),
  };
}

/** Writes the batch's outcome and commits. `written` holds the ids already written (insert first). */
async function write(client: TxClient, tenantId: string, s: BatchState, written: Set<string>): Promise<void> {
  if (s.created.size === 0) return;
  const postings = [...s.created.values()];
  const transfers = postings.map((p) => p.transfer);
  const unwritten = transfers.filter((t) => !written.has(t.id));
  const windows = [...s.windowChanges.values()];
  const spent = windows.filter((w) => w.delta > 0n);
  const released = windows.filter((w) => w.delta < 0n);
  await client.commitWith([
    ...(unwritten.length > 0 ? [await statementOf(insertTransfers, insertParams(tenantId, unwritten))] : []),
    await statementOf(writePostings, {
      tenantId,
      ...postingParams(postings, s.accounts),
      resolvedPendingIds: s.resolvedPendingIds,
      sAccountIds: spent.map((w) => w.accountId),
      sWindowStarts: spent.map((w) => w.windowStart),
      sDeltas: spent.map((w) => w.delta.toString()),
      rAccountIds: released.map((w) => w.accountId),
      rWindowStarts: released.map((w) => w.windowStart),
      rAmounts: released.map((w) => (-w.delta).toString()),
      aAccountIds: s.alerts.map((a) => a.accountId),
      aWindowStarts: s.alerts.map((a) => a.windowStart),
      aSpent: s.alerts.map((a) => a.spent.toString()),
      aLimits: s.alerts.map((a) => a.limit.toString()),
      aTransferIds: s.alerts.map((a) => a.transferId),
    }),
  ]);
}
