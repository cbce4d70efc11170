import http2 from 'node:http2';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Health, HealthCheckRequestSchema } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import { HealthState, healthServiceImpl } from '../src/server/health.js';
import { listen } from '../src/server/listen.js';
import { toBinary, create } from '@bufbuild/protobuf';
import { closedLoop, printResult } from './harness.js';
const state = new HealthState(async () => true, []);
const handler = connectNodeAdapter({ routes: (r) => { r.service(Health, healthServiceImpl(state)); } });
const server = http2.createServer(handler);
await new Promise<void>((r) => server.listen(18557, '127.0.0.1', r));
const l = await listen(handler, { port: 18558, host: '127.0.0.1' });
const body = Buffer.concat([Buffer.from([0,0,0,0,0]), Buffer.from(toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, {})))]);
for (const port of [18557, 18558]) {
const session = http2.connect(`http://127.0.0.1:${port}`);
const call = () => new Promise((res, rej) => { const s = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' }); s.on('data', () => {}); s.on('end', res); s.on('error', rej); s.end(body); });
printResult(await closedLoop(`raw h2 client -> connect server port ${port}`, 32, 4, call));
}
process.exit(0);
