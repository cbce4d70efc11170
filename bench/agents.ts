// GetAgent three ways, in one run, against the same database:
//  - chimera-core: the whole server (HTTP/2, interceptors, auth cache, tenant context with RLS,
//    mapping) in a process of its own (bench/servers/agents-core.ts);
//  - the peer a user would otherwise write: plain @grpc/grpc-js + proto-loader, keys in a map, the
//    same two statements pipelined through pg (bench/servers/agents-peer.ts), in its own process;
//  - bare SQL: the same SELECT through pg from this process (no RPC, no tenant context, no RLS role).
// Both servers get npm start's V8 flags, pools of 20 and the same load generator (bench/grpc-load.mjs,
// 2 processes). The three alternate in rounds (core, peer, SQL, then SQL, peer, core, ...); the
// summary gives medians over the rounds, and the ratios are the medians of each round's ratio.
// Per call, each round also reports the server process's CPU (user + system, all threads, from
// /proc) and the CPU of the PostgreSQL backends serving it (by application_name, from /proc).
//   DATABASE_URL=postgres://... npx tsx bench/agents.ts [seconds per run=10] [concurrency=32] [rounds=4]
// CHIMERA_BENCH_DB names the database it creates and drops (default chimera_bench).
// BENCH_CLIENT=grpc-js loads the servers with @grpc/grpc-js clients instead of minimal h2 ones.
// BENCH_REFS=1 also runs tenantTx and tenantRead + the SELECT through pg from this process, once.
// BENCH_CORE_B=<checkout, or its agents-core .ts or compiled .js> adds that chimera-core to the
// rounds (A/B of a server change; both pools' connections are named chimera-core, and an idle
// pool's backends use no CPU).
// BENCH_PROFILE=<dir> ends with one more run of each server under the CPU profiler (not part of
// the figures): <dir>/chimera-core.cpuprofile and peer-grpc-js.cpuprofile, summarised (bench/cpuprofile.ts).
import { randomUUID } from 'node:crypto';
import { readFileSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { create, equals, toBinary } from '@bufbuild/protobuf';
import { GetAgentRequestSchema, GetAgentResponseSchema } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { getAgent } from '../src/gen/sql/agents/agents.queries.js';
import { Database } from '../src/db/tx.js';
import { summarizeProfile } from './cpuprofile.js';
import { benchAdmin, benchClient, benchDatabaseUrl, closedLoop, grpcLoad, runAsDeployed, type RunResult } from './harness.js';
import { processCpuMs, startServerChild, type ServerChild } from './servers/child.js';
import type { CoreConfig } from './servers/agents-core.js';
import type { PeerConfig } from './servers/agents-peer.js';

await runAsDeployed();

const url = await benchDatabaseUrl();
const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 32);
const rounds = Number(process.argv[4] ?? 4);
const client = process.env.BENCH_CLIENT === 'grpc-js' ? 'grpc-js' : 'h2';
const AGENTS = 1_000;
const POOL_MAX = 20;
const ADMIN = 'bench-admin-token-0123456789';
const WARM_UP_SECONDS = 1;
/** Idle connections close after 2 s (deployed: 30 s), so that only the pool under test holds
 *  its 20: the server's max_connections (100 by default) is shared with whoever else uses it. */
const IDLE_TIMEOUT_MS = 2_000;

const core = await startServerChild('chimera-core', new URL('./servers/agents-core.ts', import.meta.url), {
  url,
  poolMax: POOL_MAX,
  idleTimeoutMs: IDLE_TIMEOUT_MS,
  adminToken: ADMIN,
} satisfies CoreConfig);
const admin = benchAdmin(core.port, ADMIN);
const { tenant } = await admin.createTenant({ tenant: { name: `bench-${randomUUID().slice(0, 8)}` } });
const tenantId = tenant!.id;
const { secret } = await admin.createApiKey({ tenantId, scopes: ['agents:read', 'agents:write'] });
const { agents } = benchClient(core.port, secret);
const ids: string[] = [];
for (let i = 0; i < AGENTS; i += 50) {
  const batch = await Promise.all(
    Array.from({ length: 50 }, (_, j) =>
      agents.createAgent({
        agent: {
          handle: `bench_${i + j}`,
          displayName: `Bench ${i + j}`,
          persona: { name: `Persona ${i + j}`, backstory: 'b'.repeat(400), voiceTraits: ['calm', 'curious'], coreBeliefs: ['x'], directives: ['y'] },
          metadata: { niche: 'bench', n: i + j },
        },
      }),
    ),
  );
  ids.push(...batch.map((r) => r.agent!.id));
}
const peer = await startServerChild('peer', new URL('./servers/agents-peer.ts', import.meta.url), {
  url,
  poolMax: POOL_MAX,
  idleTimeoutMs: IDLE_TIMEOUT_MS,
  tokens: { [secret]: tenantId },
} satisfies PeerConfig);
// Both servers answer alike: the peer's response decodes to the same message as chimera-core's.
const fromPeer = await benchClient(peer.port, secret).agents.getAgent({ id: ids[0] });
const fromCore = await agents.getAgent({ id: ids[0] });
if (!equals(GetAgentResponseSchema, fromPeer, fromCore)) throw new Error(`the peer answers differently:\n${JSON.stringify(fromPeer)}\n${JSON.stringify(fromCore)}`);

