// One port, HTTP/2 (gRPC, Connect) and HTTP/1.1 (Connect), health, reflection
// and graceful close. Needs no database: the health probe is a stub.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { connectNodeAdapter, createConnectTransport } from '@connectrpc/connect-node';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import {
  Health,
  HealthCheckRequestSchema,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
} from '../src/gen/proto/grpc/health/v1/health_pb.js';
import {
  ServerReflectionRequestSchema,
  ServerReflectionResponseSchema,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from '../src/gen/proto/grpc/reflection/v1/reflection_pb.js';
import { HealthState, healthServiceImpl } from '../src/server/health.js';
import { listen, type Listener } from '../src/server/listen.js';
import { registerReflection } from '../src/server/reflection.js';
import { eventually } from './support/locks.js';

interface TestServer {
  listener: Listener;
  state: HealthState;
  baseUrl: string;
  /** Requests held by x-test-delay-ms that have reached the handler. */
  held(): number;
}

async function startServer(): Promise<TestServer> {
  const state = new HealthState(async () => true, [], { watchIntervalMs: 50 });
  const handler = connectNodeAdapter({
    routes: (router) => {
      router.service(Health, healthServiceImpl(state));
      registerReflection(router, [Health]);
    },
    readMaxBytes: 4 * 1024 * 1024,
  });
  // Test-only: hold requests carrying x-test-delay-ms, so calls are in flight during close(); throw
  // on x-test-throw, as a handler with a bug would.
  let held = 0;
  const delaying: typeof handler = (req, res) => {
    if (req.headers['x-test-throw']) throw new Error('a bug in the handler');
    const ms = Number(req.headers['x-test-delay-ms'] ?? 0);
    if (ms > 0) {
      held++;
      setTimeout(() => handler(req, res), ms);
    } else handler(req, res);
  };
  const listener = await listen(delaying, { port: 0, host: '127.0.0.1' });
  return { listener, state, baseUrl: `http://127.0.0.1:${listener.port}`, held: () => held };
}

function grpcClient(server: TestServer): grpc.Client {
  return new grpc.Client(`127.0.0.1:${server.listener.port}`, grpc.credentials.createInsecure());
}

function grpcCheck(
  client: grpc.Client,
  service = '',
  metadata = new grpc.Metadata(),
): Promise<HealthCheckResponse> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (req: HealthCheckRequest) => Buffer.from(toBinary(HealthCheckRequestSchema, req)),
      (bytes: Buffer) => fromBinary(HealthCheckResponseSchema, bytes),
      create(HealthCheckRequestSchema, { service }),
      metadata,
      (err, res) => (err || !res ? reject(err) : resolve(res)),
    );
  });
}

function grpcReflect(
  client: grpc.Client,
  requests: MessageInitShape<typeof ServerReflectionRequestSchema>[],
): Promise<ServerReflectionResponse[]> {
  return new Promise((resolve, reject) => {
    const call = client.makeBidiStreamRequest(
      '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
      (req: ServerReflectionRequest) => Buffer.from(toBinary(ServerReflectionRequestSchema, req)),
      (bytes: Buffer) => fromBinary(ServerReflectionResponseSchema, bytes),
    );
    const responses: ServerReflectionResponse[] = [];
    call.on('data', (res: ServerReflectionResponse) => responses.push(res));
    call.on('error', reject);
    call.on('end', () => resolve(responses));
    for (const req of requests) call.write(create(ServerReflectionRequestSchema, req));
    call.end();
  });
}

/** Sends raw bytes in the given chunks (with pauses) and resolves with the first bytes received. */
function rawExchange(port: number, chunks: (string | Buffer)[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data);
    });
    void (async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  });
}

