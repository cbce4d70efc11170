// Where a 1,000-transfer CreateTransfers batch spends its time, phase by phase, on a warm
// connection with no concurrency: the JavaScript state machine, each round trip, and PostgreSQL's
// own plan of the write statement (EXPLAIN ANALYZE, rolled back).
// With DECIDED=1 the batches are decided before their accounts are locked (decided-batches.ts), as
// the service does once it knows the accounts' balances.
//   DATABASE_URL=postgres://... [DECIDED=1] npx tsx bench/ledger-phases.ts [batches=20] [size=1000] [accounts=1000]
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { benchDatabaseUrl, ledgerTenant } from './harness.js';
import { createPool } from '../src/db/pool.js';
import { Database, type TxClient } from '../src/db/tx.js';
import type { Statement } from '../src/db/pipeline.js';
import { silentLogger } from '../src/lib/log.js';
import { INSERT_FIRST_FROM, writeCarefully } from '../src/services/ledger/careful-write.js';
import { DecidedBatches } from '../src/services/ledger/decided-batches.js';
import { writeDecided } from '../src/services/ledger/decided-write.js';

const url = await benchDatabaseUrl();
const batches = Number(process.argv[2] ?? 20);
const size = Number(process.argv[3] ?? 1000);
const accountCount = Number(process.argv[4] ?? 1000);
const explain = process.env.EXPLAIN === '1';
const decided = process.env.DECIDED === '1';

const pool = createPool(url, 4, silentLogger);
const db = new Database(pool);
const { tenantId, scope, ids } = await ledgerTenant(db, accountCount);

function batch() {
  return Array.from({ length: size }, () => {
    const d = Math.floor(Math.random() * ids.length);
    const c = (d + 1 + Math.floor(Math.random() * (ids.length - 1))) % ids.length;
    return create(TransferSchema, { id: randomUUID(), debitAccountId: ids[d], creditAccountId: ids[c], amount: String(1 + Math.floor(Math.random() * 1000)) });
  });
}

const totals = new Map<string, number>();
const add = (k: string, ms: number) => totals.set(k, (totals.get(k) ?? 0) + ms);

/** Times every round trip the unit of work makes; what is left of the total is JavaScript. */
function timed(client: TxClient, explainWrite: boolean): TxClient {
  let trip = 0;
  const wrap = (name: string, f: (s: Statement[]) => Promise<Record<string, unknown>[][]>) => async (s: Statement[]) => {
    const t0 = performance.now();
    try {
      return await f(s);
    } finally {
      add(`round trip ${++trip}: ${name} (${s.length} statements)`, performance.now() - t0);
    }
  };
  return {
    query: client.query.bind(client),
    pipeline: wrap('reads', async (s) => {
      if (explainWrite) await explainEach(client, s);
      return client.pipeline(s);
    }),
    commitWith: explainWrite
      ? async (s) => {
          const plan = await client.pipeline(s.map((st) => ({ text: `EXPLAIN (ANALYZE, BUFFERS) ${st.text}`, values: st.values })));
          console.log(plan[0].map((r) => r['QUERY PLAN']).join('\n'));
          throw new Error('rollback');
        }
      : async (s) => {
          const rows = await wrap('write', (st) => client.pipeline(st))(s);
          await wrap('commit', () => client.commitWith([]))([]);
          return rows;
        },
  };
}

/** Planning and execution time of each statement, as PostgreSQL reports them. */
async function explainEach(client: TxClient, statements: Statement[]): Promise<void> {
  const plans = await client.pipeline(statements.map((st) => ({ text: `EXPLAIN (ANALYZE) ${st.text}`, values: st.values })));
  plans.forEach((plan, i) => {
    const lines = plan.map((r) => String(r['QUERY PLAN']));
    const timing = lines.filter((l) => /Planning Time|Execution Time/.test(l)).map((l) => l.trim()).join(', ');
    console.log(`read ${i + 1}: ${statements[i].text.replace(/\s+/g, ' ').slice(0, 60)}... ${timing}`);
  });
}

const decidedBatches = new DecidedBatches();
// A careful batch over every account teaches it their balances.
decidedBatches.learn((await db.tenantTx(scope, (c) => writeCarefully(c, { tenantId, groups: [[]], alsoTouch: ids }))).locked);
for (let i = 0; i < batches; i++) {
  const transfers = batch();
  const t0 = performance.now();
  if (decided) {
    await decidedBatches.run([transfers], {
      mayDecide: () => true,
      decided: (d) => {
        add('deciding (JavaScript)', performance.now() - t0);
        return db.tenantTx(scope, (c) => writeDecided(timed(c, false), tenantId, d));
      },
      careful: () => Promise.reject(new Error('the batch could not be decided')),
    });
  } else {
    await db.tenantTx(scope, (c) => writeCarefully(timed(c, false), { tenantId, groups: [transfers], insertFirst: size >= INSERT_FIRST_FROM }));
  }
  add('total', performance.now() - t0);
}
const perBatch = (k: string) => (totals.get(k)! / batches).toFixed(2);
for (const k of totals.keys()) console.log(`${k.padEnd(40)} ${perBatch(k).padStart(8)} ms per batch`);
const trips = [...totals.entries()].filter(([k]) => k !== 'total').reduce((a, [, v]) => a + v, 0);
console.log(`${'JavaScript and pool (the rest)'.padEnd(40)} ${((totals.get('total')! - trips) / batches).toFixed(2).padStart(8)} ms per batch`);
console.log(`=> ${((size * batches * 1000) / totals.get('total')!).toFixed(0)} transfers/s sequentially`);
if (explain) await db.tenantTx(scope, (c) => writeCarefully(timed(c, true), { tenantId, groups: [batch()], insertFirst: size >= INSERT_FIRST_FROM })).catch(() => {});
await pool.end();