// BENCH_CORE_B=<another checkout>: that checkout's chimera-core joins the rounds (an A/B test of a
// change to the server, measured against the same peer in the same run). Or the path of its
// agents-core script itself: a .ts, or a .js compiled by `npm run build` (dist/bench/servers/).
const checkoutB = process.env.BENCH_CORE_B;
const coreB = checkoutB
  ? await startServerChild('chimera-core B', pathToFileURL(/\.[jt]s$/.test(checkoutB) ? resolve(checkoutB) : join(resolve(checkoutB), 'bench/servers/agents-core.ts')), {
      url,
      poolMax: POOL_MAX,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      adminToken: ADMIN,
    } satisfies CoreConfig)
  : undefined;

const pick = (worker: number, i: number) => ids[(worker * 7919 + i * 31) % ids.length];
const direct = new pg.Pool({ connectionString: url, max: POOL_MAX, idleTimeoutMillis: IDLE_TIMEOUT_MS, application_name: 'bench-direct' });
const monitor = new pg.Client({ connectionString: url, application_name: 'bench-monitor' });
await monitor.connect();
const requests = ids.map((id) => toBinary(GetAgentRequestSchema, create(GetAgentRequestSchema, { id })));

interface Target {
  name: string;
  /** The server's process; undefined for the bare SQL, which runs in this one. */
  server?: ServerChild;
  /** The application_name of its database connections. */
  app: string;
  run(label: string, seconds: number): Promise<RunResult>;
}

const viaGrpc = (name: string, server: ServerChild, app: string): Target => ({
  name,
  server,
  app,
  run: (label, secs) =>
    grpcLoad(label, { client, address: `127.0.0.1:${server.port}`, path: '/chimera.agents.v1.AgentService/GetAgent', token: secret, requests, concurrency, seconds: secs }),
});
const targets: Target[] = [
  viaGrpc('chimera-core', core, 'chimera-core'),
  viaGrpc('peer (grpc-js)', peer, 'agents-peer'),
  ...(coreB ? [viaGrpc('chimera-core B', coreB, 'chimera-core')] : []),
  {
    name: 'bare SQL',
    app: 'bench-direct',
    run: (label, secs) => closedLoop(label, concurrency, secs, (w, i) => getAgent.run({ tenantId, id: pick(w, i) }, direct)),
  },
];

/** CPU used so far by each PostgreSQL backend whose connection carries that application_name. */
async function backendsCpu(app: string): Promise<Map<number, number>> {
  const { rows } = await monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [app]);
  return new Map(rows.map((r) => [r.pid, processCpuMs(r.pid) ?? 0]));
}

/** Busy and total jiffies of the whole machine (/proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4], total };
}

interface Measured {
  result: RunResult;
  /** Milliseconds of CPU per call: the server process's, and its PostgreSQL backends'. */
  serverCpu: number;
  pgCpu: number;
  /** The share of both cores busy during the run (everyone's work, not only this benchmark's). */
  machineBusy: number;
}

async function measure(target: Target, label: string, secs: number): Promise<Measured> {
  const pgBefore = await backendsCpu(target.app);
  const serverBefore = target.server ? processCpuMs(target.server.pid)! : 0;
  const machineBefore = machineTicks();
  const result = await target.run(label, secs);
  const machineAfter = machineTicks();
  const serverAfter = target.server ? processCpuMs(target.server.pid)! : NaN;
  const pgAfter = await backendsCpu(target.app);
  let pgMs = 0;
  for (const [pid, ms] of pgAfter) pgMs += ms - (pgBefore.get(pid) ?? 0);
  return {
    result,
    serverCpu: (serverAfter - serverBefore) / result.ops,
    pgCpu: pgMs / result.ops,
    machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, IDLE_TIMEOUT_MS + 500));
const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number) => (Number.isNaN(x) ? '    -' : x.toFixed(3));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

function printMeasured(m: Measured): void {
  const r = m.result;
  console.log(
    `${r.label.padEnd(40)} ${r.perSecond.toFixed(0).padStart(7)} ops/s  p50 ${r.p50Ms.toFixed(2).padStart(6)} ms  p99 ${r.p99Ms.toFixed(2).padStart(6)} ms` +
      `  CPU/call: server ${ms(m.serverCpu)} ms, PostgreSQL ${ms(m.pgCpu)} ms  (machine ${(100 * m.machineBusy).toFixed(0)} % busy, ${r.errors} errors)`,
  );
}

