// The GetAgent server a user would write without chimera-core: plain @grpc/grpc-js with
// @grpc/proto-loader on the same .proto, API keys checked against an in-memory map (token ->
// tenant id), and the same database work per call as chimera-core's GetAgent: the tenant context
// statement (role chimera_app, so RLS applies; tenant, actor, request id; statement_timeout) and
// the same SELECT, pipelined in one round trip (src/db/pipeline.ts, as Database.tenantRead does),
// on a pool of the same size. The SQL is the project's own text, taken once at start up, as a
// hand-written server would hold its two statements in constants.
// Started by bench/agents.ts through bench/servers/child.ts, in a process of its own.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import pg from 'pg';
import { runPipelined, statementOf } from '../../src/db/pipeline.js';
import { getAgent } from '../../src/gen/sql/agents/agents.queries.js';
import { setTenantContext } from '../../src/gen/sql/platform/session.queries.js';
import { serveAsChild } from './child.js';

export interface PeerConfig {
  url: string;
  poolMax: number;
  idleTimeoutMs: number;
  /** API key -> tenant id. */
  tokens: Record<string, string>;
}

const ROOT = new URL('../../', import.meta.url).pathname;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BEARER = /^Bearer\s+(\S+)\s*$/i;
const DEFAULT_TIMEOUT_MS = 30_000;

type Row = Record<string, unknown> & {
  id: string;
  handle: string;
  display_name: string;
  status: string;
  persona: Record<string, unknown>;
  persona_embedding: string | null;
  wallet_network: string;
  wallet_address: string;
  metadata: Record<string, unknown>;
  create_time: Date;
  update_time: Date;
  version: string;
};

/** google.protobuf.Value / Struct in protobufjs' object form. */
type Value = { nullValue: 'NULL_VALUE' } | { numberValue: number } | { stringValue: string } | { boolValue: boolean } | { structValue: Struct } | { listValue: { values: Value[] } };
type Struct = { fields: Record<string, Value> };

function toValue(v: unknown): Value {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: toStruct(v as Record<string, unknown>) };
}

function toStruct(o: Record<string, unknown>): Struct {
  const fields: Record<string, Value> = {};
  for (const [k, v] of Object.entries(o)) fields[k] = toValue(v);
  return { fields };
}

const timestamp = (d: Date) => ({ seconds: String(Math.floor(d.getTime() / 1000)), nanos: (d.getTime() % 1000) * 1_000_000 });

function agentFromRow(row: Row) {
  const p = row.persona as { name?: string; backstory?: string; voice_traits?: string[]; core_beliefs?: string[]; directives?: string[] };
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.display_name,
    status: `AGENT_STATUS_${row.status}`,
    persona: { name: p.name ?? '', backstory: p.backstory ?? '', voiceTraits: p.voice_traits ?? [], coreBeliefs: p.core_beliefs ?? [], directives: p.directives ?? [] },
    personaEmbedding: row.persona_embedding ? (JSON.parse(row.persona_embedding) as number[]) : [],
    wallet: row.wallet_network || row.wallet_address ? { network: row.wallet_network, address: row.wallet_address } : undefined,
    metadata: toStruct(row.metadata),
    createTime: timestamp(row.create_time),
    updateTime: timestamp(row.update_time),
    etag: row.version,
  };
}

const fail = (code: grpc.status, details: string) => Object.assign(new Error(details), { code, details });

await serveAsChild<PeerConfig>(async ({ url, poolMax, idleTimeoutMs, tokens }) => {
  const pool = new pg.Pool({ connectionString: url, max: poolMax, idleTimeoutMillis: idleTimeoutMs, connectionTimeoutMillis: 10_000, application_name: 'agents-peer' });
  pool.on('error', () => {});
  const tenants = new Map(Object.entries(tokens));
  // The two statements' text, as pgtyped generated it from sql/platform/session.sql and
  // sql/agents/agents.sql; only the values change per call.
  const contextSql = (await statementOf(setTenantContext, { tenantId: '', actor: '', requestId: '', statementTimeout: '' })).text;
  const selectSql = (await statementOf(getAgent, { tenantId: '', id: '' })).text;

  const definition = protoLoader.loadSync(`${ROOT}proto/chimera/agents/v1/agents.proto`, {
    includeDirs: [ROOT, `${ROOT}third_party/proto`],
    longs: String,
    enums: String,
    defaults: true,
  });
  const proto = grpc.loadPackageDefinition(definition) as unknown as { chimera: { agents: { v1: { AgentService: grpc.ServiceClientConstructor } } } };
  const { AgentService } = proto.chimera.agents.v1;

  async function getAgentCall(call: grpc.ServerUnaryCall<{ id: string }, unknown>): Promise<unknown> {
    const token = BEARER.exec(String(call.metadata.get('authorization')[0] ?? ''))?.[1];
    const tenantId = token === undefined ? undefined : tenants.get(token);
    if (tenantId === undefined) throw fail(grpc.status.UNAUTHENTICATED, 'unknown API key');
    const id = call.request.id;
    if (!UUID.test(id)) throw fail(grpc.status.INVALID_ARGUMENT, 'id must be a UUID');
    const deadline = call.getDeadline();
    const remaining = deadline instanceof Date ? deadline.getTime() - Date.now() : Number(deadline) - Date.now();
    const timeoutMs = Number.isFinite(remaining) ? Math.max(1, Math.min(remaining, DEFAULT_TIMEOUT_MS)) : DEFAULT_TIMEOUT_MS;
    const client = await pool.connect();
    let rows: Record<string, unknown>[];
    try {
      [, rows] = await runPipelined(client, [
        { text: contextSql, values: [tenantId, 'api_key', randomUUID(), String(Math.floor(timeoutMs))] },
        { text: selectSql, values: [tenantId, id.toLowerCase()] },
      ]);
    } catch (err) {
      client.release(!(err instanceof pg.DatabaseError)); // a broken connection leaves the pool
      throw err;
    }
    client.release();
    if (rows.length === 0) throw fail(grpc.status.NOT_FOUND, `agent ${id} not found`);
    return { agent: agentFromRow(rows[0] as Row) };
  }

  const server = new grpc.Server();
  server.addService(AgentService.service, {
    getAgent: (call: grpc.ServerUnaryCall<{ id: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      getAgentCall(call).then(
        (response) => callback(null, response),
        (err: { code?: number; details?: string; message?: string }) =>
          callback({ code: typeof err.code === 'number' ? err.code : grpc.status.INTERNAL, details: err.details ?? 'internal error' }),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      await pool.end();
    },
  };
});
