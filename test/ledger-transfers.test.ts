// CreateTransfers and GetTransfer over the API: plain transfers, every result code in its
// precedence, replays, external refs, linked chains and tenant isolation.
import { randomUUID } from 'node:crypto';
import { Code, type Client } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { CreateTransferResult as R, LedgerService, OwnerType, PendingState, TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { INSERT_FIRST_FROM, writeCarefully } from '../src/services/ledger/careful-write.js';
import { testEnv } from './support/environment.js';
import { expectError, newTenant, violatedFields, type TestTenant } from './support/fixtures.js';
import { move, transfersFixture, type TransferInit } from './support/transfers.js';

describe('LedgerService transfers', () => {
  const f = transfersFixture();
  const { account, send, balances, inTenantTx } = f;
  let t: TestTenant;
  let ledger: Client<typeof LedgerService>;
  let treasury: string;
  let wallet: string;
  let other: string;
  beforeEach(() => ({ t, ledger, treasury, wallet, other } = f.get()));

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

});
