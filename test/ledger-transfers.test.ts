import { randomUUID } from 'node:crypto';
import { Code, type Client } from '@connectrpc/connect';
import type { JsonObject } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { create } from '@bufbuild/protobuf';
import { expect } from 'chai';
import {
  CreateTransferResult as R,
  LedgerService,
  OwnerType,
  PendingState,
  TransferSchema,
} from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { Database, type TxClient } from '../src/db/tx.js';
import { INSERT_FIRST_FROM, mustRunCarefully, writeCarefully } from '../src/services/ledger/careful-write.js';
import { insertTransfers, writePostings } from '../src/gen/sql/ledger/transfers.queries.js';
import { LEDGER_SWEEP_MS, testEnv } from './support/environment.js';
import { expectError, newTenant, violatedFields, type TestTenant } from './support/fixtures.js';
import { assertLedgerInvariants, recordingTrips } from './support/ledger.js';

interface TransferInit {
  id?: string;
  debitAccountId?: string;
  creditAccountId?: string;
  amount?: string;
  pendingId?: string;
  flags?: { linked?: boolean; pending?: boolean; postPending?: boolean; voidPending?: boolean };
  timeoutSeconds?: number;
  code?: number;
  externalRef?: string;
  metadata?: JsonObject;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LedgerService transfers', () => {
  let t: TestTenant;
  let ledger: Client<typeof LedgerService>;
  let treasury: string;
  let wallet: string;
  let other: string;

  async function account(opts: { asset?: string; flags?: { debitsMustNotExceedCredits?: boolean; creditsMustNotExceedDebits?: boolean; closed?: boolean } } = {}) {
    const id = randomUUID();
    const { results } = await ledger.createAccounts({
      accounts: [{ id, asset: opts.asset ?? 'USDC', assetScale: 6, owner: { type: OwnerType.AGENT, id: randomUUID() }, flags: opts.flags ?? {} }],
    });
    expect(results[0].result).to.equal(1);
    return id;
  }

  async function send(...transfers: TransferInit[]): Promise<R[]> {
    const { results } = await ledger.createTransfers({ transfers: transfers.map((x) => ({ id: randomUUID(), ...x })) });
    return results.map((r) => r.result);
  }

  async function balances(id: string) {
    const { account } = await ledger.getAccount({ id });
    return {
      debitsPending: account!.debitsPending,
      debitsPosted: account!.debitsPosted,
      creditsPending: account!.creditsPending,
      creditsPosted: account!.creditsPosted,
    };
  }

  const move = (debitAccountId: string, creditAccountId: string, amount: string, extra: TransferInit = {}): TransferInit => ({
    debitAccountId,
    creditAccountId,
    amount,
    ...extra,
  });

  /** Runs `work` in one transaction of the test tenant, as the transfer batcher does. */
  const inTenantTx = <T>(work: (client: TxClient) => Promise<T>) =>
    new Database(testEnv().pool).tenantTx({ tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 10_000 }, work);

  beforeEach(async () => {
    t = await newTenant();
    ledger = t.client(LedgerService);
    treasury = await account();
    wallet = await account({ flags: { debitsMustNotExceedCredits: true } });
    other = await account();
  });
  afterEach(() => assertLedgerInvariants(t.tenant.id));
  after(() => assertLedgerInvariants());

  it('moves money and records an entry per account with the balances and version after it', async () => {
    const id = randomUUID();
    expect(await send(move(treasury, wallet, '1000000', { id, code: 7, externalRef: '0xabc', metadata: { why: 'top-up' } }))).to.deep.equal([R.OK]);
    expect(await balances(treasury)).to.deep.equal({ debitsPending: '0', debitsPosted: '1000000', creditsPending: '0', creditsPosted: '0' });
    expect(await balances(wallet)).to.deep.equal({ debitsPending: '0', debitsPosted: '0', creditsPending: '0', creditsPosted: '1000000' });
    const { transfer, pendingState } = await ledger.getTransfer({ id });
    expect(transfer).to.deep.include({ debitAccountId: treasury, creditAccountId: wallet, amount: '1000000', code: 7, externalRef: '0xabc' });
    expect(pendingState).to.equal(PendingState.UNSPECIFIED);
    const { rows } = await testEnv().pool.query(
      'SELECT account_id, account_version::int AS v, debits_posted::text AS dp, credits_posted::text AS cp FROM ledger_entries WHERE transfer_id = $1 ORDER BY account_id = $2 DESC',
      [id, treasury],
    );
    expect(rows).to.deep.equal([
      { account_id: treasury, v: 1, dp: '1000000', cp: '0' },
      { account_id: wallet, v: 1, dp: '0', cp: '1000000' },
    ]);
    expect((await ledger.getAccount({ id: wallet })).account!.version).to.equal(1n);
  });

