// The peer half of the task queue benchmark on its own (bench/tasks.ts runs it beside chimera-core):
//   npx tsx bench/tasks-peers-run.ts [jobs=20000] [trickle=1000] [trickle per second=200]
// on DATABASE_URL's server (default: the local PostgreSQL as postgres); TASKS_BENCH_PEERS=name,name
// picks configurations. It exits on its own once every configuration has stopped, so a hang here is
// a worker or pool left open.
import { runPeers } from './tasks-peers.js';

const workload = {
  serverUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable',
  jobs: Number(process.argv[2] ?? 20_000),
  workers: 8,
  trickle: Number(process.argv[3] ?? 1_000),
  tricklePerSec: Number(process.argv[4] ?? 200),
  only: process.env.TASKS_BENCH_PEERS?.split(','),
};

const time = () => new Date().toISOString().slice(11, 19);
const from = time();
const figures = await runPeers(workload);
const fmt = (n: number, digits = 0) => n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(`\n${fmt(workload.jobs)} jobs, ${workload.workers} workers; pickup: ${workload.trickle} jobs at ${workload.tricklePerSec}/s; ${from}–${time()} UTC`);
console.log(`${'queue'.padEnd(40)} ${'enqueue/s'.padStart(10)} ${'drain/s'.padStart(10)} ${'pickup p50'.padStart(11)} ${'p99'.padStart(8)}`);
for (const r of figures) {
  console.log(`${r.name.padEnd(40)} ${fmt(r.enqueuePerSec).padStart(10)} ${fmt(r.drainPerSec).padStart(10)} ${fmt(r.pickupP50Ms, 2).padStart(8)} ms ${fmt(r.pickupP99Ms, 2).padStart(5)} ms`);
}
