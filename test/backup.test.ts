// scripts/backup.sh and scripts/restore.sh, as an operator runs them: a tenant's agents, ledger,
// tasks and audit trail backed up, restored into a new database, and found there whole: the same
// rows in every table, the same audit chain head, and a service started on the copy that knows
// the tenant's key.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import pg from 'pg';
import { AuditService } from '../src/gen/proto/chimera/audit/v1/audit_pb.js';
import { LedgerService, OwnerType } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { createPool } from '../src/db/pool.js';
import { silentLogger } from '../src/lib/log.js';
import { startServer } from '../src/server/server.js';
import { ADMIN_TOKEN, asServiceRole, connectClient, testEnv } from './support/environment.js';
import { createTask, newTaskTenant } from './support/tasks.js';

const run = promisify(execFile);

/** Rows of `tenantId` in every table of the public schema that has a tenant_id, by table. */
async function tenantRows(pool: pg.Pool, tenantId: string): Promise<Record<string, number>> {
  const { rows: tables } = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM public.${table} WHERE tenant_id = $1`, [tenantId]);
    counts[table] = rows[0].n as number;
  }
  return counts;
}

/** Polls `check` until it holds, for at most `ms`. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('backups', function () {
  this.timeout(120_000);
  before(function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: pg_dump needs a real PostgreSQL server (embedded PGlite has none); set DATABASE_URL');
      this.skip();
    }
    // Dumps, restores and the copy's own server use sessions of their own, never a transaction
    // pooler: the direct run covers them, and dropping the copy under a pooler ends its pooled
    // sessions from outside.
    if (testEnv().pooled) {
      console.log("    skipped: backups run on direct connections (the suite's run without PgBouncer covers them)");
      this.skip();
    }
  });

  it("backup.sh and restore.sh carry a tenant's agents, ledger, tasks and audit chain into a new database", async () => {
    const t = await newTaskTenant();
    await t.agents.createAgent({ agent: { handle: 'backed_up', displayName: 'Backed Up' } });
    const ledger = t.client(LedgerService);
    const [treasury, wallet] = [randomUUID(), randomUUID()];
    await ledger.createAccounts({ accounts: [treasury, wallet].map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'backup' } })) });
    await ledger.createTransfers({ transfers: [1, 2].map((n) => ({ id: randomUUID(), debitAccountId: treasury, creditAccountId: wallet, amount: String(n) })) });
    await createTask(t);
    await createTask(t);
    const audit = t.client(AuditService);
    // Every event of the tenant chained (the sealer runs every AUDIT_SEAL_MS), so nothing changes
    // between the backup and the counts below.
    const { pool } = testEnv();
    await within(10_000, 'the audit chain has sealed every event', async () => {
      const { rows } = await pool.query(
        'SELECT (SELECT count(*) FROM audit_events WHERE tenant_id = $1) = (SELECT count(*) FROM audit_chain WHERE tenant_id = $1) AS sealed',
        [t.tenant.id],
      );
      return rows[0].sealed as boolean;
    });
    const head = await audit.getAuditHead({});
    expect(Number(head.seq), 'audit events were written and sealed').to.be.greaterThan(5);
    const before = await tenantRows(pool, t.tenant.id);
    for (const table of ['agents', 'ledger_accounts', 'ledger_transfers', 'ledger_entries', 'tasks', 'task_events', 'audit_events', 'audit_chain', 'api_keys']) {
      expect(before[table], `${table} has rows of the tenant`).to.be.greaterThan(0);
    }

    const dir = mkdtempSync(join(tmpdir(), 'chimera-backup-'));
    const name = `chimera_restore_${randomUUID().slice(0, 8)}`;
    const restoredUrl = new URL(testEnv().directUrl);
    restoredUrl.pathname = `/${name}`;
    const restored = new pg.Pool({ connectionString: restoredUrl.toString(), max: 2 });
    try {
      // pg_dump needs a session of its own: the direct URL, never through a transaction pooler.
      await run('bash', ['scripts/backup.sh', testEnv().directUrl, join(dir, 'chimera.dump')]);
      await run('bash', ['scripts/restore.sh', join(dir, 'chimera.dump'), restoredUrl.toString()]);

      expect(await tenantRows(restored, t.tenant.id), 'rows per table').to.deep.equal(before);
      const { rows: chain } = await restored.query(`SELECT seq, encode(hash, 'hex') AS hash FROM audit_chain WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`, [t.tenant.id]);
      expect(chain[0], 'the audit head').to.deep.equal({ seq: String(head.seq), hash: Buffer.from(head.hash).toString('hex') });

      // A service on the copy: the tenant's key authenticates, and its chain verifies to the same head.
      const servicePool = createPool(asServiceRole(restoredUrl.toString()), 2, silentLogger);
      const server = await startServer({
        pool: servicePool,
        log: silentLogger,
        port: 0,
        host: '127.0.0.1',
        adminToken: ADMIN_TOKEN,
        defaultTimeoutMs: 10_000,
        authCacheTtlMs: 1_000,
        ledger: { sweepIntervalMs: 0 },
        tasks: { rescueIntervalMs: 0 },
        audit: { sealIntervalMs: 0 },
      });
      try {
        const copy = connectClient(AuditService, `http://127.0.0.1:${server.port}`, t.apiKey);
        const verified = await copy.verifyAuditChain({});
        expect([verified.firstBadSeq, verified.headSeq], 'the restored chain holds, up to the same head').to.deep.equal([0n, head.seq]);
        expect(Buffer.from(verified.headHash).equals(Buffer.from(head.hash))).to.equal(true);
      } finally {
        await server.shutdown(1_000);
        await servicePool.end();
      }

      const again = await run('bash', ['scripts/restore.sh', join(dir, 'chimera.dump'), restoredUrl.toString()]).then(
        () => undefined,
        (err: { code: number; stderr: string }) => err,
      );
      expect(again?.stderr, 'a restore never writes over a database').to.include('already exists');
    } finally {
      await restored.end();
      await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
