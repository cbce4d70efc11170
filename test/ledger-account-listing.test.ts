// ListTransfers by account reads the account's entries in version order, and narrows a time range
// by binary searches over versions (sql/ledger/transfers.sql, listAccountTransfers). That is
// exact only because every transaction changes balances within chimera.ledger_time_bound() of its
// start. Here an account gets a history written directly, spread over days and with times out of
// version order within the bound, so that the searches have something to cut; every range must
// list exactly the transfers whose create_time falls in it.
import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import pg from 'pg';
import { LedgerService, OwnerType } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { listAccountTransfers } from '../src/gen/sql/ledger/transfers.queries.js';
import { Database } from '../src/db/tx.js';
import { PageTokens } from '../src/lib/page-token.js';
import { PAGE_TOKEN_KEYS, testEnv } from './support/environment.js';
import { expectError, newTenant, violatedFields, type TestTenant } from './support/fixtures.js';
import { assertLedgerInvariants, entriesRead, type PlanNode } from './support/ledger.js';

const HOUR = 3_600_000;

describe('ListTransfers by account: version order, time ranges narrowed by the time bound', () => {
  let t: TestTenant;
  let payer: string;
  let payee: string;
  /** Transfer ids by version (index 0 is version 1), and their create times. */
  const history: Array<{ id: string; time: Date }> = [];

  before(async () => {
    t = await newTenant();
    [payer, payee] = [randomUUID(), randomUUID()];
    const ledger = t.client(LedgerService);
    await ledger.createAccounts({ accounts: [payer, payee].map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'listing' } })) });
    // 300 transfers an hour apart, except versions 101-112, which fall within a few seconds of
    // each other and out of order, as transactions that waited for the account's lock do.
    const base = Date.now() - 400 * HOUR;
    const jitter = [0, 3, 1, 5, 2, 8, 4, 9, 6, 7, 5, 9.5];
    for (let v = 1; v <= 300; v++) {
      const time = v > 100 && v <= 112 ? base + 100 * HOUR + jitter[v - 101] * 1_000 : base + v * HOUR;
      history.push({ id: randomUUID(), time: new Date(time) });
    }
    const client = await testEnv().pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ledger_transfers (tenant_id, id, debit_account_id, credit_account_id, amount, create_time)
         SELECT $1, h.id, $2, $3, 1, h.time FROM unnest($4::uuid[], $5::timestamptz[]) AS h(id, time)`,
        [t.tenant.id, payer, payee, history.map((h) => h.id), history.map((h) => h.time)],
      );
      await client.query(
        `INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted, create_time)
         SELECT $1, a.account_id, h.v, h.id, 0, CASE WHEN a.debit THEN h.v ELSE 0 END, 0, CASE WHEN a.debit THEN 0 ELSE h.v END, h.time
         FROM unnest($4::uuid[], $5::timestamptz[]) WITH ORDINALITY AS h(id, time, v)
         CROSS JOIN (VALUES ($2::uuid, true), ($3::uuid, false)) AS a(account_id, debit)`,
        [t.tenant.id, payer, payee, history.map((h) => h.id), history.map((h) => h.time)],
      );
      await client.query('UPDATE ledger_accounts SET debits_posted = 300, version = 300 WHERE tenant_id = $1 AND id = $2', [t.tenant.id, payer]);
      await client.query('UPDATE ledger_accounts SET credits_posted = 300, version = 300 WHERE tenant_id = $1 AND id = $2', [t.tenant.id, payee]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  });
  after(() => assertLedgerInvariants(t.tenant.id));

  /** Every transfer of the account in [start, end), page by page. */
  async function listed(account: string, start?: Date, end?: Date, pageSize = 7): Promise<string[]> {
    const ledger = t.client(LedgerService);
    const ids: string[] = [];
    let pageToken = '';
    do {
      const page = await ledger.listTransfers({
        accountId: account,
        pageSize,
        pageToken,
        startTime: start && timestampFromDate(start),
        endTime: end && timestampFromDate(end),
      });
      ids.push(...page.transfers.map((x) => x.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return ids;
  }

  const expected = (start?: Date, end?: Date) => history.filter((h) => (!start || h.time >= start) && (!end || h.time < end)).map((h) => h.id);

  it('lists every transfer of either side in version order, time order or not', async () => {
    const all = history.map((h) => h.id);
    expect(await listed(payer)).to.deep.equal(all);
    expect(await listed(payee, undefined, undefined, 500)).to.deep.equal(all);
  });

  it('lists exactly the transfers of a time range, wherever its ends fall', async () => {
    const at = (hours: number, seconds = 0) => new Date(history[0].time.getTime() - HOUR + hours * HOUR + seconds * 1_000);
    const ranges: Array<[Date | undefined, Date | undefined]> = [
      [at(50), at(60)],
      [at(50, 1), at(60, 1)],
      [undefined, at(42)],
      [at(250), undefined],
      // Ends inside the versions whose times are out of order.
      [at(100, 4), at(100, 8)],
      [at(100, 0.5), at(100, 5)],
      [at(100, 5), at(150)],
      [at(99, 3_599), at(100, 9.5)],
      [at(100, 9), at(101)],
      // Empty, before, and after the history.
      [at(170, 1), at(170, 2)],
      [at(-10), at(0)],
      [at(400), at(500)],
    ];
    // And random ones.
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 15; i++) {
      const a = at(next() * 310, next() * 20);
      const b = at(next() * 310, next() * 20);
      ranges.push(a < b ? [a, b] : [b, a]);
    }
    for (const [start, end] of ranges) {
      const want = expected(start, end);
      expect(await listed(payer, start, end), `debits in [${start?.toISOString()}, ${end?.toISOString()})`).to.deep.equal(want);
    }
    // The credit side has the same history.
    for (const [start, end] of ranges.slice(0, 9)) {
      expect(await listed(payee, start, end, 4), `credits in [${start?.toISOString()}, ${end?.toISOString()})`).to.deep.equal(expected(start, end));
    }
  });

  it('reads only the entries near a narrow range, as chimera_app under the tenant policies', async () => {
    // Three hours out of 300: the searches cost a lookup a step, the scan the range and 2B.
    const start = new Date(history[199].time.getTime() - 1_000);
    const end = new Date(history[201].time.getTime() + 1_000);
    const db = new Database(testEnv().pool, { namedStatements: testEnv().namedStatements });
    const scope = { tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 10_000 };
    const params = { tenantId: t.tenant.id, accountId: payer, startTime: start, endTime: end, afterVersion: null, limit: '100' };
    const [rows, plan] = await db.tenantRead(scope, async (client) => {
      let plan: PlanNode | undefined;
      // The query as the service sends it, run a second time under EXPLAIN ANALYZE.
      const explain = { query: async (text: string, values: unknown[]) => {
        const { rows: explained } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
        plan = (explained[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0].Plan;
        return { rows: [], rowCount: 0 };
      } };
      await listAccountTransfers.run(params, explain);
      return [await listAccountTransfers.run(params, client), plan!] as const;
    });
    expect(rows.map((r) => r.id)).to.deep.equal(history.slice(199, 202).map((h) => h.id));
    // Two searches of 9 steps over 300 versions, and the range's 3 entries.
    expect(entriesRead(plan), 'entries read').to.be.within(3, 2 * 9 + 3 + 2);
  });

  it('refuses a page token of the unfiltered listing, and one issued for other filters', async () => {
    const ledger = t.client(LedgerService);
    const unfiltered = await ledger.listTransfers({ pageSize: 1 });
    expect(unfiltered.nextPageToken).to.not.equal('');
    await expectError(ledger.listTransfers({ accountId: payer, pageToken: unfiltered.nextPageToken }), Code.InvalidArgument);
    const byPayer = await ledger.listTransfers({ accountId: payer, pageSize: 1 });
    await expectError(ledger.listTransfers({ accountId: payee, pageToken: byPayer.nextPageToken }), Code.InvalidArgument);
    // A token of this listing from before it was paged by version: (create_time, transfer id).
    const old = new PageTokens(PAGE_TOKEN_KEYS).encode({ create_time: history[0].time, id: history[0].id }, { accountId: payer, startTime: null, endTime: null });
    const err = await expectError(ledger.listTransfers({ accountId: payer, pageToken: old }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['page_token']);
  });

  it('another tenant lists nothing for the account', async () => {
    const other = await newTenant();
    const page = await other.client(LedgerService).listTransfers({ accountId: payer, startTime: timestampFromDate(history[0].time) });
    expect(page.transfers).to.deep.equal([]);
  });

  it('refuses a transaction that changes balances more than chimera.ledger_time_bound() after it began (SQLSTATE 40001, retried by the service)', async function () {
    const { rows } = await testEnv().pool.query('SELECT extract(epoch FROM chimera.ledger_time_bound())::float8 AS seconds');
    const bound = rows[0].seconds as number;
    this.timeout(bound * 1_000 + 20_000);
    const client = await testEnv().pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_sleep($1)', [bound + 0.2]);
      const err = await client
        .query('UPDATE ledger_accounts SET version = version WHERE tenant_id = $1 AND id = $2', [t.tenant.id, payer])
        .then(() => undefined, (e: unknown) => e as pg.DatabaseError);
      expect(err?.code).to.equal('40001');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
