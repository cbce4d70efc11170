// PostgreSQL's side of one GetAgent: the CPU its backend spends per call (from /proc) for what a
// server sends, and for variants of it, so that a change to the tenant context can be priced
// before it is made. What chimera-core and bench/servers/agents-peer.ts both send is variant
// "context + SELECT": the tenant context statement (sql/platform/session.sql: role, tenant,
// actor, request id, statement_timeout) and the getAgent SELECT, unnamed, pipelined behind one
// Sync, so each call parses and plans both. Each variant runs on its own connection in a closed
// loop (one call in flight), the variants alternate in rounds, and the figures are medians.
//   DATABASE_URL=postgres://... npx tsx bench/agents-statements.ts [seconds per run=3] [rounds=3]
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { statementOf } from '../src/db/pipeline.js';
import { getAgent } from '../src/gen/sql/agents/agents.queries.js';
import { setTenantContext } from '../src/gen/sql/platform/session.queries.js';
import { benchDatabaseUrl } from './harness.js';
import { processCpuMs } from './servers/child.js';

const url = await benchDatabaseUrl();
const seconds = Number(process.argv[2] ?? 3);
const rounds = Number(process.argv[3] ?? 3);
const AGENTS = 1_000;

const setup = new pg.Client({ connectionString: url });
await setup.connect();
const tenantId = randomUUID();
await setup.query(`INSERT INTO tenants (id, name, create_fingerprint) VALUES ($1, 'statements', '')`, [tenantId]);
const { rows } = await setup.query<{ id: string }>(
  `INSERT INTO agents (tenant_id, handle, display_name, persona, metadata, create_fingerprint)
   SELECT $1, 'bench_' || n, 'Bench ' || n,
          jsonb_build_object('name', 'Persona ' || n, 'backstory', repeat('b', 400), 'voice_traits', '["calm","curious"]'::jsonb,
                             'core_beliefs', '["x"]'::jsonb, 'directives', '["y"]'::jsonb),
          jsonb_build_object('niche', 'bench', 'n', n), ''
   FROM generate_series(1, $2::int) n RETURNING id`,
  [tenantId, AGENTS],
);
const ids = rows.map((r) => r.id);
await setup.query('ANALYZE agents');
await setup.end();

interface Statement {
  /** Set: parsed once per connection, then only bound and executed. */
  name?: string;
  text: string;
  values: () => unknown[];
}

const context = (await statementOf(setTenantContext, { tenantId: '', actor: '', requestId: '', statementTimeout: '' })).text;
const select = (await statementOf(getAgent, { tenantId: '', id: '' })).text;
const contextValues = () => [tenantId, `api_key:${tenantId}`, randomUUID(), '30000'];
const lean = (statementTimeout: boolean) =>
  `SELECT set_config('role', 'chimera_app', true), set_config('app.tenant_id', $1::text, true)` +
  (statementTimeout ? `, set_config('statement_timeout', $2::text, true)` : '');
let n = 0;
const selectValues = () => [tenantId, ids[(n++ * 31) % ids.length]];

const variants: Record<string, Statement[]> = {
  'SELECT alone, as postgres (no role, no RLS)': [{ text: select, values: selectValues }],
  'context + SELECT (what both servers send)': [
    { text: context, values: contextValues },
    { text: select, values: selectValues },
  ],
  'context + SELECT, named (parsed once per connection)': [
    { name: 'context', text: context, values: contextValues },
    { name: 'select', text: select, values: selectValues },
  ],
  'context + SELECT, named, custom plans': [
    { name: 'context-custom', text: `${context.trimEnd()}, set_config('plan_cache_mode', 'force_custom_plan', true)`, values: contextValues },
    { name: 'select', text: select, values: selectValues },
  ],
  'role, tenant, timeout + SELECT (no actor, request id)': [
    { text: lean(true), values: () => [tenantId, '30000'] },
    { text: select, values: selectValues },
  ],
  'role, tenant, timeout + SELECT, named': [
    { name: 'lean', text: lean(true), values: () => [tenantId, '30000'] },
    { name: 'select', text: select, values: selectValues },
  ],
  'role, tenant + SELECT (no statement_timeout)': [
    { text: lean(false), values: () => [tenantId] },
    { text: select, values: selectValues },
  ],
  'context alone': [{ text: context, values: contextValues }],
};

/** The statements in one round trip (Parse unless already parsed, Bind, Describe, Execute, then
 *  one Sync), as src/db/pipeline.ts sends them; the rows are read and dropped. */
function pipelined(client: pg.Client, parsed: Set<string>, statements: Statement[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let error: Error | undefined;
    client.query({
      submit(connection: any) {
        connection.stream.cork?.();
        for (const s of statements) {
          if (!s.name || !parsed.has(s.name)) connection.parse({ text: s.text, name: s.name ?? '', types: [] });
          if (s.name) parsed.add(s.name);
          connection.bind({ portal: '', statement: s.name ?? '', values: s.values(), valueMapper: undefined });
          connection.describe({ type: 'P', name: '' });
          connection.execute({ portal: '', rows: 0 });
        }
        connection.sync();
        connection.stream.uncork?.();
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleCommandComplete() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
      handleCopyInResponse() {},
      handleCopyData() {},
      handleError: (err: Error) => (error ??= err),
      handleReadyForQuery: () => (error ? reject(error) : resolve()),
    } as unknown as pg.Submittable);
  });
}

async function run(statements: Statement[]): Promise<{ perCallMs: number; callsPerSecond: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows: [{ pid }] } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const parsed = new Set<string>();
  for (let i = 0; i < 200; i++) await pipelined(client, parsed, statements); // caches warm
  const before = processCpuMs(pid)!;
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < seconds * 1000) {
    await pipelined(client, parsed, statements);
    calls++;
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = processCpuMs(pid)! - before;
  await client.end();
  return { perCallMs: cpu / calls, callsPerSecond: calls / elapsed };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = new Map<string, { perCallMs: number[]; callsPerSecond: number[] }>();
for (let round = 1; round <= rounds; round++) {
  const names = Object.keys(variants);
  for (const name of round % 2 ? names : names.reverse()) {
    const r = await run(variants[name]);
    const entry = results.get(name) ?? { perCallMs: [], callsPerSecond: [] };
    entry.perCallMs.push(r.perCallMs);
    entry.callsPerSecond.push(r.callsPerSecond);
    results.set(name, entry);
  }
}
console.log(`PostgreSQL backend CPU per call, one connection, one call in flight, ${seconds} s per run, medians of ${rounds} rounds:`);
const reference = median(results.get('context + SELECT (what both servers send)')!.perCallMs);
for (const [name, r] of results) {
  const ms = median(r.perCallMs);
  console.log(
    `  ${name.padEnd(56)} ${ms.toFixed(4)} ms/call (${(ms - reference >= 0 ? '+' : '') + (ms - reference).toFixed(4)})  ${median(r.callsPerSecond).toFixed(0).padStart(6)} calls/s` +
      `  [${r.perCallMs.map((x) => x.toFixed(4)).join(', ')}]`,
  );
}
