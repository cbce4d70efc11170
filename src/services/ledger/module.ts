// The ledger builds itself: LedgerService's handlers, the writer its CreateTransfers calls go
// through (the fast paths, or the plain path they are checked against), and the expiry sweeper.
import { LedgerService } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { ServiceDeps } from '../deps.js';
import type { ServiceModule } from '../module.js';
import { GroupCommit } from './group-commit.js';
import { ledgerService } from './handler.js';
import { PlainTransfers, type TransferWriter } from './plain-transfers.js';
import { startSweeper } from './sweeper.js';

export interface LedgerOptions {
  /** Group commit, decided batches and insert first (docs/adr). false: one transaction per
   *  request, written the careful way: the reference the fast paths are checked against. */
  fastPaths: boolean;
  /** How often expired reservations of idle accounts are voided; 0 disables the sweeper. */
  sweepIntervalMs: number;
  /** With the fast paths: transactions in flight per tenant and key (group-commit.ts). */
  transactionsPerKey?: number;
}

export const DEFAULT_LEDGER_OPTIONS: LedgerOptions = { fastPaths: true, sweepIntervalMs: 1_000 };

export function createLedgerModule(deps: ServiceDeps, options: LedgerOptions): ServiceModule & { transfers: TransferWriter } {
  const transfers: TransferWriter = options.fastPaths
    ? new GroupCommit(deps.db, { transactionsPerKey: options.transactionsPerKey })
    : new PlainTransfers(deps.db);
  let stopSweeper = async () => {};
  return {
    service: LedgerService,
    transfers,
    register: (router) => router.service(LedgerService, ledgerService(deps, transfers)),
    start() {
      if (options.sweepIntervalMs > 0) stopSweeper = startSweeper({ db: deps.db, transfers, log: deps.log, intervalMs: options.sweepIntervalMs });
    },
    stop: () => stopSweeper(),
  };
}
