// One TCP port for HTTP/2 cleartext (prior knowledge) and HTTP/1.1.
//
// Node's http2.createServer() only speaks h2c, and http.createServer() only
// HTTP/1.x. A plain net.Server accepts each socket, peeks at the first bytes
// for the HTTP/2 connection preface, puts them back with socket.unshift() and
// hands the socket to the matching server. Both servers share one handler.
// With TLS (tls.ts), the handshake comes first and ALPN picks the server instead: 'h2' goes to
// the HTTP/2 server, anything else to HTTP/1.1; nothing is sniffed.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { silentLogger, type Logger } from '../lib/log.js';
import { rawRefusal, sendRefusal, type NodeResponse } from './http-errors.js';
import { createTlsServer, secureContextOptions, type TlsCredentials } from './tls.js';

export type NodeRequest = http.IncomingMessage | http2.Http2ServerRequest;
/** A request handler for both HTTP versions, like the one connectNodeAdapter() returns. */
export type NodeHandler = (req: NodeRequest, res: NodeResponse) => void;

const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

// A connection that sends nothing decisive within this time is dropped.
const sniffTimeoutMs = 10_000;

/** What one port allows, so that idle or abusive clients cannot hold its resources. */
export interface ConnectionLimits {
  /** An HTTP/2 session or an HTTP/1.1 keep-alive connection with no traffic for this long is
   *  closed (HTTP/2: GOAWAY, calls in flight finish). */
  idleTimeoutMs: number;
  /** Connections open at once; more are closed as they arrive. */
  maxConnections: number;
  /** Calls in flight on one HTTP/2 connection (advertised in SETTINGS). */
  maxConcurrentStreams: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { idleTimeoutMs: 60_000, maxConnections: 1_000, maxConcurrentStreams: 100 };

export interface ListenOptions {
  port: number;
  host?: string;
  /** Where requests the handler throws on, and requests HTTP/1 cannot parse, are logged. */
  log?: Logger;
  limits?: Partial<ConnectionLimits>;
  /** Serve TLS (and, with a client CA, mutual TLS) instead of cleartext. */
  tls?: TlsCredentials;
}

export interface Listener {
  /** The bound port (useful with port 0). */
  readonly port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish, and destroys
   * whatever is still open after graceMs.
   */
  close(graceMs: number): Promise<void>;
  /** Serves new connections with these certificates (TLS ports only); open ones keep theirs. */
  reloadTls(credentials: TlsCredentials): void;
}

export async function listen(
  handler: NodeHandler,
  opts: ListenOptions,
): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  let draining = false;

