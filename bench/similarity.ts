// SearchSimilarContent on a clustered synthetic data set: 50,000 vectors of 1,536 dimensions in
// 50 tenants (one holds half, 49 share the other half), queries drawn near the clusters. For the
// big tenant and for small ones, with and without an extra filter (asset type, 10 % of the rows):
// recall@10 of the index search against the exact search (`exact: true`, the same RPC), and
// queries/s at 8 concurrent clients, the exact search's too for the big tenant. Reports the HNSW
// index build time. Everything goes through the whole server (a process of its own, as npm start
// runs it) over gRPC, except loading the rows, which the owner does in bulk.
//   DATABASE_URL=postgres://... npx tsx bench/similarity.ts [vectors=50000] [seconds=10]

import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import pg from 'pg';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { AssetType, ContentService } from '../src/gen/proto/chimera/content/v1/content_pb.js';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { benchDatabaseUrl, closedLoop } from './harness.js';
import { startServerChild } from './servers/child.js';

const VECTORS = Number(process.argv[2] ?? 50_000);
const SECONDS = Number(process.argv[3] ?? 10);
const TENANTS = 50;
const CLUSTERS = 50;
const DIM = 1536;
const QUERIES = 100;
const ADMIN = 'bench-admin-token-0123456789';

/** A seeded generator, so runs compare. */
function random(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}
const rand = random(42);
const gaussian = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
const centers = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, gaussian));
/** A point of cluster `c`: its center plus noise of about a third of its spread. */
const near = (c: number) => centers[c].map((x) => Math.fround(x + 0.35 * gaussian()));

const url = await benchDatabaseUrl();
const server = await startServerChild('chimera-core', new URL('./servers/agents-core.ts', import.meta.url), { url, poolMax: 20, adminToken: ADMIN });
const transport = (token: string) =>
  createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}`, interceptors: [(next) => async (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))] });
const admin = createClient(TenantService, transport(ADMIN));
const tenants: Array<{ id: string; agentId: string; content: Client<typeof ContentService> }> = [];
for (let i = 0; i < TENANTS; i++) {
  const { tenant } = await admin.createTenant({ tenant: { name: `similarity ${i}` } });
  const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['*'] });
  const { agent } = await createClient(AgentService, transport(secret)).createAgent({ agent: { handle: `agent_${i}` } });
  tenants.push({ id: tenant!.id, agentId: agent!.id, content: createClient(ContentService, transport(secret)) });
}

// Load: half the vectors to tenant 0, the rest spread over the others; every tenth a VIDEO.
const owner = new pg.Client({ connectionString: url });
await owner.connect();
await owner.query('DROP INDEX content_assets_embedding_idx');
const loadStart = performance.now();
const BATCH = 500;
for (let done = 0; done < VECTORS; done += BATCH) {
  const rows = Array.from({ length: Math.min(BATCH, VECTORS - done) }, (_, j) => {
    const i = done + j;
    const tenant = i < VECTORS / 2 ? tenants[0] : tenants[1 + (i % (TENANTS - 1))];
    return { tenant, type: i % 10 === 0 ? 'VIDEO' : 'TEXT', vector: `[${near(i % CLUSTERS).join(',')}]` };
  });
  await owner.query(
    `INSERT INTO content_assets (tenant_id, id, agent_id, asset_type, embedding, create_fingerprint)
     SELECT t, gen_random_uuid(), a, ty, e::vector, '\\x00' FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS r(t, a, ty, e)`,
    [rows.map((r) => r.tenant.id), rows.map((r) => r.tenant.agentId), rows.map((r) => r.type), rows.map((r) => r.vector)],
  );
}
console.log(`loaded ${VECTORS.toLocaleString('en')} vectors in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`);
await owner.query(`SET maintenance_work_mem = '2GB'`);
const buildStart = performance.now();
// The migration's definition, built once the rows are in.
await owner.query('CREATE INDEX content_assets_embedding_idx ON content_assets USING hnsw (embedding vector_cosine_ops)');
const buildSeconds = (performance.now() - buildStart) / 1000;
await owner.query('VACUUM ANALYZE content_assets');
await owner.end();
console.log(`HNSW index (m 16, ef_construction 64) built in ${buildSeconds.toFixed(0)} s`);

const queries = Array.from({ length: QUERIES }, (_, i) => near((i * 7) % CLUSTERS));
type Scenario = { name: string; tenant: (i: number) => (typeof tenants)[number]; filter: { assetType?: AssetType } };
const scenarios: Scenario[] = [
  { name: 'big tenant (half the rows)', tenant: () => tenants[0], filter: {} },
  { name: 'big tenant, VIDEO only (10 %)', tenant: () => tenants[0], filter: { assetType: AssetType.VIDEO } },
  { name: 'small tenants (1 % each)', tenant: (i) => tenants[1 + (i % (TENANTS - 1))], filter: {} },
  { name: 'small tenants, VIDEO only', tenant: (i) => tenants[1 + (i % (TENANTS - 1))], filter: { assetType: AssetType.VIDEO } },
];
const search = (s: Scenario, i: number, exact: boolean) =>
  s.tenant(i).content.searchSimilarContent({ query: { case: 'embedding', value: { values: queries[i % QUERIES] } }, topK: 10, exact, ...s.filter });

console.log(`\n${'scenario'.padEnd(34)} ${'recall@10'.padStart(9)} ${'index q/s'.padStart(10)} ${'exact q/s'.padStart(10)}`);
const results: Array<{ name: string; recall: number; annQps: number; exactQps: number }> = [];
for (const s of scenarios) {
  let hits = 0;
  let wanted = 0;
  for (let i = 0; i < QUERIES; i++) {
    const [ann, exact] = await Promise.all([search(s, i, false), search(s, i, true)]);
    const truth = new Set(exact.results.map((r) => r.asset!.id));
    wanted += truth.size;
    hits += ann.results.filter((r) => truth.has(r.asset!.id)).length;
  }
  const annRun = await closedLoop(`${s.name}, index`, 8, SECONDS, (_, i) => search(s, i, false));
  const exactRun = s.tenant(0) === tenants[0] && !s.filter.assetType ? await closedLoop(`${s.name}, exact`, 8, SECONDS, (_, i) => search(s, i, true)) : undefined;
  const row = { name: s.name, recall: hits / wanted, annQps: annRun.perSecond, exactQps: exactRun?.perSecond ?? NaN };
  results.push(row);
  console.log(`${row.name.padEnd(34)} ${row.recall.toFixed(3).padStart(9)} ${row.annQps.toFixed(0).padStart(10)} ${(Number.isNaN(row.exactQps) ? '–' : row.exactQps.toFixed(0)).padStart(10)}`);
}
const big = results[0];
console.log(`\nrecall@10 >= 0.95 everywhere: ${results.every((r) => r.recall >= 0.95) ? 'met' : 'NOT met'} (lowest ${Math.min(...results.map((r) => r.recall)).toFixed(3)})`);
console.log(`big tenant, index / exact throughput: ${(big.annQps / big.exactQps).toFixed(1)} (target >= 10)`);
await server.stop();
process.exit(0);
