// GetAccountBalances at a point in time seeks (sql/ledger/balances.sql): on an account with 100,000
// entries it reads a few dozen, not the history, and answers exactly what a scan of the whole
// history would. The history is written directly, an entry a minute, with runs whose times are out
// of version order within the time bound, as transactions that waited for the account's lock are.
import { randomUUID } from 'node:crypto';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { expect } from 'chai';
import { LedgerService, OwnerType } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { listBalanceHistory } from '../src/gen/sql/ledger/balances.queries.js';
import { Database } from '../src/db/tx.js';
import { testEnv } from './support/environment.js';
import { newTenant, type TestTenant } from './support/fixtures.js';
import { assertLedgerInvariants, entriesRead, type PlanNode } from './support/ledger.js';

const ENTRIES = 100_000;
const MINUTE = 60_000;

describe('GetAccountBalances as of a time, on an account with 100,000 entries', function () {
  this.timeout(120_000);
  let t: TestTenant;
  let payer: string;
  let base: number;

  before(async () => {
    t = await newTenant();
    const payee = randomUUID();
    payer = randomUUID();
    await t.client(LedgerService).createAccounts({ accounts: [payer, payee].map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'as-of' } })) });
    base = Date.now() - (ENTRIES + 10) * MINUTE;
    // Version v at minute v, except that every 1,000th version and the four after it fall within
    // a few seconds of each other, out of order.
    const client = await testEnv().pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `CREATE TEMP TABLE history ON COMMIT DROP AS
         SELECT v, gen_random_uuid() AS id,
                to_timestamp(($1::float8 + v::float8 * 60000
                  + CASE WHEN v % 1000 < 5 THEN (ARRAY[0, 7, 2, 9, 4])[v % 1000 + 1] * 1000 - (v % 1000) * 60000 ELSE 0 END) / 1000) AS time
         FROM generate_series(1, $2::int) v`,
        [base, ENTRIES],
      );
      await client.query(
        `INSERT INTO ledger_transfers (tenant_id, id, debit_account_id, credit_account_id, amount, create_time)
         SELECT $1, h.id, $2, $3, 1, h.time FROM history h`,
        [t.tenant.id, payer, payee],
      );
      await client.query(
        `INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id, debits_pending, debits_posted, credits_pending, credits_posted, create_time)
         SELECT $1, a.account_id, h.v, h.id, 0, CASE WHEN a.debit THEN h.v ELSE 0 END, 0, CASE WHEN a.debit THEN 0 ELSE h.v END, h.time
         FROM history h CROSS JOIN (VALUES ($2::uuid, true), ($3::uuid, false)) AS a(account_id, debit)`,
        [t.tenant.id, payer, payee],
      );
      // The balances in a transaction of their own: the ledger refuses balance changes more than
      // 10 s into a transaction (ADR 0009), and writing the history can take longer than that on
      // embedded PGlite.
      await client.query('COMMIT');
      await client.query('BEGIN');
      await client.query('UPDATE ledger_accounts SET debits_posted = $3::numeric, version = $3::bigint WHERE tenant_id = $1 AND id = $2', [t.tenant.id, payer, ENTRIES]);
      await client.query('UPDATE ledger_accounts SET credits_posted = $3::numeric, version = $3::bigint WHERE tenant_id = $1 AND id = $2', [t.tenant.id, payee, ENTRIES]);
      await client.query('COMMIT');
      await client.query('ANALYZE ledger_entries');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  });
  after(() => assertLedgerInvariants(t.tenant.id));

  /** What a scan of the whole history says: the version with the greatest number among those at
   *  or before `asOf` (0 before the first). */
  async function scanned(asOf: Date): Promise<number> {
    const { rows } = await testEnv().pool.query(
      'SELECT coalesce(max(account_version), 0)::int AS v FROM ledger_entries WHERE tenant_id = $1 AND account_id = $2 AND create_time <= $3',
      [t.tenant.id, payer, asOf],
    );
    return rows[0].v as number;
  }

  it('answers what a scan of the whole history answers, wherever the time falls', async () => {
    const ledger = t.client(LedgerService);
    const at = (minutes: number, seconds = 0) => new Date(base + minutes * MINUTE + seconds * 1_000);
    const times = [at(0), at(1), at(1, 30), at(500), at(999, 59), at(1_000), at(1_000, 3), at(1_000, 8), at(1_004), at(50_000, 5), at(ENTRIES), at(ENTRIES + 5)];
    let seed = 11;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20; i++) times.push(at(next() * (ENTRIES + 2), next() * 60));
    for (const asOf of times) {
      const { balance } = await ledger.getAccountBalances({ accountId: payer, asOfTime: timestampFromDate(asOf) });
      expect(balance!.debitsPosted, asOf.toISOString()).to.equal(String(await scanned(asOf)));
    }
  });

  it('pages the history back from a point in time, newest first', async () => {
    const ledger = t.client(LedgerService);
    const asOf = new Date(base + 2_003 * MINUTE + 30_000);
    const want = await scanned(asOf);
    const first = await ledger.getAccountBalances({ accountId: payer, asOfTime: timestampFromDate(asOf), history: true, pageSize: 3 });
    const second = await ledger.getAccountBalances({ accountId: payer, asOfTime: timestampFromDate(asOf), history: true, pageSize: 3, pageToken: first.nextPageToken });
    const versions = [...first.history, ...second.history].map((h) => Number(h.debitsPosted));
    expect(versions[0]).to.equal(want);
    expect(versions).to.deep.equal([...versions].sort((a, b) => b - a));
    expect(new Set(versions).size).to.equal(6);
  });

  it('reads a few dozen entries, not the history, as chimera_app under the tenant policies', async () => {
    const db = new Database(testEnv().pool, { namedStatements: testEnv().namedStatements });
    const scope = { tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 10_000 };
    for (const minutes of [10, 1_000, 50_000.5, ENTRIES - 3]) {
      const params = { tenantId: t.tenant.id, accountId: payer, asOf: new Date(base + minutes * MINUTE), beforeVersion: null, limit: '1' };
      const plan = await db.tenantRead(scope, async (client) => {
        let plan: PlanNode | undefined;
        // The query as the service sends it, under EXPLAIN ANALYZE.
        await listBalanceHistory.run(params, {
          query: async (text: string, values: unknown[]) => {
            const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
            plan = (rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0].Plan;
            return { rows: [], rowCount: 0 };
          },
        });
        return plan!;
      });
      // A search of 17 steps over 100,000 versions, then the scan down through 2B.
      expect(entriesRead(plan), `entries read as of minute ${minutes}`).to.be.within(1, 60);
    }
  });
});
