// The same AgentService on the same port through a real @grpc/grpc-js client (HTTP/2), a Connect
// JSON client over HTTP/1.1, and gRPC-Web — with the same auth and the same errors.
import * as grpc from '@grpc/grpc-js';
import { Code, ConnectError, createClient, type CallOptions } from '@connectrpc/connect';
import type pg from 'pg';
import * as http2 from 'node:http2';
import { compressionGzip, createGrpcTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { expect } from 'chai';
import {
  AgentService,
  CreateAgentRequestSchema,
  CreateAgentResponseSchema,
  GetAgentRequestSchema,
  GetAgentResponseSchema,
} from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { BadRequestSchema } from '../src/gen/proto/google/rpc/error_details_pb.js';
import { StatusSchema } from '../src/gen/proto/google/rpc/status_pb.js';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import type { RunningServer } from '../src/server/server.js';
import { ADMIN_TOKEN, connectClient, startExtraServer, testEnv } from './support/environment.js';
import { embedding, expectError, newTenant, violatedFields } from './support/fixtures.js';

function grpcJsUnary<I, O>(address: string, path: string, token: string, encode: () => Uint8Array, decode: (b: Buffer) => O): Promise<O> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise<O>((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      () => Buffer.from(encode()),
      decode,
      {} as I,
      metadata,
      (err, value) => {
        client.close();
        if (err) reject(err);
        else resolve(value!);
      },
    );
  });
}

describe('one port, three protocols', () => {
  it('@grpc/grpc-js (HTTP/2): CreateAgent and GetAgent with a bearer key', async () => {
    const t = await newTenant();
    const address = testEnv().baseUrl.replace('http://', '');
    const created = await grpcJsUnary(
      address,
      '/chimera.agents.v1.AgentService/CreateAgent',
      t.apiKey,
      () => toBinary(CreateAgentRequestSchema, create(CreateAgentRequestSchema, { agent: { handle: 'via_grpc_js' } })),
      (b) => fromBinary(CreateAgentResponseSchema, b),
    );
    expect(created.agent!.handle).to.equal('via_grpc_js');
    const got = await grpcJsUnary(
      address,
      '/chimera.agents.v1.AgentService/GetAgent',
      t.apiKey,
      () => toBinary(GetAgentRequestSchema, create(GetAgentRequestSchema, { id: created.agent!.id })),
      (b) => fromBinary(GetAgentResponseSchema, b),
    );
    expect(got.agent).to.deep.equal(created.agent);
  });

  it('@grpc/grpc-js: errors carry the status code and google.rpc.Status details with field violations', async () => {
    const t = await newTenant();
    const address = testEnv().baseUrl.replace('http://', '');
    let error: grpc.ServiceError | undefined;
    try {
      await grpcJsUnary(
        address,
        '/chimera.agents.v1.AgentService/GetAgent',
        t.apiKey,
        () => toBinary(GetAgentRequestSchema, create(GetAgentRequestSchema, { id: 'nope' })),
        (b) => fromBinary(GetAgentResponseSchema, b),
      );
    } catch (err) {
      error = err as grpc.ServiceError;
    }
    expect(error?.code).to.equal(grpc.status.INVALID_ARGUMENT);
    const details = error!.metadata.get('grpc-status-details-bin')[0] as Buffer;
    const status = fromBinary(StatusSchema, details);
    const badRequest = status.details.find((d) => d.typeUrl.endsWith('google.rpc.BadRequest'))!;
    expect(fromBinary(BadRequestSchema, badRequest.value).fieldViolations.map((v) => v.field)).to.deep.equal(['id']);
  });

  it('Connect JSON over HTTP/1.1: the same calls and errors', async () => {
    const t = await newTenant();
    const agents = t.client(AgentService, 'connect-http1-json');
    const { agent } = await agents.createAgent({ agent: { handle: 'via_connect_json' } });
    expect((await agents.getAgent({ id: agent!.id })).agent!.handle).to.equal('via_connect_json');
    const err = await expectError(agents.getAgent({ id: 'nope' }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['id']);
  });

  it('plain HTTP/1.1 JSON (what curl sends) with a bearer key', async () => {
    const t = await newTenant();
    const res = await fetch(`${testEnv().baseUrl}/chimera.agents.v1.AgentService/CreateAgent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.apiKey}` },
      body: JSON.stringify({ agent: { handle: 'via_curl' } }),
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as { agent: { handle: string } };
    expect(body.agent.handle).to.equal('via_curl');
    const denied = await fetch(`${testEnv().baseUrl}/chimera.agents.v1.AgentService/ListAgents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(denied.status).to.equal(401);
  });

  it('gRPC-Web over HTTP/1.1', async () => {
    const t = await newTenant();
    const transport = createGrpcWebTransport({
      baseUrl: testEnv().baseUrl,
      httpVersion: '1.1',
      interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${t.apiKey}`), next(req))],
    });
    const agents = createClient(AgentService, transport);
    const { agent } = await agents.createAgent({ agent: { handle: 'via_grpc_web' } });
    expect(agent!.handle).to.equal('via_grpc_web');
  });
});

