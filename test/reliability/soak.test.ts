// The soak: the mixed workload (agents, tasks, ledger, similarity) through the service as a
// process of its own for RELIABILITY_SOAK_SECONDS, sampled every 5 s for throughput, the process's
// resident memory (VmRSS), its CPU time and the pool's waiting count (GET /metrics). After the
// warm-up, the last quarter of the run must answer at least half the calls per second of the
// first and cost the service at most 1.5 times its CPU time per call, resident memory must grow
// less than 10 % (25 % in runs under 5 minutes), no call may fail, and once the load stops no unit
// of work may still wait for or hold a connection.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { asServiceRole, testEnv } from '../support/environment.js';
import { startServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { prepareTenant, startMixedWorkload } from './support/mixed-workload.js';
import { report } from './support/report.js';

const SECONDS = Number(process.env.RELIABILITY_SOAK_SECONDS ?? 30);
const SAMPLE_MS = 5_000;
/** The first fifth of the run, at least 10 s: JIT, pools and caches fill. */
const WARM_UP_MS = Math.max(10_000, SECONDS * 200);
const CLIENTS = 8;
/** The bound is for the long run. A short run's 20 s after the warm-up sit inside one
 *  cycle of the old generation filling up before a full collection, so its bound is looser. */
const RSS_GROWTH_LIMIT = SECONDS >= 300 ? 10 : 25;
const ADMIN = 'soak-admin-token-0123456789';
const METRICS_TOKEN = 'soak-metrics-token-0123456789';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds the process has used (user + system), from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The process's resident set, in MiB. */
function residentMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(kb![1]) / 1024;
}

