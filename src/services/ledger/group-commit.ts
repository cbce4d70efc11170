// Group commit for CreateTransfers. Concurrent calls of one tenant (and one API key, so the actor
// recorded stays right) that arrive while the previous transactions are running are applied
// together in the next one: one lock statement, one write and one COMMIT for all of them, as
// TigerBeetle batches its clients' requests. Each call still gets exactly its own results, and a
// linked chain never crosses from one call into another.
//
// A batch is decided against the balances this process expects (decided-batches.ts) when it can
// be; otherwise, or when that fails, it runs the careful way (careful-write.ts). Large careful
// batches try "insert first" (careful-write.ts). All of this is the ledger's fast paths: with them
// off, plain-transfers.ts runs each request in a transaction of its own.
import type { CreateTransferResult, Transfer } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { Database, TenantScope, TxClient } from '../../db/tx.js';
import { MAX_BATCH } from './create-accounts.js';
import { INSERT_FIRST_FROM, mustRunCarefully, writeCarefully } from './careful-write.js';
import { DecidedBatches, type BatchWays } from './decided-batches.js';
import { writeDecided } from './decided-write.js';
import { mayInsertFirst } from './transfer-checks.js';
import type { TransferWriter } from './plain-transfers.js';

interface Waiting {
  scope: TenantScope;
  transfers: Transfer[];
  resolve(results: CreateTransferResult[]): void;
  reject(err: unknown): void;
}

interface Lane {
  waiting: Waiting[];
  running: number;
}

/** Transactions in flight per tenant and key; more calls wait and join the next group. */
export const TRANSACTIONS_PER_KEY = 2;

/**
 * When to try a shortcut that, when it does not work out, costs a wasted transaction: a large
 * batch inserted first, or a batch decided before its accounts are locked. After one fallback a
 * key's next such batch takes the long way at once, after two in a row the next two, and so on up
 * to 64: a workload the shortcut does not suit pays for a wasted attempt now and then, not on
 * every batch. A success ends the backoff.
 */
export class Backoff {
  private static readonly MAX_SKIP = 64;
  private static readonly MAX_KEYS = 10_000;
  private readonly keys = new Map<string, { fallbacks: number; skip: number }>();

  shouldTry(key: string): boolean {
    const state = this.keys.get(key);
    if (!state || state.skip === 0) return true;
    state.skip--;
    return false;
  }

  succeeded(key: string): void {
    this.keys.delete(key);
  }

  fellBack(key: string): void {
    const state = this.keys.get(key) ?? { fallbacks: 0, skip: 0 };
    state.fallbacks++;
    state.skip = Math.min(Backoff.MAX_SKIP, 2 ** (state.fallbacks - 1));
    // Keys that fell back and then went quiet would stay forever; forgetting them costs at most
    // one wasted attempt each.
    if (!this.keys.has(key) && this.keys.size >= Backoff.MAX_KEYS) this.keys.clear();
    this.keys.set(key, state);
  }
}

export interface GroupCommitOptions {
  /** Transactions in flight per tenant and key (default TRANSACTIONS_PER_KEY). */
  transactionsPerKey?: number;
}

export class GroupCommit implements TransferWriter {
  private readonly lanes = new Map<string, Lane>();
  /** By tenant: every key of a tenant writes the same accounts. */
  private readonly tenants = new Map<string, DecidedBatches>();
  private readonly insertFirstBackoff = new Backoff();
  private readonly decideBackoff = new Backoff();
  private readonly maxRunning: number;

  constructor(
    private readonly db: Database,
    options: GroupCommitOptions = {},
  ) {
    this.maxRunning = options.transactionsPerKey ?? TRANSACTIONS_PER_KEY;
  }

