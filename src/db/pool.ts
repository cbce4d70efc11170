import pg from 'pg';
import type { Logger } from '../lib/log.js';

export type Pool = pg.Pool;

export function createPool(url: string, max: number, log: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    application_name: 'chimera-core',
  });
  // An idle client's connection dropping must not crash the process; the next checkout reconnects.
  pool.on('error', (err) => log.warn('idle database connection failed', { error: err.message }));
  return pool;
}
