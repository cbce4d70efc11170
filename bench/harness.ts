// Shared by the benchmarks: their own database, a closed-loop load generator with latency
// percentiles.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import pg from 'pg';
import { createChimeraClient, type ChimeraAdminClient, type ChimeraClient } from '../src/client/index.js';
import { OwnerType, type Account } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { applyMigrations } from '../src/db/migrate.js';
import type { Database, TenantScope } from '../src/db/tx.js';
import { createAccounts } from '../src/services/ledger/create-accounts.js';

/** The package's client of a benchmark's server: binary gRPC over one HTTP/2 connection, and no
 *  retries, so that a refused call counts as refused and the figures stay comparable. */
export function benchClient(port: number, apiKey: string): ChimeraClient {
  return createChimeraClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey, transport: 'grpc', retry: false });
}

/** The same with the admin token, for setting up tenants. */
export function benchAdmin(port: number, adminToken: string): ChimeraAdminClient['tenants'] {
  return createChimeraClient({ baseUrl: `http://127.0.0.1:${port}`, adminToken, transport: 'grpc', retry: false }).tenants;
}

/** The V8 flags `npm start` gives the server (package.json, config.nodeFlags). A benchmark that
 *  hosts the server in its own process awaits this first: started without them, it runs itself
 *  again with them (passing on SIGINT and SIGTERM) and exits as that run does. */
export async function runAsDeployed(): Promise<void> {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { config: { nodeFlags: string } };
  const flags = pkg.config.nodeFlags.split(' ').filter((f) => f !== '');
  if (flags.every((f) => process.execArgv.includes(f))) return;
  const child = spawn(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) => {
    child.on('error', (err) => (console.error(err), resolve(1)));
    child.on('exit', (status, signal) => resolve(status ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
  process.exit(code);
}

/** The benchmarks' own database (chimera_bench, or the name in CHIMERA_BENCH_DB) on DATABASE_URL's
 *  server, created afresh for every run and migrated, so that benchmark data never lands in the
 *  database the tests use, and every run starts from empty tables as the hand-written baselines do
 *  (a ledger grown by earlier runs is slower to write: see BENCHMARKS.md). Dropping it ends any
 *  other benchmark using it: run them one at a time (they would share the 2 cores anyway), or give
 *  each checkout its own CHIMERA_BENCH_DB. */
export async function benchDatabaseUrl(): Promise<string> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('set DATABASE_URL (e.g. the one scripts/provision-postgres.sh prints)');
    process.exit(2);
  }
  const name = process.env.CHIMERA_BENCH_DB || 'chimera_bench';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    console.error(`CHIMERA_BENCH_DB must be a plain lower-case identifier, not ${JSON.stringify(name)}`);
    process.exit(2);
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const bench = new URL(url);
  bench.pathname = `/${name}`;
  await applyMigrations(bench.toString(), () => {});
  return bench.toString();
}

/** psql and pgbench arguments for the server of a postgres:// URL. */
export function pgbenchArgsOf(url: string): string[] {
  const server = new URL(url);
  return ['-h', server.hostname, '-p', server.port || '5432', '-U', decodeURIComponent(server.username) || 'postgres'];
}

/** Runs a CHECKPOINT on that server, so that what comes next pays for no earlier WAL. */
export function checkpoint(args: string[], database: string): void {
  execFileSync('psql', [...args, '-q', '-c', 'CHECKPOINT', database], { stdio: 'ignore' });
}

/**
 * Transfers/s of a hand-written SQL batch of 1,000 transfers (bench/sql/`script`, one pgbench
 * transaction each) at `clients` clients (2 unless given), after the `setup` scripts have made
 * fresh tables in `database`.
 */
export function handwrittenBatches(opts: {
  args: string[];
  database: string;
  setup: string[];
  script: string;
  define: string;
  seconds: number;
  checkpoint?: boolean;
  clients?: number;
}): number {
  const sql = (name: string) => new URL(`./sql/${name}`, import.meta.url).pathname;
  for (const file of opts.setup) execFileSync('psql', [...opts.args, '-q', '-v', 'ON_ERROR_STOP=1', '-f', sql(file), opts.database], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (opts.checkpoint) checkpoint(opts.args, opts.database);
  const out = execFileSync('pgbench', [...opts.args, '-n', '-c', String(opts.clients ?? 2), '-j', '2', '-T', String(opts.seconds), '-D', opts.define, '-f', sql(opts.script), opts.database], {
    encoding: 'utf8',
  });
  return Number(/tps = ([0-9.]+)/.exec(out)?.[1]) * 1_000;
}

/** A new tenant with `count` USDC accounts, made directly through the service layer (no gRPC),
 *  for the scripts that time or explain CreateTransfers' database work. */
export async function ledgerTenant(db: Database, count: number): Promise<{ tenantId: string; scope: TenantScope; ids: string[] }> {
  const tenantId = randomUUID();
  await db.pool.query(`INSERT INTO tenants (id, name, create_fingerprint) VALUES ($1, $2, '')`, [tenantId, `bench-${tenantId.slice(0, 8)}`]);
  const scope = { tenantId, actor: 'bench', requestId: 'bench', timeoutMs: 60_000 };
  const ids = Array.from({ length: count }, () => randomUUID());
  const accounts = ids.map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'bench' } }) as unknown as Account);
  await db.tenantTx(scope, (c) => createAccounts(c, tenantId, accounts));
  return { tenantId, scope, ids };
}

