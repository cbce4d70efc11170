// Malformed requests to every unary RPC, in every protocol the port serves: random and truncated
// protobuf, wrong wire types, bad UTF-8, broken gRPC framing, a compressed flag with no encoding,
// broken and ill-typed JSON. None may be answered Internal or Unknown, every refusal carries a
// request id, and the process (a process of its own here) lives and serves on.
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import type { DescMethod, DescService } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { LedgerService } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import { asServiceRole, testEnv } from './support/environment.js';
import { newTenant } from './support/fixtures.js';
import { frame, RawClient, WIRE_PROTOCOLS, type RawRequest } from './support/raw-rpc.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

const ADMIN = 'fuzz-admin-token-0123456789';

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number) {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

function binaryPayloads(next: () => number): Buffer[] {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
  const uuid = Buffer.from('6f1c8a52-0000-4000-8000-000000000001');
  const plausible = Buffer.concat([Buffer.from([0x0a, uuid.length]), uuid, Buffer.from([0x12, 4]), Buffer.from('test'), Buffer.from([0x18, 5, 0x22, 2, 0x08, 1])]);
  let nested = Buffer.alloc(0);
  for (let i = 0; i < 200; i++) nested = Buffer.concat([Buffer.from([0x0a]), varint(nested.length), nested]);
  return [
    Buffer.alloc(0),
    ...[1, 7, 16, 33, 64].map(bytes),
    Buffer.from([0x0a, 0x7f, 0x61]), // a length past the end
    Buffer.from([0x0a, 0x02, 0xff, 0xfe]), // not UTF-8
    Buffer.from([0x08, ...Array(10).fill(0xff), 0x01]), // an over-long varint
    Buffer.from([0x0f]), // wire type 7
    Buffer.from([0x00]), // field number 0
    Buffer.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x10]), // a huge length
    nested,
    ...[3, plausible.length - 9, plausible.length - 1].map((n) => plausible.subarray(0, n)),
  ];
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) (out.push((n & 0x7f) | 0x80), (n >>>= 7));
  out.push(n);
  return Buffer.from(out);
}

const JSON_PAYLOADS = [
  '', '{', '[]', 'null', '"text"', '{"unknownField": 1}', '{"pageSize": "abc"}', '{"id": 12}', '{"id": "\\ud800"}',
  '[' .repeat(500) + ']'.repeat(500), `{"a": "${'x'.repeat(100_000)}"`, '{"pageSize": 1e309}', '{"id": "\\u0000"}',
  '{"transfers": [{"id": 5, "amount": {"x": 1}}]}', '{"agent": {"personaEmbedding": ["a", null]}}', '\u0000\u00ff\u0001',
];

/** Framing a generated client never sends (gRPC and gRPC-Web). */
const FRAMINGS: Array<Pick<RawRequest, 'framed' | 'headers'>> = [
  { framed: frame(Buffer.alloc(0), 1) }, // compressed, with no grpc-encoding
  { framed: Buffer.concat([frame(Buffer.alloc(0)).subarray(0, 1), Buffer.from([0, 0, 0, 100, 1, 2, 3])]) }, // 100 bytes promised, 3 sent
  { framed: Buffer.concat([frame(Buffer.alloc(0)), frame(Buffer.alloc(0))]) }, // two messages to a unary method
  { framed: Buffer.from([0, 0, 0]) }, // a header cut short
  { framed: frame(Buffer.from('not gzip'), 1), headers: { 'grpc-encoding': 'gzip' } },
  { framed: frame(Buffer.alloc(0), 0x80) }, // a trailer frame from the client
];

for (const fastPath of [true, false]) describe(`fuzzing every RPC in every protocol (lean gRPC path ${fastPath ? 'on' : 'off'})`, function () {
  this.timeout(300_000);
  let service: ServiceProcess;

  before(async function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: runs the service as a process of its own on DATABASE_URL; set DATABASE_URL');
      this.skip();
    }
    service = await startServiceProcess({
      DATABASE_URL: asServiceRole(testEnv().databaseUrl),
      CHIMERA_MIGRATION_URL: testEnv().databaseUrl,
      CHIMERA_ADMIN_TOKEN: ADMIN,
      CHIMERA_GRPC_FAST_PATH: String(fastPath),
    });
  });
  after(async () => {
    if (service?.alive()) expect(await service.stop()).to.equal(0);
  });

  it('answers none of over 2,000 malformed requests Internal or Unknown, each with a request id, and lives', async () => {
    const t = await newTenant();
    const services: DescService[] = [TenantService, AgentService, LedgerService, Health];
    const methods: Array<{ service: DescService; method: DescMethod }> = services.flatMap((s) => s.methods.filter((m) => m.methodKind === 'unary').map((method) => ({ service: s, method })));
    const client = new RawClient(service.port);
    const next = random(2026);
    const codes = new Map<string, number>();
    const bad: string[] = [];
    let sent = 0;
    try {
      for (const { service: s, method } of methods) {
        const path = `/${s.typeName}/${method.name}`;
        const token = s === TenantService ? ADMIN : t.apiKey;
        const requests: RawRequest[] = [];
        for (const protocol of WIRE_PROTOCOLS) {
          if (protocol === 'connect-json-h1') for (const json of JSON_PAYLOADS) requests.push({ path, protocol, body: Buffer.from(json) });
          else for (const body of binaryPayloads(next)) requests.push({ path, protocol, body });
          if (protocol === 'grpc' || protocol === 'grpc-web') for (const f of FRAMINGS) requests.push({ path, protocol, body: Buffer.alloc(0), ...f });
        }
        for (const req of requests) {
          req.headers = { authorization: `Bearer ${token}`, ...req.headers };
          const answer = await client.send(req);
          sent++;
          codes.set(answer.code, (codes.get(answer.code) ?? 0) + 1);
          const what = `${req.protocol} ${path} ${JSON.stringify(req.framed ?? req.body).slice(0, 80)}`;
          if (['internal', 'unknown'].includes(answer.code) || answer.code.startsWith('http')) bad.push(`${answer.code}: ${what}`);
          else if (answer.code !== 'ok' && !answer.requestId) bad.push(`${answer.code} without x-request-id: ${what}`);
        }
      }
    } finally {
      client.close();
    }
    console.log(`      ${sent} requests over ${methods.length} methods: ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
    expect(sent).to.be.at.least(2_000);
    expect(bad.slice(0, 20), `${bad.length} bad answers`).to.deep.equal([]);
    expect(service.alive()).to.equal(true);
    const health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${service.port}` }));
    expect((await health.check({})).status).to.equal(ServingStatus.SERVING);
  });
});
