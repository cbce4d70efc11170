import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Health } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import { HealthState, healthServiceImpl } from '../src/server/health.js';
import { listen } from '../src/server/listen.js';
const state = new HealthState(async () => true, []);
const handler = connectNodeAdapter({ routes: (r) => { r.service(Health, healthServiceImpl(state)); } });
const l = await listen(handler, { port: 18555, host: '127.0.0.1' });
console.log('ready');
