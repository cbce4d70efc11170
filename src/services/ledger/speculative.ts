// Batches decided before their accounts are locked. The careful way (create-transfers.ts) holds
// the accounts' locks from the read that decides a batch until its COMMIT: a round trip, the state
// machine and the whole write. Two batches over the same accounts take turns for all of that.
//
// This process writes most of its tenants' transfers, so it knows what balances its own last
// batch left on each account. A batch of new plain or pending transfers is decided against those
// (with the same state machine), and everything but the new balances is written before any lock
// is taken: the transfers, the entries (their running balances start from the expected ones) and
// the reservations. Under the locks there is one statement left, chimera.ledger_settle_balances,
// then COMMIT: it checks that every account holds exactly the expected balances and version, and
// moves them to the computed ones. If anything differs (another server instance wrote, an earlier
// batch did not commit, a spend policy appeared, a reservation expired, an id was replayed) the
// transaction fails with nothing written, and the batch runs the careful way, which also teaches
// the view the accounts' real balances. Only results of OK are ever decided this way. Nor does a
// decided batch wait long for a lock (decidedLockTimeout): only another writer can hold one, and
// that writer is about to change what the batch expects, or waits for the batch's entries itself.
//
// A batch decided on top of one that is still in flight sends its settle only once that one has
// committed, so the two never reach the locks in the wrong order; its inserts overlap the other's
// turn with the locks. A tenant's decided and careful batches never run at the same time; they
// take turns first come, first served (LedgerView.run).
import { CreateTransferResult as R, type Transfer } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import pg from 'pg';
import { decidedLockTimeout, settleBalances, writeDecidedBatch } from '../../gen/sql/ledger/transfers.queries.js';
import type { TxClient } from '../../db/tx.js';
import { statementOf } from '../../db/pipeline.js';
import { binary } from '../../db/binary-arrays.js';
import {
  applyInOrder,
  checksumOf,
  BatchState,
  groupEndsOf,
  insertParams,
  mayInsertFirst,
  mustRunCarefully,
  staticCheck,
  type AccountState,
  type Candidate,
  type LockedAccounts,
} from './create-transfers.js';

/** SQLSTATE of a decided batch whose expectations do not hold (chimera.ledger_write_decided_entries,
 *  chimera.ledger_settle_balances). */
const EXPECTATION_FAILED = 'CH001';
/** SQLSTATE of a decided batch that gave up waiting for another writer's lock (decidedLockTimeout). */
const LOCK_NOT_AVAILABLE = '55P03';

/** A decided batch that did not commit: its own expectations failed, or those of a batch it was
 *  decided on top of. Nothing of it was written. */
export class DecidedTooEarly extends Error {
  constructor() {
    super('a batch this one was decided on top of did not commit; run it the careful way');
  }
}

/** Whether a decided batch failed in a way the careful way answers, with nothing written: its
 *  expectations did not hold (or those of a batch it was decided on), the database refused a row
 *  (an id or external ref already used, or the entry of an account version another writer took),
 *  it gave up waiting for another writer's lock, or it was chosen to break a deadlock (or a
 *  serialization failure). */
export function mustDecideCarefully(err: unknown): boolean {
  if (err instanceof DecidedTooEarly || mustRunCarefully(err)) return true;
  const code = err instanceof pg.DatabaseError ? err.code : undefined;
  return code === EXPECTATION_FAILED || code === LOCK_NOT_AVAILABLE || code === '40P01' || code === '40001';
}

/** A batch decided from the view, ready to write. */
export interface DecidedBatch {
  /** One result per transfer per request: all OK. */
  results: R[][];
  state: BatchState;
  /** The touched accounts as the batch expects to find them, by id. */
  expected: Map<string, AccountState>;
  /** Batches still in flight whose outcome this one was decided on. */
  after: Promise<boolean>[];
  /** Resolves once this batch has committed (true) or failed (false). */
  outcome: Promise<boolean>;
  settle(committed: boolean): void;
  /** Its transfer ids and external refs (as "ref:..."). */
  keys: string[];
}

