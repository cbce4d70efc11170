// TigerBeetle's state machine for CreateTransfers, in memory and with no I/O: a batch is applied in
// order against the balances it starts from, with exact BigInt arithmetic (minor units; never a
// float), and a failure inside a linked chain undoes the whole chain. Both writes drive it: the
// careful one from balances it has just locked, the decided one from balances it expects.
import { randomUUID } from 'node:crypto';
import { CreateTransferResult as R, type Transfer } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import { compareWithExisting, type Candidate, type StoredTransfer } from './transfer-checks.js';

const MAX_BALANCE = 10n ** 38n - 1n;

export interface PendingState {
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
export interface Posting {
  transfer: StoredTransfer;
  pendingDelta: bigint;
  postedDelta: bigint;
}

/** An account's spend policy and the state of its current window. */
export interface SpendState {
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

/** An expired reservation, as the careful write reads it. */
export interface ExpiredReservation {
  transfer_id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  create_time: Date;
}

/** Voids reservations whose time ran out, as the sweeper would, so they neither block spending
 *  nor can be posted. The voids are ordinary void_pending transfers with fresh ids. */
export function voidExpired(s: BatchState, expired: ExpiredReservation[]): void {
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

/** The checksum of these accounts, every one changed by the batch, given in id order. Each account's
 *  term is the one chimera.ledger_balances_checksum computes in the database. */
export function checksumOf(changedInIdOrder: AccountState[]): bigint {
  let sum = 0n;
  changedInIdOrder.forEach((a, i) => {
    const packed = a.debitsPending + (a.debitsPosted << 128n) + (a.creditsPending << 256n) + (a.creditsPosted << 384n) + (a.version << 512n);
    sum += BigInt(i + 1) * packed;
  });
  return sum;
}
