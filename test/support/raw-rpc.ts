// Requests as bytes on the wire, in each protocol the port serves, for tests that send what no
// generated client would: the code the server answered, read the way each protocol carries it.
import * as http from 'node:http';
import * as http2 from 'node:http2';

export type WireProtocol = 'grpc' | 'grpc-web' | 'connect-proto-h1' | 'connect-json-h1' | 'connect-proto-h2';

export const WIRE_PROTOCOLS: WireProtocol[] = ['grpc', 'grpc-web', 'connect-proto-h1', 'connect-json-h1', 'connect-proto-h2'];

export interface RawRequest {
  path: string;
  protocol: WireProtocol;
  /** The message bytes: framed for gRPC and gRPC-Web unless `framed` is given. */
  body: Buffer;
  /** A whole gRPC frame sequence, sent as is (gRPC and gRPC-Web). */
  framed?: Buffer;
  headers?: Record<string, string>;
}

export interface RawAnswer {
  /** A gRPC status name or Connect code ("invalid_argument"), or "http <status>" when neither came. */
  code: string;
  httpStatus: number;
  requestId: string | undefined;
}

const GRPC_NAMES = ['ok', 'canceled', 'unknown', 'invalid_argument', 'deadline_exceeded', 'not_found', 'already_exists', 'permission_denied', 'resource_exhausted', 'failed_precondition', 'aborted', 'out_of_range', 'unimplemented', 'internal', 'unavailable', 'data_loss', 'unauthenticated'];

/** A gRPC length-prefixed frame. */
export function frame(message: Buffer, flags = 0): Buffer {
  const header = Buffer.alloc(5);
  header[0] = flags;
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

function contentType(protocol: WireProtocol): string {
  if (protocol === 'grpc') return 'application/grpc';
  if (protocol === 'grpc-web') return 'application/grpc-web+proto';
  return protocol === 'connect-json-h1' ? 'application/json' : 'application/proto';
}

/** Sends requests over one HTTP/2 session and one keep-alive HTTP/1.1 agent to `port`. */
export class RawClient {
  private session: http2.ClientHttp2Session | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

  constructor(private readonly port: number) {}

  async send(req: RawRequest): Promise<RawAnswer> {
    const framedProtocol = req.protocol === 'grpc' || req.protocol === 'grpc-web';
    const body = framedProtocol ? (req.framed ?? frame(req.body)) : req.body;
    const headers = { 'content-type': contentType(req.protocol), ...(req.protocol === 'grpc' ? { te: 'trailers' } : {}), ...req.headers };
    return req.protocol === 'grpc' || req.protocol === 'connect-proto-h2' ? this.h2(req, headers, body) : this.h1(req, headers, body);
  }

  close(): void {
    this.session?.close();
    this.agent.destroy();
  }

  private h2(req: RawRequest, headers: Record<string, string>, body: Buffer): Promise<RawAnswer> {
    if (!this.session || this.session.closed || this.session.destroyed) {
      this.session = http2.connect(`http://127.0.0.1:${this.port}`);
      this.session.on('error', () => {});
    }
    const stream = this.session.request({ ':method': 'POST', ':path': req.path, ...headers });
    return new Promise((resolve, reject) => {
      let responseHeaders: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on('response', (h) => (responseHeaders = h));
      stream.on('trailers', (t) => (trailers = t));
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('close', () => {
        const status = Number(responseHeaders[':status'] ?? 0);
        const requestId = (responseHeaders['x-request-id'] ?? trailers['x-request-id']) as string | undefined;
        if (req.protocol === 'grpc') {
          const grpcStatus = trailers['grpc-status'] ?? responseHeaders['grpc-status'];
          resolve({ code: grpcStatus === undefined ? `http ${status}` : GRPC_NAMES[Number(grpcStatus)], httpStatus: status, requestId });
        } else resolve({ code: connectCode(status, Buffer.concat(chunks)), httpStatus: status, requestId });
      });
      stream.end(body);
    });
  }

  private h1(req: RawRequest, headers: Record<string, string>, body: Buffer): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const r = http.request({ host: '127.0.0.1', port: this.port, method: 'POST', path: req.path, headers: { ...headers, 'content-length': String(body.length) }, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          const status = res.statusCode ?? 0;
          const code = req.protocol === 'grpc-web' ? grpcWebCode(res.headers, all, status) : connectCode(status, all);
          const requestId = (res.headers['x-request-id'] as string | undefined) ?? (req.protocol === 'grpc-web' ? grpcWebTrailer(all, 'x-request-id') : undefined);
          resolve({ code, httpStatus: status, requestId });
        });
        res.on('error', reject);
      });
      r.on('error', reject);
      r.end(body);
    });
  }
}

/** A Connect unary answer: 200 is ok, else the code in the JSON error body. */
function connectCode(status: number, body: Buffer): string {
  if (status === 200) return 'ok';
  try {
    const code = (JSON.parse(body.toString('utf8')) as { code?: unknown }).code;
    return typeof code === 'string' ? code : `http ${status}`;
  } catch {
    return `http ${status}`;
  }
}

/** gRPC-Web: grpc-status in the headers (trailers-only) or in the trailer frame of the body. */
function grpcWebCode(headers: http.IncomingHttpHeaders, body: Buffer, status: number): string {
  const code = headers['grpc-status'] ?? grpcWebTrailer(body, 'grpc-status');
  return code === undefined ? `http ${status}` : GRPC_NAMES[Number(code)];
}

/** A trailer from the trailer frame of a gRPC-Web body. */
function grpcWebTrailer(body: Buffer, name: string): string | undefined {
  for (let at = 0; at + 5 <= body.length; ) {
    const length = body.readUInt32BE(at + 1);
    if (body[at] & 0x80) {
      for (const line of body.subarray(at + 5, at + 5 + length).toString('utf8').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
      }
    }
    at += 5 + length;
  }
  return undefined;
}
