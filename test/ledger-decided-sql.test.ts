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

  /** In id order: both accounts' ids, and what one decided transfer of 5 from a to b leaves them. */
  const afterFive = () => {
    const ids = [a, b].sort();
    return { ids, debitsPosted: ids.map((id) => (id === a ? '5' : '0')), creditsPosted: ids.map((id) => (id === b ? '5' : '0')) };
  };

  /** The entries of one decided transfer of 5 from a to b, both accounts expected at version 0 with
   *  nothing moved: what ledger_settle_balances then checks the balances it moves against. */
  async function writeFive(client: TxClient): Promise<void> {
    const { ids, debitsPosted, creditsPosted } = afterFive();
    const { rows } = await client.query(
      `SELECT sum(chimera.ledger_balances_checksum(r.rank, 0, r.dpo, 0, r.cpo, 1))::text AS checksum
       FROM unnest($1::numeric[], $2::numeric[]) WITH ORDINALITY AS r(dpo, cpo, rank)`,
      [debitsPosted, creditsPosted],
    );
    await client.query(
      `SELECT chimera.ledger_write_decided($1, $2, $3, $4, $5, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', $6, $7, $8, $8, $8, $8, $9)`,
      [t.tenant.id, [randomUUID()], [a], [b], ['5'], ids, [0, 0], ['0', '0'], rows[0].checksum],
    );
  }

  /** Settles both accounts from version 0 with the given debits posted to what writeFive leaves. */
  const settle = (client: TxClient, expectedDebits = ['0', '0']) => {
    const { ids, debitsPosted, creditsPosted } = afterFive();
    return client.query('SELECT chimera.ledger_settle_balances($1, $2, $3, $4, $5, $4, $4, $6, $4, $7, $4, $8)', [
      t.tenant.id,
      ids,
      [0, 0],
      ['0', '0'],
      expectedDebits,
      [1, 1],
      debitsPosted,
      creditsPosted,
    ]);
  };
  const codeOf = (e: unknown) => (e as pg.DatabaseError).code;
  /** Runs `work` in a tenant transaction and rolls it back, answering the accounts' versions and balances as it left them. */
  const leftBy = (work: (client: TxClient) => Promise<unknown>) =>
    db
      .tenantTx(scope(), async (client) => {
        await work(client);
        const { rows } = await client.query(
          'SELECT version::int AS v, debits_posted::text AS dp, credits_posted::text AS cp FROM ledger_accounts WHERE id = ANY($1) ORDER BY id',
          [[a, b]],
        );
        throw Object.assign(new Error('roll back'), { rows });
      })
      .catch((e: { rows?: unknown }) => e.rows ?? codeOf(e));
  const movedByFive = () => afterFive().ids.map((id) => ({ v: 1, dp: id === a ? '5' : '0', cp: id === b ? '5' : '0' }));

  it('ledger_settle_balances moves an account only from exactly the expected version and balances', async () => {
    // The same version with other balances, as expected by a process whose batch never committed.
    expect(await db.tenantTx(scope(), (client) => settle(client, ['0', '7'])).catch(codeOf)).to.equal('CH001');
    // The expected balances: both move to what the batch's entries say.
    expect(await leftBy(async (client) => (await writeFive(client), settle(client)))).to.deep.equal(movedByFive());
    // Out of order, the ids are refused before any lock is taken.
    const [first, second] = [a, b].sort();
    const reversed = await db
      .tenantTx(scope(), (client) => client.query('SELECT chimera.ledger_settle_balances($1, $2, $3, $4, $4, $4, $4, $3, $4, $4, $4, $4)', [t.tenant.id, [second, first], [0, 0], ['0', '0']]))
      .catch(codeOf);
    expect(reversed).to.equal('XX000');
    expect(await balances(a)).to.deep.equal({ version: 0, dpe: '0', dp: '0', cpe: '0', cp: '0' });
  });

  it('ledger_settle_balances moves nothing its entries do not say, and entries never settled fail at commit', async () => {
    // Moved with no entries behind it (a client that calls the settle alone).
    expect(await leftBy((client) => settle(client))).to.equal('XX000');
    // Entries written, then balances other than theirs.
    const wrong = await leftBy(async (client) => {
      await writeFive(client);
      const { ids, creditsPosted } = afterFive();
      await client.query('SELECT chimera.ledger_settle_balances($1, $2, $3, $4, $4, $4, $4, $5, $4, $6, $4, $7)', [t.tenant.id, ids, [0, 0], ['0', '0'], [1, 1], ['5', '5'], creditsPosted]);
    });
    expect(wrong).to.equal('XX000');
    // Entries written and never settled: the check at commit refuses the transaction.
    expect(await db.tenantTx(scope(), writeFive).then(() => 'committed', codeOf)).to.equal('23000');
    expect(await balances(a)).to.deep.equal({ version: 0, dpe: '0', dp: '0', cpe: '0', cp: '0' });
    const { rows } = await testEnv().pool.query('SELECT count(*)::int AS n FROM ledger_entries WHERE tenant_id = $1', [t.tenant.id]);
    expect(rows[0].n).to.equal(0);
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
    // chimera_app cannot insert an entry itself at all.
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
    expect(dangling).to.equal('42501');
    const { rows: owned } = await pool.query(
      `SELECT p.oid::regprocedure::text AS name FROM pg_proc p WHERE p.proowner = 'chimera_ledger_writer'::regrole
       UNION ALL SELECT c.oid::regclass::text FROM pg_class c WHERE c.relowner = 'chimera_ledger_writer'::regrole`,
    );
    expect(owned.map((r: { name: string }) => r.name.split('(')[0]).sort()).to.deep.equal([
      'chimera.check_ledger_balances',
      'chimera.file_ledger_balance_check',
      'chimera.ledger_settle_balances',
      'chimera.ledger_write_decided',
      'chimera.ledger_write_postings',
    ]);

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
        settled = db.tenantTx(scope(), (client) => settle(client)).then(
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
        // Rolled back after reading what it wrote.
        moved = leftBy(async (client) => (await writeFive(client), settle(client)));
        await queued(holder, 1);
      });
      expect(await moved).to.deep.equal(movedByFive());
      expect(await balances(a)).to.deep.include({ version: 0, dp: '0' });
    });
  });
});
