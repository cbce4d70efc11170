// The task queue against the popular PostgreSQL queues, in one run on one PostgreSQL:
// graphile-worker and pg-boss (bench/tasks-peers.ts), and chimera-core over gRPC
// (bench/tasks-core.ts), each given the same workload:
//   - bulk enqueue of JOBS no-op jobs, then a drain by 8 workers (drain rate);
//   - TRICKLE jobs created one at a time at a fixed rate while the workers wait (pickup latency,
//     from just before the create call to the moment a worker holds the job);
// and chimera-core's batched drain again after 1,000,000 finished tasks of history (claim cost).
//   DATABASE_URL=postgres://... npx tsx bench/tasks.ts [jobs=20000] [trickle=1000] [history=1000000]
// TASKS_BENCH_ONLY=core|peers runs one side; TASKS_BENCH_PEERS=name,name picks peer configurations;
// BENCH_PROFILE=dir writes the server's CPU profiles of the drains there.
import { benchDatabaseUrl } from './harness.js';
import { startCore, type CoreFigures } from './tasks-core.js';
import type { QueueFigures } from './tasks-peers.js';

const JOBS = Number(process.argv[2] ?? 20_000);
const TRICKLE = Number(process.argv[3] ?? 1_000);
const HISTORY = Number(process.argv[4] ?? 1_000_000);
const TRICKLE_PER_SEC = 200;
const WORKERS = 8;
const BATCH = 100;
const only = process.env.TASKS_BENCH_ONLY;

const rows: Array<QueueFigures | CoreFigures> = [];
let coreBatched = NaN;
let afterHistory = NaN;

if (only !== 'peers') {
  const core = await startCore({ databaseUrl: await benchDatabaseUrl() });
  try {
    // BENCH_PROFILE=dir: a CPU profile of the server during each drain (bench/cpuprofile.ts reads it).
    const profile = (name: string) => (process.env.BENCH_PROFILE ? `${process.env.BENCH_PROFILE}/tasks-${name}.cpuprofile` : undefined);
    const single = await core.drain({ jobs: JOBS, workers: WORKERS, perCall: 1, profile: profile('single') });
    const batched = await core.drain({ jobs: JOBS, workers: WORKERS, perCall: BATCH, profile: profile('batched') });
    const pickup = await core.pickup({ count: TRICKLE, perSec: TRICKLE_PER_SEC, workers: WORKERS });
    rows.push({ name: 'chimera-core, 1 per claim and completion', ...single, pickupP50Ms: pickup.p50Ms, pickupP99Ms: pickup.p99Ms });
    rows.push({ name: `chimera-core, ${BATCH} per claim and completion`, ...batched, pickupP50Ms: NaN, pickupP99Ms: NaN });
    coreBatched = batched.drainPerSec;
    if (HISTORY > 0) {
      const started = performance.now();
      await core.addHistory(HISTORY);
      console.log(`(${HISTORY.toLocaleString('en')} finished tasks of history added in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
      const again = await core.drain({ jobs: JOBS, workers: WORKERS, perCall: BATCH });
      afterHistory = again.drainPerSec;
      rows.push({ name: `chimera-core, ${BATCH} per call, after the history`, ...again, pickupP50Ms: NaN, pickupP99Ms: NaN });
    }
  } finally {
    await core.stop();
  }
}

let peers: QueueFigures[] = [];
if (only !== 'core') {
  const serverUrl = process.env.DATABASE_URL!;
  const { runPeers } = await import('./tasks-peers.js');
  peers = await runPeers({ serverUrl, jobs: JOBS, workers: WORKERS, trickle: TRICKLE, tricklePerSec: TRICKLE_PER_SEC, only: process.env.TASKS_BENCH_PEERS?.split(',') });
  rows.push(...peers);
}

const fmt = (n: number, digits = 0) => (Number.isNaN(n) ? '–' : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
console.log(`\n${JOBS.toLocaleString('en')} jobs, ${WORKERS} workers; pickup: ${TRICKLE} jobs at ${TRICKLE_PER_SEC}/s`);
console.log(`${'queue'.padEnd(56)} ${'enqueue/s'.padStart(10)} ${'drain/s'.padStart(10)} ${'pickup p50'.padStart(11)} ${'p99'.padStart(8)}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(56)} ${fmt(r.enqueuePerSec).padStart(10)} ${fmt(r.drainPerSec).padStart(10)} ${fmt(r.pickupP50Ms, 2).padStart(8)} ms ${fmt(r.pickupP99Ms, 2).padStart(5)} ms`);
}
if (peers.length > 0 && !Number.isNaN(coreBatched)) {
  const best = peers.reduce((a, b) => (b.drainPerSec > a.drainPerSec ? b : a));
  console.log(`\nbatched drain / best peer (${best.name}): ${(coreBatched / best.drainPerSec).toFixed(2)} (target >= 1.0)`);
}
if (!Number.isNaN(afterHistory)) console.log(`batched drain after / before ${HISTORY.toLocaleString('en')} finished tasks: ${(afterHistory / coreBatched).toFixed(2)} (target >= 0.80)`);
process.exit(0);
