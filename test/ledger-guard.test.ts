// The database guards money and history from the service's own role: chimera_app, as the service
// logs in, tries each way it once had to rewrite balances, entries, reservations, spend windows or
// the audit trail, and each is refused while the ledger and its history stay as they were.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { CreateTransferResult as R, LedgerService, OwnerType, SpendWindow } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { Database, type TxClient } from '../src/db/tx.js';
import { testEnv } from './support/environment.js';
import { newTenant, type TestTenant } from './support/fixtures.js';
import { assertLedgerInvariants } from './support/ledger.js';

describe('the database guards the ledger and the audit trail from the app role', () => {
  let pool: pg.Pool;
  let db: Database;
  let t: TestTenant;
  let a: string;
  let b: string;
  before(() => {
    pool = new pg.Pool({ connectionString: testEnv().serviceUrl, max: 2 });
    db = new Database(pool, { namedStatements: false });
  });
  after(() => pool.end());

  beforeEach(async () => {
    t = await newTenant();
    [a, b] = [randomUUID(), randomUUID()];
    const ledger = t.client(LedgerService);
    await ledger.createAccounts({ accounts: [a, b].map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'x' } })) });
    await ledger.setSpendPolicy({ policy: { accountId: a, window: SpendWindow.DAILY, limit: '100' } });
    const { results } = await ledger.createTransfers({ transfers: [{ id: randomUUID(), debitAccountId: a, creditAccountId: b, amount: '40' }] });
    expect(results.map((r) => r.result)).to.deep.equal([R.OK]);
  });
  afterEach(() => assertLedgerInvariants(t.tenant.id));

  /** Runs `sql` as chimera_app in the tenant's transaction: the SQLSTATE it fails with, or 'ran'. */
  const asApp = (work: (client: TxClient) => Promise<unknown>) =>
    db.tenantTx({ tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 5_000 }, work).then(
      () => 'ran',
      (e: unknown) => (e as pg.DatabaseError).code,
    );
  /** The message the work fails with as chimera_app, or 'ran'. */
  const refusal = (work: (client: TxClient) => Promise<unknown>) =>
    db.tenantTx({ tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 5_000 }, work).then(
      () => 'ran',
      (e: unknown) => (e as Error).message,
    );
  const state = async () => {
    const { rows } = await testEnv().pool.query(
      `SELECT (SELECT json_agg(x ORDER BY x.id) FROM (SELECT id, version, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts WHERE tenant_id = $1) x) AS accounts,
              (SELECT count(*)::int FROM ledger_entries WHERE tenant_id = $1) AS entries,
              (SELECT count(*)::int FROM ledger_pending WHERE tenant_id = $1) AS pending,
              (SELECT json_agg(w.debited) FROM ledger_spend_windows w WHERE tenant_id = $1) AS windows,
              (SELECT count(*)::int FROM audit_events WHERE tenant_id = $1) AS audit`,
      [t.tenant.id],
    );
    return rows[0];
  };

  it('balances cannot be updated, and entries, reservations and spend windows cannot be written, directly', async () => {
    const before = await state();
    expect(await asApp((c) => c.query('UPDATE ledger_accounts SET credits_posted = credits_posted + 1000000000 WHERE id = $1', [a]))).to.equal('42501');
    expect(await asApp((c) => c.query('UPDATE ledger_accounts SET version = version + 1 WHERE id = $1', [a]))).to.equal('42501');
    expect(
      await asApp((c) =>
        c.query(
          `INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted)
           SELECT tenant_id, credit_account_id, 2, id, 0, 0, 0, 1000000000 FROM ledger_transfers WHERE tenant_id = $1`,
          [t.tenant.id],
        ),
      ),
    ).to.equal('42501');
    expect(
      await asApp((c) =>
        c.query(`INSERT INTO ledger_pending (tenant_id, transfer_id, debit_account_id, credit_account_id, amount) SELECT tenant_id, id, debit_account_id, credit_account_id, 1 FROM ledger_transfers WHERE tenant_id = $1`, [t.tenant.id]),
      ),
    ).to.equal('42501');
    expect(await asApp((c) => c.query('DELETE FROM ledger_pending WHERE tenant_id = $1', [t.tenant.id]))).to.equal('42501');
    expect(await asApp((c) => c.query('UPDATE ledger_spend_windows SET debited = 0 WHERE tenant_id = $1', [t.tenant.id]))).to.equal('42501');
    expect(await asApp((c) => c.query(`INSERT INTO ledger_spend_windows (tenant_id, account_id, window_start, debited) VALUES ($1, $2, now(), 0)`, [t.tenant.id, a]))).to.equal('42501');
    // Closing stays the app's (the accounts are locked FOR UPDATE through that privilege too).
    expect(await asApp((c) => c.query('SELECT 1 FROM ledger_accounts WHERE id = $1 FOR UPDATE', [a]))).to.equal('ran');
    expect(await state()).to.deep.equal(before);
  });

  it("the checked writer refuses postings that are not the movements of this transaction's transfers", async () => {
    const before = await state();
    const [old] = (await testEnv().pool.query('SELECT id FROM ledger_transfers WHERE tenant_id = $1', [t.tenant.id])).rows as { id: string }[];
    /** Calls ledger_write_postings for one posting of transfer `id` from a to b, with the given movement and window changes. */
    const write = (c: TxClient, id: string, pendingDelta: string, postedDelta: string, windows: { spent?: string; released?: string } = {}) =>
      c.query(
        `SELECT chimera.ledger_write_postings($1, $2, $3, $4, '{}', $5, $6, 0, '{}', $7, $8, $9, $10, $11, $12, '{}', '{}', '{}', '{}', '{}')`,
        [
          t.tenant.id, [id], [a], [b], [pendingDelta], [postedDelta],
          windows.spent ? [a] : [], windows.spent ? [new Date()] : [], windows.spent ? [windows.spent] : [],
          windows.released ? [a] : [], windows.released ? [new Date()] : [], windows.released ? [windows.released] : [],
        ],
      );
    const insert = (c: TxClient, id: string, amount: string) =>
      c.query(`SELECT chimera.ledger_insert_transfers($1, $2, $3, $4, $5, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}')`, [t.tenant.id, [id], [a], [b], [amount]]);
    // An old transfer's movement again (a replay): not written by this transaction.
    expect(await refusal((c) => write(c, old.id, '0', '40'))).to.match(/^ledger_write_postings: a posting is not/);
    // A transfer that does not exist, and a new transfer of 1 posted as a movement of a billion.
    expect(await refusal((c) => write(c, randomUUID(), '0', '1'))).to.match(/^ledger_write_postings: a posting is not/);
    const fresh = randomUUID();
    expect(await refusal(async (c) => (await insert(c, fresh, '1'), write(c, fresh, '0', '1000000000')))).to.match(/^ledger_write_postings: a posting is not/);
    // The spend window lowered with nothing released, or raised by more than the batch debits.
    expect(await refusal(async (c) => (await insert(c, fresh, '1'), write(c, fresh, '0', '1', { released: '40' })))).to.match(/falls by more/);
    expect(await refusal(async (c) => (await insert(c, fresh, '1'), write(c, fresh, '0', '1', { spent: '-40' })))).to.match(/rises by more/);
    expect(await refusal(async (c) => (await insert(c, fresh, '1'), write(c, fresh, '0', '1', { spent: '2' })))).to.match(/rises by more/);
    expect(await state()).to.deep.equal(before);
    // The true movement passes this check and meets the next: the balances the caller computed.
    expect(await refusal(async (c) => (await insert(c, fresh, '1'), write(c, fresh, '0', '1', { spent: '1' })))).to.match(/expected by the caller$/);
  });

  it('balances that differ from the latest entry fail at commit, whoever wrote them', async () => {
    // As the owner, who may update balances (a superuser bypasses privileges, not the check).
    const client = await testEnv().pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [t.tenant.id]);
      await client.query('UPDATE ledger_accounts SET credits_posted = credits_posted + 1000000000 WHERE tenant_id = $1 AND id = $2', [t.tenant.id, b]);
      const code = await client.query('COMMIT').then(
        () => 'committed',
        (e: unknown) => (e as pg.DatabaseError).code,
      );
      expect(code).to.equal('23000');
    } finally {
      client.release();
    }
  });

  it('audit events cannot be written by the service roles, only by the database on their behalf', async () => {
    const before = await state();
    const forged = (c: TxClient) =>
      c.query(`INSERT INTO audit_events (tenant_id, actor, action, resource_type, resource_id) VALUES ($1, 'someone', 'DELETE', 'agents', $2)`, [t.tenant.id, randomUUID()]);
    expect(await asApp(forged)).to.equal('42501');
    const admin = await db.adminTx({ actor: 'test', requestId: 'test', timeoutMs: 5_000 }, forged).then(
      () => 'ran',
      (e: unknown) => (e as pg.DatabaseError).code,
    );
    expect(admin).to.equal('42501');
    // What the app may record is a refusal, with a method, a reason code and a scope, nothing else.
    expect(await asApp((c) => c.query(`SELECT chimera.record_denied_call('x.v1.S/M', 'DELETE'' OR 1=1', '')`, []))).to.equal('22023');
    expect(await state()).to.deep.equal(before);
    expect(await asApp((c) => c.query(`SELECT chimera.record_denied_call('chimera.agents.v1.AgentService/CreateAgent', 'MISSING_SCOPE', 'agents:write')`, []))).to.equal('ran');
    const { rows } = await testEnv().pool.query(`SELECT action, actor, resource_id FROM audit_events WHERE tenant_id = $1 ORDER BY id DESC LIMIT 1`, [t.tenant.id]);
    expect(rows).to.deep.equal([{ action: 'DENIED', actor: 'test', resource_id: 'chimera.agents.v1.AgentService/CreateAgent' }]);
  });
});