interface Known {
  state: AccountState;
  withPolicy: boolean;
  /** The batch in flight that leaves the account in `state`; undefined once it is committed. */
  by?: Promise<boolean>;
}

/** How a batch runs once its turn comes. */
export interface BatchWays<T> {
  /** Writes a decided batch and commits; throws if it did not commit. */
  decided(batch: DecidedBatch): Promise<void>;
  /** Runs the batch the careful way; `locked` is what it left of the accounts it locked. */
  careful(): Promise<{ results: T; locked?: LockedAccounts }>;
  /** Whether to try deciding this batch at all (asked only if it could be decided). */
  mayDecide(): boolean;
  /** Told when a decided attempt failed and the batch falls back to the careful way. */
  fellBack?(err: unknown): void;
}

/**
 * What this process knows of one tenant's account balances, and the order in which the tenant's
 * batches run. Batches take turns first come, first served: decided batches run alongside each
 * other, careful ones alongside each other, but a careful batch never runs alongside a decided one
 * (their entries could wait for each other's locks, and a decision needs what the careful batches
 * before it left). A batch that must wait keeps the ones behind it waiting too, so neither kind
 * can starve the other.
 */
export class LedgerView {
  /** Beyond this many accounts the committed ones are forgotten (they are relearnt on use). */
  static readonly MAX_ACCOUNTS = 20_000;
  private readonly known = new Map<string, Known>();
  /** Batches waiting for their turn, first come first (fallbacks ahead); each starts itself if it can. */
  private readonly queue: Array<{ start: () => boolean; fallback: boolean }> = [];
  private readonly decidedInFlight = new Set<Promise<boolean>>();
  /** The ids and external refs of the decided batches in flight (refs prefixed with "ref:"). */
  private readonly inFlightKeys = new Set<string>();
  private carefulInFlight = 0;

  get idle(): boolean {
    return this.queue.length === 0 && this.decidedInFlight.size === 0 && this.carefulInFlight === 0;
  }

  /** A batch's accounts as a committed careful batch left them. */
  learn(locked: LockedAccounts): void {
    if (this.known.size >= LedgerView.MAX_ACCOUNTS) this.forgetCommitted();
    for (const a of locked.accounts) {
      const had = this.known.get(a.id);
      // Two careful batches may report in either order; versions only grow.
      if (had && had.state.version > a.version) continue;
      this.known.set(a.id, { state: { ...a }, withPolicy: locked.withPolicy.has(a.id) });
    }
  }

  /**
   * Runs a batch in its turn: decided against the known balances if it can be (every transfer
   * new, plain or pending, between known accounts without spend policies, and every one OK), else
   * the careful way. A decided batch that does not commit in a way the careful way answers
   * (mustDecideCarefully) runs the careful way next, ahead of the batches that came after it.
   */
  async run<T>(groups: Transfer[][], ways: BatchWays<T>): Promise<T | R[][]> {
    const turn = await this.take(groups, ways.mayDecide);
    let fallback: { err: unknown } | undefined;
    if (turn.batch) {
      let failure: { err: unknown } | undefined;
      try {
        await ways.decided(turn.batch);
      } catch (err) {
        failure = { err };
      }
      if (!failure) {
        this.endDecided(turn.batch, true);
        return turn.batch.results;
      }
      if (!mustDecideCarefully(failure.err)) {
        this.endDecided(turn.batch, false);
        throw failure.err;
      }
      // Queued before this batch's turn ends, so nothing that came later goes first.
      const careful = this.take([], () => false, true);
      this.endDecided(turn.batch, false);
      await careful;
      fallback = failure;
    }
    try {
      if (fallback) ways.fellBack?.(fallback.err);
      const { results, locked } = await ways.careful();
      if (locked) this.learn(locked);
      return results;
    } finally {
      this.carefulInFlight--;
      this.wake();
    }
  }

