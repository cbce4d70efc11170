// Requests refused before any RPC runs (unknown path, wrong HTTP method, missing or unsupported
// content type, no Host): each answer has a body a client can read, an x-request-id header, and a
// log line; and none of them, nor any other request, can end the process. Raw node:http and
// node:http2 clients, so that nothing in between hides what the server sends.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { expect } from 'chai';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import { createLogger } from '../src/lib/log.js';
import type { RunningServer } from '../src/server/server.js';
import { startExtraServer } from './support/environment.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const CHECK = '/grpc.health.v1.Health/Check';

function h1(port: number, opts: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method, path: opts.path, headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function h2(port: number, opts: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({ ':method': opts.method, ':path': opts.path, ...opts.headers });
    let headers: Answer['headers'] = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h));
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status: Number(headers[':status']), headers, body });
    });
    stream.on('error', reject);
    stream.end(opts.body);
  });
}

/** Writes `request` on a raw socket and resolves with everything the server sends until it closes. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.end(request);
  });
}

function parseRaw(text: string): Answer {
  const [head, ...rest] = text.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers: Answer['headers'] = {};
  for (const line of headerLines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') };
}

/** The answer is a Connect error naming the problem, with a request id that the log line carries. */
function expectRefusal(answer: Answer, status: number, code: string, problem: RegExp, lines: Array<Record<string, unknown>>): void {
  expect(answer.status, answer.body).to.equal(status);
  expect(String(answer.headers['content-type'])).to.match(/^application\/json/);
  const body = JSON.parse(answer.body) as { code: string; message: string };
  expect(body.code).to.equal(code);
  expect(body.message).to.match(problem);
  const requestId = answer.headers['x-request-id'];
  expect(requestId).to.be.a('string').and.not.equal('');
  const logged = lines.filter((l) => l.requestId === requestId);
  expect(logged, 'one log line with the request id').to.have.length(1);
  expect(logged[0]).to.include({ level: 'info', msg: 'refused', status });
}

describe('HTTP-level refusals', () => {
  let server: RunningServer;
  let pool: Awaited<ReturnType<typeof startExtraServer>>['pool'];
  let lines: Array<Record<string, unknown>>;

  before(async () => {
    lines = [];
    const log = createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    ({ server, pool } = await startExtraServer({ log }));
  });
  after(async () => {
    await server.shutdown(1_000);
    await pool.end();
  });

  async function stillServing(): Promise<void> {
    const health = createClient(Health, createConnectTransport({ baseUrl: `http://127.0.0.1:${server.port}`, httpVersion: '1.1' }));
    expect((await health.check({})).status).to.equal(ServingStatus.SERVING);
  }

  for (const [version, send] of [['HTTP/1.1', h1], ['HTTP/2', h2]] as const) {
    describe(version, () => {
      it('an unknown path is 404 unimplemented, naming the path', async () => {
        const answer = await send(server.port, { method: 'POST', path: '/no.such.Service/Nothing', headers: { 'content-type': 'application/json' }, body: '{}' });
        expectRefusal(answer, 404, 'unimplemented', /\/no\.such\.Service\/Nothing/, lines);
      });

      it('a method without a content type is 415, saying which content types work', async () => {
        const answer = await send(server.port, { method: 'POST', path: CHECK, body: '{}' });
        expectRefusal(answer, 415, 'invalid_argument', /content-type.*application\/json/, lines);
      });

      it('an unsupported content type is 415, naming it', async () => {
        const answer = await send(server.port, { method: 'POST', path: CHECK, headers: { 'content-type': 'text/plain' }, body: '{}' });
        expectRefusal(answer, 415, 'invalid_argument', /text\/plain/, lines);
      });

      it('GET of a method that changes things is 405, saying to POST', async () => {
        const answer = await send(server.port, { method: 'GET', path: CHECK });
        expectRefusal(answer, 405, 'unimplemented', /GET.*POST/, lines);
        expect(answer.headers.allow).to.match(/POST/);
      });
    });
  }

  it('a client-supplied x-request-id is kept on a refusal', async () => {
    const answer = await h1(server.port, { method: 'POST', path: '/nowhere', headers: { 'x-request-id': 'client-chosen-1' } });
    expect(answer.headers['x-request-id']).to.equal('client-chosen-1');
  });

  it('HTTP/1.0 without Host is 400 with a body, and the server keeps serving', async () => {
    const body = '{}';
    const text = await raw(server.port, `POST ${CHECK} HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expectRefusal(parseRaw(text), 400, 'invalid_argument', /Host/, lines);
    await stillServing();
  });

  it('HTTP/1.1 with an empty Host is 400 with a body, and the server keeps serving', async () => {
    const body = '{}';
    const text = await raw(server.port, `POST ${CHECK} HTTP/1.1\r\nHost:\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expectRefusal(parseRaw(text), 400, 'invalid_argument', /Host/, lines);
    await stillServing();
  });

  it('HTTP/1.1 without Host is 400 with a body', async () => {
    const text = await raw(server.port, `POST ${CHECK} HTTP/1.1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}`);
    expectRefusal(parseRaw(text), 400, 'invalid_argument', /Host/, lines);
  });

  it('a request HTTP/1.1 cannot parse is 400 with a body and a request id', async () => {
    const answer = parseRaw(await raw(server.port, 'NOT AN HTTP REQUEST\r\n\r\n'));
    expectRefusal(answer, 400, 'invalid_argument', /malformed/, lines);
    await stillServing();
  });
});