export interface RunResult {
  label: string;
  ops: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs `op` from `concurrency` loops for `seconds`; each loop waits for its call before the next. */
export async function closedLoop(label: string, concurrency: number, seconds: number, op: (worker: number, i: number) => Promise<unknown>): Promise<RunResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          await op(worker, i);
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??= err;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  if (firstError) console.error(`${label}: ${errors} errors, first:`, firstError);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { label, ops: latencies.length, errors, seconds: elapsed, perSecond: latencies.length / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99) };
}

export function printResult(r: RunResult): void {
  console.log(
    `${r.label.padEnd(48)} ${r.perSecond.toFixed(0).padStart(8)} ops/s   p50 ${r.p50Ms.toFixed(2).padStart(7)} ms   p99 ${r.p99Ms
      .toFixed(2)
      .padStart(7)} ms   (${r.ops} ops, ${r.errors} errors, ${r.seconds.toFixed(1)} s)`,
  );
}

/** Runs a gRPC closed loop from `processes` child processes (each `concurrency / processes` loops),
 *  so the load generator's CPU and memory management stay out of the server's process. */
export async function grpcLoad(
  label: string,
  spec: {
    client: 'grpc-js' | 'h2';
    address: string;
    path: string;
    token: string;
    requests: Uint8Array[];
    concurrency: number;
    seconds: number;
    /** A UUID in every request that each call replaces with a fresh one (no replays). */
    placeholder?: string;
    /** How those fresh UUIDs are made: random (the default) or time-ordered (version 7). */
    ids?: 'random' | 'time';
  },
  processes = 2,
): Promise<RunResult> {
  const { spawn } = await import('node:child_process');
  const script = new URL('./grpc-load.mjs', import.meta.url).pathname;
  const results = await Promise.all(
    Array.from({ length: processes }, (_, workerIndex) => {
      const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
      // The loops split as evenly as they go: 3 over 2 processes is 2 + 1.
      const share = (i: number) => Math.floor(spec.concurrency / processes) + (i < spec.concurrency % processes ? 1 : 0);
      let firstWorker = 0;
      for (let i = 0; i < workerIndex; i++) firstWorker += share(i);
      const input = { ...spec, concurrency: share(workerIndex), firstWorker, requests: spec.requests.map((r) => Buffer.from(r).toString('base64')) };
      child.stdin.end(JSON.stringify(input));
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk));
      return new Promise<{ latenciesMs: number[]; errors: number; firstError?: string; startMs: number; endMs: number }>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`load generator exited ${code}`))));
      });
    }),
  );
  // From the first call of either process to the end of the last one (their start up is not part
  // of it): with long calls in flight at the deadline, well over the seconds asked for.
  const elapsed = (Math.max(...results.map((r) => r.endMs)) - Math.min(...results.map((r) => r.startMs))) / 1000;
  const latencies = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const firstError = results.find((r) => r.firstError)?.firstError;
  if (firstError) console.error(`${label}: ${errors} errors, first: ${firstError}`);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { label, ops: latencies.length, errors, seconds: elapsed, perSecond: latencies.length / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99) };
}
