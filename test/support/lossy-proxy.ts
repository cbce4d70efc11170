// An HTTP/2 proxy in front of a server that fails chosen calls with Unavailable, the way a
// network or a load balancer does: either before the request reaches the server, or after the
// server has answered (the answer is lost). It records every request it saw, body included.
import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

/** What happens to one request: forwarded, refused before the server sees it, or forwarded with
 *  its answer replaced by Unavailable. */
export type Fate = 'forward' | 'refuse' | 'lose-answer';

export interface LossyProxy {
  baseUrl: string;
  /** Every request in arrival order: its path, its x-request-id and its body's bytes. */
  requests: Array<{ path: string; requestId: string | undefined; body: Buffer }>;
  close(): Promise<void>;
}

/** `fate(path, n)` decides the n-th request (from 1) for `path`. HTTP/2 only (gRPC, Connect). */
export async function startLossyProxy(upstreamUrl: string, fate: (path: string, n: number) => Fate): Promise<LossyProxy> {
  const upstream = http2.connect(upstreamUrl);
  upstream.on('error', () => {});
  const requests: LossyProxy['requests'] = [];
  const seen = new Map<string, number>();
  const server = http2.createServer();
  // The clients' connections stay open; close() ends them rather than waiting for them.
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    const n = (seen.get(path) ?? 0) + 1;
    seen.set(path, n);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ path, requestId: headers['x-request-id'] as string | undefined, body });
      const decided = fate(path, n);
      if (decided === 'refuse') return unavailable(stream, headers);
      const forwarded: http2.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(headers)) {
        if (name !== ':scheme' && name !== ':authority' && name !== 'connection') forwarded[name] = value;
      }
      const request = upstream.request(forwarded);
      request.end(body);
      let responseHeaders: http2.IncomingHttpHeaders = {};
      let trailers: http2.IncomingHttpHeaders | undefined;
      const data: Buffer[] = [];
      request.on('response', (h) => (responseHeaders = h));
      request.on('trailers', (t) => (trailers = t));
      request.on('data', (chunk: Buffer) => data.push(chunk));
      request.on('error', () => unavailable(stream, headers));
      request.on('end', () => {
        if (decided === 'lose-answer') return unavailable(stream, headers);
        const { ':status': status, ...rest } = responseHeaders;
        stream.respond({ ':status': status, ...withoutConnectionHeaders(rest) }, { waitForTrailers: trailers !== undefined });
        if (trailers) stream.on('wantTrailers', () => stream.sendTrailers(withoutConnectionHeaders(trailers!)));
        stream.end(Buffer.concat(data));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        upstream.close();
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
      }),
  };
}

function unavailable(stream: http2.ServerHttp2Stream, request: http2.IncomingHttpHeaders): void {
  if (String(request['content-type'] ?? '').startsWith('application/grpc')) {
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '14', 'grpc-message': 'upstream unavailable' }, { endStream: true });
    return;
  }
  stream.respond({ ':status': 503, 'content-type': 'application/json' });
  stream.end(JSON.stringify({ code: 'unavailable', message: 'upstream unavailable' }));
}

function withoutConnectionHeaders(headers: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
  const { connection: _c, 'keep-alive': _k, 'transfer-encoding': _t, ...rest } = headers;
  return rest;
}
