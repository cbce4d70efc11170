import * as grpc from '@grpc/grpc-js';
import { toBinary, fromBinary, create } from '@bufbuild/protobuf';
import { HealthCheckRequestSchema, HealthCheckResponseSchema } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import { closedLoop, printResult } from './harness.js';
const gc = new grpc.Client(`127.0.0.1:18555`, grpc.credentials.createInsecure());
const req = Buffer.from(toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, {})));
const call = () => new Promise((res, rej) => gc.makeUnaryRequest('/grpc.health.v1.Health/Check', (m: Buffer) => m, (b: Buffer) => b, req, (e: any, r: any) => e ? rej(e) : res(r)));
printResult(await closedLoop('health grpc-js client (separate proc)', 32, 4, call));
process.exit(0);
