// Batches decided before their accounts are locked (src/services/ledger/decided-batches.ts), against a
// real PostgreSQL: what they write, and every way their expectations can fail, after which nothing
// of them is written and they run the careful way. Each test records the ledger functions every
// round trip calls, to show which way a batch really took. The SQL functions under them:
// ledger-decided-sql.test.ts.
import { expect } from 'chai';
import pg from 'pg';
import { create } from '@bufbuild/protobuf';
import { CreateTransferResult as R, LedgerService, SpendWindow, TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { TxClient } from '../src/db/tx.js';
import { writeCarefully } from '../src/services/ledger/careful-write.js';
import { DecidedBatches, type BatchWays } from '../src/services/ledger/decided-batches.js';
import { DecidedTooEarly, mustDecideCarefully, writeDecided } from '../src/services/ledger/decided-write.js';
import type { GroupCommit } from '../src/services/ledger/group-commit.js';
import { randomUUID } from 'node:crypto';
import { testEnv } from './support/environment.js';
import type { TestTenant } from './support/fixtures.js';
import { assertLedgerInvariants } from './support/ledger.js';
import { balancesOf, DECIDED, decidedSetup, elsewhere as elsewhereAs, scopeOf, transfer, ways, type RecordingDatabase } from './support/decided.js';
import { queued } from './support/locks.js';

describe('CreateTransfers: batches decided before their accounts are locked', () => {
  let t: TestTenant;
  let a: string;
  let b: string;
  let capped: string;
  let db: RecordingDatabase;
  let groupCommit: GroupCommit;
  const scope = () => scopeOf(t);
  const send = (...transfers: ReturnType<typeof transfer>[]) => groupCommit.submit(scope(), transfers);
  const elsewhere = (...transfers: ReturnType<typeof transfer>[]) => elsewhereAs(t, ...transfers);
  const balances = (id: string) => balancesOf(t, id);

  beforeEach(async () => ({ t, a, b, capped, db, groupCommit } = await decidedSetup()));
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

    // The new balances are now the expected ones: the next batch builds on them.
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

  it('balances another writer moved: the batch is refused, nothing of it is written, the careful way gives the right results, and its balances are learnt', async () => {
    await elsewhere(transfer(a, b, '100'));
    expect(await send(transfer(a, capped, '10'), transfer(a, b, '1'))).to.deep.equal([R.OK, R.OK]);
    // The decided attempt wrote nothing: a's entries are 1 (elsewhere) and 2, 3 (careful).
    const trips = db.take();
    expect(trips[0]).to.deep.equal(DECIDED);
    expect(ways(trips.slice(1))).to.deep.equal({ decided: false, careful: true });
    expect(await balances(a)).to.deep.include({ version: 3, dp: '111' });
    // After a fallback the tenant's next batch that could be decided runs carefully (the backoff);
    // the one after is decided again, from the balances the careful run taught.
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

  describe('with DecidedBatches driven directly', () => {
    let batches: DecidedBatches;
    /** The careful and decided ways, as group commit runs them; errors of decided attempts are kept. */
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
      careful: () => db.tenantTx(scope(), (client) => writeCarefully(client, { tenantId: t.tenant.id, groups })),
    });

    beforeEach(async () => {
      batches = new DecidedBatches();
      batches.learn((await db.tenantTx(scope(), (c) => writeCarefully(c, { tenantId: t.tenant.id, groups: [[]], alsoTouch: [a, b, capped] }))).locked);
      db.take();
    });

    it('a batch decided on top of one in flight sends its inserts at once and its settle once that one has committed', async () => {
      const first = [[transfer(a, b, '5')]];
      const second = [[transfer(b, capped, '2')]];
      const results = await Promise.all([batches.run(first, direct(first, [])), batches.run(second, direct(second, []))]);
      expect(results).to.deep.equal([[[R.OK]], [[R.OK]]]);
      const trips = db.take();
      expect(trips).to.have.length(3);
      expect(trips).to.deep.include.members([DECIDED, ['write_decided'], ['settle_balances', 'COMMIT']]);
      expect(trips[2]).to.deep.equal(['settle_balances', 'COMMIT']);
      expect(await balances(b)).to.deep.equal({ version: 2, dpe: '0', dp: '2', cpe: '0', cp: '5' });
    });

    it('a batch decided on top of one that does not commit does not settle either; both run the careful way', async () => {
      // Another instance moves a and b, whose balances this process does not know: the first batch's entries
      // collide with that transfer's. The second was decided on top of the first: it gives up
      // before the locks.
      await elsewhere(transfer(a, b, '1'));
      const fallbacks: unknown[] = [];
      const first = [[transfer(a, b, '5')]];
      const second = [[transfer(b, a, '2')]];
      const results = await Promise.all([batches.run(first, direct(first, fallbacks)), batches.run(second, direct(second, fallbacks))]);
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
        applied = batches.run(batch, direct(batch, fallbacks));
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
      await batches.run(hold, direct(hold, []));
      const fallbacks: unknown[] = [];
      const spend = [[transfer(b, a, '1')]];
      // Expired inside the batch's own transaction (as the table owner, for this test only), so the
      // sweeper cannot void it first.
      const expire = async (client: TxClient) => {
        await client.query(`SELECT set_config('role', session_user, true)`, []);
        await client.query(`UPDATE ledger_pending SET expire_time = now() - interval '1 second' WHERE tenant_id = $1`, [t.tenant.id]);
        await client.query(`SELECT set_config('role', 'chimera_app', true)`, []);
      };
      expect(await batches.run(spend, direct(spend, fallbacks, expire))).to.deep.equal([[R.OK]]);
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
});
