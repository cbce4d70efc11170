// The peers of the task queue benchmark (bench/tasks.ts): graphile-worker 0.18 and pg-boss 12 given
// the workload chimera-core gets (bench/tasks-core.ts), each configuration in a fresh database of its
// own on the same PostgreSQL, its workers in this process:
//   1. enqueue `jobs` no-op jobs through the library's bulk API, 1,000 per call (as the core's
//      CreateTasks calls are);
//   2. drain them with `workers` concurrent workers: jobs / (time from the library's first fetch to
//      the database holding the last completion);
//   3. add `trickle` jobs one at a time at `tricklePerSec` while the workers wait: pickup latency,
//      from just before the add call to the start of the job's handler.
// Every job carries its own index and its handler counts the runs: each job must run exactly once
// and be completed in the database, or the configuration fails.
//
// pg-boss 12.38.1 declares engines node >= 22.12 but runs on Node 20 as it is (no flag): what it
// uses (Symbol.asyncDispose, AbortSignal.any, JSON import attributes) Node 20 has; only its rrule
// schedules want a global Temporal, and nothing here schedules.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, makeWorkerUtils, run, type Runner, type WorkerEvents } from 'graphile-worker';
import { PgBoss } from 'pg-boss';
import pg from 'pg';

export interface QueueFigures {
  name: string;
  enqueuePerSec: number;
  drainPerSec: number;
  pickupP50Ms: number;
  pickupP99Ms: number;
}

export interface PeerWorkload {
  /** A postgres:// URL of the server; each configuration creates its own database on it. */
  serverUrl: string;
  jobs: number;
  workers: number;
  trickle: number;
  tricklePerSec: number;
  /** Names (or parts of names) of the configurations to run; all when absent. */
  only?: string[];
}

/** One configuration of a library, as the measurement drives it. */
interface Peer {
  /** Enqueues jobs `from` .. `from + count - 1` through the bulk API, BULK per call. */
  addMany(from: number, count: number): Promise<void>;
  /** Enqueues job `index` alone, through the single-job API. */
  addOne(index: number): Promise<void>;
  /** Starts the workers, `onJob(index)` called as each handler starts; resolves to the moment
   *  (performance.now()) the library began fetching, its connection and set-up already done. */
  startWorkers(onJob: (index: number) => void): Promise<number>;
  /** Throws unless the workers are woken by LISTEN/NOTIFY (not only by polling). */
  assertListening(): void;
  /** One row, `n`: the jobs in the database not completed yet (waiting, running, failed). */
  unfinishedSql: string;
  /** Stops the workers, waiting for them, and closes every pool the configuration opened. */
  stop(): Promise<void>;
}

const BULK = 1_000;
/** Pause between the phases, the same for every configuration: long enough for the queue statistics
 *  pg-boss's batch 1 bursts on (recomputed every second there, then cached for a second) to see the
 *  backlog, or its end, as they would in a system already running. */
const SETTLE_MS = 3_000;
/** A phase that starts no job for this long has failed (a lost job, a dead worker). */
const STALL_MS = 30_000;

/** graphile-worker: jobs added with addJobs; its local queue (the pool fetches batches of jobs for
 *  its workers, and completes finished jobs together) off, or on as its performance guide sets it. */
async function graphileWorker(url: string, workers: number, localQueue: boolean): Promise<Peer> {
  // One pool for the enqueue, the workers and their LISTEN, sized as graphile-worker's docs advise
  // (concurrentJobs + 2, at least 10), warm before the drain as pg-boss's is.
  const pool = new pg.Pool({ connectionString: url, max: Math.max(10, workers + 2) });
  // The handlers graphile-worker asks a pool of the caller's for (an idle client's error, then each
  // client's own).
  pool.on('error', (err) => console.error('graphile-worker pool:', err));
  pool.on('connect', (client) => client.on('error', (err) => console.error('graphile-worker client:', err)));
  const logger = new Logger(() => () => {});
  const utils = await makeWorkerUtils({ pgPool: pool, logger });
  await utils.migrate().catch(async (err) => (await utils.release(), await pool.end(), Promise.reject(err)));
  let runner: Runner | undefined;
  let listening = false;
  return {
    async addMany(from, count) {
      for (let done = 0; done < count; done += BULK) {
        const specs = Array.from({ length: Math.min(BULK, count - done) }, (_, k) => ({ identifier: 'noop', payload: { i: from + done + k } }));
        const added = await utils.addJobs(specs);
        if (added.length !== specs.length) throw new Error(`addJobs added ${added.length} of ${specs.length} jobs`);
      }
    },
    addOne: async (index) => void (await utils.addJob('noop', { i: index })),
    async startWorkers(onJob) {
      const events = new EventEmitter() as WorkerEvents;
      let began = NaN;
      // Emitted as the worker pool is made, right before its first fetches.
      events.once('pool:create', () => (began = performance.now()));
      events.once('pool:listen:success', () => (listening = true));
      runner = await run({
        pgPool: pool,
        logger,
        noHandleSignals: true,
        taskList: { noop: async (payload) => onJob((payload as { i: number }).i) },
        preset: {
          worker: {
            events,
            concurrentJobs: workers,
            // Its default: NOTIFY wakes the workers, polling is only the backstop for missed ones.
            pollInterval: 2_000,
            // The performance guide's configuration "with batching" (perfTest): the pool fetches up
            // to 500 jobs at a time and completes finished jobs together without waiting (delay 0).
            // Off is its default and the guide's "without batching": one job per fetch and per
            // completion.
            ...(localQueue ? { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } : {}),
          },
        },
      });
      if (Number.isNaN(began)) throw new Error('graphile-worker: no pool:create event');
      return began;
    },
    assertListening() {
      if (!listening) throw new Error('graphile-worker: its LISTEN never succeeded');
    },
    // Completed jobs are deleted; failed ones stay with their error.
    unfinishedSql: 'SELECT count(*)::int AS n FROM graphile_worker._private_jobs',
    async stop() {
      try {
        await runner?.stop();
        await utils.release();
      } finally {
        await pool.end();
      }
    },
  };
}