async function poolGauges(baseUrl: string): Promise<{ waiting: number; inUse: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { waiting: gauge('chimera_db_pool_waiting'), inUse: gauge('chimera_db_pool_in_use') };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('reliability: the soak', function () {
  this.timeout(SECONDS * 1_000 + 120_000);
  let service: ServiceProcess | undefined;

  before(function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: runs the service as a process of its own on DATABASE_URL; set DATABASE_URL');
      this.skip();
    }
  });
  after(async () => {
    if (service?.alive()) await service.stop();
  });

  it(`serves the mixed workload for ${SECONDS} s with steady throughput, resident memory growing under ${RSS_GROWTH_LIMIT} % after the warm-up, no failed call and no connection left waiting or held`, async () => {
    if (SECONDS * 1_000 < WARM_UP_MS + 2 * SAMPLE_MS) throw new Error(`RELIABILITY_SOAK_SECONDS must leave at least two samples after the ${WARM_UP_MS / 1_000} s warm-up`);
    service = await startServiceProcess({
      DATABASE_URL: asServiceRole(testEnv().databaseUrl),
      CHIMERA_MIGRATION_URL: testEnv().databaseUrl,
      CHIMERA_ADMIN_TOKEN: ADMIN,
      CHIMERA_METRICS_TOKEN: METRICS_TOKEN,
      CHIMERA_ACCESS_LOG: 'false',
    });
    const baseUrl = `http://127.0.0.1:${service.port}`;
    const pid = service.child.pid!;
    const load = startMixedWorkload(baseUrl, await prepareTenant(baseUrl, ADMIN), { clients: CLIENTS, callTimeoutMs: 10_000 });
    const samples: Array<{ at: number; perSecond: number; cpuMsPerCall: number; load: number; rss: number; waiting: number }> = [];
    const started = Date.now();
    // Resident memory every second: a single reading lands anywhere in the collector's cycle.
    const rss: Array<{ at: number; mib: number }> = [];
    const rssTimer = setInterval(() => rss.push({ at: Date.now() - started, mib: residentMiB(pid) }), 1_000);
    let last = 0;
    let lastCpu = cpuSeconds(pid);
    while (Date.now() - started < SECONDS * 1_000) {
      await sleep(SAMPLE_MS - ((Date.now() - started) % SAMPLE_MS));
      const completed = load.completed();
      const { waiting } = await poolGauges(baseUrl);
      const cpu = cpuSeconds(pid);
      const load1 = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
      samples.push({ at: Date.now() - started, perSecond: ((completed - last) * 1_000) / SAMPLE_MS, cpuMsPerCall: ((cpu - lastCpu) * 1_000) / Math.max(1, completed - last), load: load1, rss: residentMiB(pid), waiting });
      last = completed;
      lastCpu = cpu;
    }
    clearInterval(rssTimer);
    await load.stop();
    // Idle again: nothing waits for a connection and none is held (the gauges are read live).
    let idle = await poolGauges(baseUrl);
    for (let i = 0; i < 50 && (idle.waiting !== 0 || idle.inUse !== 0); i++) (await sleep(100), (idle = await poolGauges(baseUrl)));

    const steady = samples.filter((s) => s.at > WARM_UP_MS + SAMPLE_MS / 2);
    const rates = steady.map((s) => s.perSecond);
    // Medians of the first quarter after the warm-up against those of the last quarter. Windows
    // alone say little on a shared machine: the service's CPU time per call tells its own cost
    // from the machine's other work.
    const quarter = (SECONDS * 1_000 - WARM_UP_MS) / 4;
    const first = steady.filter((s) => s.at <= WARM_UP_MS + quarter + SAMPLE_MS / 2);
    const lastQuarter = steady.filter((s) => s.at > SECONDS * 1_000 - quarter - SAMPLE_MS / 2);
    const throughput = median(lastQuarter.map((s) => s.perSecond)) / median(first.map((s) => s.perSecond));
    const cost = median(lastQuarter.map((s) => s.cpuMsPerCall)) / median(first.map((s) => s.cpuMsPerCall));
    const warm = median(rss.filter((r) => r.at > WARM_UP_MS && r.at <= WARM_UP_MS + quarter).map((r) => r.mib));
    const end = median(rss.filter((r) => r.at > SECONDS * 1_000 - quarter).map((r) => r.mib));
    const growth = (end / warm - 1) * 100;
    const errors = [...load.errors].map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
    const failures: string[] = [];
    if (load.samples.length > 0) failures.push(`failed calls: ${load.samples.join('; ')}`);
    if (!(throughput >= 0.5)) failures.push(`the last quarter answered ${(throughput * 100).toFixed(0)} % of the first quarter's calls per second`);
    if (!(cost <= 1.5)) failures.push(`a call cost the service ${(cost * 100).toFixed(0)} % of its CPU time in the first quarter`);
    if (!(growth < RSS_GROWTH_LIMIT)) failures.push(`resident memory grew ${growth.toFixed(1)} % after the warm-up, over ${RSS_GROWTH_LIMIT} %`);
    if (idle.waiting !== 0 || idle.inUse !== 0) failures.push(`after the load ${idle.waiting} waiting for a connection and ${idle.inUse} held`);
    const exit = await service.stop();
    if (exit !== 0) failures.push(`the service exited ${exit}`);
    report(`Soak (${SECONDS} s, ${CLIENTS} clients)`, {
      'calls answered': load.completed(),
      'calls per second after warm-up (min / median / max)': `${Math.min(...rates).toFixed(0)} / ${median(rates).toFixed(0)} / ${Math.max(...rates).toFixed(0)}`,
      'calls per second, last quarter against first (bound 50 %)': `${(throughput * 100).toFixed(0)} %`,
      "the service's CPU ms per call, last quarter against first (bound 150 %)": `${(cost * 100).toFixed(0)} % (${median(first.map((s) => s.cpuMsPerCall)).toFixed(2)} -> ${median(lastQuarter.map((s) => s.cpuMsPerCall)).toFixed(2)})`,
      'calls per second per 5 s window': samples.map((s) => s.perSecond.toFixed(0)).join(' '),
      "the machine's load average per window": samples.map((s) => s.load.toFixed(1)).join(' '),
      'resident memory MiB per window': samples.map((s) => s.rss.toFixed(0)).join(' '),
      'resident memory growth after warm-up (medians of the first and last quarter)': `${growth.toFixed(1)} % (${warm.toFixed(0)} -> ${end.toFixed(0)} MiB; bound ${RSS_GROWTH_LIMIT} %)`,
      'pool waiting per window (max)': Math.max(...samples.map((s) => s.waiting)),
      'pool after the load (waiting / in use)': `${idle.waiting} / ${idle.inUse}`,
      'failed calls': errors,
    }, failures.length === 0 ? 'passed' : `failed: ${failures.join('; ')}`);
    expect(failures).to.deep.equal([]);
  });
});