  /** Waits for the batch's turn: resolves with the batch decided, or with none for the careful
   *  way (then counted as a careful batch in flight). A fallback (`first`) goes ahead of every
   *  batch that is not a fallback itself. If deciding throws, only this batch fails. */
  private take(groups: Transfer[][], mayDecide: () => boolean, first = false): Promise<{ batch?: DecidedBatch }> {
    return new Promise((resolve, reject) => {
      let checked: { candidates?: Candidate[] } | undefined;
      let careful: boolean | undefined;
      let asked = false;
      const start = (): boolean => {
        try {
          checked ??= { candidates: passedStaticChecks(groups) };
          const { candidates } = checked;
          careful ??= !candidates || !this.movesKnownAccounts(candidates);
          if (!careful) {
            if (this.carefulInFlight > 0) return false;
            if (!asked) {
              asked = true;
              careful = !mayDecide();
            }
            const batch = careful || !candidates ? undefined : this.decide(groups, candidates);
            if (batch) {
              resolve({ batch });
              return true;
            }
            careful = true;
          }
          if (this.decidedInFlight.size > 0) return false;
          this.carefulInFlight++;
          resolve({});
          return true;
        } catch (err) {
          reject(err);
          return true;
        }
      };
      if (this.queue.length === 0 && start()) return;
      const waiting = { start, fallback: first };
      const firstNonFallback = this.queue.findIndex((w) => !w.fallback);
      if (first && firstNonFallback >= 0) this.queue.splice(firstNonFallback, 0, waiting);
      else this.queue.push(waiting);
    });
  }

  /** Starts the waiting batches, first come first, as far as their turns allow. */
  private wake(): void {
    while (this.queue.length > 0 && this.queue[0].start()) this.queue.shift();
  }

  /** The batch decided against the known balances, registered as in flight; undefined if one of
   *  its transfers does not apply (or it shares an id or external ref with a decided batch in
   *  flight, which could otherwise wait for this one's rows while this one waits for it). */
  private decide(groups: Transfer[][], judged: Candidate[]): DecidedBatch | undefined {
    if (!this.movesKnownAccounts(judged)) return undefined;
    const keys = judged.flatMap((c) => (c.externalRef === '' ? [c.id] : [c.id, `ref:${c.externalRef}`]));
    if (keys.some((k) => this.inFlightKeys.has(k))) return undefined;
    const expected = new Map<string, AccountState>();
    const after = new Set<Promise<boolean>>();
    for (const c of judged) {
      for (const id of [c.debitAccountId, c.creditAccountId]) {
        const known = this.known.get(id)!;
        expected.set(id, known.state);
        if (known.by) after.add(known.by);
      }
    }
    const state = new BatchState(
      new Map([...expected].map(([id, a]) => [id, { ...a }])),
      new Map(),
      new Map(),
      new Map(),
      new Date(),
    );
    // Replayed ids and external refs in use are not looked up: their unique indexes refuse them.
    const results = applyInOrder(judged, state, new Map(), groupEndsOf(groups));
    if (results.some((r) => r !== R.OK)) return undefined;
    let start = 0;
    let settle!: (committed: boolean) => void;
    const outcome = new Promise<boolean>((resolve) => (settle = resolve));
    const batch = { results: groups.map((g) => results.slice(start, (start += g.length))), state, expected, after: [...after], outcome, settle, keys };
    const leaves = [...expected.keys()].map((id) => [id, { state: { ...state.accounts.get(id)! }, withPolicy: false, by: outcome }] as const);
    // From here on (nothing below can throw) the view expects the batch's balances.
    for (const [id, known] of leaves) this.known.set(id, known);
    for (const k of keys) this.inFlightKeys.add(k);
    this.decidedInFlight.add(outcome);
    return batch;
  }

  /** Whether the transfers move only known accounts without spend policies. */
  private movesKnownAccounts(candidates: Candidate[]): boolean {
    const usable = (id: string) => {
      const known = this.known.get(id);
      return known !== undefined && !known.withPolicy;
    };
    return candidates.every((c) => usable(c.debitAccountId) && usable(c.creditAccountId));
  }