/** pg-boss: jobs added with insert; `workers` workers (localConcurrency) fetching `batchSize` jobs
 *  at a time, woken by its LISTEN/NOTIFY, fetching back to back while there is a backlog (its burst
 *  modes), polling at the shortest interval it allows. */
async function pgBoss(url: string, workers: number, batchSize: number): Promise<Peer> {
  const boss = new PgBoss({
    connectionString: url,
    max: Math.max(10, workers + 2),
    // The NOTIFY wake-up (v12: opt-in per instance and per queue, polling otherwise).
    useListenNotify: true,
    // Batch 1's burst trigger reads the queue's ready count from statistics the supervisor's monitor
    // recomputes and each instance caches, every 60 s by default: at their minimum, 1 s. Batches
    // need no statistics, so they are spared the aggregate over the job table every second.
    ...(batchSize === 1 ? { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1, queueCacheIntervalSeconds: 1 } : {}),
    // Nothing here is scheduled or traced, and the backlog is the workload, not a warning.
    schedule: false,
    openTelemetry: { enabled: false },
    warningQueueSize: 1_000_000_000,
  });
  let notifyFailed = false;
  const warned = new Set<string>();
  boss.on('error', (err) => console.error('pg-boss error:', err));
  boss.on('warning', (warning) => {
    const type = (warning.data as { type?: string }).type ?? warning.message;
    if (type === 'listen_notify_unavailable') notifyFailed = true;
    if (!warned.has(type)) console.error(`pg-boss warning (${type}): ${warning.message}`);
    warned.add(type);
  });
  await boss.start();
  try {
    await boss.createQueue('noop', { notify: true });
  } catch (err) {
    await boss.stop({ graceful: false });
    throw err;
  }
  return {
    async addMany(from, count) {
      for (let done = 0; done < count; done += BULK) {
        await boss.insert('noop', Array.from({ length: Math.min(BULK, count - done) }, (_, k) => ({ data: { i: from + done + k } })));
      }
    },
    addOne: async (index) => void (await boss.send('noop', { i: index })),
    async startWorkers(onJob) {
      const began = performance.now();
      await boss.work(
        'noop',
        {
          batchSize,
          localConcurrency: workers,
          // The minimum (0.5 s), also while NOTIFY is active (its default then is 30 s).
          pollingIntervalSeconds: 0.5,
          notifyPollingIntervalSeconds: 0.5,
          // Without a burst mode a worker waits its polling interval after every fetch. Batches:
          // fetch again at once while fetches come back full; single jobs: while the cached ready
          // count exceeds 1 (burstWhenBatchFull is ignored at batch size 1).
          ...(batchSize === 1 ? { burstWhenReadyExceeds: 1 } : { burstWhenBatchFull: true }),
        },
        async (jobs: Array<{ data: { i: number } }>) => {
          for (const job of jobs) onJob(job.data.i);
        },
      );
      return began;
    },
    assertListening() {
      if (notifyFailed) throw new Error('pg-boss: its LISTEN/NOTIFY listener is unavailable');
    },
    unfinishedSql: `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'noop' AND state <> 'completed'`,
    stop: () => boss.stop({ graceful: true, close: true }),
  };
}

