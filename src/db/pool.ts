import pg from 'pg';
import type { Logger } from '../lib/log.js';

export type Pool = pg.Pool;

export interface PoolOptions {
  /** How long a call waits for a new connection before it fails; default 10 s. */
  connectTimeoutMs?: number;
}

export function createPool(url: string, max: number, log: Logger, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'chimera-core',
  });
  // Every client listens for errors for its whole life, checked out or idle: a connection that
  // drops (a terminated backend, a restart, a failover, a network reset) must never end the
  // process. Its calls fail Unavailable (errors.ts), and the pool drops it on release and
  // connects anew for the next calls.
  pool.on('connect', (client) => {
    client.on('error', (err: Error & { code?: string }) => log.warn('database connection lost', { error: err.message, code: err.code }));
  });
  // The pool re-emits an idle client's error, already logged by the client's own listener.
  pool.on('error', () => {});
  return pool;
}
