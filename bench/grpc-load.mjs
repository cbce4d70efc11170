// Load generator for the benchmarks, run in worker threads so the client's CPU is not taken from
// the server's event loop. Calls one unary gRPC method in closed loops, with either
//  - client 'grpc-js': a real @grpc/grpc-js client (what most callers use), or
//  - client 'h2': a minimal gRPC client on node:http2 (length-prefixed message, te: trailers,
//    grpc-status checked), cheap enough that the figure is the server's capacity, not the client's.
// Plain JavaScript so worker threads load it without a TypeScript loader.
// With spec.placeholder (a UUID string present in every request), each call replaces it with a
// fresh random UUID, so create calls are never replays.
// In a worker thread or as a child process (spec on stdin).
// spec: { client, address, path, token, requests: Uint8Array[], concurrency, seconds, firstWorker, placeholder?, ids? }
import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import { parentPort, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';

function grpcJsCaller(spec) {
  const client = new grpc.Client(spec.address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${spec.token}`);
  const identity = (b) => Buffer.from(b);
  return {
    call: (request) =>
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(spec.path, identity, identity, request, metadata, (err) => (err ? reject(err) : resolve())),
      ),
    close: () => client.close(),
  };
}

function h2Caller(spec) {
  const session = http2.connect(`http://${spec.address}`);
  session.on('error', () => {}); // a reset at the end of the run; failed calls are counted per call
  const headers = {
    ':method': 'POST',
    ':path': spec.path,
    'content-type': 'application/grpc+proto',
    te: 'trailers',
    authorization: `Bearer ${spec.token}`,
  };
  const frame = (message) => {
    const out = Buffer.allocUnsafe(5 + message.length);
    out.writeUInt8(0, 0);
    out.writeUInt32BE(message.length, 1);
    out.set(message, 5);
    return out;
  };
  return {
    call: (request) =>
      new Promise((resolve, reject) => {
        const stream = session.request(headers);
        let status;
        stream.on('response', (h) => (status = h['grpc-status'] ?? status));
        stream.on('trailers', (t) => (status = t['grpc-status'] ?? status));
        stream.on('data', () => {});
        stream.on('error', reject);
        stream.on('end', () => (status === '0' ? resolve() : reject(new Error(`grpc-status ${status}`))));
        stream.end(frame(request));
      }),
    close: () => session.close(),
  };
}

let sequence = 0;
/** A time-ordered UUID (version 7): milliseconds since the epoch, then a 12-bit counter that
 *  wraps, then random bits. Ordered by millisecond, not strictly within one. */
function uuidv7() {
  const hex = randomUUID().replace(/-/g, '');
  const time = Date.now().toString(16).padStart(12, '0');
  const counter = (sequence++ & 0xfff).toString(16).padStart(3, '0');
  const x = `${time}7${counter}${hex.slice(16)}`;
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Returns the request itself, or a copy with every occurrence of the placeholder made unique
 *  (random UUIDs, or with spec.ids 'time' time-ordered ones). */
function fresh(spec) {
  if (!spec.placeholder) return (request) => request;
  const needle = Buffer.from(spec.placeholder);
  const newId = spec.ids === 'time' ? uuidv7 : randomUUID;
  return (request) => {
    const copy = Buffer.from(request);
    for (let at = copy.indexOf(needle); at >= 0; at = copy.indexOf(needle, at + needle.length)) {
      copy.write(newId(), at, 'latin1');
    }
    return copy;
  };
}

async function run(spec) {
  const caller = spec.client === 'h2' ? h2Caller(spec) : grpcJsCaller(spec);
  const prepare = fresh(spec);
  const latenciesMs = [];
  let errors = 0;
  let firstError;
  const started = performance.now();
  const deadline = started + spec.seconds * 1000;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async (_, loop) => {
      const worker = (spec.firstWorker ?? 0) + loop;
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        try {
          await caller.call(prepare(spec.requests[(worker * 7919 + i * 31) % spec.requests.length]));
          latenciesMs.push(performance.now() - t0);
        } catch (err) {
          errors++;
          firstError ??= String(err);
        }
      }
    }),
  );
  // Calls started before the deadline finish after it: the window counts until the last one did.
  // As wall-clock times, so that the parent can join the windows of several processes.
  const endMs = performance.timeOrigin + performance.now();
  caller.close();
  return { latenciesMs, errors, firstError, startMs: performance.timeOrigin + started, endMs };
}

if (parentPort) {
  run(workerData).then((result) => parentPort.postMessage(result));
} else {
  // As a child process: the spec is JSON on stdin (requests as base64), the result JSON on stdout.
  let input = '';
  process.stdin.on('data', (chunk) => (input += chunk));
  process.stdin.on('end', async () => {
    const spec = JSON.parse(input);
    spec.requests = spec.requests.map((r) => Buffer.from(r, 'base64'));
    const result = JSON.stringify(await run(spec));
    process.stdout.write(result, () => process.exit(0)); // stdout to a pipe is async: exit once flushed
  });
}
