// CHIMERA_WORKERS=N: the primary process applies the migrations once, then forks N workers
// (node:cluster) that each run main.ts's server with a pool of their own on the same port; the
// primary holds the listening socket and hands each new connection to the next worker in turn. It
// restarts a worker that dies, and on SIGTERM/SIGINT stops them all and exits once they have.
import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { Config } from './config.js';
import { applyMigrations, pendingMigrations } from './db/migrate.js';
import { createPool } from './db/pool.js';
import type { Logger } from './lib/log.js';
import { describeTransport } from './server/tls.js';

/** A worker that dies sooner than this after its start counts as failing again: the next restart
 *  waits twice as long, up to MAX_RESTART_DELAY_MS. */
const STABLE_AFTER_MS = 30_000;
const FIRST_RESTART_DELAY_MS = 250;
const MAX_RESTART_DELAY_MS = 30_000;

/** Applies pending migrations (or, with autoMigrate off, says the schema is behind). False: the
 *  schema is behind and the service must not serve it. */
export async function bringSchemaUpToDate(opts: { pool: pg.Pool; migrationUrl: string; autoMigrate: boolean; log: Logger }): Promise<boolean> {
  const pending = await pendingMigrations(opts.pool);
  if (pending.length === 0) return true;
  if (!opts.autoMigrate) {
    opts.log.error(
      `the database schema is behind this build (pending migrations: ${pending.join(', ')}); ` +
        'run `npm run migrate` or start with CHIMERA_AUTO_MIGRATE=true',
    );
    return false;
  }
  opts.log.info('applying migrations', { pending });
  await applyMigrations(opts.migrationUrl, (line) => opts.log.info(line));
  return true;
}

/** A logger whose lines say which worker wrote them. */
export function workerLogger(log: Logger, worker: Worker): Logger {
  const fields = { pid: process.pid, worker: worker.id };
  return {
    debug: (msg, more) => log.debug(msg, { ...fields, ...more }),
    info: (msg, more) => log.info(msg, { ...fields, ...more }),
    warn: (msg, more) => log.warn(msg, { ...fields, ...more }),
    error: (msg, more) => log.error(msg, { ...fields, ...more }),
    enabled: log.enabled?.bind(log),
  };
}

/** The primary: never returns while the workers run; exits 0 after a signal stopped them all. */
export async function runPrimary(config: Config, log: Logger): Promise<void> {
  const url = config.databaseUrl!;
  const pool = createPool(url, 2, log);
  const current = await bringSchemaUpToDate({ pool, migrationUrl: config.migrationUrl ?? url, autoMigrate: config.autoMigrate, log });
  await pool.end();
  if (!current) process.exit(1);

  // Page tokens must verify in whichever worker the next page's call reaches.
  const env: Record<string, string> = {};
  if (config.pageTokenKeys.length === 0) env.CHIMERA_PAGE_TOKEN_KEYS = randomBytes(32).toString('hex');

  const started = new Map<number, number>();
  let failures = 0;
  let stopping = false;
  let announced = false;
  const restarts = new Set<NodeJS.Timeout>();

  const fork = () => {
    const worker = cluster.fork(env);
    started.set(worker.id, Date.now());
  };

  // Not before every worker serves, its signal handlers in place: whoever waits for this line may
  // send calls or stop us.
  const serving = new Set<number>();
  cluster.on('message', (worker, message: unknown) => {
    if (!isServing(message)) return;
    serving.add(worker.id);
    if (announced || serving.size < config.workers) return;
    announced = true;
    log.info('serving', { port: message.port, pid: process.pid, workers: config.workers, database: 'DATABASE_URL', transport: describeTransport(config.tls) });
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    serving.delete(worker.id);
    if (stopping) {
      if (code !== 0) log.warn('worker stopped uncleanly', { workerPid: worker.process.pid, code, signal });
      if (started.size === 0) {
        log.info('stopped');
        process.exit(0);
      }
      return;
    }
    failures = lived >= STABLE_AFTER_MS ? 1 : failures + 1;
    const delayMs = Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** (failures - 1));
    log.error('worker exited; restarting it', { workerPid: worker.process.pid, code, signal, delayMs });
    const timer = setTimeout(() => {
      restarts.delete(timer);
      fork();
    }, delayMs);
    restarts.add(timer);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal, graceMs: config.shutdownGraceMs, workers: started.size });
    restarts.forEach(clearTimeout);
    if (started.size === 0) process.exit(0);
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    // Each worker bounds its own drain by the grace period; this is for one that hangs anyway.
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    }, config.shutdownGraceMs + 5_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Each worker reloads its own certificates (main.ts).
  if (config.tls) process.on('SIGHUP', () => Object.values(cluster.workers ?? {}).forEach((worker) => worker?.process.kill('SIGHUP')));

  for (let i = 0; i < config.workers; i++) fork();
}

/** What a worker sends its primary once it serves. */
export interface ServingMessage {
  serving: true;
  port: number;
}

function isServing(message: unknown): message is ServingMessage {
  return typeof message === 'object' && message !== null && (message as ServingMessage).serving === true;
}
