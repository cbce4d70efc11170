// Assembles the server: routes + interceptors on one port, and the shutdown sequence.
import { connectNodeAdapter } from '@connectrpc/connect-node';
import type pg from 'pg';
import { pendingMigrations } from '../db/migrate.js';
import { Database } from '../db/tx.js';
import type { Logger } from '../lib/log.js';
import { ApiKeyResolver } from './auth.js';
import { HealthState } from './health.js';
import { authentication, errorMapping, InFlight, requestContext } from './interceptors.js';
import { listen } from './listen.js';
import { startSweeper } from '../services/ledger/sweeper.js';
import { APPLICATION_SERVICES, policyFor, routes } from './routes.js';

export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface ServerOptions {
  pool: pg.Pool;
  log: Logger;
  port: number;
  host: string;
  adminToken: string | undefined;
  defaultTimeoutMs: number;
  authCacheTtlMs: number;
  /** How often expired ledger reservations are voided; 0 disables the sweeper. */
  ledgerSweepIntervalMs?: number;
}

export interface RunningServer {
  port: number;
  health: HealthState;
  /** Health NOT_SERVING, refuse new calls, let in-flight ones finish (bounded), close the port. */
  shutdown(graceMs: number): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const db = new Database(opts.pool);
  const health = new HealthState(
    async () => (await pendingMigrations(opts.pool)).length === 0,
    APPLICATION_SERVICES.map((s) => s.typeName),
  );
  const inFlight = new InFlight((service) => policyFor(service, '')?.kind === 'public');
  const handler = connectNodeAdapter({
    routes: routes({ db, log: opts.log, defaultTimeoutMs: opts.defaultTimeoutMs }, health),
    interceptors: [
      requestContext(opts.log),
      errorMapping(opts.log),
      inFlight.interceptor(),
      authentication(policyFor, new ApiKeyResolver(db, opts.authCacheTtlMs), opts.adminToken),
    ],
    readMaxBytes: MAX_MESSAGE_BYTES,
    writeMaxBytes: MAX_MESSAGE_BYTES,
  });
  const listener = await listen(handler, { port: opts.port, host: opts.host });
  const stopSweeper = opts.ledgerSweepIntervalMs ? startSweeper(db, opts.log, opts.ledgerSweepIntervalMs) : async () => {};

  return {
    port: listener.port,
    health,
    async shutdown(graceMs) {
      health.setDraining();
      await stopSweeper();
      const started = Date.now();
      await inFlight.drain(graceMs);
      await listener.close(Math.max(0, graceMs - (Date.now() - started)));
    },
  };
}