describe('binary gRPC: the lean unary path answers exactly as connect-node does', () => {
  let connectOnly: RunningServer;
  let pool: pg.Pool;

  before(async () => {
    ({ server: connectOnly, pool } = await startExtraServer({ grpcFastPath: false }));
  });
  after(async () => {
    await connectOnly.shutdown(1_000);
    await pool.end();
  });

  /** What a client can observe of a call: the response, or the error's code, message, details and
   *  metadata, and the response headers it saw. */
  async function outcome(call: (options: CallOptions) => Promise<unknown>) {
    let headers: Record<string, string> = {};
    const options: CallOptions = { headers: { 'x-request-id': 'same-request-id' }, onHeader: (h) => (headers = Object.fromEntries(h)) };
    try {
      const response = await call(options);
      return { response, headers: pick(headers) };
    } catch (err) {
      const e = ConnectError.from(err);
      return { code: Code[e.code], message: e.rawMessage, details: e.details, requestId: e.metadata.get('x-request-id'), headers: pick(headers) };
    }
  }
  const pick = (h: Record<string, string>) => ({ 'content-type': h['content-type'], 'x-request-id': h['x-request-id'] });

  it('for successes and for every kind of error, and the lean path really served them', async () => {
    const t = await newTenant({ scopes: ['agents:read', 'agents:write'] });
    const reader = await newTenant({ scopes: ['agents:read'] });
    const { agent } = await t.agents.createAgent({ agent: { handle: 'twin', personaEmbedding: embedding(3) } });
    const servers = [testEnv().baseUrl, `http://127.0.0.1:${connectOnly.port}`];
    const calls = (baseUrl: string): Array<(o: CallOptions) => Promise<unknown>> => {
      const agents = connectClient(AgentService, baseUrl, t.apiKey, 'grpc');
      return [
        (o) => agents.getAgent({ id: agent!.id }, o),
        (o) => agents.listAgents({ pageSize: 1 }, o),
        (o) => agents.getAgent({ id: 'nope' }, o),
        (o) => agents.getAgent({ id: '00000000-0000-4000-8000-000000000001' }, o),
        (o) => agents.createAgent({ agent: { handle: 'TWIN' } }, o),
        (o) => agents.createAgent({ agent: { handle: 'huge', persona: { backstory: 'z'.repeat(5 * 1024 * 1024) } } }, o),
        (o) => connectClient(AgentService, baseUrl, undefined, 'grpc').getAgent({ id: agent!.id }, o),
        (o) => connectClient(AgentService, baseUrl, reader.apiKey, 'grpc').createAgent({ agent: { handle: 'x' } }, o),
        (o) => connectClient(TenantService, baseUrl, ADMIN_TOKEN, 'grpc').getTenant({ id: t.tenant.id }, o),
      ];
    };
    const before = [testEnv().server.grpcFastPathCalls(), connectOnly.grpcFastPathCalls()];
    const lean: Array<Awaited<ReturnType<typeof outcome>>> = [];
    const reference: typeof lean = [];
    for (const call of calls(servers[0])) lean.push(await outcome(call));
    for (const call of calls(servers[1])) reference.push(await outcome(call));
    lean.forEach((o, i) => expect(o, `call ${i}`).to.deep.equal(reference[i]));
    // The calls above cover success and the error kinds a unary call can meet before, in and after the handler.
    expect(lean.map((o) => ('code' in o ? o.code : 'OK'))).to.deep.equal([
      'OK', 'OK', 'InvalidArgument', 'NotFound', 'AlreadyExists', 'ResourceExhausted', 'Unauthenticated', 'PermissionDenied', 'OK',
    ]);
    expect(lean[0].headers).to.deep.equal({ 'content-type': 'application/grpc+proto', 'x-request-id': 'same-request-id' });
    expect([testEnv().server.grpcFastPathCalls() - before[0], connectOnly.grpcFastPathCalls() - before[1]]).to.deep.equal([9, 0]);
  });

  /** One raw gRPC call over node:http2 with the given extra headers; what the server answered. */
  async function rawCall(baseUrl: string, extra: Record<string, string>, body: Uint8Array = Buffer.from([0, 0, 0, 0, 0])) {
    const session = http2.connect(baseUrl);
    try {
      return await new Promise<Record<string, unknown>>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/grpc.health.v1.Health/Check',
          'content-type': 'application/grpc',
          te: 'trailers',
          ...extra,
        });
        let headers: http2.IncomingHttpHeaders = {};
        stream.on('response', (h) => (headers = h));
        stream.on('trailers', (trailers) => resolve({ status: headers[':status'], 'grpc-status': trailers['grpc-status'] ?? headers['grpc-status'], 'grpc-message': trailers['grpc-message'] ?? headers['grpc-message'] }));
        stream.on('data', () => {});
        stream.on('error', reject);
        stream.end(body);
      });
    } finally {
      session.close();
    }
  }

  it('protocol errors (a malformed grpc-timeout or envelope) are answered alike', async () => {
    const empty = Buffer.from([0, 0, 0, 0, 0]);
    const cases: Array<[Record<string, string>, Buffer]> = [
      [{ 'grpc-timeout': 'soon' }, empty],
      [{}, Buffer.alloc(0)],
      [{}, Buffer.from([0, 0, 0])],
      [{}, Buffer.from([0, 0, 0, 0, 9, 1])],
      [{}, Buffer.concat([empty, Buffer.from([0, 0])])],
      [{}, Buffer.concat([empty, empty])],
    ];
    const lean = [];
    for (const [headers, body] of cases) {
      const answer = await rawCall(testEnv().baseUrl, headers, body);
      expect(answer, JSON.stringify([headers, [...body]])).to.deep.equal(await rawCall(`http://127.0.0.1:${connectOnly.port}`, headers, body));
      lean.push(answer['grpc-status']);
    }
    expect(lean).to.deep.equal(['InvalidArgument', 'Unimplemented', 'InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'Unimplemented'].map((c) => String(Code[c as keyof typeof Code])));
    expect(await rawCall(testEnv().baseUrl, { 'grpc-timeout': '5S' })).to.deep.equal({ status: 200, 'grpc-status': '0', 'grpc-message': undefined });
  });

  it('leaves Connect, gRPC-Web, compressed and streaming calls to connect-node', async () => {
    const t = await newTenant();
    const before = testEnv().server.grpcFastPathCalls();
    await t.client(AgentService, 'connect-http2-binary').listAgents({});
    await t.client(AgentService, 'connect-http1-json').listAgents({});
    const gzipped = createClient(
      AgentService,
      createGrpcTransport({
        baseUrl: testEnv().baseUrl,
        sendCompression: compressionGzip,
        interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${t.apiKey}`), next(req))],
      }),
    );
    expect((await gzipped.listAgents({})).agents).to.deep.equal([]);
    expect(testEnv().server.grpcFastPathCalls()).to.equal(before);
    await t.client(AgentService, 'grpc').listAgents({});
    expect(testEnv().server.grpcFastPathCalls()).to.equal(before + 1);
  });
});
