// The SQL functions under decided batches, called directly: ledger_settle_balances moves balances
// only from exactly what was expected, waiting writers included, and ledger_write_decided runs as
// its own locked-down role (see db/migrations, the ledger baseline).
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { CreateTransferResult as R } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { TxClient } from '../src/db/tx.js';
import { testEnv } from './support/environment.js';
import type { TestTenant } from './support/fixtures.js';
import { assertLedgerInvariants } from './support/ledger.js';
import { balancesOf, decidedSetup, elsewhere as elsewhereAs, scopeOf, transfer, type RecordingDatabase } from './support/decided.js';
import { queued } from './support/locks.js';

describe('CreateTransfers: the SQL functions of decided batches', () => {
  let t: TestTenant;
  let a: string;
  let b: string;
  let db: RecordingDatabase;
  const scope = () => scopeOf(t);
  const elsewhere = (...transfers: ReturnType<typeof transfer>[]) => elsewhereAs(t, ...transfers);
  const balances = (id: string) => balancesOf(t, id);

  beforeEach(async () => ({ t, a, b, db } = await decidedSetup()));
  afterEach(() => assertLedgerInvariants(t.tenant.id));

  it('ledger_settle_balances moves an account only from exactly the expected version and balances', async () => {
    const [first, second] = [a, b].sort();
    /** Settles both accounts from (version 0, the given debits posted) to (version 1, 5 posted). */
    const settle = (client: TxClient, expectedDebits: string[]) =>
      client.query('SELECT chimera.ledger_settle_balances($1, $2, $3, $4, $5, $4, $4, $6, $4, $7, $4, $4)', [
        t.tenant.id,
        [first, second],
        [0, 0],
        ['0', '0'],
        expectedDebits,
        [1, 1],
        ['5', '5'],
      ]);
    const refusal = (expectedDebits: string[]) =>
      db.tenantTx(scope(), (client) => settle(client, expectedDebits)).catch((e: unknown) => (e as pg.DatabaseError).code);
    // The same version with other balances, as expected by a process whose batch never committed.
    expect(await refusal(['0', '7'])).to.equal('CH001');
    // The expected balances: both move (rolled back here, as there are no entries to match).
    const moved = await db
      .tenantTx(scope(), async (client) => {
        await settle(client, ['0', '0']);
        const { rows } = await client.query('SELECT version::int AS v, debits_posted::text AS dp FROM ledger_accounts WHERE id = ANY($1) ORDER BY id', [[first, second]]);
        throw Object.assign(new Error('roll back'), { rows });
      })
      .catch((e: { rows?: unknown }) => e.rows);
    expect(moved).to.deep.equal([
      { v: 1, dp: '5' },
      { v: 1, dp: '5' },
    ]);
    // Out of order, the ids are refused before any lock is taken.
    const reversed = await db
      .tenantTx(scope(), (client) => client.query('SELECT chimera.ledger_settle_balances($1, $2, $3, $4, $4, $4, $4, $3, $4, $4, $4, $4)', [t.tenant.id, [second, first], [0, 0], ['0', '0']]))
      .catch((e: unknown) => (e as pg.DatabaseError).code);
    expect(reversed).to.equal('XX000');
    expect(await balances(a)).to.deep.equal({ version: 0, dpe: '0', dp: '0', cpe: '0', cp: '0' });
  });

  it('ledger_write_decided alone writes as chimera_ledger_writer, a role nobody logs in as or is granted, and it refuses to run under any other owner', async () => {
    const pool = testEnv().pool;
    const { rows: role } = await pool.query(
      `SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole,
              (SELECT count(*)::int FROM pg_auth_members m WHERE m.roleid = r.oid OR m.member = r.oid) AS memberships
       FROM pg_roles r WHERE rolname = 'chimera_ledger_writer'`,
    );
    expect(role).to.deep.equal([{ rolcanlogin: false, rolsuper: false, rolbypassrls: false, rolcreaterole: false, memberships: 0 }]);
    // Only the service's tenant role may call it; the admin plane's role may not.
    const { rows: callers } = await pool.query(
      `SELECT r AS role, has_function_privilege(r, 'chimera.ledger_write_decided(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric)', 'EXECUTE') AS may
       FROM unnest(ARRAY['chimera_app', 'chimera_admin']) AS r ORDER BY r`,
    );
    expect(callers).to.deep.equal([
      { role: 'chimera_admin', may: false },
      { role: 'chimera_app', may: true },
    ]);
    expect((await pool.query(`SELECT has_schema_privilege('chimera_app', 'public', 'CREATE') AS may`)).rows[0].may).to.equal(false);
    // chimera_app inserting an entry itself is still checked: one naming a transfer that does not exist.
    const dangling = await db
      .tenantTx(scope(), (client) =>
        client.query(
          `INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
           VALUES ($1, $2, 99, $3, 0, 0, 0, 0)`,
          [t.tenant.id, a, randomUUID()],
        ),
      )
      .then(
        () => 'inserted',
        (e: unknown) => (e as pg.DatabaseError).code,
      );
    expect(dangling).to.equal('23503');
    const { rows: owned } = await pool.query(
      `SELECT p.oid::regprocedure::text AS name FROM pg_proc p WHERE p.proowner = 'chimera_ledger_writer'::regrole
       UNION ALL SELECT c.oid::regclass::text FROM pg_class c WHERE c.relowner = 'chimera_ledger_writer'::regrole`,
    );
    expect(owned.map((r: { name: string }) => r.name.split('(')[0])).to.deep.equal(['chimera.ledger_write_decided']);

    // Owned by the session's own (super)user, as a schema restored without owners would leave it.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`ALTER FUNCTION chimera.ledger_write_decided OWNER TO CURRENT_USER`);
      const code = await client
        .query(`SELECT chimera.ledger_write_decided($1, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', 0)`, [t.tenant.id])
        .then(
          () => 'ran',
          (e: unknown) => (e as pg.DatabaseError).code,
        );
      expect(code).to.equal('42501');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  describe('ledger_settle_balances waiting for an account a writer holds', () => {
    before(function () {
      if (!testEnv().realPostgres) {
        console.log('    skipped: needs concurrent database sessions (embedded PGlite has one); set DATABASE_URL');
        this.skip();
      }
    });

    /** Settles a and b from version 0 with nothing posted to version 1 with 5 debits posted. */
    const settle = (client: TxClient) =>
      client.query('SELECT chimera.ledger_settle_balances($1, $2, $3, $4, $4, $4, $4, $5, $4, $6, $4, $4)', [t.tenant.id, [a, b].sort(), [0, 0], ['0', '0'], [1, 1], ['5', '5']]);

    /** Runs `queue` while a transaction holds the lock of the first account in id order. */
    async function behindLock(queue: (holder: pg.PoolClient) => Promise<void>): Promise<void> {
      const holder = await testEnv().pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM ledger_accounts WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [t.tenant.id, [a, b].sort()[0]]);
        await queue(holder);
      } finally {
        await holder.query('COMMIT');
        holder.release();
      }
    }

    it('compares the balances the writer it waited for committed', async () => {
      const [first, second] = [a, b].sort();
      let other: Promise<R[]> = Promise.resolve([]);
      let settled: Promise<string | undefined> = Promise.resolve('not run');
      // Another instance's transfer queues first, then a settle that expects the balances from
      // before that transfer.
      await behindLock(async (holder) => {
        other = elsewhere(transfer(first, second, '3'));
        await queued(holder, 1);
        settled = db.tenantTx(scope(), settle).then(
          () => undefined,
          (e: unknown) => (e as pg.DatabaseError).code,
        );
        await queued(holder, 2);
      });
      expect(await other).to.deep.equal([R.OK]);
      expect(await settled, 'the settle saw the committed transfer').to.equal('CH001');
      expect(await balances(first)).to.deep.include({ version: 1, dp: '3' });
      expect(await balances(second)).to.deep.include({ version: 1, cp: '3' });
    });

    it('moves both accounts when the writer it waited for changed nothing', async () => {
      let moved: Promise<unknown> = Promise.resolve();
      await behindLock(async (holder) => {
        // Rolled back after reading what it wrote: there are no entries to go with it.
        moved = db
          .tenantTx(scope(), async (client) => {
            await settle(client);
            const { rows } = await client.query('SELECT version::int AS v, debits_posted::text AS dp FROM ledger_accounts WHERE id = ANY($1) ORDER BY id', [[a, b]]);
            throw Object.assign(new Error('roll back'), { rows });
          })
          .catch((e: { rows?: unknown }) => e.rows);
        await queued(holder, 1);
      });
      expect(await moved).to.deep.equal([
        { v: 1, dp: '5' },
        { v: 1, dp: '5' },
      ]);
      expect(await balances(a)).to.deep.include({ version: 0, dp: '0' });
    });
  });
});
