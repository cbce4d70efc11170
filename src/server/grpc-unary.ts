// A lean path for unary calls in the binary gRPC protocol: what grpc-js, grpc-go and
// `buf curl --protocol grpc` send, and so almost all of the internal traffic. connect-node's generic
// handler streams every call, unary or not, through a chain of async iterables; on this machine
// that costs more per call than the database work of a simple read (BENCHMARKS.md, transport).
//
// This path reads the one request message, runs the same interceptors and the same implementation
// as connect's invokeUnaryImplementation runs them (unary-call.ts, with a lighter context), and
// writes the reply with connect's own trailer encoding (setTrailerStatus: status, message, error
// details and metadata). What it does not handle (Connect, gRPC-Web, JSON, compression, streaming
// methods, HTTP/1.1) it leaves to connect-node.
//
// createMethodSerializationLookup is exported by @connectrpc/connect/protocol but documented as
// internal; the version is pinned in package.json, and test/transport.test.ts runs every protocol
// against both paths.
import * as http2 from 'node:http2';
import type { DescMessage, DescMethodUnary, DescService, Message } from '@bufbuild/protobuf';
import { Code, ConnectError, createServiceImplSpec, type ConnectRouter, type Interceptor, type ServiceImpl } from '@connectrpc/connect';
import { createMethodSerializationLookup } from '@connectrpc/connect/protocol';
import { parseTimeout, setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import type { Logger } from '../lib/log.js';
import type { Metrics } from '../observability/metrics.js';
import { clientCertificateKey, remoteAddressKey } from './context.js';
import { isDecodingFailure, logMalformed, malformedRequest } from './malformed.js';
import { clientSubject } from './tls.js';
import { UnaryCall, type UnarySpec } from './unary-call.js';

interface Route {
  spec: UnarySpec;
  parse(bytes: Uint8Array): Message;
  serialize(message: unknown): Uint8Array;
}

/** The content types of binary gRPC; anything else (JSON, gRPC-Web, Connect) goes to connect-node. */
const GRPC_PROTO = /^application\/grpc(?:\+proto)?$/;
const RESPONSE_CONTENT_TYPE = 'application/grpc+proto';
const MAX_TIMER_MS = 2 ** 31 - 1;
const CALL_DONE = new ConnectError('the call is complete', Code.Canceled);

export interface GrpcUnaryOptions {
  interceptors: Interceptor[];
  readMaxBytes: number;
  writeMaxBytes: number;
  /** Where a request refused before the interceptors (an undecodable message) is logged. */
  log: Logger;
  /** Where such a request is counted (the interceptors count the rest). */
  metrics?: Metrics;
  /** Hand-written encoders of response types (routes.ts), used instead of protobuf-es's toBinary;
   *  one that returns undefined leaves that message to toBinary. */
  encoders?: ReadonlyMap<DescMessage, (message: never) => Uint8Array | undefined>;
}

export class GrpcUnaryPath {
  private readonly routes = new Map<string, Route>();
  /** Calls taken by this path so far. */
  served = 0;

  constructor(private readonly opts: GrpcUnaryOptions) {}

  /** Wraps a ConnectRouter so that every unary method registered on it is also served here. */
  recording(router: ConnectRouter): ConnectRouter {
    const service = (desc: DescService, impl: Partial<ServiceImpl<DescService>>, options?: unknown) => {
      this.add(desc, impl);
      return router.service(desc, impl, options as never);
    };
    return new Proxy(router, { get: (target, key) => (key === 'service' ? service : Reflect.get(target, key)) });
  }

  private add(desc: DescService, impl: Partial<ServiceImpl<DescService>>): void {
    const spec = createServiceImplSpec(desc, impl);
    for (const method of desc.methods) {
      const m = spec.methods[method.localName];
      if (m.kind !== 'unary') continue;
      const serialization = createMethodSerializationLookup(method as DescMethodUnary, undefined, undefined, this.opts);
      const input = serialization.getI(true);
      const output = serialization.getO(true);
      const encode = this.opts.encoders?.get(method.output);
      const { writeMaxBytes } = this.opts;
      this.routes.set(`/${desc.typeName}/${method.name}`, {
        spec: m as UnarySpec,
        parse: (bytes) => input.parse(bytes),
        serialize: encode
          ? (message) => withinLimit(encode(message as never) ?? output.serialize(message as never), writeMaxBytes)
          : (message) => output.serialize(message as never),
      });
    }
  }

  /** Serves the request and returns true, or returns false without touching it. */
  handle(req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): boolean {
    if (req.method !== 'POST') return false;
    const route = this.routes.get(req.url);
    if (!route || !GRPC_PROTO.test(req.headers['content-type'] ?? '')) return false;
    const encoding = req.headers['grpc-encoding'];
    if (encoding !== undefined && encoding !== 'identity') return false;
    this.served++;
    // serve() answers every failure of the call itself; what is left is a stream that broke while
    // being answered, and the only thing to do with it is to let it go.
    this.serve(route, req, res).catch(() => res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    return true;
  }

  private async serve(route: Route, req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): Promise<void> {
    // Deadlines beyond setTimeout's range (about 24.8 days) would fire at once; such a call has none.
    const timeout = parseTimeout(headerValue(req.headers['grpc-timeout']), Number.MAX_SAFE_INTEGER);
    if (timeout.timeoutMs !== undefined && timeout.timeoutMs > MAX_TIMER_MS) timeout.timeoutMs = undefined;
    const url = `http://${req.headers[':authority'] ?? 'localhost'}${req.url}`;
    const call = new UnaryCall(route.spec.method, webHeaders(req.headers), url, timeout.timeoutMs, RESPONSE_CONTENT_TYPE, res);
    call.values.set(remoteAddressKey, req.socket.remoteAddress);
    call.values.set(clientCertificateKey, clientSubject(req.socket));
    let body: Buffer | undefined;
    const started = performance.now();
    try {
      if (timeout.error) throw timeout.error;
      call.message = this.decode(route, await readBody(req, this.opts.readMaxBytes), { requestId: headerValue(req.headers['x-request-id']) ?? '', started, remoteAddress: req.socket.remoteAddress });
      body = envelope(route.serialize(await call.invoke(route.spec, this.opts.interceptors)));
    } catch (err) {
      call.end(err);
      setTrailerStatus(call.responseTrailer, err instanceof ConnectError ? err : new ConnectError('internal error', Code.Internal, undefined, undefined, err));
    } finally {
      // A reason of our own: aborting without one builds a DOMException with a stack trace.
      call.end(CALL_DONE);
    }
    if (res.stream.destroyed || res.stream.closed || res.headersSent) return;
    res.writeHead(200, nodeHeaders(call.responseHeader));
    res.addTrailers(nodeHeaders(call.responseTrailer));
    if (body) res.end(body);
    else res.end();
  }

  /** The request message; one that cannot be decoded is the client's error (malformed.ts). */
  private decode(route: Route, bytes: Buffer, call: { requestId: string; started: number; remoteAddress?: string }): Message {
    try {
      return route.parse(unwrapEnvelope(bytes));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!isDecodingFailure(message)) throw err;
      const error = malformedRequest(message);
      logMalformed(this.opts.log, error, { procedure: `${route.spec.method.parent.typeName}/${route.spec.method.name}`, ...call }, this.opts.metrics?.method(route.spec.method));
      throw error;
    }
  }
}

/** The request body, refused as soon as its envelope declares (or it grows) past `maxBytes`.
 *  Read through 'data' and 'end' rather than an async iterator, which costs about 5 µs a call. */
export function readBody(req: http2.Http2ServerRequest, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let checked = false;
    const done = (err: unknown, body?: Buffer) => {
      req.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      if (err === undefined) return resolve(body!);
      // As an async iterator left by a throw would: the rest of the body is not read.
      req.destroy();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (!checked && size >= 5) {
        checked = true;
        const declared = (chunks.length === 1 ? chunk : Buffer.concat(chunks, size)).readUInt32BE(1);
        if (declared > maxBytes) return done(tooLarge(declared, maxBytes));
      }
      if (size > maxBytes + 5) done(tooLarge(size - 5, maxBytes));
    };
    const onEnd = () => done(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    const onClose = () => done(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    req.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
  });
}

/** As connect's serialization refuses a response over the limit. */
function withinLimit(bytes: Uint8Array, writeMaxBytes: number): Uint8Array {
  if (bytes.byteLength > writeMaxBytes) throw new ConnectError(`message size ${bytes.byteLength} is larger than configured writeMaxBytes ${writeMaxBytes}`, Code.ResourceExhausted);
  return bytes;
}

function tooLarge(size: number, maxBytes: number): ConnectError {
  return new ConnectError(`message size ${size} is larger than configured readMaxBytes ${maxBytes}`, Code.ResourceExhausted);
}

/** The one length-prefixed message of a unary request; errors as connect's envelope splitting and
 *  ensureSingle would report them. */
function unwrapEnvelope(bytes: Buffer): Uint8Array {
  if (bytes.length === 0) throw new ConnectError('protocol error: missing input message for unary method', Code.Unimplemented);
  const incomplete = () => new ConnectError('protocol error: incomplete envelope', Code.InvalidArgument);
  if (bytes.length < 5) throw incomplete();
  const length = bytes.readUInt32BE(1);
  const rest = bytes.length - 5 - length;
  if (rest < 0 || (rest > 0 && rest < 5)) throw incomplete();
  if (rest > 0) throw new ConnectError('protocol error: received extra input message for unary method', Code.Unimplemented);
  if ((bytes[0] & 0x01) !== 0) throw new ConnectError('protocol error: received compressed message without grpc-encoding', Code.Internal);
  return bytes.subarray(5);
}

function envelope(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

function headerValue(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}

function webHeaders(headers: http2.IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [key, value] of Object.entries(headers)) {
    if (key.startsWith(':') || value === undefined) continue;
    if (Array.isArray(value)) value.forEach((v) => out.append(key, v));
    else out.append(key, value);
  }
  return out;
}

function nodeHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => (out[key] = value));
  return out;
}