  const log = opts.log ?? silentLogger;
  // Refused connections are logged at most once a minute, however many arrive.
  let refusedConnections = 0;
  // Failed TLS handshakes (cleartext clients, untrusted client certificates) likewise, by reason.
  const failedHandshakes = new Map<string, number>();
  const reportRefused = setInterval(() => {
    if (failedHandshakes.size > 0) log.info('TLS handshakes failed', { byReason: Object.fromEntries(failedHandshakes) });
    failedHandshakes.clear();
    if (refusedConnections === 0) return;
    log.warn('connections refused: the connection limit was reached', { refused: refusedConnections, maxConnections: limits.maxConnections });
    refusedConnections = 0;
  }, 60_000).unref();
  // Nothing one request does may end the process: whatever the handler throws is answered 500.
  const serve: NodeHandler = (req, res) => {
    try {
      handler(req, res);
    } catch (err) {
      const requestId = String(res.getHeader('x-request-id') ?? randomUUID());
      log.error('request failed', { requestId, method: req.method, path: req.url, error: String(err), stack: (err as Error)?.stack });
      sendRefusal(res, { status: 500, code: 'internal', message: 'internal error; the x-request-id header identifies it in the logs' }, requestId);
    }
  };

  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...opts.limits };
  const h2 = http2.createServer({ settings: { maxConcurrentStreams: limits.maxConcurrentStreams } }, serve);
  h2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.setTimeout(limits.idleTimeoutMs, () => session.close());
    // Refuse new streams on sessions that were still handshaking at close().
    if (draining) session.close();
  });

  const responses = new Set<http.ServerResponse>();
  // Without Host, Node would answer 400 on its own, with no body: the handler refuses it instead.
  const h1 = http.createServer({ requireHostHeader: false, keepAliveTimeout: limits.idleTimeoutMs }, (req, res) => {
    if (draining) res.setHeader('Connection', 'close');
    responses.add(res);
    res.once('close', () => {
      responses.delete(res);
      // A response that started before close() kept its socket alive.
      if (draining) setImmediate(() => h1.closeIdleConnections());
    });
    serve(req, res);
  });
  h1.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const requestId = randomUUID();
    const refusal =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? { status: 431, code: 'resource_exhausted', message: 'the request headers are too large' }
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? { status: 408, code: 'deadline_exceeded', message: 'the request took too long to arrive' }
          : { status: 400, code: 'invalid_argument', message: `malformed HTTP/1.1 request (${err.code ?? err.message})` };
    log.info('refused', { requestId, status: refusal.status, problem: refusal.message });
    socket.end(rawRefusal(refusal, requestId));
  });
  const secure = opts.tls ? createTlsServer(opts.tls) : undefined;
  secure?.on('secureConnection', (socket: tls.TLSSocket) => {
    if (socket.alpnProtocol === 'h2') h2.emit('connection', socket);
    else h1.emit('connection', socket);
  });
  secure?.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
    const reason = err.code ?? 'other';
    failedHandshakes.set(reason, (failedHandshakes.get(reason) ?? 0) + 1);
    socket.destroy();
  });
  const server = net.createServer((socket) => {
    if (sockets.size >= limits.maxConnections) {
      refusedConnections++;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // The TLS socket wraps this one: destroying either closes both, and this one still says 'close'.
    if (secure) return void secure.emit('connection', socket);
    sniff(socket, (isH2) => {
      if (isH2) {
        // Http2Session reads the unshifted bytes from the socket buffer itself.
        h2.emit('connection', socket);
      } else {
        // The HTTP/1 parser reads straight from the socket handle; the
        // unshifted bytes only reach it via 'data' once the socket flows.
        h1.emit('connection', socket);
        socket.resume();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  // http.Server only tracks connections (for headersTimeout, requestTimeout
  // and closeIdleConnections) after its 'listening' event. It never listens
  // itself, since sockets come from the net.Server, so start tracking here.
  h1.emit('listening');

  let closing: Promise<void> | undefined;
  async function close(graceMs: number): Promise<void> {
    draining = true;
    clearInterval(reportRefused);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // GOAWAY: in-flight streams may finish, new streams are refused.
    for (const session of sessions) session.close();
    // Closes idle keep-alive sockets. Node then closes busy ones after their
    // response because of 'Connection: close' (if headers are not sent yet).
    h1.close();
    for (const res of responses) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([closed, expired]);
    clearTimeout(timer);
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  return {
    port,
    close(graceMs) {
      closing ??= close(graceMs);
      return closing;
    },
    reloadTls(credentials) {
      if (!secure) throw new Error('the port serves cleartext: there are no certificates to reload');
      secure.setSecureContext(secureContextOptions(credentials));
    },
  };
}

/**
 * Reads from the socket until the bytes either match the full HTTP/2 preface
 * or diverge from it, then pushes everything back and reports the verdict.
 */
function sniff(socket: net.Socket, decide: (isH2: boolean) => void): void {
  let buffered = Buffer.alloc(0);
  const stop = () => {
    socket.off('data', onData);
    for (const event of ['end', 'error', 'timeout']) socket.off(event, drop);
    socket.setTimeout(0);
  };
  const drop = () => {
    stop();
    socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const n = Math.min(buffered.length, h2Preface.length);
    const isPrefix = buffered.subarray(0, n).equals(h2Preface.subarray(0, n));
    if (isPrefix && n < h2Preface.length) return; // need more bytes
    stop();
    // Pause synchronously: in flowing mode with no 'data' listener, the next
    // chunk would be lost.
    socket.pause();
    socket.unshift(buffered);
    decide(isPrefix);
  };
  socket.on('data', onData);
  for (const event of ['end', 'error', 'timeout']) socket.on(event, drop);
  socket.setTimeout(sniffTimeoutMs);
}
