// The ceiling the transport puts on any RPC here: grpc.health.v1.Health/Check through the full
// server (one port, interceptors, connect-node) with no database work, against raw node:http2
// doing the same exchange. Explains how much of GetAgent's figure is transport.
//   npx tsx bench/transport.ts [seconds=10]
import http2 from 'node:http2';
import { create, toBinary } from '@bufbuild/protobuf';
import { HealthCheckRequestSchema } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import type pg from 'pg';
import { silentLogger } from '../src/lib/log.js';
import { startServer } from '../src/server/server.js';
import { closedLoop, grpcLoad, printResult, runAsDeployed } from './harness.js';

await runAsDeployed();

const seconds = Number(process.argv[2] ?? 10);
const concurrency = 32;
// Health's probe is cached, so the pool is touched at most once a second: a stub suffices.
const idlePool = { query: async () => ({ rows: [{ version: '0' }] }) } as unknown as pg.Pool;
const server = await startServer({ pool: idlePool, log: silentLogger, port: 0, host: '127.0.0.1', adminToken: undefined, defaultTimeoutMs: 30_000, authCacheTtlMs: 5_000 });

const raw = http2.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/grpc' });
    res.end(Buffer.from([0, 0, 0, 0, 2, 8, 1]));
  });
});
await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
const rawPort = (raw.address() as { port: number }).port;

const message = toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, {}));
const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
function inThread(port: number) {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const call = () =>
    new Promise((resolve, reject) => {
      const s = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' });
      s.on('data', () => {});
      s.on('end', resolve);
      s.on('error', reject);
      s.end(frame);
    });
  return { call, close: () => session.close() };
}

console.log(`Health/Check, concurrency ${concurrency}, ${seconds} s per run`);
const results = [];
for (const [label, port] of [
  ['raw node:http2 server, client in the same thread', rawPort],
  ['chimera server (no DB work), client in the same thread', server.port],
] as const) {
  const client = inThread(port);
  results.push(await closedLoop(label, concurrency, seconds, client.call));
  client.close();
}
const spec = { address: `127.0.0.1:${server.port}`, path: '/grpc.health.v1.Health/Check', token: 'none', requests: [message], concurrency, seconds };
results.push(await grpcLoad('chimera server, minimal h2 clients in 2 processes', { ...spec, client: 'h2' }));
results.push(await grpcLoad('chimera server, grpc-js clients in 2 processes', { ...spec, client: 'grpc-js' }));
results.forEach(printResult);

await server.shutdown(1_000);
raw.close();
process.exit(0);