  it('amounts are exact up to 38 digits; the 39th digit or a fraction is AMOUNT_INVALID', async () => {
    const huge = '9'.repeat(38);
    expect(await send(move(treasury, other, huge))).to.deep.equal([R.OK]);
    expect((await balances(other)).creditsPosted).to.equal(huge);
    expect(await send(move(treasury, other, '1'))).to.deep.equal([R.OVERFLOWS_DEBITS]);
    const third = await account();
    expect(await send(move(third, other, '1'))).to.deep.equal([R.OVERFLOWS_CREDITS]);
    expect(await send(move(treasury, other, '1'.repeat(39)), move(treasury, other, '1.5'), move(treasury, other, '-1'), move(treasury, other, '1e3'))).to.deep.equal([
      R.AMOUNT_INVALID,
      R.AMOUNT_INVALID,
      R.AMOUNT_INVALID,
      R.AMOUNT_INVALID,
    ]);
  });

  it('reports every static failure with its own code, in precedence order', async () => {
    const p = randomUUID();
    const cases: Array<[TransferInit, R]> = [
      [{ ...move(treasury, wallet, '1'), id: '' }, R.ID_MUST_NOT_BE_EMPTY],
      [{ ...move(treasury, wallet, '1'), id: 'nope' }, R.ID_INVALID],
      [move(treasury, wallet, '1', { flags: { pending: true, postPending: true } }), R.FLAGS_ARE_MUTUALLY_EXCLUSIVE],
      [move('', wallet, '1'), R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY],
      [move(treasury, '', '1'), R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY],
      [move(wallet, wallet, '1'), R.ACCOUNTS_MUST_BE_DIFFERENT],
      [move(treasury, wallet, '1', { pendingId: p }), R.PENDING_ID_MUST_BE_EMPTY],
      [{ flags: { postPending: true } }, R.PENDING_ID_MUST_NOT_BE_EMPTY],
      [{ id: p, pendingId: p, flags: { voidPending: true } }, R.PENDING_ID_MUST_BE_DIFFERENT],
      [move(treasury, wallet, '1', { timeoutSeconds: 5 }), R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER],
      [move(treasury, wallet, 'abc'), R.AMOUNT_INVALID],
      [move(treasury, wallet, '0'), R.AMOUNT_MUST_NOT_BE_ZERO],
      [move(treasury, wallet, '1', { metadata: { blob: 'x'.repeat(70_000) } }), R.METADATA_INVALID],
      // PostgreSQL cannot store U+0000 in text or jsonb; a literal backslash-u0000 is fine.
      [move(treasury, wallet, '1', { metadata: { note: 'a\u0000b' } }), R.METADATA_INVALID],
      [move(treasury, wallet, '1', { externalRef: 'a\u0000b' }), R.METADATA_INVALID],
      [move(randomUUID(), wallet, '1'), R.DEBIT_ACCOUNT_NOT_FOUND],
      [move(treasury, randomUUID(), '1'), R.CREDIT_ACCOUNT_NOT_FOUND],
      [move('not-a-uuid', wallet, '1'), R.DEBIT_ACCOUNT_NOT_FOUND],
    ];
    expect(await send(...cases.map(([x]) => x))).to.deep.equal(cases.map(([, r]) => r));
    expect(await balances(wallet)).to.deep.equal({ debitsPending: '0', debitsPosted: '0', creditsPending: '0', creditsPosted: '0' });
  });

  it('refuses different assets, closed accounts and overdrafts', async () => {
    const eth = await account({ asset: 'ETH' });
    const closed = await account({ flags: { closed: true } });
    const capped = await account({ flags: { creditsMustNotExceedDebits: true } });
    expect(
      await send(
        move(treasury, eth, '1'),
        move(closed, wallet, '1'),
        move(treasury, closed, '1'),
        move(wallet, other, '1'),
        move(treasury, capped, '1'),
        move(capped, treasury, '5'),
        move(treasury, capped, '5'),
        move(treasury, capped, '1'),
      ),
    ).to.deep.equal([
      R.ACCOUNTS_MUST_HAVE_THE_SAME_ASSET,
      R.DEBIT_ACCOUNT_CLOSED,
      R.CREDIT_ACCOUNT_CLOSED,
      R.EXCEEDS_CREDITS,
      R.EXCEEDS_DEBITS,
      R.OK,
      R.OK,
      R.EXCEEDS_DEBITS,
    ]);
  });

