// Batches decided before their accounts are locked (src/services/ledger/speculative.ts), against a
// real PostgreSQL: what they write, and every way their expectations can fail, after which nothing
// of them is written and they run the careful way. Each test records the ledger functions every
// round trip calls, to show which way a batch really took.
import { randomUUID } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { expect } from 'chai';
import pg from 'pg';
import { CreateTransferResult as R, LedgerService, OwnerType, SpendWindow, TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { Database, type TenantScope, type TxClient } from '../src/db/tx.js';
import { createTransferGroups, type LockedAccounts } from '../src/services/ledger/create-transfers.js';
import { DecidedTooEarly, LedgerView, mustDecideCarefully, writeDecided, type BatchWays } from '../src/services/ledger/speculative.js';
import { TransferBatcher } from '../src/services/ledger/transfer-batcher.js';
import { testEnv } from './support/environment.js';
import { newTenant, type TestTenant } from './support/fixtures.js';
import { assertLedgerInvariants, recordingTrips } from './support/ledger.js';

/** A Database that records, for each round trip of its tenant transactions, the ledger functions
 *  it calls (and COMMIT). */
class RecordingDatabase extends Database {
  readonly trips: string[][] = [];

  override tenantTx<T>(scope: TenantScope, work: (client: TxClient) => Promise<T>, attempts?: number): Promise<T> {
    return super.tenantTx(scope, (client) => work(recordingTrips(client, this.trips)), attempts);
  }

  /** The round trips since the last call. */
  take(): string[][] {
    return this.trips.splice(0);
  }
}

const DECIDED = ['write_decided', 'settle_balances', 'COMMIT'];
/** Whether the round trips show a decided attempt, and a careful run (which locks to read). */
const ways = (trips: string[][]) => ({
  decided: trips.some((t) => t.includes('write_decided')),
  careful: trips.some((t) => t.includes('lock_accounts')),
});

/** Waits until `n` sessions queue behind `holder`: blocked by it, or by a session that is. */
async function queued(holder: pg.PoolClient, n: number): Promise<void> {
  const { rows } = await holder.query('SELECT pg_backend_pid() AS pid');
  for (let i = 0; i < 500; i++) {
    const { rows: blocked } = await testEnv().pool.query('SELECT pid, pg_blocking_pids(pid) AS by FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0');
    const chain = new Set<number>([rows[0].pid as number]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of blocked as Array<{ pid: number; by: number[] }>) {
        if (!chain.has(r.pid) && r.by.some((p) => chain.has(p))) (chain.add(r.pid), (grew = true));
      }
    }
    if (chain.size - 1 >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} sessions queued behind the lock`);
}

describe('CreateTransfers: batches decided before their accounts are locked', () => {
  let t: TestTenant;
  let a: string;
  let b: string;
  let capped: string;
  let db: RecordingDatabase;
  let batcher: TransferBatcher;
  const scope = () => ({ tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 10_000 });
  const transfer = (debitAccountId: string, creditAccountId: string, amount: string, extra: MessageInitShape<typeof TransferSchema> = {}) =>
    create(TransferSchema, { id: randomUUID(), debitAccountId, creditAccountId, amount, ...extra });
  const send = (...transfers: ReturnType<typeof transfer>[]) => batcher.submit(scope(), transfers);
  /** Another server instance: its own batcher, its own view. */
  const elsewhere = (...transfers: ReturnType<typeof transfer>[]) => new TransferBatcher(new Database(testEnv().pool)).submit(scope(), transfers);

  async function balances(id: string) {
    const { rows } = await testEnv().pool.query(
      'SELECT version::int AS version, debits_pending::text AS dpe, debits_posted::text AS dp, credits_pending::text AS cpe, credits_posted::text AS cp FROM ledger_accounts WHERE tenant_id = $1 AND id = $2',
      [t.tenant.id, id],
    );
    return rows[0] as { version: number; dpe: string; dp: string; cpe: string; cp: string };
  }

  beforeEach(async () => {
    t = await newTenant();
    const ledger = t.client(LedgerService);
    [a, b, capped] = [randomUUID(), randomUUID(), randomUUID()];
    const { results } = await ledger.createAccounts({
      accounts: [a, b, capped].map((id) => ({
        id,
        asset: 'USDC',
        assetScale: 6,
        owner: { type: OwnerType.EXTERNAL, id: 'test' },
        flags: { debitsMustNotExceedCredits: id === capped },
      })),
    });
    expect(results.map((r) => r.result)).to.deep.equal([1, 1, 1]);
    db = new RecordingDatabase(testEnv().pool);
    batcher = new TransferBatcher(db);
    // A careful batch that locks the three accounts teaches the view their balances.
    await batcher.sweep(scope(), [a, b, capped]);
    db.take();
  });
  afterEach(() => assertLedgerInvariants(t.tenant.id));

  it('write everything but the balances before the lock, and settle those with the COMMIT: one round trip, the same outcome as the careful way', async () => {
    // Two calls in the same turn share one batch.
    const [first, second] = await Promise.all([
      send(transfer(a, capped, '70'), transfer(capped, b, '30', { flags: { pending: true }, timeoutSeconds: 60 })),
      send(transfer(a, b, '5')),
    ]);
    expect([first, second]).to.deep.equal([[R.OK, R.OK], [R.OK]]);
    expect(db.take()).to.deep.equal([DECIDED]);
    expect(await balances(a)).to.deep.equal({ version: 2, dpe: '0', dp: '75', cpe: '0', cp: '0' });
    expect(await balances(capped)).to.deep.equal({ version: 2, dpe: '30', dp: '0', cpe: '0', cp: '70' });
    expect(await balances(b)).to.deep.equal({ version: 2, dpe: '0', dp: '0', cpe: '30', cp: '5' });
    // Entries run from the balances the batch expected, in batch order.
    const { rows } = await testEnv().pool.query(
      'SELECT account_version::int AS v, debits_pending::text AS dpe, credits_posted::text AS cp FROM ledger_entries WHERE tenant_id = $1 AND account_id = $2 ORDER BY account_version',
      [t.tenant.id, capped],
    );
    expect(rows).to.deep.equal([
      { v: 1, dpe: '0', cp: '70' },
      { v: 2, dpe: '30', cp: '70' },
    ]);
    const reservation = await testEnv().pool.query('SELECT amount::text FROM ledger_pending WHERE tenant_id = $1', [t.tenant.id]);
    expect(reservation.rows).to.deep.equal([{ amount: '30' }]);

    // The view now expects the new balances: the next batch builds on them.
    expect(await send(transfer(capped, b, '40'))).to.deep.equal([R.OK]);
    expect(db.take()).to.deep.equal([DECIDED]);
    expect(await balances(capped)).to.deep.equal({ version: 3, dpe: '30', dp: '40', cpe: '0', cp: '70' });
  });

  it('only batches of new plain or pending transfers over known accounts, each of which applies, are decided', async () => {
    const cases: Array<[string, ReturnType<typeof transfer>[], R[]]> = [
      ['an unknown account', [transfer(a, randomUUID(), '1')], [R.CREDIT_ACCOUNT_NOT_FOUND]],
      ['an overdraft', [transfer(capped, b, '1')], [R.EXCEEDS_CREDITS]],
      ['a static failure', [transfer(a, b, '1'), transfer(a, b, '0')], [R.OK, R.AMOUNT_MUST_NOT_BE_ZERO]],
      ['a void', [create(TransferSchema, { id: randomUUID(), pendingId: randomUUID(), flags: { voidPending: true } })], [R.PENDING_TRANSFER_NOT_FOUND]],
      ['a chain that fails', [transfer(a, b, '1', { flags: { linked: true } }), transfer(capped, b, '1')], [R.LINKED_EVENT_FAILED, R.EXCEEDS_CREDITS]],
    ];
    for (const [name, transfers, results] of cases) {
      expect(await send(...transfers), name).to.deep.equal(results);
      expect(ways(db.take()), name).to.deep.equal({ decided: false, careful: true });
    }
    expect(await send(transfer(a, b, '1', { flags: { linked: true } }), transfer(b, a, '1'))).to.deep.equal([R.OK, R.OK]);
    expect(db.take(), 'a chain that applies').to.deep.equal([DECIDED]);
  });

  it('balances another writer moved: the batch is refused, nothing of it is written, the careful way gives the right results, and the view learns them', async () => {
    await elsewhere(transfer(a, b, '100'));
    expect(await send(transfer(a, capped, '10'), transfer(a, b, '1'))).to.deep.equal([R.OK, R.OK]);
    // The decided attempt wrote nothing: a's entries are 1 (elsewhere) and 2, 3 (careful).
    const trips = db.take();
    expect(trips[0]).to.deep.equal(DECIDED);
    expect(ways(trips.slice(1))).to.deep.equal({ decided: false, careful: true });
    expect(await balances(a)).to.deep.include({ version: 3, dp: '111' });
    // After a fallback the tenant's next batch that could be decided runs carefully (the backoff);
    // the one after is decided again, from the balances the careful run taught the view.
    expect(await send(transfer(b, a, '1'))).to.deep.equal([R.OK]);
    expect(ways(db.take())).to.deep.equal({ decided: false, careful: true });
    expect(await send(transfer(b, a, '1'))).to.deep.equal([R.OK]);
    expect(db.take()).to.deep.equal([DECIDED]);
    expect(await balances(a)).to.deep.include({ version: 5, dp: '111', cp: '2' });
  });

  it('a replayed id or an external ref in use is refused by its unique index, and the careful way answers it', async () => {
    const first = transfer(a, b, '1', { externalRef: '0xfeed' });
    expect(await send(first, transfer(b, capped, '1'))).to.deep.equal([R.OK, R.OK]);
    expect(db.take()).to.deep.equal([DECIDED]);
    const cases: Array<[string, ReturnType<typeof transfer>[], R[]]> = [
      ['a replayed id', [transfer(a, b, '2'), first], [R.OK, R.EXISTS]],
      ['an external ref in use', [transfer(a, b, '3', { externalRef: '0xfeed' }), transfer(a, b, '4')], [R.EXTERNAL_REF_ALREADY_USED, R.OK]],
    ];
    for (const [name, transfers, results] of cases) {
      expect(await send(...transfers), name).to.deep.equal(results);
      const trips = db.take();
      expect(trips[0], name).to.deep.equal(DECIDED);
      expect(ways(trips.slice(1)), name).to.deep.equal({ decided: false, careful: true });
      // The batch after a fallback runs carefully (the backoff), so that the next case is decided.
      await send(transfer(b, a, '1'));
      db.take();
    }
    expect(await balances(b)).to.deep.include({ cp: '7', dp: '3' });
  });

  describe('with the view driven directly', () => {
    let view: LedgerView;
    /** The careful and decided ways, as the batcher runs them; errors of decided attempts are kept. */
    const direct = (groups: ReturnType<typeof transfer>[][], fallbacks: unknown[], decided?: (client: TxClient) => Promise<void>): BatchWays<R[][]> => ({
      mayDecide: () => true,
      decided: (batch) =>
        db.tenantTx(
          scope(),
          async (client) => {
            await decided?.(client);
            await writeDecided(client, t.tenant.id, batch);
          },
          1,
        ),
      fellBack: (err) => fallbacks.push(err),
      careful: async () => {
        let locked: LockedAccounts | undefined;
        const results = await db.tenantTx(scope(), (client) => createTransferGroups(client, t.tenant.id, groups, [], false, (l) => (locked = l)));
        return { results, locked };
      },
    });

    beforeEach(async () => {
      view = new LedgerView();
      await db.tenantTx(scope(), (c) => createTransferGroups(c, t.tenant.id, [[]], [a, b, capped], false, (locked) => view.learn(locked)));
      db.take();
    });

    it('a batch decided on top of one in flight sends its inserts at once and its settle once that one has committed', async () => {
      const first = [[transfer(a, b, '5')]];
      const second = [[transfer(b, capped, '2')]];
      const results = await Promise.all([view.run(first, direct(first, [])), view.run(second, direct(second, []))]);
      expect(results).to.deep.equal([[[R.OK]], [[R.OK]]]);
      const trips = db.take();
      expect(trips).to.have.length(3);
      expect(trips).to.deep.include.members([DECIDED, ['write_decided'], ['settle_balances', 'COMMIT']]);
      expect(trips[2]).to.deep.equal(['settle_balances', 'COMMIT']);
      expect(await balances(b)).to.deep.equal({ version: 2, dpe: '0', dp: '2', cpe: '0', cp: '5' });
    });

    it('a batch decided on top of one that does not commit does not settle either; both run the careful way', async () => {
      // Another instance moves a and b, which this view does not know: the first batch's entries
      // collide with that transfer's. The second was decided on top of the first: it gives up
      // before the locks.
      await elsewhere(transfer(a, b, '1'));
      const fallbacks: unknown[] = [];
      const first = [[transfer(a, b, '5')]];
      const second = [[transfer(b, a, '2')]];
      const results = await Promise.all([view.run(first, direct(first, fallbacks)), view.run(second, direct(second, fallbacks))]);
      expect(results).to.deep.equal([[[R.OK]], [[R.OK]]]);
      expect(fallbacks.map((e) => (e instanceof DecidedTooEarly ? 'DecidedTooEarly' : (e as pg.DatabaseError).code))).to.deep.equal(['23505', 'DecidedTooEarly']);
      expect(db.take().filter((trip) => trip.includes('settle_balances'))).to.deep.equal([DECIDED]);
      expect(await balances(a)).to.deep.include({ version: 3, dp: '6', cp: '2' });
    });

    it("another instance's careful batch holding an account and about to write its entries: the decided batch gives up its wait at once (55P03), not after the deadlock check", async function () {
      if (!testEnv().realPostgres) {
        console.log('      skipped: needs concurrent database sessions (embedded PGlite has one); set DATABASE_URL');
        this.skip();
      }
      const fallbacks: unknown[] = [];
      const batch = [[transfer(a, b, '5')]];
      const other = await testEnv().pool.connect();
      let applied: Promise<R[][]> = Promise.resolve([]);
      try {
        // The other instance locks a; this one's batch writes its entries (a and b at version 1)
        // and queues for a's lock.
        await other.query('BEGIN');
        // It never breaks the cycle itself: only the decided batch's own limit can.
        await other.query(`SET LOCAL deadlock_timeout = '30s'`);
        await other.query('SELECT 1 FROM ledger_accounts WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [t.tenant.id, a]);
        applied = view.run(batch, direct(batch, fallbacks));
        await queued(other, 1);
        // Its own transfer's entry of a at version 1 waits for the decided batch to end: the cycle
        // closes if this comes within the batch's lock_timeout (200 ms), and the batch gives up
        // either way.
        const id = randomUUID();
        await other.query(`INSERT INTO ledger_transfers (tenant_id, id, debit_account_id, credit_account_id, amount) VALUES ($1, $2, $3, $4, 1)`, [t.tenant.id, id, a, b]);
        await other.query(
          `INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
           VALUES ($1, $2, 1, $3, 0, 1, 0, 0)`,
          [t.tenant.id, a, id],
        );
      } finally {
        await other.query('ROLLBACK');
        other.release();
      }
      expect(await applied).to.deep.equal([[R.OK]]);
      expect(fallbacks.map((e) => (e as pg.DatabaseError).code)).to.deep.equal(['55P03']);
      expect(mustDecideCarefully(fallbacks[0])).to.equal(true);
      expect(await balances(a)).to.deep.include({ version: 1, dp: '5' });
    });

    it('a reservation that expired on one of its accounts: the batch is refused (CH001) before it writes anything', async () => {
      const hold = [[transfer(a, b, '10', { flags: { pending: true }, timeoutSeconds: 3_600 })]];
      await view.run(hold, direct(hold, []));
      const fallbacks: unknown[] = [];
      const spend = [[transfer(b, a, '1')]];
      // Expired inside the batch's own transaction (as the table owner, for this test only), so the
      // sweeper cannot void it first.
      const expire = async (client: TxClient) => {
        await client.query(`SELECT set_config('role', session_user, true)`, []);
        await client.query(`UPDATE ledger_pending SET expire_time = now() - interval '1 second' WHERE tenant_id = $1`, [t.tenant.id]);
        await client.query(`SELECT set_config('role', 'chimera_app', true)`, []);
      };
      expect(await view.run(spend, direct(spend, fallbacks, expire))).to.deep.equal([[R.OK]]);
      expect(fallbacks.map((e) => (e as pg.DatabaseError).code)).to.deep.equal(['CH001']);
      expect(mustDecideCarefully(fallbacks[0])).to.equal(true);
      // The careful run that followed applied it; the reservation (whose expiry was rolled back) holds.
      expect(await balances(a)).to.deep.include({ version: 2, dpe: '10', cp: '1' });
    });
  });

  it('a spend policy set after the balances were learnt: the decided batch is refused and the policy is enforced', async () => {
    await t.client(LedgerService).setSpendPolicy({ policy: { accountId: a, window: SpendWindow.DAILY, limit: '100' } });
    expect(await send(transfer(a, b, '60'), transfer(a, b, '60'))).to.deep.equal([R.OK, R.BUDGET_EXCEEDED]);
    const trips = db.take();
    expect(trips[0]).to.deep.equal(DECIDED);
    expect(ways(trips.slice(1))).to.deep.equal({ decided: false, careful: true });
    expect(await balances(a)).to.deep.include({ dp: '60' });
  });

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
    // The same version with other balances, as a view that expected a batch that never committed.
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
