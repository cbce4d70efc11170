// The read replica (DATABASE_READ_URL): a streaming standby that serves the reads which may lag
// behind the primary by its replay delay (similarity searches, lists, summaries; see
// docs/adr/0024-read-replicas.md). A replica that fails must not fail those calls: a read it
// cannot serve runs on the primary instead, and after a connection fault the replica rests for a
// while, so that calls do not each wait for it to time out.
import { Code, ConnectError } from '@connectrpc/connect';
import pg from 'pg';
import type { Logger } from '../lib/log.js';
import { databaseUnavailable } from './errors.js';
import type { Pool } from './pool.js';
import { TenantSlots } from './tenant-slots.js';

/** How long reads skip the replica after it failed to answer. */
export const REPLICA_REST_MS = 5_000;

export interface ReadReplicaOptions {
  log: Logger;
  /** Connections one tenant's reads may hold on the replica at once (tenant-slots.ts); 0: no cap. */
  connectionsPerTenant: number;
  /** How long reads skip the replica after a connection fault; default REPLICA_REST_MS. */
  restMs?: number;
}

export class ReadReplica {
  readonly slots: TenantSlots;
  private restingUntil = 0;
  /** Reads the replica could not serve, which ran on the primary (for tests and metrics). */
  fallbacks = 0;

  constructor(
    readonly pool: Pool,
    private readonly options: ReadReplicaOptions,
  ) {
    this.slots = new TenantSlots(options.connectionsPerTenant);
  }

  /** Whether reads should try the replica now (false while it rests after a fault). */
  serving(): boolean {
    return Date.now() >= this.restingUntil;
  }

  /**
   * Runs `onReplica`, or `onPrimary` when the replica rests or cannot serve the read: it cannot be
   * reached, its session ended, it has no connection to spare, or a conflict with recovery
   * cancelled the read. A NotFound is confirmed on the primary, because the resource may be one
   * the caller created a moment ago that the replica has not replayed yet. Other errors of the
   * read itself (a deadline, a bad value) are the call's.
   */
  async run<T>(onReplica: () => Promise<T>, onPrimary: () => Promise<T>): Promise<T> {
    if (!this.serving()) return onPrimary();
    try {
      return await onReplica();
    } catch (err) {
      const unavailable = databaseUnavailable(err);
      if (!unavailable && !recoveryConflict(err) && !notYetReplayed(err)) throw err;
      if (unavailable) {
        if (this.serving()) {
          this.options.log.warn('read replica unavailable; reading from the primary', {
            error: err instanceof Error ? err.message : String(err),
            errorCode: (err as { code?: unknown }).code,
            restMs: this.options.restMs ?? REPLICA_REST_MS,
          });
        }
        this.restingUntil = Date.now() + (this.options.restMs ?? REPLICA_REST_MS);
      }
      this.fallbacks++;
      return onPrimary();
    }
  }
}

function notYetReplayed(err: unknown): boolean {
  return err instanceof ConnectError && err.code === Code.NotFound;
}

/** A hot standby cancels a read that holds back the replay of the primary's changes (40001). */
function recoveryConflict(err: unknown): boolean {
  return err instanceof pg.DatabaseError && err.code === '40001';
}