  it('a wallet can spend exactly what it holds, and not one unit more', async () => {
    await send(move(treasury, wallet, '100'));
    expect(await send(move(wallet, other, '60'), move(wallet, other, '41'), move(wallet, other, '40'))).to.deep.equal([R.OK, R.EXCEEDS_CREDITS, R.OK]);
    expect(await balances(wallet)).to.deep.include({ debitsPosted: '100', creditsPosted: '100' });
  });

  it('replaying a transfer with identical fields is EXISTS and changes nothing', async () => {
    const x = { id: randomUUID(), ...move(treasury, wallet, '5', { code: 1, externalRef: 'tx1', metadata: { a: 1 } }) };
    expect(await send(x)).to.deep.equal([R.OK]);
    expect(await send(x, x)).to.deep.equal([R.EXISTS, R.EXISTS]);
    expect((await balances(wallet)).creditsPosted).to.equal('5');
  });

  it(`a batch of ${INSERT_FIRST_FROM}+ assumes new ids; a replayed one in it still answers EXISTS and applies nothing twice`, async () => {
    const earlier = { id: randomUUID(), ...move(treasury, other, '7') };
    const changed = { id: randomUUID(), ...move(treasury, other, '8') };
    expect(await send(earlier, changed)).to.deep.equal([R.OK, R.OK]);
    const fresh = Array.from({ length: INSERT_FIRST_FROM }, () => move(treasury, other, '1'));
    const results = await send(...fresh.slice(0, 100), earlier, ...fresh.slice(100), { ...changed, amount: '9' });
    expect(results.filter((r) => r === R.OK)).to.have.length(INSERT_FIRST_FROM);
    expect([results[100], results[results.length - 1]]).to.deep.equal([R.EXISTS, R.EXISTS_WITH_DIFFERENT_AMOUNT]);
    expect((await balances(other)).creditsPosted).to.equal(String(7 + 8 + INSERT_FIRST_FROM));
    // A replay that would fail if judged as new (its pending transfer is already posted by it; the
    // wallet no longer holds what it spent) is still EXISTS, and the batch around it applies.
    const reserve = { id: randomUUID(), ...move(treasury, wallet, '50', { flags: { pending: true } }) };
    const settle = { id: randomUUID(), pendingId: reserve.id, flags: { postPending: true } };
    const spendAll = { id: randomUUID(), ...move(wallet, other, '50') };
    expect(await send(reserve, settle, spendAll)).to.deep.equal([R.OK, R.OK, R.OK]);
    const more = Array.from({ length: INSERT_FIRST_FROM }, () => move(treasury, other, '1'));
    const again = await send(settle, ...more, spendAll);
    expect([again[0], again[again.length - 1]]).to.deep.equal([R.EXISTS, R.EXISTS]);
    expect(again.slice(1, -1).every((r) => r === R.OK)).to.equal(true);
    expect(await balances(wallet)).to.deep.equal({ debitsPending: '0', debitsPosted: '50', creditsPending: '0', creditsPosted: '50' });
    // And with no replayed id, every transfer of the batch applies.
    expect(await send(...fresh.slice(0, INSERT_FIRST_FROM).map((f) => ({ ...f })))).to.deep.equal(new Array(INSERT_FIRST_FROM).fill(R.OK));
  });

