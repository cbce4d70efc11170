// The task queue under faults: RELIABILITY_TASKS tasks (10,000 by default) drain through 8
// workers over gRPC while workers are killed holding their leases, service connections are
// terminated, PostgreSQL is restarted and the service process is killed with SIGKILL and started
// again. Leases are short and the rescuer runs every 200 ms. Afterwards every task must be
// COMPLETE, by exactly one transition, or BLOCKED with a recorded failure for each of its
// attempts; none lost, and every history whole.
import { expect } from 'chai';
import pg from 'pg';
import { postgresBinaries } from '../support/scratch-cluster.js';
import { reliabilitySettings, startFaults } from './support/faults.js';
import { fillQueue, startWorkers } from './support/queue.js';
import { checkDrained, openTasks } from './support/queue-checks.js';
import { byKind, report } from './support/report.js';
import { serverFaults, sleep, startStage, type Stage } from './support/stage.js';

const WORKERS = 8;
const BATCH = 20;
const LEASE_MS = 2_000;

describe('reliability: the task queue under faults', function () {
  const settings = reliabilitySettings();
  /** Each batch's work is paced so that an undisturbed drain takes about RELIABILITY_SECONDS,
   *  within the lease. */
  const workMs = Math.min(LEASE_MS / 4, Math.round((settings.seconds * 1_000 * WORKERS * BATCH) / settings.tasks));
  const drainLimitMs = settings.seconds * 1_000 * 4 + 60_000;
  this.timeout(drainLimitMs + 120_000);
  let stage: Stage | undefined;

  before(function () {
    if (!postgresBinaries()) {
      console.log("    skipped: no initdb/pg_ctl here (pg_config --bindir) to run a cluster of the test's own");
      this.skip();
    }
  });
  after(async () => {
    await stage?.close();
  });

  it(`${WORKERS} workers drain the queue through killed workers, terminated connections, PostgreSQL restarts and kill -9 of the service: every task COMPLETE exactly once or BLOCKED with its failures recorded, none lost`, async () => {
    const setUp = Date.now();
    stage = await startStage({ CHIMERA_TASK_RESCUE_MS: '200' });
    const filling = Date.now();
    const queue = await fillQueue(stage.baseUrl, settings.tasks);
    const started = Date.now();
    const workers = startWorkers(queue, stage.baseUrl, { workers: WORKERS, batch: BATCH, leaseMs: LEASE_MS, workMs, callTimeoutMs: 10_000, giveUpMs: 90_000 });
    // Workers die on a schedule of their own: dying costs the service nothing to recover from.
    const workerDeaths = startFaults({
      everyMs: settings.faultEveryMs,
      recovered: async () => {},
      faults: [{ name: 'worker killed holding its leases', inject: async () => workers.kill(Math.floor(Math.random() * WORKERS)) }],
    });
    let terminated = 0;
    // Each of these stalls the whole queue for seconds: one rotation per 10 s of the paced drain.
    const faults = startFaults({
      everyMs: settings.faultEveryMs,
      rounds: Math.max(1, Math.round(settings.seconds / 10)),
      recovered: () => stage!.untilServing(60_000),
      faults: [
        { name: 'service killed (SIGKILL) and restarted', inject: () => stage!.killService() },
        { name: 'PostgreSQL restarted', inject: () => stage!.restartPostgres(1_000) },
        { name: 'service connections terminated', inject: async () => void (terminated += await stage!.terminateConnections()) },
      ],
    });

    const pool = new pg.Pool({ connectionString: stage.ownerUrl, max: 2 });
    pool.on('error', () => {}); // its idle connections die with each restart of PostgreSQL
    const failures: string[] = [];
    let seconds = 0;
    let checked: Awaited<ReturnType<typeof checkDrained>> | undefined;
    try {
      for (let open = -1; open !== 0; ) {
        if (Date.now() - started > drainLimitMs) {
          failures.push(`${open} tasks still open after ${drainLimitMs / 1_000} s`);
          break;
        }
        await sleep(500);
        open = await openTasks(pool, queue.tenantId).catch(() => -1);
      }
      seconds = (Date.now() - started) / 1_000;
      await faults.stop();
      await workerDeaths.stop();
      await workers.stop();
      failures.push(...workers.unexpected);
      for (const [kind, n] of [...faults.counts, ...workerDeaths.counts]) if (n === 0) failures.push(`no fault of kind "${kind}" was injected before the queue drained: run longer (RELIABILITY_SECONDS)`);
      checked = await checkDrained(pool, queue.tenantId, queue.plans, workers.completedBy);
      failures.push(...checked.problems);
    } finally {
      await pool.end();
    }

    const logged = serverFaults(stage.serviceOutput());
    if (failures.length > 0) for (const line of logged.unexpected.slice(0, 5)) console.log(`      server fault: ${line.slice(0, 2_000)}`);
    const f = workers.figures;
    const o = checked?.outcome;
    report(
      'task queue under faults',
      {
        duration: `${seconds.toFixed(1)} s to drain ${settings.tasks} tasks (${WORKERS} workers, batches of ${BATCH}, ${workMs} ms of work per batch, ${LEASE_MS / 1_000} s leases, rescuer every 200 ms)`,
        tasks: o ? `${o.complete} COMPLETE (${o.completeFirstAttempt} at the first attempt), ${o.blocked} BLOCKED (${o.blockedPoison} of them failing every attempt by plan)` : 'not checked',
        workers: `${f.claimed} tasks claimed, ${f.completed} completions and ${f.failed} failures acknowledged, ${f.abandoned} tasks dropped by killed workers, ${f.leaseLost} refused as LEASE_LOST`,
        rescued: `${o?.rescues ?? '?'} expired leases returned by the rescuer; ${o?.failures ?? '?'} failed attempts recorded in all`,
        retried: `${f.retried} calls sent again; failed calls by code: ${byKind(workers.errors)}`,
        'faults injected': `${byKind(new Map([...workerDeaths.counts, ...faults.counts]))} (${terminated} connections terminated in all)`,
        'server faults logged': byKind(logged.byCode),
        'set-up': `${((filling - setUp) / 1_000).toFixed(1)} s (cluster and service), ${((started - filling) / 1_000).toFixed(1)} s to create the tasks`,
      },
      failures.length === 0 ? 'passed: every check held' : `FAILED: ${failures.length} problems, first: ${failures[0]}`,
    );
    expect(failures.slice(0, 20)).to.deep.equal([]);
    expect(await stage.close(), 'the last service process stops cleanly').to.equal(0);
    stage = undefined;
  });
});
