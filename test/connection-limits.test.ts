// What one port allows: idle HTTP/2 sessions and HTTP/1.1 keep-alive connections are closed,
// connections beyond the cap are refused as they arrive, and an HTTP/2 connection carries a
// bounded number of calls at once (src/server/listen.ts).
import * as http from 'node:http';
import * as http2 from 'node:http2';
import { connect, type Socket } from 'node:net';
import { expect } from 'chai';
import { startExtraServer } from './support/environment.js';
import { eventually } from './support/locks.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

/** A raw connection that sent the HTTP/2 preface and an empty SETTINGS frame, and nothing else. */
async function idleH2(port: number): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = connect(port, '127.0.0.1');
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  socket.on('data', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS]));
  return { socket, closed: () => closed };
}

describe('connection limits', function () {
  this.timeout(20_000);

  it('closes HTTP/2 sessions and HTTP/1.1 keep-alive connections that stay idle', async () => {
    const { server, pool } = await startExtraServer({ limits: { idleTimeoutMs: 500 } });
    try {
      const h2 = await Promise.all(Array.from({ length: 20 }, () => idleH2(server.port)));
      const agent = new http.Agent({ keepAlive: true });
      let h1Closed = false;
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ port: server.port, host: '127.0.0.1', path: '/grpc.health.v1.Health/Check', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => {
            req.socket?.once('close', () => (h1Closed = true));
            resolve();
          });
        });
        req.on('error', reject);
        req.end('{}');
      });
      await eventually('every idle HTTP/2 connection is closed', () => h2.every((c) => c.closed()), 5_000);
      await eventually('the idle keep-alive connection is closed', () => h1Closed, 5_000);
      agent.destroy();
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('refuses connections beyond the cap, and serves again once some close', async () => {
    const { server, pool } = await startExtraServer({ limits: { maxConnections: 5 } });
    try {
      const open = await Promise.all(Array.from({ length: 5 }, () => idleH2(server.port)));
      const extra = await idleH2(server.port);
      await eventually('the sixth connection is closed', () => extra.closed(), 2_000);
      expect(open.some((c) => c.closed()), 'the first five stay open').to.equal(false);
      for (const c of open) c.socket.destroy();
      await eventually('the server serves again', async () => {
        const session = http2.connect(`http://127.0.0.1:${server.port}`);
        session.on('error', () => {});
        const ok = await new Promise<boolean>((resolve) => {
          const stream = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/json' });
          stream.on('response', (h) => resolve(h[':status'] === 200));
          stream.on('error', () => resolve(false));
          stream.on('close', () => resolve(false));
          stream.end('{}');
        });
        session.close();
        return ok;
      }, 2_000);
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('advertises a cap on the calls in flight on one HTTP/2 connection', async () => {
    const { server, pool } = await startExtraServer({ limits: { maxConcurrentStreams: 7 } });
    const session = http2.connect(`http://127.0.0.1:${server.port}`);
    try {
      await new Promise((resolve) => session.once('remoteSettings', resolve));
      expect(session.remoteSettings.maxConcurrentStreams).to.equal(7);
    } finally {
      session.close();
      await server.shutdown(1_000);
      await pool.end();
    }
  });
});