  describe(`batches of ${INSERT_FIRST_FROM}+ transfers: insert first`, () => {
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

  it('replaying with each field changed returns the matching EXISTS_WITH_DIFFERENT_* code', async () => {
    const x = { id: randomUUID(), ...move(treasury, wallet, '5', { code: 1, externalRef: 'tx2', metadata: { a: 1 } }) };
    await send(x);
    const changes: Array<[TransferInit, R]> = [
      [{ flags: { linked: true } }, R.EXISTS_WITH_DIFFERENT_FLAGS],
      [{ debitAccountId: other }, R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID],
      [{ creditAccountId: other }, R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID],
      [{ amount: '6' }, R.EXISTS_WITH_DIFFERENT_AMOUNT],
      [{ code: 2 }, R.EXISTS_WITH_DIFFERENT_CODE],
      [{ externalRef: 'tx3' }, R.EXISTS_WITH_DIFFERENT_EXTERNAL_REF],
      [{ metadata: { a: 2 } }, R.EXISTS_WITH_DIFFERENT_METADATA],
    ];
    for (const [change, expected] of changes) {
      // linked on its own would leave the chain open; send it with a closing partner.
      const batch = change.flags?.linked ? [{ ...x, ...change }, move(treasury, other, '1')] : [{ ...x, ...change }];
      const results = await send(...batch);
      expect(results[0], JSON.stringify(change)).to.equal(expected);
    }
    const p = { id: randomUUID(), ...move(treasury, other, '3', { flags: { pending: true }, timeoutSeconds: 60 }) };
    await send(p);
    expect(await send({ ...p, timeoutSeconds: 30 })).to.deep.equal([R.EXISTS_WITH_DIFFERENT_TIMEOUT]);
    const post = { id: randomUUID(), pendingId: p.id, flags: { postPending: true } };
    await send(post);
    const p2 = { id: randomUUID(), ...move(treasury, other, '3', { flags: { pending: true } }) };
    await send(p2);
    expect(await send({ ...post, pendingId: p2.id })).to.deep.equal([R.EXISTS_WITH_DIFFERENT_PENDING_ID]);
    expect((await balances(wallet)).creditsPosted).to.equal('5');
  });

  it('an external ref is used once per tenant', async () => {
    expect(await send(move(treasury, wallet, '1', { externalRef: '0xdead' }), move(treasury, wallet, '1', { externalRef: '0xdead' }))).to.deep.equal([
      R.OK,
      R.EXTERNAL_REF_ALREADY_USED,
    ]);
    expect(await send(move(treasury, wallet, '1', { externalRef: '0xdead' }))).to.deep.equal([R.EXTERNAL_REF_ALREADY_USED]);
    const elsewhere = await newTenant();
    const theirs = elsewhere.client(LedgerService);
    const [a, b] = [randomUUID(), randomUUID()];
    await theirs.createAccounts({ accounts: [a, b].map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'x' } })) });
    const { results } = await theirs.createTransfers({ transfers: [{ id: randomUUID(), debitAccountId: a, creditAccountId: b, amount: '1', externalRef: '0xdead' }] });
    expect(results[0].result).to.equal(R.OK);
  });

  it('a linked chain with a failure in the middle commits nothing; transfers outside the chain still apply', async () => {
    const chain = [
      move(treasury, wallet, '10', { flags: { linked: true } }),
      move(wallet, other, '50', { flags: { linked: true } }), // overdraft: fails the chain
      move(treasury, other, '5'),
      move(treasury, other, '7'), // independent
    ];
    expect(await send(...chain)).to.deep.equal([R.LINKED_EVENT_FAILED, R.EXCEEDS_CREDITS, R.LINKED_EVENT_FAILED, R.OK]);
    expect(await balances(wallet)).to.deep.include({ creditsPosted: '0', debitsPosted: '0' });
    expect((await balances(other)).creditsPosted).to.equal('7');
    expect(await send(move(treasury, wallet, '10', { flags: { linked: true } }), move(wallet, other, '10'))).to.deep.equal([R.OK, R.OK]);
  });

  it('concurrent calls are grouped into one transaction, but each gets its own results and chains never cross calls', async () => {
    await send(move(treasury, wallet, '10'));
    const calls = [
      [move(treasury, other, '1', { flags: { linked: true } })], // open chain: fails on its own
      [move(treasury, other, '2')],
      [move(wallet, other, '11')], // overdraft
      [move(treasury, other, '3', { flags: { linked: true } }), move(treasury, other, '4')],
      [move(wallet, other, '10')],
    ];
    const results = await Promise.all(calls.map((c) => send(...c)));
    expect(results).to.deep.equal([[R.LINKED_EVENT_CHAIN_OPEN], [R.OK], [R.EXCEEDS_CREDITS], [R.OK, R.OK], [R.OK]]);
    expect((await balances(other)).creditsPosted).to.equal('19');
  });

  it('grouped requests: a chain left open in one group does not link into the next', async () => {
    const mk = (amount: string, linked = false) =>
      create(TransferSchema, { id: randomUUID(), debitAccountId: treasury, creditAccountId: other, amount, flags: { linked } });
    const { results } = await inTenantTx((client) => writeCarefully(client, { tenantId: t.tenant.id, groups: [[mk('1', true)], [mk('2')], [mk('3', true), mk('4')], []] }));
    expect(results).to.deep.equal([[R.LINKED_EVENT_CHAIN_OPEN], [R.OK], [R.OK, R.OK], []]);
    expect((await balances(other)).creditsPosted).to.equal('9');
  });

  it('a chain left open at the end of the batch fails as a whole', async () => {
    expect(await send(move(treasury, other, '1'), move(treasury, wallet, '1', { flags: { linked: true } }), move(treasury, wallet, '1', { flags: { linked: true } }))).to.deep.equal([
      R.OK,
      R.LINKED_EVENT_FAILED,
      R.LINKED_EVENT_CHAIN_OPEN,
    ]);
    expect((await balances(wallet)).creditsPosted).to.equal('0');
  });

  describe('two-phase transfers', () => {
    it('a pending transfer reserves; posting part of it moves that part and releases the rest', async () => {
      await send(move(treasury, wallet, '100'));
      const p = randomUUID();
      expect(await send({ id: p, ...move(wallet, other, '60', { flags: { pending: true } }) })).to.deep.equal([R.OK]);
      expect(await balances(wallet)).to.deep.equal({ debitsPending: '60', debitsPosted: '0', creditsPending: '0', creditsPosted: '100' });
      expect(await send(move(wallet, other, '41'))).to.deep.equal([R.EXCEEDS_CREDITS]); // the reservation counts
      expect((await ledger.getTransfer({ id: p })).pendingState).to.equal(PendingState.PENDING);
      expect(await send({ pendingId: p, amount: '61', flags: { postPending: true } })).to.deep.equal([R.EXCEEDS_PENDING_TRANSFER_AMOUNT]);
      const post = randomUUID();
      expect(await send({ id: post, pendingId: p, amount: '45', flags: { postPending: true } })).to.deep.equal([R.OK]);
      expect(await balances(wallet)).to.deep.equal({ debitsPending: '0', debitsPosted: '45', creditsPending: '0', creditsPosted: '100' });
      expect(await balances(other)).to.deep.equal({ debitsPending: '0', debitsPosted: '0', creditsPending: '0', creditsPosted: '45' });
      expect((await ledger.getTransfer({ id: p })).pendingState).to.equal(PendingState.POSTED);
      expect((await ledger.getTransfer({ id: post })).transfer!.amount).to.equal('45');
      expect(await send({ pendingId: p, flags: { postPending: true } }, { pendingId: p, flags: { voidPending: true } })).to.deep.equal([
        R.PENDING_TRANSFER_ALREADY_POSTED,
        R.PENDING_TRANSFER_ALREADY_POSTED,
      ]);
    });

    it('posting with no amount posts all of it; voiding releases it; a resolved transfer stays resolved', async () => {
      const [p1, p2] = [randomUUID(), randomUUID()];
      await send({ id: p1, ...move(treasury, other, '30', { flags: { pending: true } }) }, { id: p2, ...move(treasury, other, '20', { flags: { pending: true } }) });
      expect(await send({ pendingId: p1, flags: { postPending: true } }, { pendingId: p2, flags: { voidPending: true } })).to.deep.equal([R.OK, R.OK]);
      expect(await balances(other)).to.deep.equal({ debitsPending: '0', debitsPosted: '0', creditsPending: '0', creditsPosted: '30' });
      expect((await ledger.getTransfer({ id: p2 })).pendingState).to.equal(PendingState.VOIDED);
      expect(await send({ pendingId: p2, flags: { postPending: true } })).to.deep.equal([R.PENDING_TRANSFER_ALREADY_VOIDED]);
    });

    it('resolving checks the pending transfer: unknown, not pending, other accounts', async () => {
      const plain = randomUUID();
      await send({ id: plain, ...move(treasury, other, '1') });
      const p = randomUUID();
      await send({ id: p, ...move(treasury, other, '5', { flags: { pending: true } }) });
      expect(
        await send(
          { pendingId: randomUUID(), flags: { postPending: true } },
          { pendingId: plain, flags: { postPending: true } },
          { pendingId: p, debitAccountId: wallet, flags: { postPending: true } },
          { pendingId: p, creditAccountId: wallet, flags: { voidPending: true } },
        ),
      ).to.deep.equal([
        R.PENDING_TRANSFER_NOT_FOUND,
        R.PENDING_TRANSFER_NOT_PENDING,
        R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID,
        R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID,
      ]);
    });

    it('a pending transfer and its post can share one batch', async () => {
      const p = randomUUID();
      expect(await send({ id: p, ...move(treasury, other, '8', { flags: { pending: true } }) }, { pendingId: p, amount: '3', flags: { postPending: true } })).to.deep.equal([R.OK, R.OK]);
      expect(await balances(other)).to.deep.equal({ debitsPending: '0', debitsPosted: '0', creditsPending: '0', creditsPosted: '3' });
    });

    it('an expired reservation cannot be posted and stops counting at read time', async function () {
      this.timeout(10_000);
      await send(move(treasury, wallet, '100'));
      const p = randomUUID();
      await send({ id: p, ...move(wallet, other, '90', { flags: { pending: true }, timeoutSeconds: 1 }) });
      expect((await balances(wallet)).debitsPending).to.equal('90');
      await sleep(1_100);
      expect((await balances(wallet)).debitsPending).to.equal('0');
      expect((await ledger.getTransfer({ id: p })).pendingState).to.equal(PendingState.EXPIRED);
      expect(await send({ pendingId: p, flags: { postPending: true } })).to.deep.equal([R.PENDING_TRANSFER_EXPIRED]);
      // The wallet may spend what the expired reservation held; touching the account voided it.
      expect(await send(move(wallet, other, '100'))).to.deep.equal([R.OK]);
      expect(await balances(wallet)).to.deep.equal({ debitsPending: '0', debitsPosted: '100', creditsPending: '0', creditsPosted: '100' });
      expect((await ledger.getTransfer({ id: p })).pendingState).to.equal(PendingState.EXPIRED);
      const { rows } = await testEnv().pool.query('SELECT count(*)::int AS n FROM ledger_pending WHERE transfer_id = $1', [p]);
      expect(rows[0].n).to.equal(0);
    });
  });

  it('the sweeper voids expired reservations nobody touches, in the stored balances too', async function () {
    this.timeout(10_000);
    const p = randomUUID();
    await send({ id: p, ...move(treasury, other, '25', { flags: { pending: true }, timeoutSeconds: 1 }) });
    await sleep(1_000 + 3 * LEDGER_SWEEP_MS);
    const { rows } = await testEnv().pool.query(
      `SELECT (SELECT debits_pending::text FROM ledger_accounts WHERE id = $2) AS stored,
              (SELECT count(*)::int FROM ledger_pending WHERE transfer_id = $1) AS open,
              (SELECT count(*)::int FROM ledger_transfers WHERE pending_id = $1 AND void_pending) AS voids`,
      [p, treasury],
    );
    expect(rows[0]).to.deep.equal({ stored: '0', open: 0, voids: 1 });
    expect((await ledger.getTransfer({ id: p })).pendingState).to.equal(PendingState.EXPIRED);
  });

  it('a post racing the expiry either posts or finds it expired, never both', async function () {
    this.timeout(10_000);
    const p = randomUUID();
    await send({ id: p, ...move(treasury, other, '40', { flags: { pending: true }, timeoutSeconds: 1 }) });
    const { transfer } = await ledger.getTransfer({ id: p });
    const expiresAt = Number(transfer!.createTime!.seconds) * 1000 + transfer!.createTime!.nanos / 1e6 + 1000;
    await sleep(Math.max(0, expiresAt - Date.now() - 5));
    const results = await Promise.all([0, 3, 6].map(async (delay) => {
      await sleep(delay);
      return (await send({ pendingId: p, flags: { postPending: true } }))[0];
    }));
    const posted = results.filter((r) => r === R.OK).length;
    expect(posted).to.be.at.most(1);
    expect(results.every((r) => [R.OK, R.PENDING_TRANSFER_EXPIRED, R.PENDING_TRANSFER_ALREADY_POSTED].includes(r)), String(results)).to.equal(true);
    const b = await balances(other);
    expect(b).to.deep.equal({ debitsPending: '0', debitsPosted: '0', creditsPending: '0', creditsPosted: posted ? '40' : '0' });
  });

  it("another tenant's accounts and transfers behave as nonexistent", async () => {
    const x = randomUUID();
    await send({ id: x, ...move(treasury, wallet, '9') });
    const elsewhere = await newTenant();
    const theirs = elsewhere.client(LedgerService);
    const mine = randomUUID();
    await theirs.createAccounts({ accounts: [{ id: mine, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.TENANT_TREASURY } }] });
    const { results } = await theirs.createTransfers({
      transfers: [
        { id: randomUUID(), debitAccountId: treasury, creditAccountId: mine, amount: '1' },
        { id: randomUUID(), debitAccountId: mine, creditAccountId: wallet, amount: '1' },
        { id: randomUUID(), pendingId: x, flags: { postPending: true } },
      ],
    });
    expect(results.map((r) => r.result)).to.deep.equal([R.DEBIT_ACCOUNT_NOT_FOUND, R.CREDIT_ACCOUNT_NOT_FOUND, R.PENDING_TRANSFER_NOT_FOUND]);
    await expectError(theirs.getTransfer({ id: x }), Code.NotFound);
    expect((await balances(wallet)).creditsPosted).to.equal('9');
  });

  it('refuses a batch over 8,190 transfers as a whole; GetTransfer validates its id', async () => {
    const transfers = Array.from({ length: 8_191 }, () => ({ id: randomUUID(), debitAccountId: treasury, creditAccountId: other, amount: '1' }));
    const err = await expectError(ledger.createTransfers({ transfers }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['transfers']);
    expect((await balances(other)).creditsPosted).to.equal('0');
    await expectError(ledger.getTransfer({ id: 'x' }), Code.InvalidArgument);
    await expectError(ledger.getTransfer({ id: randomUUID() }), Code.NotFound);
  });

  it('lists transfers by account and time range, in creation order, with keyset pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = randomUUID();
      ids.push(id);
      await send({ id, ...move(i % 2 ? wallet : treasury, i % 2 ? other : wallet, '1') });
    }
    await send(move(treasury, other, '1')); // does not touch the wallet
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await ledger.listTransfers({ accountId: wallet, pageSize: 2, pageToken });
      seen.push(...page.transfers.map((x) => x.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).to.deep.equal(ids);
    const all = await ledger.listTransfers({ pageSize: 100 });
    expect(all.transfers).to.have.length(6);
    const third = (await ledger.getTransfer({ id: ids[2] })).transfer!.createTime!;
    const fromThird = await ledger.listTransfers({ accountId: wallet, startTime: third });
    expect(fromThird.transfers.map((x) => x.id)).to.include(ids[2]).and.not.include(ids[0]);
    const err = await expectError(ledger.listTransfers({ accountId: 'x', startTime: third, endTime: third }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['account_id', 'end_time']);
  });

  it('reports balances now, at a point in time, and as a history of postings', async () => {
    await send(move(treasury, wallet, '100'));
    const before = (await ledger.getAccount({ id: wallet })).account!;
    await sleep(20);
    const middle = new Date();
    await sleep(20);
    await send(move(wallet, other, '30'), move(wallet, other, '20', { flags: { pending: true } }));
    const now = await ledger.getAccountBalances({ accountId: wallet });
    expect(now.balance).to.deep.include({ debitsPosted: '30', debitsPending: '20', creditsPosted: '100', accountVersion: 3n });
    const then = await ledger.getAccountBalances({ accountId: wallet, asOfTime: timestampFromDate(middle) });
    expect(then.balance).to.deep.include({ debitsPosted: '0', debitsPending: '0', creditsPosted: '100', accountVersion: before.version });
    const history = await ledger.getAccountBalances({ accountId: wallet, history: true, pageSize: 2 });
    expect(history.history.map((h) => h.accountVersion)).to.deep.equal([3n, 2n]);
    const older = await ledger.getAccountBalances({ accountId: wallet, history: true, pageSize: 2, pageToken: history.nextPageToken });
    expect(older.history.map((h) => [h.accountVersion, h.creditsPosted])).to.deep.equal([[1n, '100']]);
    expect(older.nextPageToken).to.equal('');
    const beforeAll = await ledger.getAccountBalances({ accountId: wallet, asOfTime: timestampFromDate(new Date(Date.now() - 3_600_000)) });
    expect(beforeAll.balance).to.deep.include({ debitsPosted: '0', creditsPosted: '0' });
    await expectError(ledger.getAccountBalances({ accountId: randomUUID() }), Code.NotFound);
  });

  it('transfers and entries are append-only', async () => {
    const x = randomUUID();
    await send({ id: x, ...move(treasury, wallet, '9') });
    for (const statement of ['UPDATE ledger_transfers SET amount = 1 WHERE id = $1', 'DELETE FROM ledger_entries WHERE transfer_id = $1']) {
      let code: string | undefined;
      try {
        await testEnv().pool.query(statement, [x]);
      } catch (err) {
        code = (err as { code?: string }).code;
      }
      expect(code, statement).to.equal('42501');
    }
  });

  it('the write refuses balances that disagree with the state machine: nothing is written', async () => {
    await send(move(treasury, wallet, '100'));
    const before = await balances(wallet);
    const id = randomUUID();
    const row = {
      tenantId: t.tenant.id, ids: [id], debitIds: [treasury], creditIds: [wallet], amounts: ['5'], pendingIds: [], linked: [],
      pending: [], postPending: [], voidPending: [], timeouts: [], codes: [], externalRefs: [], metadata: [],
    };
    const args = (expectedChecksum: string) => ({
      tenantId: t.tenant.id, tIds: [id], tDebitIds: [treasury], tCreditIds: [wallet], tPending: [], tPendingDeltas: ['0'], tPostedDeltas: ['5'],
      expectedChecksum, resolvedPendingIds: [], sAccountIds: [], sWindowStarts: [], sDeltas: [], rAccountIds: [], rWindowStarts: [],
      rAmounts: [], aAccountIds: [], aWindowStarts: [], aSpent: [], aLimits: [], aTransferIds: [],
    });
    // After the call: treasury debits_posted 105 at version 2, wallet credits_posted 105 at version 2,
    // each packed as balanceChecksum does and weighted by its rank in id order.
    const packed = { [treasury]: (105n << 128n) + (2n << 512n), [wallet]: (105n << 384n) + (2n << 512n) };
    const [low, high] = [treasury, wallet].sort();
    const right = (packed[low] + 2n * packed[high]).toString();
    const client = await testEnv().pool.connect();
    try {
      // Wrong: the same figures with the two accounts' ranks swapped (a plain sum would not notice).
      const wrong = (2n * packed[low] + packed[high]).toString();
      for (const [checksum, expected] of [[wrong, 'XX000'], [right, undefined]] as const) {
        await client.query('BEGIN');
        let code: string | undefined;
        try {
          await insertTransfers.run(row, client);
          await writePostings.run(args(checksum), client);
        } catch (err) {
          code = (err as { code?: string }).code;
        }
        await client.query('ROLLBACK');
        expect(code, `checksum ${checksum}`).to.equal(expected);
      }
    } finally {
      client.release();
    }
    expect(await balances(wallet)).to.deep.equal(before);
  });

  it('the database refuses history that names a missing account, transfer or pending transfer, and accounts cannot be deleted', async () => {
    const x = randomUUID();
    await send({ id: x, ...move(treasury, wallet, '9') });
    const missing = randomUUID();
    const transfer = (debit: string, pendingId: string | null) =>
      `INSERT INTO ledger_transfers (tenant_id, id, debit_account_id, credit_account_id, amount, pending_id, post_pending)
       SELECT $1, gen_random_uuid(), '${debit}', '${wallet}', 1, ${pendingId ? `'${pendingId}'` : 'NULL'}, ${pendingId !== null}
       FROM generate_series(1, ${pendingId ? 1 : 3})`;
    const refused = [
      transfer(missing, null),
      transfer(treasury, missing),
      `INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
       VALUES ($1, '${missing}', 1, '${x}', 0, 0, 0, 0)`,
      `INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
       VALUES ($1, '${treasury}', 99, '${missing}', 0, 0, 0, 0)`,
      // An account that exists but that the entry's transfer does not move.
      `INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
       VALUES ($1, '${other}', 99, '${x}', 0, 0, 0, 0)`,
      `INSERT INTO ledger_pending (tenant_id, transfer_id, debit_account_id, credit_account_id, amount) VALUES ($1, '${missing}', '${treasury}', '${wallet}', 1)`,
    ];
    for (const statement of refused) {
      // As the owner (no RLS, no column privileges in the way): only the reference checks stand.
      const client = await testEnv().pool.connect();
      let code: string | undefined;
      try {
        await client.query('BEGIN');
        await client.query(statement, [t.tenant.id]);
      } catch (err) {
        code = (err as { code?: string }).code;
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
      expect(code, statement).to.equal('23503');
    }
    let deleteCode: string | undefined;
    try {
      await testEnv().pool.query('DELETE FROM ledger_accounts WHERE tenant_id = $1 AND id = $2', [t.tenant.id, other]);
    } catch (err) {
      deleteCode = (err as { code?: string }).code;
    }
    expect(deleteCode).to.equal('42501');
    expect((await ledger.getAccount({ id: other })).account!.id).to.equal(other);
  });
});
