// Load generator for the benchmarks, run in worker threads so the client's CPU is not taken from
// the server's event loop: a real @grpc/grpc-js client calling one unary method in a closed loop.
// Plain JavaScript so worker threads load it without a TypeScript loader.
// workerData: { address, path, token, requests: Uint8Array[], concurrency, seconds, workerIndex }
import { parentPort, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';

async function run(spec) {
  const client = new grpc.Client(spec.address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${spec.token}`);
  const identity = (b) => Buffer.from(b);
  const call = (request) =>
    new Promise((resolve, reject) =>
      client.makeUnaryRequest(spec.path, identity, identity, request, metadata, (err) => (err ? reject(err) : resolve())),
    );
  const latenciesMs = [];
  let errors = 0;
  let firstError;
  const deadline = performance.now() + spec.seconds * 1000;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async (_, loop) => {
      const worker = spec.workerIndex * spec.concurrency + loop;
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          await call(spec.requests[(worker * 7919 + i * 31) % spec.requests.length]);
          latenciesMs.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??= String(err);
        }
      }
    }),
  );
  client.close();
  return { latenciesMs, errors, firstError };
}

run(workerData).then((result) => parentPort.postMessage(result));
