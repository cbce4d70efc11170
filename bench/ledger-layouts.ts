// What the ledger's table layout costs a 1,000-transfer batch, in plain SQL with no service in
// front: the service's layout until commit 90946ad (a, la_*: transfers indexed by id,
// time and each account and time; one entry row per account per transfer) against keeping each posting's balances and version on
// the transfer row (b, lb_*: no entries table; the account history indexed by account and
// version), b with a's two indexes by account and time added (c), and a without them (d, the
// service's layout since): c and d separate what fewer rows save from what fewer index entries
// save.
// See bench/sql/layouts-schema.sql. pgbench at 2 clients, as (c) of bench/ledger.ts, on fresh
// tables each run, the layouts taking turns.
//   DATABASE_URL=postgres://... npx tsx bench/ledger-layouts.ts [seconds=20] [rounds=3]
import pg from 'pg';
import { handwrittenBatches, pgbenchArgsOf } from './harness.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL (e.g. the one scripts/provision-postgres.sh prints)');
const seconds = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 3);

const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS chimera_layouts WITH (FORCE)');
await admin.query('CREATE DATABASE chimera_layouts');
await admin.end();
const args = pgbenchArgsOf(url);
/** The scripts that make each layout's tables (bench/sql). */
const SETUP = {
  a: ['layouts-schema.sql'],
  b: ['layouts-schema.sql'],
  c: ['layouts-schema.sql', 'layouts-c.sql'],
  d: ['layouts-schema.sql', 'layouts-d.sql'],
};

function run(layout: 'a' | 'b' | 'c' | 'd'): number {
  const define = `layout_a=${layout === 'a' || layout === 'd' ? 1 : 0}`;
  return handwrittenBatches({ args, database: 'chimera_layouts', setup: SETUP[layout], script: 'layouts-batch.sql', define, seconds, checkpoint: true });
}

const figures = { a: [] as number[], b: [] as number[], c: [] as number[], d: [] as number[] };
for (let round = 1; round <= rounds; round++) {
  for (const layout of ['a', 'b', 'c', 'd'] as const) {
    const perSecond = run(layout);
    figures[layout].push(perSecond);
    console.log(`round ${round}, layout ${layout}: ${perSecond.toFixed(0)} transfers/s`);
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const [a, b, c, d] = [median(figures.a), median(figures.b), median(figures.c), median(figures.d)];
console.log(`\nhand-written 1,000-transfer batches, 2 clients, ${seconds} s runs, medians of ${rounds}:`);
console.log(`  (a) entries table, transfers indexed by account         ${a.toFixed(0).padStart(8)} transfers/s`);
console.log(`  (b) balances and versions on the transfer row          ${b.toFixed(0).padStart(8)} transfers/s`);
console.log(`  (c) as (b), with the indexes by account and time too  ${c.toFixed(0).padStart(8)} transfers/s`);
console.log(`  (d) as (a), without them (the service's layout)       ${d.toFixed(0).padStart(8)} transfers/s`);
console.log(`  ratios to (a): (b) ${(b / a).toFixed(2)}, (c) ${(c / a).toFixed(2)}, (d) ${(d / a).toFixed(2)}`);
const cleanup = new pg.Client({ connectionString: url });
await cleanup.connect();
await cleanup.query('DROP DATABASE IF EXISTS chimera_layouts WITH (FORCE)');
await cleanup.end();
