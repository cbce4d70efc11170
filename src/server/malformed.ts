// A request message the server cannot decode is the client's error: InvalidArgument, with the
// request id and a log line. connect-node decodes before any interceptor runs and reports a
// binary message it cannot parse, or a compressed one without grpc-encoding, as Internal; the lean
// gRPC path decodes the same way. Both paths send their decoding failures through here: the lean
// path before it answers, the connect-node path by rewriting the status of its answer.
import { Code, ConnectError } from '@connectrpc/connect';
import type { UniversalServerResponse } from '@connectrpc/connect/protocol';
import { apiError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { MethodSignals } from '../observability/metrics.js';
import { logFailedCall } from './call-log.js';

/** What connect-node says when it cannot decode a request (its own texts, matched exactly). */
const DECODING_FAILURE = /^(?:\[internal\] )?(parse binary: |received compressed envelope, but do not know how to decompress|protocol error: received compressed message without grpc-encoding)/;

const GRPC_INTERNAL = '13';
const GRPC_INVALID_ARGUMENT = '3';

/** The client's error for a request message that could not be decoded. */
export function malformedRequest(why: string): ConnectError {
  return apiError(Code.InvalidArgument, 'MALFORMED_MESSAGE', `the request message could not be decoded: ${why.replace(DECODING_FAILURE, (m, p: string) => p.replace(/: $/, ''))}`);
}

export function isDecodingFailure(message: string): boolean {
  return DECODING_FAILURE.test(message);
}

export interface MalformedCall {
  procedure: string;
  requestId: string;
  started: number;
  remoteAddress?: string;
}

/** Logs the refusal as a failed call, at info, and counts it as the interceptors count calls
 *  (observability/calls.ts), which it never reached. */
export function logMalformed(log: Logger, error: ConnectError, call: MalformedCall, signals?: MethodSignals): void {
  const ms = performance.now() - call.started;
  signals?.observe(error.code, ms / 1_000);
  logFailedCall(log, error, { procedure: call.procedure, requestId: call.requestId, ms: Math.round(ms * 100) / 100, remoteAddress: call.remoteAddress });
}

/**
 * connect-node's answer, with a decoding failure reported as InvalidArgument instead of Internal
 * (and `onMalformed` told). Connect unary answers carry it in a JSON body with HTTP 500; gRPC in
 * the trailers; gRPC-Web in the trailer frame at the end of the body. connect-node writes the
 * status once the body's first chunk is read, and the trailers once the body ends, so both may
 * still change while the body is read.
 */
export function reclassifyDecodingFailure(answer: UniversalServerResponse, onMalformed: (error: ConnectError) => void): UniversalServerResponse {
  const body = answer.body;
  if (body === undefined) return answer;
  const out: UniversalServerResponse = { ...answer };
  const connectUnaryError = answer.status === 500 && answer.header?.get('content-type')?.startsWith('application/json') === true;
  out.body = (async function* () {
    if (connectUnaryError) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      const json = parseJson(Buffer.concat(chunks));
      if (json?.code === 'internal' && typeof json.message === 'string' && isDecodingFailure(json.message)) {
        const error = malformedRequest(json.message);
        onMalformed(error);
        out.status = 400;
        const rewritten = new TextEncoder().encode(JSON.stringify({ code: 'invalid_argument', message: error.rawMessage }));
        out.header?.set('content-length', String(rewritten.length));
        yield rewritten;
      } else yield* chunks;
      return;
    }
    for await (const chunk of body) yield grpcWebTrailerFrame(chunk, onMalformed) ?? chunk;
    const trailer = answer.trailer;
    const message = decodeURIComponent(trailer?.get('grpc-message') ?? '');
    if (trailer?.get('grpc-status') === GRPC_INTERNAL && isDecodingFailure(message)) {
      const error = malformedRequest(message);
      onMalformed(error);
      trailer.set('grpc-status', GRPC_INVALID_ARGUMENT);
      trailer.set('grpc-message', encodeURIComponent(error.rawMessage));
    }
  })();
  return out;
}

/** A gRPC-Web trailer frame reporting a decoding failure, rewritten; undefined for any other chunk. */
function grpcWebTrailerFrame(chunk: Uint8Array, onMalformed: (error: ConnectError) => void): Uint8Array | undefined {
  if (chunk.length < 5 || (chunk[0] & 0x80) === 0) return undefined;
  const length = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).readUInt32BE(1);
  if (chunk.length !== 5 + length) return undefined;
  const lines = Buffer.from(chunk.subarray(5)).toString('utf8').split('\r\n');
  const value = (name: string) => lines.find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const message = decodeURIComponent(value('grpc-message') ?? '');
  if (value('grpc-status') !== GRPC_INTERNAL || !isDecodingFailure(message)) return undefined;
  const error = malformedRequest(message);
  onMalformed(error);
  const rewritten = lines.map((l) => {
    const name = l.slice(0, l.indexOf(':')).toLowerCase();
    if (name === 'grpc-status') return `grpc-status: ${GRPC_INVALID_ARGUMENT}`;
    if (name === 'grpc-message') return `grpc-message: ${encodeURIComponent(error.rawMessage)}`;
    return l;
  });
  const text = Buffer.from(rewritten.join('\r\n'));
  const frame = Buffer.alloc(5 + text.length);
  frame[0] = chunk[0];
  frame.writeUInt32BE(text.length, 1);
  text.copy(frame, 5);
  return frame;
}

function parseJson(bytes: Uint8Array): { code?: unknown; message?: unknown } | undefined {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as { code?: unknown; message?: unknown };
  } catch {
    return undefined;
  }
}
