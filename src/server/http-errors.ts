// Answers the HTTP layer gives on its own, when a request is refused before (or instead of) an RPC:
// a Connect error body, {"code","message"}, which Connect clients parse and a person with curl can
// read, and the request id that finds the log line.
import * as http from 'node:http';
import * as http2 from 'node:http2';

export type NodeResponse = http.ServerResponse | http2.Http2ServerResponse;

export interface Refusal {
  status: number;
  /** A Connect error code, lower snake case ("unimplemented"). */
  code: string;
  /** What is wrong with the request, for the person who sent it. */
  message: string;
  headers?: Record<string, string>;
}

function body(refusal: Refusal): string {
  return JSON.stringify({ code: refusal.code, message: refusal.message });
}

/** Answers `res` with the refusal, or cuts it off when its headers are already out. */
export function sendRefusal(res: NodeResponse, refusal: Refusal, requestId: string): void {
  if (res.headersSent) {
    if ('stream' in res) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    else res.destroy();
    return;
  }
  const text = body(refusal);
  res.writeHead(refusal.status, {
    ...refusal.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-request-id': requestId,
  });
  res.end(text);
}

/** The same answer as raw HTTP/1.1 bytes, for a socket whose request the parser could not read. */
export function rawRefusal(refusal: Refusal, requestId: string): string {
  const text = body(refusal);
  return (
    `HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status] ?? ''}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(text)}\r\n` +
    `x-request-id: ${requestId}\r\n` +
    'Connection: close\r\n\r\n' +
    text
  );
}
