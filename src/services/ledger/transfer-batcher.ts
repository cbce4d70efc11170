// Group commit for CreateTransfers. Concurrent calls of one tenant (and one API key, so the actor
// recorded stays right) that arrive while the previous transactions are running are applied
// together in the next one: one lock statement, one write and one COMMIT for all of them, as
// TigerBeetle batches its clients' requests. Each call still gets exactly its own results, and a
// linked chain never crosses from one call into another.
import type { CreateTransferResult, Transfer } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { Database, TenantScope } from '../../db/tx.js';
import { MAX_BATCH } from './create-accounts.js';
import { createTransferGroups, INSERT_FIRST_FROM, mayInsertFirst, mustRunCarefully } from './create-transfers.js';

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
 * When to try a large batch insert first (createTransferGroups). An attempt that falls back costs
 * a wasted transaction, so after one a key's next large batch runs carefully at once, after two in
 * a row the next two, and so on up to 64: a workload whose large batches often hold a transfer
 * that does not apply pays for a wasted attempt now and then, not on every batch. A success ends
 * the backoff.
 */
export class InsertFirstBackoff {
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
    state.skip = Math.min(InsertFirstBackoff.MAX_SKIP, 2 ** (state.fallbacks - 1));
    // Keys that fell back and then went quiet would stay forever; forgetting them costs at most
    // one wasted attempt each.
    if (!this.keys.has(key) && this.keys.size >= InsertFirstBackoff.MAX_KEYS) this.keys.clear();
    this.keys.set(key, state);
  }
}

export class TransferBatcher {
  private readonly lanes = new Map<string, Lane>();
  private readonly backoff = new InsertFirstBackoff();

  constructor(
    private readonly db: Database,
    private readonly maxRunning = TRANSACTIONS_PER_KEY,
  ) {}

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

  private async run(key: string, group: Waiting[]): Promise<void> {
    // The group runs under its first call's identity and the tightest deadline among them.
    const scope = { ...group[0].scope, timeoutMs: Math.min(...group.map((w) => w.scope.timeoutMs)) };
    const groups = group.map((w) => w.transfers);
    const deadline = Date.now() + scope.timeoutMs;
    // A second attempt gets what is left of the calls' deadline, not a fresh one.
    const attempt = (insertFirst: boolean) =>
      this.db.tenantTx({ ...scope, timeoutMs: Math.max(1, deadline - Date.now()) }, (client) =>
        createTransferGroups(client, scope.tenantId, groups, [], insertFirst),
      );
    try {
      // Large batches assume every transfer applies, and run carefully only if one does not.
      const insertFirst = groups.reduce((n, g) => n + g.length, 0) >= INSERT_FIRST_FROM && mayInsertFirst(groups) && this.backoff.shouldTry(key);
      const results = insertFirst
        ? await attempt(true).then(
            (r) => (this.backoff.succeeded(key), r),
            (err: unknown) => (mustRunCarefully(err) ? (this.backoff.fellBack(key), attempt(false)) : Promise.reject(err)),
          )
        : await attempt(false);
      group.forEach((w, i) => w.resolve(results[i]));
    } catch (err) {
      group.forEach((w) => w.reject(err));
    }
  }
}
