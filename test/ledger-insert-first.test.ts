// Batches of INSERT_FIRST_FROM or more transfers write their rows before they lock (careful-write.ts,
// "insert first"), and run the careful way when one does not apply.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { CreateTransferResult as R, TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { INSERT_FIRST_FROM, mustRunCarefully, writeCarefully } from '../src/services/ledger/careful-write.js';
import { testEnv } from './support/environment.js';
import { type TestTenant } from './support/fixtures.js';
import { recordingTrips } from './support/ledger.js';
import { move, transfersFixture, type TransferInit } from './support/transfers.js';

describe(`LedgerService transfers: batches of ${INSERT_FIRST_FROM}+ transfers insert first`, () => {
  const f = transfersFixture();
  const { send, balances, inTenantTx } = f;
  let t: TestTenant;
  let treasury: string;
  let wallet: string;
  let other: string;
  beforeEach(() => ({ t, treasury, wallet, other } = f.get()));

  const many = (debit: string, credit: string, amount = '1', extra: TransferInit = {}) =>
    Array.from({ length: INSERT_FIRST_FROM }, () => ({ id: randomUUID(), ...move(debit, credit, amount, extra) }));
  const transferCount = async () =>
    (await testEnv().pool.query('SELECT count(*)::int AS n FROM ledger_transfers WHERE tenant_id = $1', [t.tenant.id])).rows[0].n as number;

  /** Each round trip's calls of the functions that show where the transfer rows are written. */
  const shown = (trips: string[][]) => trips.map((trip) => trip.filter((name) => ['insert_transfers', 'lock_accounts', 'write_postings'].includes(name)));

  it('write their transfers in the round trip that locks, before the lock; one that does not apply undoes the attempt', async () => {
    const run = async (insertFirst: boolean) => {
      const batch = many(treasury, wallet).map((x) => create(TransferSchema, x));
      const trips: string[][] = [];
      const { results: [results] } = await inTenantTx((client) => writeCarefully(recordingTrips(client, trips), { tenantId: t.tenant.id, groups: [batch], insertFirst }));
      expect(results.every((r) => r === R.OK)).to.equal(true);
      return shown(trips);
    };
    // Insert first: the rows go out just before the lock, and the write does not repeat them.
    expect(await run(true)).to.deep.equal([['insert_transfers', 'lock_accounts'], ['write_postings']]);
    // Carefully: the rows go out with the rest of the write, after the decisions.
    expect(await run(false)).to.deep.equal([['lock_accounts'], ['insert_transfers', 'write_postings']]);
    expect((await balances(wallet)).creditsPosted).to.equal(String(2 * INSERT_FIRST_FROM));

    // The wallet holds 512: one more unit is an overdraft, so the attempt throws and writes nothing.
    const before = await transferCount();
    const overdraft = [...many(treasury, other), { id: randomUUID(), ...move(wallet, other, String(2 * INSERT_FIRST_FROM + 1)) }].map((x) => create(TransferSchema, x));
    const err = await inTenantTx((client) => writeCarefully(client, { tenantId: t.tenant.id, groups: [overdraft], insertFirst: true })).catch((e: unknown) => e);
    expect(mustRunCarefully(err), String(err)).to.equal(true);
    expect(await transferCount()).to.equal(before);
  });

  it('a transfer that does not apply, a missing account or an external ref in use sends the batch the careful way, where it gets its own result', async () => {
    await send(move(treasury, wallet, '10'), move(treasury, other, '1', { externalRef: 'in-use' }));
    const cases: Array<[TransferInit, R, string]> = [
      [move(wallet, other, '11'), R.EXCEEDS_CREDITS, 'NotAllApplied'],
      [move(randomUUID(), other, '1'), R.DEBIT_ACCOUNT_NOT_FOUND, '23503'],
      [move(treasury, other, '1', { externalRef: 'in-use' }), R.EXTERNAL_REF_ALREADY_USED, '23505'],
    ];
    for (const [odd, expected, refusal] of cases) {
      const batch = [...many(treasury, other).slice(0, 10), { id: randomUUID(), ...odd }, ...many(treasury, other).slice(10)];
      // Insert first, the attempt is refused and writes nothing...
      const before = await transferCount();
      const err = await inTenantTx((client) => writeCarefully(client, { tenantId: t.tenant.id, groups: [batch.map((x) => create(TransferSchema, x))], insertFirst: true })).catch(
        (e: unknown) => e,
      );
      expect(mustRunCarefully(err), String(err)).to.equal(true);
      expect((err as { code?: string }).code ?? (err as Error).constructor.name).to.equal(refusal);
      expect(await transferCount()).to.equal(before);
      // ...and through the service the batch applies, with the odd transfer's own result.
      const results = await send(...batch);
      expect(results[10], JSON.stringify(odd)).to.equal(expected);
      expect(results.filter((r) => r === R.OK)).to.have.length(INSERT_FIRST_FROM);
    }
    expect((await balances(other)).creditsPosted).to.equal(String(1 + 3 * INSERT_FIRST_FROM));
    expect((await balances(wallet)).debitsPosted).to.equal('0');
  });

  it('transfers that fail their static checks (a malformed account id, a NUL in metadata) get their own results', async () => {
    // One odd transfer per batch: any failure at all sends a batch the careful way.
    for (const [odd, expected] of [
      [move('not-a-uuid', other, '1'), R.DEBIT_ACCOUNT_NOT_FOUND],
      [move(treasury, other, '1', { metadata: { note: 'a\u0000b' } }), R.METADATA_INVALID],
    ] as const) {
      const batch = many(treasury, other);
      const results = await send(...batch.slice(0, 5), odd, ...batch.slice(5));
      expect(results[5], JSON.stringify(odd)).to.equal(expected);
      expect(results.filter((r) => r === R.OK)).to.have.length(INSERT_FIRST_FROM);
    }
  });

  it('reservations made insert first hold, and a batch that meets them expired voids them in its own write', async () => {
    await send(move(treasury, wallet, String(INSERT_FIRST_FROM)));
    expect(new Set(await send(...many(wallet, other, '1', { flags: { pending: true }, timeoutSeconds: 3_600 })))).to.deep.equal(new Set([R.OK]));
    const open = await testEnv().pool.query('SELECT count(*)::int AS n FROM ledger_pending WHERE tenant_id = $1 AND expire_time IS NOT NULL', [t.tenant.id]);
    expect(open.rows[0].n).to.equal(INSERT_FIRST_FROM);
    expect((await balances(wallet)).debitsPending).to.equal(String(INSERT_FIRST_FROM));
    // Spending all of it is possible only once every reservation is voided. They are made to
    // expire inside the batch's own transaction (as the table owner, for this test only), so the
    // sweeper cannot see them expired and void them first.
    const spend = many(wallet, other).map((x) => create(TransferSchema, x));
    const trips: string[][] = [];
    const { results: [results] } = await inTenantTx(async (client) => {
      await client.query(`SELECT set_config('role', session_user, true)`, []);
      await client.query(`UPDATE ledger_pending SET expire_time = now() - interval '1 second' WHERE tenant_id = $1`, [t.tenant.id]);
      await client.query(`SELECT set_config('role', 'chimera_app', true)`, []);
      return writeCarefully(recordingTrips(client, trips), { tenantId: t.tenant.id, groups: [spend], insertFirst: true });
    });
    expect(new Set(results)).to.deep.equal(new Set([R.OK]));
    // The batch's own rows went out before the lock; the 256 voids, with the rest of the write.
    expect(shown(trips)).to.deep.equal([['insert_transfers', 'lock_accounts'], ['insert_transfers', 'write_postings']]);
    expect(await balances(wallet)).to.deep.equal({ debitsPending: '0', debitsPosted: String(INSERT_FIRST_FROM), creditsPending: '0', creditsPosted: String(INSERT_FIRST_FROM) });
    const voids = await testEnv().pool.query('SELECT count(*)::int AS n FROM ledger_transfers WHERE tenant_id = $1 AND void_pending', [t.tenant.id]);
    expect(voids.rows[0].n).to.equal(INSERT_FIRST_FROM);
    const left = await testEnv().pool.query('SELECT count(*)::int AS n FROM ledger_pending WHERE tenant_id = $1', [t.tenant.id]);
    expect(left.rows[0].n).to.equal(0);
  });
});
