// Batches decided before their accounts are locked (src/services/ledger/speculative.ts): what they
// write, and every way their expectations can fail, after which nothing of them is written and
// they run the careful way.
import { randomUUID } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { expect } from 'chai';
import pg from 'pg';
import { CreateTransferResult as R, LedgerService, OwnerType, SpendWindow, TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { Database, type TxClient } from '../src/db/tx.js';
import type { Statement } from '../src/db/pipeline.js';
import { createTransferGroups } from '../src/services/ledger/create-transfers.js';
import { DecidedTooEarly, LedgerView, mustDecideCarefully, writeDecided, type DecidedBatch } from '../src/services/ledger/speculative.js';
import { TransferBatcher } from '../src/services/ledger/transfer-batcher.js';
import { testEnv } from './support/environment.js';
import { newTenant, type TestTenant } from './support/fixtures.js';
import { assertLedgerInvariants } from './support/ledger.js';

describe('CreateTransfers: batches decided before their accounts are locked', () => {
  let t: TestTenant;
  let a: string;
  let b: string;
  let capped: string;
  const scope = () => ({ tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 10_000 });
  const db = () => new Database(testEnv().pool);
  const transfer = (debitAccountId: string, creditAccountId: string, amount: string, extra: MessageInitShape<typeof TransferSchema> = {}) =>
    create(TransferSchema, { id: randomUUID(), debitAccountId, creditAccountId, amount, ...extra });

  async function balances(id: string) {
    const { rows } = await testEnv().pool.query(
      'SELECT version::int AS version, debits_pending::text AS dpe, debits_posted::text AS dp, credits_pending::text AS cpe, credits_posted::text AS cp FROM ledger_accounts WHERE tenant_id = $1 AND id = $2',
      [t.tenant.id, id],
    );
    return rows[0] as { version: number; dpe: string; dp: string; cpe: string; cp: string };
  }
  const transferCount = async () =>
    (await testEnv().pool.query('SELECT count(*)::int AS n FROM ledger_transfers WHERE tenant_id = $1', [t.tenant.id])).rows[0].n as number;

  /** A view that knows a, b and capped as they are now: a careful batch that locks them teaches it. */
  async function learntView(): Promise<LedgerView> {
    const view = new LedgerView();
    await db().tenantTx(scope(), (c) => createTransferGroups(c, t.tenant.id, [[]], [a, b, capped], false, (locked) => view.learn(locked)));
    return view;
  }

  /** Writes a decided batch as the batcher does; resolves with the ledger functions of each round trip. */
  async function runDecided(view: LedgerView, batch: DecidedBatch): Promise<string[][]> {
    const calls: string[][] = [];
    const record = (statements: Statement[]) =>
      calls.push(statements.map((st) => /ledger_([a-z_]+)\(/.exec(st.text)?.[1] ?? (st.text === 'COMMIT' ? 'COMMIT' : '?')));
    await view.runDecided(batch, () =>
      db().tenantTx(scope(), (client) =>
        writeDecided(
          {
            query: client.query.bind(client),
            pipeline: (s) => (record(s), client.pipeline(s)),
            commitWith: (s) => (record([...s, { text: 'COMMIT', values: [] }]), client.commitWith(s)),
          } satisfies TxClient,
          t.tenant.id,
          batch,
        ),
      ),
    );
    return calls;
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
  });
  afterEach(() => assertLedgerInvariants(t.tenant.id));

  it('write everything but the balances before the lock, and settle those with the COMMIT: one round trip, the same outcome as the careful way', async () => {
    const view = await learntView();
    const batch = await view.decide([[transfer(a, capped, '70'), transfer(capped, b, '30', { flags: { pending: true }, timeoutSeconds: 60 })], [transfer(a, b, '5')]]);
    expect(batch, 'decided').to.not.equal(undefined);
    expect(batch!.results).to.deep.equal([[R.OK, R.OK], [R.OK]]);
    expect(await runDecided(view, batch!)).to.deep.equal([['insert_transfers', 'write_decided_entries', 'settle_balances', 'COMMIT']]);
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
    const next = await view.decide([[transfer(capped, b, '40')]]);
    expect(next?.results).to.deep.equal([[R.OK]]);
    await runDecided(view, next!);
    expect(await balances(capped)).to.deep.equal({ version: 3, dpe: '30', dp: '40', cpe: '0', cp: '70' });
  });

  it('only batches of new plain or pending transfers over known accounts, each of which applies, are decided', async () => {
    const view = await learntView();
    const unknown = randomUUID();
    expect(await view.decide([[transfer(a, unknown, '1')]]), 'an unknown account').to.equal(undefined);
    expect(await view.decide([[transfer(capped, b, '1')]]), 'an overdraft').to.equal(undefined);
    expect(await view.decide([[transfer(a, b, '1'), transfer(a, b, '0')]]), 'a static failure').to.equal(undefined);
    expect(await view.decide([[create(TransferSchema, { id: randomUUID(), pendingId: randomUUID(), flags: { voidPending: true } })]]), 'a void').to.equal(undefined);
    const linked = [transfer(a, b, '1', { flags: { linked: true } }), transfer(capped, b, '1')];
    expect(await view.decide([linked]), 'a chain that fails').to.equal(undefined);
    expect(await view.decide([[transfer(a, b, '1', { flags: { linked: true } }), transfer(b, a, '1')]]), 'a chain that applies').to.not.equal(undefined);
  });

  it('balances moved by another writer: the batch is refused, nothing of it is written, and the careful way gives the right results', async () => {
    const view = await learntView();
    const batch = (await view.decide([[transfer(a, capped, '10'), transfer(a, b, '1')]]))!;
    // Another server instance moves `a` after this one learnt it.
    await new TransferBatcher(db()).submit(scope(), [transfer(a, b, '100')]);
    const before = await transferCount();
    const err = await runDecided(view, batch).catch((e: unknown) => e);
    // The other writer took version 1 of `a`, so the batch's first entry for `a` collides.
    expect((err as pg.DatabaseError).code).to.equal('23505');
    expect(mustDecideCarefully(err)).to.equal(true);
    expect(await transferCount()).to.equal(before);
    expect(await balances(a)).to.deep.include({ version: 1, dp: '100' });
    // The view forgot what it expected of the batch's accounts: nothing more is decided on them.
    expect(await view.decide([[transfer(a, b, '1')]])).to.equal(undefined);

    // Through the batcher, the same batch falls back to the careful way and applies; after that,
    // the view knows the accounts again.
    const batcher = new TransferBatcher(db());
    const transfers = [transfer(a, capped, '10'), transfer(a, b, '1')];
    expect(await batcher.submit(scope(), transfers)).to.deep.equal([R.OK, R.OK]);
    expect(await balances(a)).to.deep.include({ version: 3, dp: '111' });
    expect(await batcher.submit(scope(), transfers)).to.deep.equal([R.EXISTS, R.EXISTS]);
  });

  it('a replayed id or an external ref in use is refused by its unique index, and the careful way answers it', async () => {
    const batcher = new TransferBatcher(db());
    const first = transfer(a, b, '1', { externalRef: '0xfeed' });
    expect(await batcher.submit(scope(), [first, transfer(b, capped, '1')])).to.deep.equal([R.OK, R.OK]);
    const before = await transferCount();
    // The accounts are known now, so these batches are decided, refused, and run carefully.
    expect(await batcher.submit(scope(), [transfer(a, b, '2'), first])).to.deep.equal([R.OK, R.EXISTS]);
    expect(await batcher.submit(scope(), [transfer(a, b, '3', { externalRef: '0xfeed' }), transfer(a, b, '4')])).to.deep.equal([
      R.EXTERNAL_REF_ALREADY_USED,
      R.OK,
    ]);
    expect(await transferCount()).to.equal(before + 2);
    expect(await balances(b)).to.deep.include({ cp: '7', dp: '1' });
  });

  it('a batch decided on top of one that does not commit does not settle either', async () => {
    const view = await learntView();
    const replayed = transfer(a, b, '1');
    await new TransferBatcher(db()).submit(scope(), [replayed]);
    // The view does not know of that transfer (another instance wrote it), so it still expects
    // version 0 of a and b; the first batch's entries collide with that transfer's. The second one was decided
    // on top of the first, so it waits for it and then gives up without reaching the locks.
    const first = (await view.decide([[transfer(a, b, '5')]]))!;
    const firstDone = runDecided(view, first);
    const second = (await view.decide([[transfer(b, a, '2')]]))!;
    expect(second.after).to.have.length(1);
    const secondDone = runDecided(view, second);
    const [firstErr, secondErr] = await Promise.all([firstDone.catch((e: unknown) => e), secondDone.catch((e: unknown) => e)]);
    expect((firstErr as pg.DatabaseError).code).to.equal('23505');
    expect(secondErr).to.be.instanceOf(DecidedTooEarly);
    expect(mustDecideCarefully(secondErr)).to.equal(true);
    expect(await balances(a)).to.deep.include({ version: 1, dp: '1', cp: '0' });
    expect(await view.decide([[transfer(a, b, '1')]])).to.equal(undefined);
  });

  it('a batch decided on top of one in flight waits for its commit, then settles in a round trip of its own', async () => {
    const view = await learntView();
    const first = (await view.decide([[transfer(a, b, '5')]]))!;
    const firstDone = runDecided(view, first);
    const second = (await view.decide([[transfer(b, capped, '2')]]))!;
    const calls = await Promise.all([firstDone, runDecided(view, second)]);
    expect(calls[1]).to.deep.equal([['insert_transfers', 'write_decided_entries'], ['settle_balances', 'COMMIT']]);
    expect(await balances(b)).to.deep.equal({ version: 2, dpe: '0', dp: '2', cpe: '0', cp: '5' });
  });

  it('a spend policy set after the balances were learnt: the decided batch is refused and the policy is enforced', async () => {
    const ledger = t.client(LedgerService);
    const batcher = new TransferBatcher(db());
    expect(await batcher.submit(scope(), [transfer(b, a, '1000')])).to.deep.equal([R.OK]);
    await ledger.setSpendPolicy({ policy: { accountId: a, window: SpendWindow.DAILY, limit: '100' } });
    expect(await batcher.submit(scope(), [transfer(a, b, '60'), transfer(a, b, '60')])).to.deep.equal([R.OK, R.BUDGET_EXCEEDED]);
    expect(await balances(a)).to.deep.include({ dp: '60' });
  });

  it('a reservation that expired on one of its accounts: the batch is refused, and the careful way voids the reservation first', async () => {
    const batcher = new TransferBatcher(db());
    expect(await batcher.submit(scope(), [transfer(a, capped, '10')])).to.deep.equal([R.OK]);
    expect(await batcher.submit(scope(), [transfer(capped, b, '10', { flags: { pending: true }, timeoutSeconds: 3_600 })])).to.deep.equal([R.OK]);
    // Expired inside the batch's own transaction (as the table owner, for this test only), so the
    // sweeper cannot void it first.
    const view = await learntView();
    const batch = (await view.decide([[transfer(b, a, '1')]]))!;
    const err = await view
      .runDecided(batch, () =>
        db().tenantTx(scope(), async (client) => {
          await client.query(`SELECT set_config('role', session_user, true)`, []);
          await client.query(`UPDATE ledger_pending SET expire_time = now() - interval '1 second' WHERE tenant_id = $1`, [t.tenant.id]);
          await client.query(`SELECT set_config('role', 'chimera_app', true)`, []);
          return writeDecided(client, t.tenant.id, batch);
        }),
      )
      .catch((e: unknown) => e);
    expect((err as pg.DatabaseError).code).to.equal('CH001');
    expect(await balances(b)).to.deep.include({ version: 1, cpe: '10' });
  });

  it('ledger_settle_balances moves nothing unless every account holds what the batch expected', async () => {
    const settle = (expectedVersion: number) =>
      db().tenantTx(scope(), (client) =>
        client.query('SELECT chimera.ledger_settle_balances($1, $2, $3, $4, $4, $4, $4, $5, $4, $6, $4, $4)', [
          t.tenant.id,
          [a, b].sort(),
          [0, expectedVersion],
          ['0', '0'],
          [1, expectedVersion + 1],
          ['5', '5'],
        ]),
      );
    const err = await settle(7).catch((e: unknown) => e);
    expect((err as pg.DatabaseError).code).to.equal('CH001');
    expect(await balances(a)).to.deep.equal({ version: 0, dpe: '0', dp: '0', cpe: '0', cp: '0' });
  });
});
