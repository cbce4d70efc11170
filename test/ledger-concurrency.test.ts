// Many clients hammering a few hot accounts, every transfer sent twice with the same id: money is
// conserved and each id is applied exactly once. Needs truly concurrent sessions (skipped on
// embedded PGlite, with the reason printed).
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { CreateTransferResult as R, LedgerService, OwnerType, SpendWindow } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { connectClient, testEnv } from './support/environment.js';
import { newTenant } from './support/fixtures.js';
import { assertLedgerInvariants } from './support/ledger.js';
import { queued } from './support/locks.js';

const CLIENTS = 16;
const HOT_ACCOUNTS = 10;
const TRANSFERS = 2_000;

describe('@concurrent: ledger under contention', function () {
  before(function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: needs concurrent database sessions (embedded PGlite has one); set DATABASE_URL');
      this.skip();
    }
  });

  it(`${CLIENTS} clients, ${HOT_ACCOUNTS} hot accounts, ${TRANSFERS} transfers each sent twice: conserved, applied once`, async function () {
    this.timeout(180_000);
    const t = await newTenant();
    const ledger = t.client(LedgerService);
    const accounts = Array.from({ length: HOT_ACCOUNTS }, () => randomUUID());
    await ledger.createAccounts({ accounts: accounts.map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'hot' } })) });

    // Deterministic pseudo-random plan: each transfer moves 1..1000 between two distinct hot accounts.
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const plan = Array.from({ length: TRANSFERS }, () => {
      const debit = next() % HOT_ACCOUNTS;
      const credit = (debit + 1 + (next() % (HOT_ACCOUNTS - 1))) % HOT_ACCOUNTS;
      return { id: randomUUID(), debitAccountId: accounts[debit], creditAccountId: accounts[credit], amount: String(1 + (next() % 1000)) };
    });
    // Each transfer appears twice in the work queue, the copies far apart and on different clients.
    const queue = [...plan, ...[...plan].reverse()];
    const outcomes = new Map<string, R[]>();
    const clients = Array.from({ length: CLIENTS }, () => connectClient(LedgerService, testEnv().baseUrl, t.apiKey));
    let cursor = 0;
    await Promise.all(
      clients.map(async (client) => {
        while (cursor < queue.length) {
          const transfer = queue[cursor++];
          const { results } = await client.createTransfers({ transfers: [transfer] });
          outcomes.set(transfer.id, [...(outcomes.get(transfer.id) ?? []), results[0].result]);
        }
      }),
    );

    for (const transfer of plan) {
      expect(outcomes.get(transfer.id)!.sort(), transfer.id).to.deep.equal([R.OK, R.EXISTS]);
    }
    const { rows } = await testEnv().pool.query(
      `SELECT count(*)::int AS transfers, coalesce(sum(amount), 0)::text AS moved
       FROM ledger_transfers WHERE tenant_id = $1`,
      [t.tenant.id],
    );
    const expectedMoved = plan.reduce((sum, x) => sum + BigInt(x.amount), 0n);
    expect(rows[0]).to.deep.equal({ transfers: TRANSFERS, moved: expectedMoved.toString() });
    const { rows: totals } = await testEnv().pool.query(
      `SELECT sum(debits_posted)::text AS debits, sum(credits_posted)::text AS credits, sum(version)::int AS versions
       FROM ledger_accounts WHERE tenant_id = $1`,
      [t.tenant.id],
    );
    expect(totals[0]).to.deep.equal({ debits: expectedMoved.toString(), credits: expectedMoved.toString(), versions: 2 * TRANSFERS });
    await assertLedgerInvariants(t.tenant.id);
  });

  it('two calls racing for the last of a budget: one passes, one is BUDGET_EXCEEDED, whichever waited', async () => {
    const t = await newTenant({ scopes: ['ledger:write', 'ledger:read'] });
    const { secret } = await testEnv().admin.createApiKey({ tenantId: t.tenant.id, scopes: ['ledger:write'] });
    // Two keys: two lanes, so the calls run in two transactions rather than one group.
    const [first, second] = [t.client(LedgerService), connectClient(LedgerService, testEnv().baseUrl, secret)];
    const [budget, vendor] = [randomUUID(), randomUUID()];
    await first.createAccounts({
      accounts: [budget, vendor].map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'race' } })),
    });
    await first.setSpendPolicy({ policy: { accountId: budget, window: SpendWindow.DAILY, limit: '100' } });
    const spend = (client: typeof first, amount: string) =>
      client.createTransfers({ transfers: [{ id: randomUUID(), debitAccountId: budget, creditAccountId: vendor, amount }] }).then((r) => r.results[0].result);
    expect(await spend(first, '90')).to.equal(R.OK);

    // Hold the account so that both calls start, read and wait; then let them through.
    const holder = await testEnv().pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM ledger_accounts WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [t.tenant.id, budget]);
      const racing = [spend(first, '10'), spend(second, '10')];
      // Both calls are in the database, queued for the account: the race is real.
      await queued(holder, 2);
      await holder.query('ROLLBACK');
      expect((await Promise.all(racing)).sort()).to.deep.equal([R.OK, R.BUDGET_EXCEEDED].sort());
    } finally {
      holder.release();
    }
    const { rows } = await testEnv().pool.query('SELECT debited::text FROM ledger_spend_windows WHERE tenant_id = $1 AND account_id = $2', [t.tenant.id, budget]);
    expect(rows).to.deep.equal([{ debited: '100' }]);
    await assertLedgerInvariants(t.tenant.id);
  });
});
