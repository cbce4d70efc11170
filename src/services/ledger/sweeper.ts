// Voids expired reservations that no transfer touches. Reads already leave them out and any
// transfer touching their accounts voids them first; the sweeper makes the stored balances and
// the pending state catch up for idle accounts. Safe with many instances: the accounts are locked.
// It runs through the ledger's transfer writer, so that it takes turns with this process's
// batches like a careful one (see decided-batches.ts).
import type { Database } from '../../db/tx.js';
import { findExpiredReservations } from '../../gen/sql/ledger/sweeper.queries.js';
import type { Logger } from '../../lib/log.js';
import { startPeriodic } from '../periodic.js';
import type { TransferWriter } from './plain-transfers.js';

const TENANTS_PER_PASS = 100;

export async function sweepExpiredReservations(db: Database, transfers: TransferWriter): Promise<number> {
  const scope = { actor: 'ledger-sweeper', requestId: 'ledger-sweeper', timeoutMs: 30_000 };
  const due = await db.adminTx(scope, (client) => findExpiredReservations.run({ limit: String(TENANTS_PER_PASS) }, client));
  for (const { tenant_id: tenantId, account_ids: accountIds } of due) {
    await transfers.sweep({ ...scope, tenantId }, accountIds);
  }
  return due.length;
}

export interface SweeperOptions {
  db: Database;
  transfers: TransferWriter;
  log: Logger;
  intervalMs: number;
}

/** Runs a sweep every `intervalMs` until the returned stop function is called. */
export function startSweeper({ db, transfers, log, intervalMs }: SweeperOptions): () => Promise<void> {
  return startPeriodic({
    name: 'expiry sweep',
    intervalMs,
    log,
    pass: async () => {
      const tenants = await sweepExpiredReservations(db, transfers);
      if (tenants > 0) log.debug('swept expired reservations', { tenants });
    },
  });
}