const CONFIGURATIONS: Array<{ name: string; database: string; make: (url: string, workers: number) => Promise<Peer> }> = [
  { name: 'graphile-worker 0.18, local queue off', database: 'chimera_bench_gw', make: (url, w) => graphileWorker(url, w, false) },
  { name: 'graphile-worker 0.18, local queue 500', database: 'chimera_bench_gw_lq', make: (url, w) => graphileWorker(url, w, true) },
  { name: 'pg-boss 12, batch 1', database: 'chimera_bench_boss1', make: (url, w) => pgBoss(url, w, 1) },
  { name: 'pg-boss 12, batch 100', database: 'chimera_bench_boss100', make: (url, w) => pgBoss(url, w, 100) },
];

async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The value at fraction `p` of an ascending array (as bench/harness.ts's loops take theirs). */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function measure(peer: Peer, w: PeerWorkload, db: pg.Client): Promise<Omit<QueueFigures, 'name'>> {
  const total = w.jobs + w.trickle;
  const runs = new Uint8Array(total);
  const addedAt = new Float64Array(total);
  const pickups: number[] = [];
  let started = 0;
  let strays = 0;
  let awaited: { count: number; reached: () => void } | undefined;
  const onJob = (i: number) => {
    const now = performance.now();
    if (!Number.isInteger(i) || i < 0 || i >= total || runs[i]++ > 0) strays++;
    else if (i >= w.jobs) pickups.push(now - addedAt[i]);
    started++;
    if (awaited && started >= awaited.count) awaited.reached();
  };
  // Resolves once `count` handlers have started; rejects when none starts for STALL_MS.
  const handlersStarted = (count: number, phase: string) =>
    new Promise<void>((resolve, reject) => {
      let last = started;
      const watch = setInterval(() => {
        if (started === last) (clearInterval(watch), reject(new Error(`${phase}: ${started} of ${count} jobs started, none for ${STALL_MS / 1000} s`)));
        last = started;
      }, STALL_MS);
      awaited = { count, reached: () => (clearInterval(watch), resolve()) };
      if (started >= count) awaited.reached();
    });
  // The database's view: the moment (just before the query that saw it) no job was left unfinished.
  const allFinished = async (phase: string): Promise<number> => {
    const deadline = performance.now() + STALL_MS;
    for (;;) {
      const asked = performance.now();
      const { rows } = await db.query<{ n: number }>(peer.unfinishedSql);
      if (rows[0].n === 0) return asked;
      if (asked > deadline) throw new Error(`${phase}: ${rows[0].n} jobs still unfinished in the database`);
      await sleep(5);
    }
  };

  const enqueueStart = performance.now();
  await peer.addMany(0, w.jobs);
  const enqueuePerSec = w.jobs / ((performance.now() - enqueueStart) / 1000);

  await sleep(SETTLE_MS);
  const drainStart = await peer.startWorkers(onJob);
  await handlersStarted(w.jobs, 'drain');
  // Graphile-worker's workers do not wait for a job's completion to be written (and with its local
  // queue batch them); the core's workers wait for their CompleteTask calls. So the drain ends when
  // the database has every completion, not when the last handler ran.
  const drainEnd = await allFinished('drain');
  const drainPerSec = w.jobs / ((drainEnd - drainStart) / 1000);

  await sleep(SETTLE_MS);
  peer.assertListening();
  const trickleStart = performance.now();
  for (let k = 0; k < w.trickle; k++) {
    const wait = trickleStart + (k * 1000) / w.tricklePerSec - performance.now();
    if (wait > 0) await sleep(wait);
    const i = w.jobs + k;
    addedAt[i] = performance.now();
    await peer.addOne(i);
  }
  await handlersStarted(total, 'trickle');
  await allFinished('trickle');

  const unrun = runs.reduce((n, r) => n + (r === 0 ? 1 : 0), 0);
  if (strays > 0 || unrun > 0 || started !== total) {
    throw new Error(`${started} handler runs for ${total} jobs: ${unrun} jobs never ran, ${strays} runs were repeats or unknown jobs`);
  }
  pickups.sort((a, b) => a - b);
  return { enqueuePerSec, drainPerSec, pickupP50Ms: percentile(pickups, 0.5), pickupP99Ms: percentile(pickups, 0.99) };
}

export async function runPeers(workload: PeerWorkload): Promise<QueueFigures[]> {
  const chosen = CONFIGURATIONS.filter((c) => !workload.only || workload.only.some((o) => c.name.includes(o)));
  if (chosen.length === 0) throw new Error(`no peer configuration matches ${JSON.stringify(workload.only)}; there are: ${CONFIGURATIONS.map((c) => c.name).join('; ')}`);
  const figures: QueueFigures[] = [];
  for (const config of chosen) {
    const url = await freshDatabase(workload.serverUrl, config.database);
    const peer = await config.make(url, workload.workers);
    const db = new pg.Client({ connectionString: url });
    try {
      await db.connect();
      figures.push({ name: config.name, ...(await measure(peer, workload, db)) });
    } finally {
      await db.end().catch(() => {});
      await peer.stop();
    }
  }
  return figures;
}
