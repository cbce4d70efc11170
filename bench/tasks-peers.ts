// The peers of the task queue benchmark (bench/tasks.ts): graphile-worker and pg-boss given the
// workload chimera-core gets, each configuration in a fresh database of its own on the same
// PostgreSQL, its workers in this process:
//   - bulk enqueue `jobs` no-op jobs (their bulk APIs, 1,000 per call), then drain them with
//     `workers` concurrent workers: jobs / (time from starting the workers to the last job done);
//   - `trickle` jobs added one at a time at `tricklePerSec` while the workers wait: pickup latency
//     from just before the add call to the moment the handler starts.
// Configured for throughput as their documentation advises, each with its LISTEN/NOTIFY wake-up.
import { Logger, run, makeWorkerUtils, type Runner } from 'graphile-worker';
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

/** What a configuration's harness drives: an enqueue API, workers started and stopped, and a
 *  handler hook called as each job starts. */
interface Queue {
  addMany(count: number): Promise<void>;
  addOne(index: number): Promise<void>;
  startWorkers(onJob: (index: number) => void): Promise<void>;
  stop(): Promise<void>;
}

const silent = new Logger(() => () => {});
const BULK = 1_000;

async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** graphile-worker: jobs added with addJobs; the local queue (batched fetches, batched
 *  completions) on or off. */
async function graphileWorker(url: string, workers: number, localQueue: boolean): Promise<Queue> {
  const utils = await makeWorkerUtils({ connectionString: url, logger: silent });
  await utils.migrate();
  let runner: Runner | undefined;
  return {
    addMany: async (count) => {
      for (let done = 0; done < count; done += BULK) {
        await utils.addJobs(Array.from({ length: Math.min(BULK, count - done) }, () => ({ identifier: 'noop', payload: { i: -1 } })));
      }
    },
    addOne: async (index) => void (await utils.addJob('noop', { i: index })),
    startWorkers: async (onJob) => {
      runner = await run({
        connectionString: url,
        concurrency: workers,
        noHandleSignals: true,
        pollInterval: 1_000,
        logger: silent,
        taskList: { noop: async (payload) => onJob((payload as { i: number }).i) },
        // Batched fetches and completions, as graphile-worker's performance guide sets them.
        preset: localQueue ? { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } : {},
      });
    },
    stop: async () => {
      await runner?.stop();
      await utils.release();
    },
  };
}

/** pg-boss: jobs inserted in bulk; workers fetching `batchSize` at a time, woken by its
 *  LISTEN/NOTIFY, fetching back to back while there is a backlog (its burst modes). */
async function pgBoss(url: string, workers: number, batchSize: number): Promise<Queue> {
  const boss = new PgBoss({ connectionString: url, useListenNotify: true, superviseIntervalSeconds: 1, monitorIntervalSeconds: 1, queueCacheIntervalSeconds: 1, schedule: false });
  boss.on('error', (err) => console.error('pg-boss:', err));
  await boss.start();
  await boss.createQueue('noop', { notify: true });
  return {
    addMany: async (count) => {
      for (let done = 0; done < count; done += BULK) {
        await boss.insert('noop', Array.from({ length: Math.min(BULK, count - done) }, () => ({ data: { i: -1 } })));
      }
    },
    addOne: async (index) => void (await boss.send('noop', { i: index })),
    startWorkers: async (onJob) => {
      await boss.work(
        'noop',
        {
          batchSize,
          localConcurrency: workers,
          pollingIntervalSeconds: 0.5,
          notifyPollingIntervalSeconds: 0.5,
          // Back-to-back fetches while there is work: by the cached backlog for single jobs, by
          // full batches for batches.
          ...(batchSize === 1 ? { burstWhenReadyExceeds: 1 } : { burstWhenBatchFull: true }),
        },
        async (jobs: Array<{ data: { i: number } }>) => {
          for (const job of jobs) onJob(job.data.i);
        },
      );
    },
    stop: () => boss.stop({ graceful: true }),
  };
}

const CONFIGURATIONS: Array<{ name: string; database: string; make: (url: string, workers: number) => Promise<Queue> }> = [
  { name: 'graphile-worker 0.18, local queue off', database: 'chimera_bench_gw', make: (url, w) => graphileWorker(url, w, false) },
  { name: 'graphile-worker 0.18, local queue 500', database: 'chimera_bench_gw_lq', make: (url, w) => graphileWorker(url, w, true) },
  { name: 'pg-boss 12, batch 1', database: 'chimera_bench_boss1', make: (url, w) => pgBoss(url, w, 1) },
  { name: 'pg-boss 12, batch 100', database: 'chimera_bench_boss100', make: (url, w) => pgBoss(url, w, 100) },
];

async function measure(queue: Queue, workload: PeerWorkload): Promise<Omit<QueueFigures, 'name'>> {
  const enqueueStart = performance.now();
  await queue.addMany(workload.jobs);
  const enqueuePerSec = workload.jobs / ((performance.now() - enqueueStart) / 1000);

  let drained = 0;
  let drainedAll: () => void = () => {};
  const allDrained = new Promise<void>((resolve) => (drainedAll = resolve));
  const createdAt = new Map<number, number>();
  const latencies: number[] = [];
  let trickled: () => void = () => {};
  const allTrickled = new Promise<void>((resolve) => (trickled = resolve));
  const onJob = (index: number) => {
    if (index < 0) {
      if (++drained === workload.jobs) drainedAll();
      return;
    }
    latencies.push(performance.now() - createdAt.get(index)!);
    if (latencies.length === workload.trickle) trickled();
  };
  const drainStart = performance.now();
  await queue.startWorkers(onJob);
  await allDrained;
  const drainPerSec = workload.jobs / ((performance.now() - drainStart) / 1000);

  // The workers are idle and waiting now: trickle.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const started = performance.now();
  for (let i = 0; i < workload.trickle; i++) {
    const wait = started + (i * 1000) / workload.tricklePerSec - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    createdAt.set(i, performance.now());
    await queue.addOne(i);
  }
  await allTrickled;
  if (drained !== workload.jobs) throw new Error(`ran ${drained} of ${workload.jobs} jobs`);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { enqueuePerSec, drainPerSec, pickupP50Ms: pct(0.5), pickupP99Ms: pct(0.99) };
}

export async function runPeers(workload: PeerWorkload): Promise<QueueFigures[]> {
  const figures: QueueFigures[] = [];
  for (const config of CONFIGURATIONS) {
    if (workload.only && !workload.only.some((o) => config.name.includes(o))) continue;
    const queue = await config.make(await freshDatabase(workload.serverUrl, config.database), workload.workers);
    try {
      figures.push({ name: config.name, ...(await measure(queue, workload)) });
    } finally {
      await queue.stop();
    }
  }
  return figures;
}
