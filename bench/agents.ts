// GetAgent over gRPC (the whole stack: HTTP/2, interceptors, auth cache, tenant transaction with
// RLS, mapping) against the same SQL run directly through `pg`, in one process and one run.
//   DATABASE_URL=postgres://... npx tsx bench/agents.ts [seconds=20] [concurrency=32]
import { randomUUID } from 'node:crypto';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { create, toBinary } from '@bufbuild/protobuf';
import { AgentService, GetAgentRequestSchema } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { getAgent } from '../src/gen/sql/agents/agents.queries.js';
import { createPool } from '../src/db/pool.js';
import { Database } from '../src/db/tx.js';
import { silentLogger } from '../src/lib/log.js';
import { startServer } from '../src/server/server.js';
import { benchDatabaseUrl, closedLoop, grpcLoad, printResult, runAsDeployed } from './harness.js';

await runAsDeployed();

const url = await benchDatabaseUrl();
const seconds = Number(process.argv[2] ?? 20);
/** BENCH_PHASES=rpc runs only the gRPC phase (for profiling the server). */
const phases = new Set((process.env.BENCH_PHASES ?? 'baseline,tx,read,rpc').split(','));
const skipped = { label: 'skipped', ops: 0, errors: 0, seconds: 0, perSecond: NaN, p50Ms: NaN, p99Ms: NaN };
const concurrency = Number(process.argv[3] ?? 32);
const AGENTS = 1_000;
const POOL_MAX = 20;
const ADMIN = 'bench-admin-token-0123456789';

const serverPool = createPool(url, POOL_MAX, silentLogger);
const server = await startServer({ pool: serverPool, log: silentLogger, port: 0, host: '127.0.0.1', adminToken: ADMIN, defaultTimeoutMs: 30_000, authCacheTtlMs: 5_000 });
const transport = (token: string) =>
  createGrpcTransport({
    baseUrl: `http://127.0.0.1:${server.port}`,
    interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))],
  });

const admin = createClient(TenantService, transport(ADMIN));
const { tenant } = await admin.createTenant({ tenant: { name: `bench-${randomUUID().slice(0, 8)}` } });
const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['agents:read', 'agents:write'] });
const agents = createClient(AgentService, transport(secret));
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
const pick = (worker: number, i: number) => ids[(worker * 7919 + i * 31) % ids.length];

const directPool = createPool(url, POOL_MAX, silentLogger);
const db = new Database(directPool);
console.log(`GetAgent: ${AGENTS} agents, concurrency ${concurrency}, ${seconds} s per run, pools of ${POOL_MAX}`);

// Warm both paths (JIT, connections, auth cache) before measuring.
await closedLoop('warm-up', concurrency, 2, (w, i) => agents.getAgent({ id: pick(w, i) }));
await closedLoop('warm-up', concurrency, 2, (w, i) => getAgent.run({ tenantId: tenant!.id, id: pick(w, i) }, directPool));

const baseline = !phases.has('baseline') ? skipped : await closedLoop('baseline: same SELECT through pg directly', concurrency, seconds, (w, i) =>
  getAgent.run({ tenantId: tenant!.id, id: pick(w, i) }, directPool),
);
const tx = !phases.has('tx') ? skipped : await closedLoop('reference: tenantTx + SELECT through pg (no RPC)', concurrency, seconds, (w, i) =>
  db.tenantTx({ tenantId: tenant!.id, actor: 'bench', requestId: 'bench', timeoutMs: 30_000 }, (c) => getAgent.run({ tenantId: tenant!.id, id: pick(w, i) }, c)),
);
const read = !phases.has('read') ? skipped : await closedLoop('reference: tenantRead + SELECT through pg (no RPC)', concurrency, seconds, (w, i) =>
  db.tenantRead({ tenantId: tenant!.id, actor: 'bench', requestId: 'bench', timeoutMs: 30_000 }, (c) => getAgent.run({ tenantId: tenant!.id, id: pick(w, i) }, c)),
);
const load = {
  address: `127.0.0.1:${server.port}`,
  path: '/chimera.agents.v1.AgentService/GetAgent',
  token: secret,
  requests: ids.map((id) => toBinary(GetAgentRequestSchema, create(GetAgentRequestSchema, { id }))),
  concurrency,
  seconds,
};
const rpc = await grpcLoad('GetAgent over gRPC (minimal h2 gRPC clients)', { ...load, client: 'h2' });
const rpcGrpcJs = await grpcLoad('GetAgent over gRPC (@grpc/grpc-js clients)', { ...load, client: 'grpc-js' });

for (const r of [baseline, tx, read, rpc, rpcGrpcJs]) printResult(r);
const ratio = rpc.perSecond / baseline.perSecond;
console.log(`ratio gRPC (h2 clients) / direct SQL = ${ratio.toFixed(2)} (target >= 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
console.log(`ratio gRPC (grpc-js clients) / direct SQL = ${(rpcGrpcJs.perSecond / baseline.perSecond).toFixed(2)}`);

await server.shutdown(2_000);
await Promise.all([serverPool.end(), directPool.end()]);
