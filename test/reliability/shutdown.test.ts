// Shutdown under load: SIGTERM to the service process while the mixed workload runs. Every write
// it acknowledged (agents, tasks and transfers, each with a client-chosen id) must be in the
// database; every call that failed must have failed Unavailable, the one code a client may retry
// on any instance without asking what happened (the writes carry their ids, so a retry is safe),
// or have been refused by HTTP/2 itself (REFUSED_STREAM: not processed, RFC 9113 8.7), which
// connect-node reports as Internal; and the process must exit 0 within its grace. RELIABILITY_SHUTDOWN_LOAD_MS is how long the load
// runs before the signal.
import { expect } from 'chai';
import { asServiceRole, testEnv } from '../support/environment.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { prepareTenant, startMixedWorkload, type WriteKind } from './support/mixed-workload.js';
import { report } from './support/report.js';

const LOAD_MS = Number(process.env.RELIABILITY_SHUTDOWN_LOAD_MS ?? 5_000);
const GRACE_MS = 5_000;
const CLIENTS = 8;
const ADMIN = 'shutdown-admin-token-0123456789';
/** The load goes on this long after the process has exited, so that calls meet a closed port too. */
const AFTER_EXIT_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How connect-node reports a stream the server refused unprocessed (after its GOAWAY). */
const REFUSED_STREAM = /NGHTTP2_REFUSED_STREAM/;

/** connect-node throws this out of its HTTP/2 session manager, past every caller, when an idle
 *  connection receives the server's GOAWAY: no call is failed by it, and it is counted instead. */
const IDLE_GOAWAY = 'received GOAWAY without any open streams';

const TABLES: Record<WriteKind, string> = { agent: 'agents', task: 'tasks', transfer: 'ledger_transfers' };

describe('reliability: shutdown under load', function () {
  this.timeout(LOAD_MS + GRACE_MS + 90_000);
  let service: ServiceProcess | undefined;

  before(function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: runs the service as a process of its own on DATABASE_URL; set DATABASE_URL');
      this.skip();
    }
  });
  after(async () => {
    if (service?.alive()) service.child.kill('SIGKILL');
  });

  it('on SIGTERM during the mixed workload keeps every acknowledged write, fails every other call Unavailable or refused unprocessed, and exits 0 within its grace', async () => {
    service = await startServiceProcess({
      DATABASE_URL: asServiceRole(testEnv().databaseUrl),
      CHIMERA_MIGRATION_URL: testEnv().databaseUrl,
      CHIMERA_ADMIN_TOKEN: ADMIN,
      CHIMERA_ACCESS_LOG: 'false',
      CHIMERA_SHUTDOWN_GRACE_MS: String(GRACE_MS),
    });
    const baseUrl = `http://127.0.0.1:${service.port}`;
    const tenant = await prepareTenant(baseUrl, ADMIN);
    let idleGoaways = 0;
    const uncaught: unknown[] = [];
    process.setUncaughtExceptionCaptureCallback((err) => (err instanceof Error && err.message.includes(IDLE_GOAWAY) ? idleGoaways++ : uncaught.push(err)));
    const load = startMixedWorkload(baseUrl, tenant, { clients: CLIENTS, callTimeoutMs: 30_000 });
    let exit: number | null;
    let exitMs: number;
    let before: number;
    try {
      await sleep(LOAD_MS);
      before = load.completed();
      const signalled = Date.now();
      exit = await service.stop();
      exitMs = Date.now() - signalled;
      await sleep(AFTER_EXIT_MS);
      await load.stop();
    } finally {
      process.setUncaughtExceptionCaptureCallback(null);
    }

    const { pool } = testEnv();
    const missing: string[] = [];
    const stored: string[] = [];
    for (const [kind, table] of Object.entries(TABLES) as Array<[WriteKind, string]>) {
      const ids = load.acknowledged[kind];
      const { rows } = await pool.query<{ id: string }>(`SELECT id::text FROM ${table} WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenant.tenantId, ids]);
      const found = new Set(rows.map((r) => r.id));
      missing.push(...ids.filter((id) => !found.has(id)).map((id) => `${kind} ${id}`));
      stored.push(`${kind}s ${found.size} of ${ids.length}`);
    }
    const refusedStreams = load.failedCalls.filter((c) => c.code === 'Internal' && REFUSED_STREAM.test(c.message));
    const notRetryable = load.failedCalls.filter((c) => c.code !== 'Unavailable' && !refusedStreams.includes(c));
    const failures: string[] = [];
    if (missing.length > 0) failures.push(`${missing.length} acknowledged writes missing: ${missing.slice(0, 5).join(', ')}`);
    if (notRetryable.length > 0) failures.push(`${notRetryable.length} calls failed with codes a client may not retry: ${notRetryable.slice(0, 5).map((c) => `${c.op}: ${c.code}: ${c.message}`).join('; ')}`);
    if (exit !== 0) failures.push(`the service exited ${exit}`);
    if (exitMs > GRACE_MS + 2_000) failures.push(`the service took ${exitMs} ms to exit with a grace of ${GRACE_MS} ms`);
    if (uncaught.length > 0) failures.push(`uncaught: ${uncaught.map(String).join('; ')}`);
    if (load.failedCalls.length === 0) failures.push('no call failed: the signal did not reach the load');
    const shuttingDown = (service.output().match(/SHUTTING_DOWN/g) ?? []).length;
    report(`Shutdown under load (SIGTERM after ${LOAD_MS / 1_000} s, ${CLIENTS} clients)`, {
      'calls answered before the signal': before,
      'calls answered after the signal': load.completed() - before,
      'acknowledged writes found in the database': stored.join(', '),
      'failed calls by code': [...load.errors].map(([code, n]) => `${code} ${n}`).join(', ') || 'none',
      'of them refused unprocessed by HTTP/2 (Internal, NGHTTP2_REFUSED_STREAM)': refusedStreams.length,
      'exit code and time from SIGTERM to exit': `${exit}, ${exitMs} ms (grace ${GRACE_MS} ms)`,
      'refusals logged as SHUTTING_DOWN': shuttingDown,
      "idle client connections whose GOAWAY connect-node threw uncaught": idleGoaways,
    }, failures.length === 0 ? 'passed' : `failed: ${failures.join('; ')}`);
    expect(failures).to.deep.equal([]);
  });
});