  /** A decided batch is done: if it did not commit, the view forgets what it expected of the
   *  batch's accounts. */
  private endDecided(batch: DecidedBatch, committed: boolean): void {
    for (const id of batch.expected.keys()) {
      const known = this.known.get(id);
      if (known?.by !== batch.outcome) continue;
      if (committed) known.by = undefined;
      else this.known.delete(id);
    }
    for (const k of batch.keys) this.inFlightKeys.delete(k);
    this.decidedInFlight.delete(batch.outcome);
    batch.settle(committed);
    this.wake();
  }

  private forgetCommitted(): void {
    for (const [id, known] of this.known) if (!known.by) this.known.delete(id);
  }
}

/** The batch's transfers, normalised, if they are all new, plain or pending and pass their static
 *  checks. */
function passedStaticChecks(groups: Transfer[][]): Candidate[] | undefined {
  if (!mayInsertFirst(groups) || groups.every((g) => g.length === 0)) return undefined;
  const judged = groups.flat().map(staticCheck);
  return judged.every((c) => typeof c !== 'number') ? (judged as Candidate[]) : undefined;
}

/**
 * Writes a decided batch and commits: the transfers and entries first, then, once the batches it
 * was decided on have committed, the settle of its balances with the COMMIT. With none in flight,
 * all in one round trip. It waits for no other writer's lock for more than a moment.
 */
export async function writeDecided(client: TxClient, tenantId: string, batch: DecidedBatch): Promise<void> {
  const transfers = [...batch.state.created.values()].map((p) => p.transfer);
  // In id order: the order the settle locks them in. Every one of them is changed (all transfers
  // applied), so these are also the accounts the checksum covers.
  const expected = [...batch.expected.values()].sort((x, y) => (x.id < y.id ? -1 : 1));
  // Marked binary once, and sent as uuid[] to both statements below (as are the balance columns).
  const ids = binary('uuid', expected.map((a) => a.id));
  const expectedColumns = balanceColumns(expected);
  const after = expected.map((a) => batch.state.accounts.get(a.id)!);
  const unlocked = await statementOf(writeDecidedBatch, {
    ...insertParams(tenantId, transfers),
    aIds: ids,
    ...prefixed('a', expectedColumns),
    expectedChecksum: checksumOf(after).toString(),
  });
  const settle = await statementOf(settleBalances, {
    tenantId,
    ids,
    ...expectedColumns,
    ...prefixed('new', balanceColumns(after)),
  });
  const noLongWaits = await statementOf(decidedLockTimeout, undefined);
  if (batch.after.length === 0) {
    await client.commitWith([noLongWaits, unlocked, settle]);
    return;
  }
  await client.pipeline([noLongWaits, unlocked]);
  if (!(await Promise.all(batch.after)).every(Boolean)) throw new DecidedTooEarly();
  await client.commitWith([settle]);
}

/** Accounts' versions and balances as parallel columns, sent in binary. */
function balanceColumns(accounts: AccountState[]) {
  const column = (value: (a: AccountState) => bigint) => binary('numeric', accounts.map((a) => value(a).toString()));
  return {
    versions: binary('int8', accounts.map((a) => a.version.toString())),
    debitsPending: column((a) => a.debitsPending),
    debitsPosted: column((a) => a.debitsPosted),
    creditsPending: column((a) => a.creditsPending),
    creditsPosted: column((a) => a.creditsPosted),
  };
}

/** The columns under the names the other statements give them: aVersions, newDebitsPending... */
function prefixed<P extends string>(prefix: P, columns: ReturnType<typeof balanceColumns>) {
  const name = <K extends string>(key: K) => `${prefix}${key[0].toUpperCase()}${key.slice(1)}` as `${P}${Capitalize<K>}`;
  return Object.fromEntries(Object.entries(columns).map(([key, values]) => [name(key), values])) as {
    [K in keyof typeof columns as `${P}${Capitalize<K>}`]: string[];
  };
}
