// Prints the plans PostgreSQL actually runs for CreateTransfers' statements, including those inside
// the ledger's PL/pgSQL functions and triggers (auto_explain, nested statements, with timings), for
// one batch (16 transfers, or the size given) of a tenant with 3,000 accounts, run the careful way
// and then decided before the lock (decided-batches.ts). Use it after changing a ledger function:
// every plan should be an index lookup whose cost does not grow with the tenant's size.
//   DATABASE_URL=postgres://... npx tsx scripts/ledger-plans.ts [batch size]
// It works in the benchmarks' database (chimera_bench, or CHIMERA_BENCH_DB: see bench/harness.ts).
// auto_explain is loaded per session: the URL's user must be allowed to LOAD it, as postgres is.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { benchDatabaseUrl, ledgerTenant } from '../bench/harness.js';
import { createPool } from '../src/db/pool.js';
import { Database } from '../src/db/tx.js';
import { silentLogger } from '../src/lib/log.js';
import { writeCarefully } from '../src/services/ledger/careful-write.js';
import { DecidedBatches } from '../src/services/ledger/decided-batches.js';
import { writeDecided } from '../src/services/ledger/decided-write.js';
const pool = createPool(await benchDatabaseUrl(), 1, silentLogger);
const db = new Database(pool);
const { tenantId, scope, ids } = await ledgerTenant(db, 3000);
const client = await pool.connect();
await client.query("LOAD 'auto_explain'");
await client.query("SET auto_explain.log_min_duration=0; SET auto_explain.log_nested_statements=on; SET auto_explain.log_analyze=on; SET client_min_messages=log");
let log = '';
client.on('notice', (n) => (log += n.message + '\n'));
client.release();
const size = Number(process.argv[2] ?? 16);
const batch = (n: number) =>
  Array.from({ length: n }, (_, i) => create(TransferSchema, { id: randomUUID(), debitAccountId: ids[(i * 2) % 3000], creditAccountId: ids[(i * 2 + 1) % 3000], amount: '5' }));
for (let i = 0; i < 3; i++) await db.tenantTx(scope, (c) => writeCarefully(c, { tenantId, groups: [batch(size)] }));
log = '';
const decidedBatches = new DecidedBatches();
decidedBatches.learn((await db.tenantTx(scope, (c) => writeCarefully(c, { tenantId, groups: [batch(size)] }))).locked);
console.log('=== the careful way\n' + log);
log = '';
// The same accounts, whose balances it now knows, the other way round.
await decidedBatches.run([batch(size).map((t) => create(TransferSchema, { ...t, debitAccountId: t.creditAccountId, creditAccountId: t.debitAccountId }))], {
  mayDecide: () => true,
  decided: (d) => db.tenantTx(scope, (c) => writeDecided(c, tenantId, d)),
  careful: () => Promise.reject(new Error('the batch was not decided')),
});
console.log('=== decided before the lock\n' + log);
await pool.end();