/** POSTs `{}` to Health/Check over node:http or node:http2 with the given headers. */
function fetchRaw(port: number, httpVersion: '1.1' | '2', headers: Record<string, string>): Promise<{ status: number; body: string; requestId: unknown }> {
  const path = '/grpc.health.v1.Health/Check';
  return new Promise((resolve, reject) => {
    if (httpVersion === '1.1') {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, requestId: res.headers['x-request-id'] }));
      });
      req.on('error', reject);
      req.end('{}');
      return;
    }
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': path, ...headers });
    let response: http2.IncomingHttpHeaders = {};
    let body = '';
    stream.on('response', (h) => (response = h));
    stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
    stream.on('end', () => {
      session.close();
      resolve({ status: Number(response[':status']), body, requestId: response['x-request-id'] });
    });
    stream.end('{}');
  });
}

describe('server transport (listen, health, reflection)', () => {
  let server: TestServer;
  let client: grpc.Client;

  beforeEach(async () => {
    server = await startServer();
    client = grpcClient(server);
  });
  afterEach(async () => {
    client.close();
    await server.listener.close(0);
  });

  it('answers Health.Check over gRPC (grpc-js, HTTP/2)', async () => {
    const res = await grpcCheck(client);
    expect(res.status).to.equal(ServingStatus.SERVING);
  });

  it('fails Check for an unknown service with NOT_FOUND', async () => {
    const err: unknown = await grpcCheck(client, 'no.such.Service').catch((e: unknown) => e);
    expect((err as grpc.ServiceError).code).to.equal(grpc.status.NOT_FOUND);
  });

  it('answers Connect JSON over HTTP/1.1', async () => {
    const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: '1.1' });
    const res = await createClient(Health, transport).check({});
    expect(res.status).to.equal(ServingStatus.SERVING);
  });

  it('answers Connect over HTTP/2', async () => {
    const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: '2' });
    const health = createClient(Health, transport);
    expect((await health.check({})).status).to.equal(ServingStatus.SERVING);
    const list = await health.list({});
    expect(list.statuses['']?.status).to.equal(ServingStatus.SERVING);
  });

  it('classifies connections whose first bytes arrive in small chunks', async () => {
    const body = '{}';
    const h1 = await rawExchange(server.listener.port, [
      'P',
      'OST /grpc.health.v1.Health/Check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
    ]);
    expect(h1.toString('latin1')).to.match(/^HTTP\/1\.1 200 /);

    const emptySettingsFrame = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    const h2 = await rawExchange(server.listener.port, [
      'PRI * HTTP/2.0\r\n',
      Buffer.concat([Buffer.from('\r\nSM\r\n\r\n'), emptySettingsFrame]),
    ]);
    expect(h2[3], 'first frame type is SETTINGS').to.equal(4);
  });

  it('answers 500 with a body and a request id when the handler throws, and keeps serving', async () => {
    for (const httpVersion of ['1.1', '2'] as const) {
      const headers = { 'x-test-throw': '1', 'content-type': 'application/json' };
      const answer = await fetchRaw(server.listener.port, httpVersion, headers);
      expect(answer.status).to.equal(500);
      expect(JSON.parse(answer.body)).to.include({ code: 'internal' });
      expect(answer.requestId).to.be.a('string');
      const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion });
      expect((await createClient(Health, transport).check({})).status).to.equal(ServingStatus.SERVING);
    }
  });

  it('serves reflection: list_services and file_containing_symbol', async () => {
    const [list, bySymbol, byMethod, unknown] = await grpcReflect(client, [
      { messageRequest: { case: 'listServices', value: '' } },
      { messageRequest: { case: 'fileContainingSymbol', value: 'grpc.health.v1.Health' } },
      { messageRequest: { case: 'fileContainingSymbol', value: 'grpc.health.v1.Health.Check' } },
      { messageRequest: { case: 'fileContainingSymbol', value: 'no.such.Symbol' } },
    ]);

    expect(list?.messageResponse.case).to.equal('listServicesResponse');
    const names =
      list?.messageResponse.case === 'listServicesResponse'
        ? list.messageResponse.value.service.map((s) => s.name)
        : [];
    expect(names).to.include.members([
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ]);

    for (const res of [bySymbol, byMethod]) {
      if (res?.messageResponse.case !== 'fileDescriptorResponse') {
        expect.fail(`unexpected ${res?.messageResponse.case}`);
      }
      const [first] = res.messageResponse.value.fileDescriptorProto;
      expect(first).to.be.instanceOf(Uint8Array);
      const file = fromBinary(FileDescriptorProtoSchema, first as Uint8Array);
      expect(file.name).to.equal('grpc/health/v1/health.proto');
      expect(file.service.map((s) => s.name)).to.deep.equal(['Health']);
    }

    expect(unknown?.messageResponse.case).to.equal('errorResponse');
    if (unknown?.messageResponse.case === 'errorResponse') {
      expect(unknown.messageResponse.value.errorCode).to.equal(grpc.status.NOT_FOUND);
    }
  });

  it('reports NOT_SERVING once draining, and ends Watch streams', async () => {
    const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: '2' });
    const health = createClient(Health, transport);
    const seen: ServingStatus[] = [];
    const watching = (async () => {
      for await (const res of health.watch({})) seen.push(res.status);
    })();
    await eventually('the Watch stream saw SERVING', () => seen.length === 1, 2_000);

    server.state.setDraining();
    expect((await grpcCheck(client)).status).to.equal(ServingStatus.NOT_SERVING);
    expect((await health.check({})).status).to.equal(ServingStatus.NOT_SERVING);
    await watching;
    expect(seen).to.deep.equal([ServingStatus.SERVING, ServingStatus.NOT_SERVING]);
  });

  it('close() lets in-flight calls finish, then refuses new connections', async () => {
    const slow = { 'x-test-delay-ms': '300' };
    const metadata = new grpc.Metadata();
    metadata.set('x-test-delay-ms', '300');
    const h1 = createClient(Health, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: '1.1' }));
    const h2 = createClient(Health, createConnectTransport({ baseUrl: server.baseUrl, httpVersion: '2' }));
    // Warm up so the clients hold idle connections: an HTTP/2 session each, and two
    // HTTP/1.1 keep-alive sockets (one gets reused below, the other stays idle).
    await Promise.all([h1.check({}), h1.check({}), h2.check({}), grpcCheck(client)]);

    const before = server.held();
    const inFlight = Promise.all([
      grpcCheck(client, '', metadata),
      h1.check({}, { headers: slow }),
      h2.check({}, { headers: slow }),
    ]);
    // All three are in flight when close() starts.
    await eventually('the three calls reached the server', () => server.held() === before + 3, 2_000);

    const started = Date.now();
    await server.listener.close(2000);
    const elapsed = Date.now() - started;

    const results = await inFlight;
    expect(results.map((r) => r.status)).to.deep.equal([
      ServingStatus.SERVING,
      ServingStatus.SERVING,
      ServingStatus.SERVING,
    ]);
    expect(elapsed, 'close waited for the calls, not the full grace period').to.be.below(1500);

    const refused = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const socket = net.connect(server.listener.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', resolve);
    });
    expect(refused?.code).to.equal('ECONNREFUSED');
  });

  it('close() destroys what is still open after the grace period', async () => {
    const transport = createConnectTransport({ baseUrl: server.baseUrl, httpVersion: '2' });
    const health = createClient(Health, transport);
    const watching = (async () => {
      for await (const _ of health.watch({})); // never ends on its own: not draining
    })();
    const outcome = watching.then(
      () => 'ended',
      (e: unknown) => ConnectError.from(e).code,
    );
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    await server.listener.close(200);
    expect(Date.now() - started).to.be.within(150, 1000);
    expect(await outcome).to.not.equal('ended');
    expect(await outcome).to.be.oneOf([Code.Unavailable, Code.Internal, Code.Unknown, Code.Canceled]);
  });
});