console.log(
  `GetAgent: ${AGENTS} agents, concurrency ${concurrency}, ${client} clients in 2 processes, ${seconds} s per run, ${rounds} rounds, pools of ${POOL_MAX}; load average ${load()}`,
);
// JIT, connections and the auth cache warm before anything is measured, and again for a second
// before every run, once the previous pool has let its connections go.
for (const t of targets) await settle().then(() => t.run('warm-up', 5));

const results = new Map<string, Measured[]>(targets.map((t) => [t.name, []]));
for (let round = 1; round <= rounds; round++) {
  for (const t of round % 2 ? targets : [...targets].reverse()) {
    await settle();
    await t.run('warm-up', WARM_UP_SECONDS);
    const m = await measure(t, `round ${round}: ${t.name}`, seconds);
    results.get(t.name)!.push(m);
    printMeasured(m);
  }
}

if (process.env.BENCH_REFS === '1') {
  const db = new Database(direct);
  const scope = { tenantId, actor: 'bench', requestId: 'bench', timeoutMs: 30_000 };
  const reference = (name: string, op: (w: number, i: number) => Promise<unknown>): Target => ({
    name,
    app: 'bench-direct',
    run: (label, secs) => closedLoop(label, concurrency, secs, op),
  });
  for (const t of [
    reference('tenantTx + SELECT', (w, i) => db.tenantTx(scope, (c) => getAgent.run({ tenantId, id: pick(w, i) }, c))),
    reference('tenantRead + SELECT', (w, i) => db.tenantRead(scope, (c) => getAgent.run({ tenantId, id: pick(w, i) }, c))),
  ]) {
    await settle();
    await t.run('warm-up', WARM_UP_SECONDS);
    printMeasured(await measure(t, `no RPC: ${t.name}`, seconds));
  }
}

console.log(`\nmedians over ${rounds} rounds (load average now ${load()}):`);
const summary = targets.map((t) => {
  const ms_ = results.get(t.name)!;
  const row = {
    name: t.name,
    perSecond: median(ms_.map((m) => m.result.perSecond)),
    p50: median(ms_.map((m) => m.result.p50Ms)),
    p99: median(ms_.map((m) => m.result.p99Ms)),
    serverCpu: median(ms_.map((m) => m.serverCpu)),
    pgCpu: median(ms_.map((m) => m.pgCpu)),
  };
  console.log(
    `  ${row.name.padEnd(16)} ${row.perSecond.toFixed(0).padStart(7)} ops/s  p50 ${row.p50.toFixed(2).padStart(6)} ms  p99 ${row.p99.toFixed(2).padStart(6)} ms  CPU/call: server ${ms(row.serverCpu)} ms, PostgreSQL ${ms(row.pgCpu)} ms`,
  );
  return row;
});
const perRound = (a: string, b: string) => results.get(a)!.map((m, i) => m.result.perSecond / results.get(b)![i].result.perSecond);
const [coreRatios, sqlRatios] = [perRound('chimera-core', 'peer (grpc-js)'), perRound('chimera-core', 'bare SQL')];
const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
const coreRatio = median(coreRatios);
console.log(`ratio chimera-core / peer     = ${coreRatio.toFixed(2)} (rounds: ${list(coreRatios)}; target >= 1.0: ${coreRatio >= 1 ? 'met' : 'NOT met'})`);
console.log(`ratio chimera-core / bare SQL = ${median(sqlRatios).toFixed(2)} (rounds: ${list(sqlRatios)})`);
if (coreB) {
  const ratios = perRound('chimera-core B', 'chimera-core');
  console.log(`ratio chimera-core B / chimera-core = ${median(ratios).toFixed(2)} (rounds: ${list(ratios)}; B is ${checkoutB})`);
}
const [c, p] = summary;
console.log(
  `chimera-core - peer, per call: server CPU ${(c.serverCpu - p.serverCpu).toFixed(3)} ms, PostgreSQL CPU ${(c.pgCpu - p.pgCpu).toFixed(3)} ms`,
);

const profileDir = process.env.BENCH_PROFILE;
if (profileDir) {
  mkdirSync(profileDir, { recursive: true });
  for (const t of targets.filter((t) => t.server)) {
    const file = join(profileDir, `${t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-$/, '')}.cpuprofile`);
    await settle();
    await t.run('warm-up', WARM_UP_SECONDS);
    await t.server!.profileStart();
    const m = await measure(t, `profiled: ${t.name}`, seconds);
    await t.server!.profileStop(file);
    console.log();
    printMeasured(m);
    console.log(summarizeProfile(file, m.result.ops, 30));
  }
}

await Promise.all([core.stop(), peer.stop(), coreB?.stop(), direct.end(), monitor.end()]);