  submit(scope: TenantScope, transfers: Transfer[]): Promise<CreateTransferResult[]> {
    const key = `${scope.tenantId}|${scope.actor}`;
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { waiting: [], running: 0 }));
    const result = new Promise<CreateTransferResult[]>((resolve, reject) => lane.waiting.push({ scope, transfers, resolve, reject }));
    // Let the calls that arrive in the same turn of the event loop join this group.
    if (lane.waiting.length === 1) setImmediate(() => this.drain(key));
    return result;
  }

  private drain(key: string): void {
    const lane = this.lanes.get(key);
    if (!lane) return;
    while (lane.running < this.maxRunning && lane.waiting.length > 0) {
      const group = this.take(lane);
      lane.running++;
      void this.run(key, group).finally(() => {
        lane.running--;
        if (lane.waiting.length > 0) this.drain(key);
        else if (lane.running === 0) this.lanes.delete(key);
      });
    }
  }

  /** As many waiting calls as fit in one batch (always at least one). */
  private take(lane: Lane): Waiting[] {
    const group: Waiting[] = [];
    let size = 0;
    while (lane.waiting.length > 0 && (group.length === 0 || size + lane.waiting[0].transfers.length <= MAX_BATCH)) {
      const next = lane.waiting.shift()!;
      size += next.transfers.length;
      group.push(next);
    }
    return group;
  }

  /** Voids the expired reservations on these accounts (the expiry sweeper): a careful batch with
   *  no transfers of its own. */
  async sweep(scope: TenantScope, accountIds: string[]): Promise<void> {
    await this.decidedBatchesOf(scope.tenantId).run([], {
      mayDecide: () => false,
      decided: () => Promise.reject(new Error('a sweep is never decided')),
      careful: () => this.db.tenantTx(scope, (client) => writeCarefully(client, { tenantId: scope.tenantId, groups: [[]], alsoTouch: accountIds })),
    });
  }

  private decidedBatchesOf(tenantId: string): DecidedBatches {
    let batches = this.tenants.get(tenantId);
    if (!batches) {
      // Tenants that went quiet are dropped; their balances are relearnt on use.
      if (this.tenants.size >= MAX_TENANTS) for (const [id, b] of this.tenants) if (b.idle) this.tenants.delete(id);
      this.tenants.set(tenantId, (batches = new DecidedBatches()));
    }
    return batches;
  }

  private async run(key: string, group: Waiting[]): Promise<void> {
    try {
      const results = await this.apply(key, group);
      group.forEach((w, i) => w.resolve(results[i]));
    } catch (err) {
      group.forEach((w) => w.reject(err));
    }
  }

  private async apply(key: string, group: Waiting[]): Promise<CreateTransferResult[][]> {
    // The group runs under its first call's identity and the tightest deadline among them.
    const scope = { ...group[0].scope, timeoutMs: Math.min(...group.map((w) => w.scope.timeoutMs)) };
    const { tenantId } = scope;
    const groups = group.map((w) => w.transfers);
    const deadline = Date.now() + scope.timeoutMs;
    // A later attempt gets what is left of the calls' deadline, not a fresh one.
    const tx = <T>(work: (client: TxClient) => Promise<T>, attempts?: number) =>
      this.db.tenantTx({ ...scope, timeoutMs: Math.max(1, deadline - Date.now()) }, work, attempts);
    const ways: BatchWays<CreateTransferResult[][]> = {
      mayDecide: () => this.decideBackoff.shouldTry(tenantId),
      // Not retried on a deadlock or serialization failure: the careful way is.
      decided: async (batch) => {
        await tx((client) => writeDecided(client, tenantId, batch), 1);
        this.decideBackoff.succeeded(tenantId);
      },
      fellBack: () => this.decideBackoff.fellBack(tenantId),
      careful: () => {
        const attempt = (insertFirst: boolean) => tx((client) => writeCarefully(client, { tenantId, groups, insertFirst }));
        // Large batches assume every transfer applies, and run carefully only if one does not.
        const insertFirst = groups.reduce((n, g) => n + g.length, 0) >= INSERT_FIRST_FROM && mayInsertFirst(groups) && this.insertFirstBackoff.shouldTry(key);
        if (!insertFirst) return attempt(false);
        return attempt(true).then(
          (outcome) => (this.insertFirstBackoff.succeeded(key), outcome),
          (err: unknown) => (mustRunCarefully(err) ? (this.insertFirstBackoff.fellBack(key), attempt(false)) : Promise.reject(err)),
        );
      },
    };
    return this.decidedBatchesOf(tenantId).run(groups, ways);
  }
}

/** Tenants whose balances are remembered at once (see DecidedBatches). With
 *  DecidedBatches.MAX_ACCOUNTS and about 270 bytes per account, that stays under 200 MB. */
const MAX_TENANTS = 32;
