import { randomUUID } from 'node:crypto';
import { Code, type Client } from '@connectrpc/connect';
import { expect } from 'chai';
import { CreateTransferResult as R, LedgerService, OwnerType, SpendWindow } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { windowStartOf } from '../src/services/ledger/state-machine.js';
import { testEnv } from './support/environment.js';
import { expectError, newTenant, violatedFields, type TestTenant } from './support/fixtures.js';
import { assertLedgerInvariants } from './support/ledger.js';

describe('LedgerService spend policies', () => {
  let t: TestTenant;
  let ledger: Client<typeof LedgerService>;
  let budget: string;
  let vendor: string;

  async function send(...transfers: Array<{ amount: string; pending?: boolean; id?: string }>): Promise<R[]> {
    const { results } = await ledger.createTransfers({
      transfers: transfers.map((x) => ({ id: x.id ?? randomUUID(), debitAccountId: budget, creditAccountId: vendor, amount: x.amount, flags: { pending: x.pending ?? false } })),
    });
    return results.map((r) => r.result);
  }

  beforeEach(async () => {
    t = await newTenant();
    ledger = t.client(LedgerService);
    [budget, vendor] = [randomUUID(), randomUUID()];
    await ledger.createAccounts({
      accounts: [
        { id: budget, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.CAMPAIGN, id: randomUUID() } },
        { id: vendor, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'ads' } },
      ],
    });
  });
  afterEach(() => assertLedgerInvariants(t.tenant.id));

  it('sets and replaces a policy with etags', async () => {
    const { policy } = await ledger.setSpendPolicy({ policy: { accountId: budget, window: SpendWindow.DAILY, limit: '1000' } });
    expect(policy).to.deep.include({ accountId: budget, limit: '1000', alertRatio: 0.8, approvalThreshold: '', etag: '1' });
    const { policy: replaced } = await ledger.setSpendPolicy({
      policy: { accountId: budget, window: SpendWindow.WEEKLY, limit: '5000', alertRatio: 0.5, approvalThreshold: '300', etag: '1' },
    });
    expect(replaced).to.deep.include({ window: SpendWindow.WEEKLY, limit: '5000', alertRatio: 0.5, approvalThreshold: '300', etag: '2' });
    await expectError(ledger.setSpendPolicy({ policy: { accountId: budget, window: SpendWindow.DAILY, limit: '1', etag: '1' } }), Code.Aborted, 'ETAG_MISMATCH');
    await expectError(ledger.setSpendPolicy({ policy: { accountId: randomUUID(), window: SpendWindow.DAILY, limit: '1' } }), Code.NotFound);
    const err = await expectError(
      ledger.setSpendPolicy({ policy: { accountId: 'x', window: 0, limit: '1.5', alertRatio: 1.5, approvalThreshold: '-1' } }),
      Code.InvalidArgument,
    );
    expect(violatedFields(err)).to.deep.equal(['policy.account_id', 'policy.window', 'policy.limit', 'policy.alert_ratio', 'policy.approval_threshold']);
    const { rows } = await testEnv().pool.query("SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND resource_type = 'ledger_spend_policies'", [t.tenant.id]);
    expect(rows[0].n).to.equal(2);
  });

  it('posted and pending debits count against the window limit, exactly at the boundary', async () => {
    await ledger.setSpendPolicy({ policy: { accountId: budget, window: SpendWindow.DAILY, limit: '100' } });
    const hold = randomUUID();
    expect(await send({ amount: '60' }, { amount: '30', pending: true, id: hold }, { amount: '10' }, { amount: '1' })).to.deep.equal([
      R.OK,
      R.OK,
      R.OK,
      R.BUDGET_EXCEEDED,
    ]);
    // Voiding the reservation gives its 30 back to the window.
    const { results } = await ledger.createTransfers({ transfers: [{ id: randomUUID(), pendingId: hold, flags: { voidPending: true } }] });
    expect(results[0].result).to.equal(R.OK);
    expect(await send({ amount: '30' }, { amount: '1' })).to.deep.equal([R.OK, R.BUDGET_EXCEEDED]);
  });

  it('a partial post gives the unspent part of the reservation back to the window', async () => {
    await ledger.setSpendPolicy({ policy: { accountId: budget, window: SpendWindow.WEEKLY, limit: '100' } });
    const hold = randomUUID();
    await send({ amount: '100', pending: true, id: hold });
    expect(await send({ amount: '1' })).to.deep.equal([R.BUDGET_EXCEEDED]);
    await ledger.createTransfers({ transfers: [{ id: randomUUID(), pendingId: hold, amount: '70', flags: { postPending: true } }] });
    expect(await send({ amount: '30' }, { amount: '1' })).to.deep.equal([R.OK, R.BUDGET_EXCEEDED]);
  });

  it('above the approval threshold only a reservation passes; the CFO approves by posting it', async () => {
    await ledger.setSpendPolicy({ policy: { accountId: budget, window: SpendWindow.DAILY, limit: '10000', approvalThreshold: '500' } });
    const hold = randomUUID();
    expect(await send({ amount: '500' }, { amount: '501' }, { amount: '2000', pending: true, id: hold })).to.deep.equal([R.OK, R.APPROVAL_REQUIRED, R.OK]);
    const { results } = await ledger.createTransfers({ transfers: [{ id: randomUUID(), pendingId: hold, flags: { postPending: true } }] });
    expect(results[0].result).to.equal(R.OK);
    expect((await ledger.getAccount({ id: vendor })).account!.creditsPosted).to.equal('2500');
  });

  it('crossing the alert ratio records one alert per window, with an audit event', async () => {
    await ledger.setSpendPolicy({ policy: { accountId: budget, window: SpendWindow.DAILY, limit: '100' } });
    const crossing = randomUUID();
    expect(await send({ amount: '79' })).to.deep.equal([R.OK]);
    expect((await ledger.listBudgetAlerts({ accountId: budget })).alerts).to.deep.equal([]);
    expect(await send({ amount: '1', id: crossing }, { amount: '5' })).to.deep.equal([R.OK, R.OK]);
    expect(await send({ amount: '10' })).to.deep.equal([R.OK]);
    const { alerts } = await ledger.listBudgetAlerts({ accountId: budget });
    expect(alerts.map((a) => [a.transferId, a.spent, a.limit])).to.deep.equal([[crossing, '80', '100']]);
    const { rows } = await testEnv().pool.query("SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND resource_type = 'ledger_budget_alerts'", [t.tenant.id]);
    expect(rows[0].n).to.equal(1);
    const other = await newTenant();
    expect((await other.client(LedgerService).listBudgetAlerts({})).alerts).to.deep.equal([]);
  });

  it('a linked chain that would exceed the budget leaves the window untouched', async () => {
    await ledger.setSpendPolicy({ policy: { accountId: budget, window: SpendWindow.DAILY, limit: '100' } });
    const { results } = await ledger.createTransfers({
      transfers: [
        { id: randomUUID(), debitAccountId: budget, creditAccountId: vendor, amount: '90', flags: { linked: true } },
        { id: randomUUID(), debitAccountId: budget, creditAccountId: vendor, amount: '20' },
      ],
    });
    expect(results.map((r) => r.result)).to.deep.equal([R.LINKED_EVENT_FAILED, R.BUDGET_EXCEEDED]);
    expect(await send({ amount: '100' })).to.deep.equal([R.OK]);
    expect((await ledger.listBudgetAlerts({})).alerts).to.have.length(1);
  });

  it('windows are UTC days and ISO weeks, computed the same in TypeScript and in PostgreSQL', async () => {
    const instants = ['2026-12-06T23:59:59.999Z', '2026-12-07T00:00:00.000Z', '2026-12-31T12:00:00Z', '2027-01-03T23:00:00Z', '2024-02-29T10:00:00Z'];
    for (const instant of instants) {
      const { rows } = await testEnv().pool.query(
        "SELECT date_trunc('day', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, date_trunc('week', $1::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS week",
        [instant],
      );
      expect(windowStartOf('DAILY', new Date(instant)).toISOString(), instant).to.equal(rows[0].day.toISOString());
      expect(windowStartOf('WEEKLY', new Date(instant)).toISOString(), instant).to.equal(rows[0].week.toISOString());
    }
    expect(windowStartOf('WEEKLY', new Date('2026-12-06T23:59:59.999Z')).toISOString()).to.equal('2026-11-30T00:00:00.000Z');
    expect(windowStartOf('WEEKLY', new Date('2026-12-07T00:00:00.000Z')).toISOString()).to.equal('2026-12-07T00:00:00.000Z');
  });
});
