// When API keys were last used, without a database write per call: every authenticated call
// notes its key's latest use in memory, and a flush writes all of them in one statement. The
// stored time is therefore up to one flush interval late, and a crash loses the uses noted
// since the last flush (docs/adr/0022-api-key-last-use.md).
import type { Database } from '../../db/tx.js';
import { recordApiKeyUses } from '../../gen/sql/tenancy/api_keys.queries.js';
import type { Caller } from '../../server/context.js';

interface Use {
  tenantId: string;
  keyId: string;
  time: number;
}

export class KeyUses {
  private pending = new Map<string, Use>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes a use of the caller's key; one map lookup, on every call's path. */
  record(caller: Caller): void {
    const time = this.now();
    const use = this.pending.get(caller.keyId);
    if (!use) this.pending.set(caller.keyId, { tenantId: caller.tenantId, keyId: caller.keyId, time });
    else if (time > use.time) use.time = time;
  }

  /** Keys with a use not written yet. */
  get size(): number {
    return this.pending.size;
  }

  /** Writes every pending use in one statement and returns how many keys it named. A failed
   *  write keeps its uses for the next flush (merged with any noted meanwhile). */
  async flush(db: Database): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const scope = { actor: 'key-use-flusher', requestId: 'key-use-flusher', timeoutMs: 30_000 };
    try {
      await db.adminTx(scope, (client) =>
        recordApiKeyUses.run(
          {
            tenantIds: batch.map((u) => u.tenantId),
            ids: batch.map((u) => u.keyId),
            useTimes: batch.map((u) => new Date(u.time).toISOString()),
          },
          client,
        ),
      );
    } catch (err) {
      for (const use of batch) this.keep(use);
      throw err;
    }
    return batch.length;
  }

  private keep(use: Use): void {
    const newer = this.pending.get(use.keyId);
    if (!newer) this.pending.set(use.keyId, use);
    else if (use.time > newer.time) newer.time = use.time;
  }
}
