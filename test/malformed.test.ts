// A request message the server cannot decode is InvalidArgument, with a request id and a log line
// at info, on the lean gRPC path and through connect-node alike (src/server/malformed.ts).
import { expect } from 'chai';
import { createLogger } from '../src/lib/log.js';
import { startExtraServer } from './support/environment.js';
import { newTenant } from './support/fixtures.js';
import { frame, RawClient, type WireProtocol } from './support/raw-rpc.js';

describe('undecodable request messages', () => {
  const truncated = Buffer.from([0x0a, 0x24, 0x36, 0x66]); // a 36-byte string with 2 bytes sent

  for (const grpcFastPath of [true, false]) {
    it(`are InvalidArgument with a request id and an info line (lean gRPC path ${grpcFastPath ? 'on' : 'off'})`, async () => {
      const lines: Array<Record<string, unknown>> = [];
      const { server, pool } = await startExtraServer({ grpcFastPath, log: createLogger('info', (l) => lines.push(JSON.parse(l))) });
      const client = new RawClient(server.port);
      try {
        const t = await newTenant();
        const cases: Array<[WireProtocol, Partial<{ body: Buffer; framed: Buffer }>]> = [
          ['grpc', { body: truncated }],
          ['grpc', { framed: frame(Buffer.alloc(0), 1) }], // compressed, with no grpc-encoding
          ['grpc-web', { body: truncated }],
          ['connect-proto-h1', { body: truncated }],
          ['connect-proto-h2', { body: truncated }],
        ];
        for (const [protocol, body] of cases) {
          const answer = await client.send({ path: '/chimera.agents.v1.AgentService/GetAgent', protocol, body: Buffer.alloc(0), ...body, headers: { authorization: `Bearer ${t.apiKey}` } });
          expect(answer.code, protocol).to.equal('invalid_argument');
          expect(answer.requestId, protocol).to.be.a('string');
          const line = lines.find((l) => l.requestId === answer.requestId);
          expect(line, `${protocol}: a log line with the request id`).to.include({ level: 'info', msg: 'call', code: 'InvalidArgument', reason: 'MALFORMED_MESSAGE' });
          expect(line!.procedure).to.equal('chimera.agents.v1.AgentService/GetAgent');
        }
      } finally {
        client.close();
        await server.shutdown(1_000);
        await pool.end();
      }
    });
  }
});
