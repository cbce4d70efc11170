// What the ledger keeps: transfers listed by account and time, balances at a point in time and as
// a history, append-only history, and the database's own refusals of inconsistent writes.
import { randomUUID } from 'node:crypto';
import { Code, type Client } from '@connectrpc/connect';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { expect } from 'chai';
import { LedgerService } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { insertTransfers, writePostings } from '../src/gen/sql/ledger/transfers.queries.js';
import { testEnv } from './support/environment.js';
import { expectError, violatedFields, type TestTenant } from './support/fixtures.js';
import { move, transfersFixture } from './support/transfers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LedgerService history and integrity', () => {
  const f = transfersFixture();
  const { send, balances } = f;
  let t: TestTenant;
  let ledger: Client<typeof LedgerService>;
  let treasury: string;
  let wallet: string;
  let other: string;
  beforeEach(() => ({ t, ledger, treasury, wallet, other } = f.get()));

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
        // The writer (chimera_ledger_writer) sees only the transaction's tenant.
        await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [t.tenant.id]);
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
