// The same AgentService on the same port through a real @grpc/grpc-js client (HTTP/2), a Connect
// JSON client over HTTP/1.1, and gRPC-Web — with the same auth and the same errors.
import * as grpc from '@grpc/grpc-js';
import { Code } from '@connectrpc/connect';
import { createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-node';
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
import { testEnv } from './support/environment.js';
import { expectError, newTenant, violatedFields } from './support/fixtures.js';

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
