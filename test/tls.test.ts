// TLS and mutual TLS on the service's port (src/server/tls.ts, src/server/listen.ts): gRPC and
// Connect clients over HTTP/2 and HTTP/1.1 picked by ALPN, cleartext clients turned away without
// harm, and client certificates checked against CHIMERA_TLS_CLIENT_CA. The certificates are made
// here with the openssl CLI.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import type pg from 'pg';
import { createLogger } from '../src/lib/log.js';
import { createChimeraClient, createChimeraTransport, type ChimeraClientOptions, type TlsOptions } from '../src/client/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { Health, HealthCheckRequestSchema, HealthCheckResponseSchema, HealthCheckResponse_ServingStatus as ServingStatus } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import type { RunningServer } from '../src/server/server.js';
import { readTlsFiles, type TlsCredentials } from '../src/server/tls.js';
import { startExtraServer, testEnv } from './support/environment.js';
import { newTenant, type TestTenant } from './support/fixtures.js';
import { eventually } from './support/locks.js';
import { startServiceProcess } from './support/service-process.js';

interface Pki {
  dir: string;
  /** The CA that signed the server's and the client's certificates. */
  ca: Buffer;
  server: TlsCredentials;
  client: { cert: Buffer; key: Buffer };
  /** A client certificate from a CA the server does not trust. */
  stranger: { cert: Buffer; key: Buffer };
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
}

function makeCert(dir: string, name: string, ca: string, extensions: string): { cert: Buffer; key: Buffer } {
  openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/O=chimera tests/CN=${name}`);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '1', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
  return { cert: readFileSync(join(dir, `${name}.pem`)), key: readFileSync(join(dir, `${name}.key`)) };
}

function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-tls-'));
  makeCa(dir, 'test-ca');
  makeCa(dir, 'other-ca');
  const server = makeCert(dir, 'server', 'test-ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  const client = makeCert(dir, 'billing-service', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  const stranger = makeCert(dir, 'stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  const ca = readFileSync(join(dir, 'test-ca.pem'));
  return { dir, ca, server: { ...server, clientCa: undefined }, client, stranger };
}

/** Health/Check with @grpc/grpc-js over TLS. */
function grpcCheck(port: number, credentials: grpc.ChannelCredentials): Promise<ServingStatus> {
  const client = new grpc.Client(`localhost:${port}`, credentials);
  return new Promise<ServingStatus>((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (req: ReturnType<typeof create<typeof HealthCheckRequestSchema>>) => Buffer.from(toBinary(HealthCheckRequestSchema, req)),
      (bytes: Buffer) => fromBinary(HealthCheckResponseSchema, bytes),
      create(HealthCheckRequestSchema, {}),
      { deadline: Date.now() + 5_000 },
      (err, res) => (err || !res ? reject(err) : resolve(res.status)),
    );
  }).finally(() => client.close());
}

/** The protocol ALPN settles on when a client offers `offered`. */
async function negotiated(port: number, ca: Buffer, offered: string[]): Promise<string | false> {
  const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca, ALPNProtocols: offered });
  try {
    await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    return socket.alpnProtocol ?? false;
  } finally {
    socket.destroy();
  }
}

function clientOptions(port: number, tlsOptions: TlsOptions | undefined, apiKey: string): ChimeraClientOptions {
  return { baseUrl: `https://localhost:${port}`, apiKey, retry: false, defaultTimeoutMs: 5_000, tls: tlsOptions };
}

describe('TLS on the port', function () {
  this.timeout(30_000);
  let pki: Pki;
  let tenant: TestTenant;
  let server: RunningServer;
  let pool: pg.Pool;

  before(async () => {
    pki = makePki();
    tenant = await newTenant();
    ({ server, pool } = await startExtraServer({ tls: pki.server }));
  });

  after(async () => {
    await server?.shutdown(1_000);
    await pool?.end();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  it('serves gRPC and Connect over HTTP/2 and Connect over HTTP/1.1, API key still required', async () => {
    expect(await grpcCheck(server.port, grpc.credentials.createSsl(pki.ca))).to.equal(ServingStatus.SERVING);
    const handle = `tls_${Date.now()}`;
    const grpcClients = createChimeraClient({ ...clientOptions(server.port, { ca: pki.ca }, tenant.apiKey), transport: 'grpc' });
    const { agent } = await grpcClients.agents.createAgent({ agent: { handle, displayName: 'Over TLS' } });
    for (const httpVersion of ['2', '1.1'] as const) {
      const connect = createChimeraClient({ ...clientOptions(server.port, { ca: pki.ca }, tenant.apiKey), transport: 'connect', httpVersion });
      const got = await connect.agents.getAgent({ id: agent!.id });
      expect(got.agent?.handle, `Connect over HTTP/${httpVersion}`).to.equal(handle);
    }
    const anonymous = createChimeraClient({ ...clientOptions(server.port, { ca: pki.ca }, ''), transport: 'connect', httpVersion: '1.1' });
    await anonymous.agents.getAgent({ id: agent!.id }).then(
      () => expect.fail('a call without an API key was served'),
      (err: { code?: number }) => expect(err.code).to.equal(16), // Unauthenticated
    );
  });

  it('lets ALPN pick HTTP/2 when the client offers it and HTTP/1.1 otherwise', async () => {
    expect(await negotiated(server.port, pki.ca, ['h2', 'http/1.1'])).to.equal('h2');
    expect(await negotiated(server.port, pki.ca, ['http/1.1'])).to.equal('http/1.1');
    const status = (httpVersion: '1.1' | '2') =>
      createClient(Health, createChimeraTransport({ baseUrl: `https://localhost:${server.port}`, transport: 'connect', httpVersion, retry: false, tls: { ca: pki.ca } }))
        .check({})
        .then((res) => res.status);
    expect(await status('2')).to.equal(ServingStatus.SERVING);
    expect(await status('1.1')).to.equal(ServingStatus.SERVING);
    // What each server answered with: the version it speaks.
    const h1Version = await new Promise<string>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', servername: 'localhost', port: server.port, ca: pki.ca, method: 'POST', path: '/grpc.health.v1.Health/Check', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.httpVersion);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(h1Version).to.equal('1.1');
    const session = http2.connect(`https://localhost:${server.port}`, { ca: pki.ca });
    try {
      await new Promise((resolve, reject) => session.once('connect', resolve).once('error', reject));
      expect(session.alpnProtocol).to.equal('h2');
    } finally {
      session.close();
    }
  });

  it('turns cleartext clients away without harm to the port', async () => {
    // gRPC with prior knowledge and HTTP/1.1, in cleartext, to the TLS port.
    await grpcCheck(server.port, grpc.credentials.createInsecure()).then(
      () => expect.fail('a cleartext gRPC call was served'),
      (err: grpc.ServiceError) => expect(err.code).to.equal(grpc.status.UNAVAILABLE),
    );
    const raw = net.connect(server.port, '127.0.0.1');
    raw.on('error', () => {});
    raw.write('POST /grpc.health.v1.Health/Check HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    let answer = '';
    raw.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    await new Promise((resolve) => raw.once('close', resolve));
    expect(answer).not.to.contain('SERVING');
    expect(await grpcCheck(server.port, grpc.credentials.createSsl(pki.ca))).to.equal(ServingStatus.SERVING);
  });

  it('keeps the connection cap and the idle timeout of the cleartext port', async () => {
    const limited = await startExtraServer({ tls: pki.server, limits: { maxConnections: 2, idleTimeoutMs: 500 } });
    try {
      const open = Array.from({ length: 3 }, () => {
        const socket = tls.connect({ port: limited.server.port, host: '127.0.0.1', servername: 'localhost', ca: pki.ca, ALPNProtocols: ['h2'] });
        const state = { secure: false, closed: false };
        socket.on('secureConnect', () => (state.secure = true));
        socket.on('close', () => (state.closed = true));
        socket.on('error', () => {});
        // Only the HTTP/2 preface and an empty SETTINGS frame: an HTTP/2 session that stays idle.
        socket.once('secureConnect', () => socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])])));
        socket.on('data', () => {});
        return state;
      });
      await eventually('the third connection is refused', () => open.filter((s) => s.closed && !s.secure).length === 1, 5_000);
      await eventually('the idle HTTP/2 sessions are closed', () => open.every((s) => s.closed), 5_000);
    } finally {
      await limited.server.shutdown(1_000);
      await limited.pool.end();
    }
  });
});

describe('mutual TLS on the port', function () {
  this.timeout(30_000);
  let pki: Pki;
  let server: RunningServer;
  let pool: pg.Pool;
  const lines: Array<Record<string, unknown>> = [];

  before(async () => {
    pki = makePki();
    const log = createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    ({ server, pool } = await startExtraServer({ log, tls: { ...pki.server, clientCa: pki.ca } }));
  });

  after(async () => {
    await server?.shutdown(1_000);
    await pool?.end();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  it('refuses a client without a certificate', async () => {
    await grpcCheck(server.port, grpc.credentials.createSsl(pki.ca)).then(
      () => expect.fail('a client without a certificate was served'),
      (err: grpc.ServiceError) => expect(err.code).to.equal(grpc.status.UNAVAILABLE),
    );
    const health = createClient(Health, createChimeraTransport({ baseUrl: `https://localhost:${server.port}`, transport: 'connect', httpVersion: '1.1', retry: false, tls: { ca: pki.ca } }));
    await health.check({}).then(
      () => expect.fail('a Connect client without a certificate was served'),
      // connect-node reports the TLS alert as it came; the code it picks is not the point.
      (err: Error) => expect(err.message).to.match(/certificate required/),
    );
  });

  it('refuses a client whose certificate another CA signed', async () => {
    await grpcCheck(server.port, grpc.credentials.createSsl(pki.ca, pki.stranger.key, pki.stranger.cert)).then(
      () => expect.fail('a client with an untrusted certificate was served'),
      (err: grpc.ServiceError) => expect(err.code).to.equal(grpc.status.UNAVAILABLE),
    );
  });

  it('serves a client whose certificate the client CA signed, over both HTTP versions, and logs its subject', async () => {
    lines.length = 0;
    expect(await grpcCheck(server.port, grpc.credentials.createSsl(pki.ca, pki.client.key, pki.client.cert))).to.equal(ServingStatus.SERVING);
    for (const httpVersion of ['2', '1.1'] as const) {
      const health = createClient(Health, createChimeraTransport({ baseUrl: `https://localhost:${server.port}`, transport: 'connect', httpVersion, retry: false, tls: { ca: pki.ca, ...pki.client } }));
      expect((await health.check({})).status, `HTTP/${httpVersion}`).to.equal(ServingStatus.SERVING);
    }
    const calls = lines.filter((l) => l.msg === 'call' && l.procedure === 'grpc.health.v1.Health/Check');
    expect(calls).to.have.length(3);
    for (const call of calls) expect(call.clientCertificate).to.equal('O=chimera tests,CN=billing-service');
  });
});

describe('TLS certificate reload', function () {
  this.timeout(60_000);
  let before1: Pki;
  let after1: Pki;
  before(() => {
    before1 = makePki();
    after1 = makePki();
  });
  after(() => [before1, after1].forEach((pki) => rmSync(pki.dir, { recursive: true, force: true })));

  const serves = (port: number, ca: Buffer) => grpcCheck(port, grpc.credentials.createSsl(ca)).then(() => true, () => false);

  it('serves new connections with the reloaded certificate', async () => {
    const { server, pool } = await startExtraServer({ tls: before1.server });
    try {
      expect(await serves(server.port, before1.ca)).to.equal(true);
      server.reloadTls(after1.server);
      expect(await serves(server.port, after1.ca), 'the new certificate').to.equal(true);
      expect(await serves(server.port, before1.ca), 'the old certificate').to.equal(false);
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('reloads the files on SIGHUP, and keeps the old certificate when the new files do not load', async function () {
    // A process of its own needs a database it can reach: not the suite's embedded one.
    if (!testEnv().realPostgres) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'chimera-tls-files-'));
    const place = (from: Pki) => {
      copyFileSync(join(from.dir, 'server.pem'), join(dir, 'server.pem'));
      copyFileSync(join(from.dir, 'server.key'), join(dir, 'server.key'));
    };
    place(before1);
    const service = await startServiceProcess({
      DATABASE_URL: testEnv().serviceUrl,
      CHIMERA_MIGRATION_URL: testEnv().directUrl,
      CHIMERA_TLS_CERT: join(dir, 'server.pem'),
      CHIMERA_TLS_KEY: join(dir, 'server.key'),
    });
    try {
      expect(service.output()).to.match(/"transport":"TLS"/);
      expect(await serves(service.port, before1.ca)).to.equal(true);
      place(after1);
      service.child.kill('SIGHUP');
      await eventually('the reload is logged', () => service.output().includes('"msg":"TLS certificates reloaded"'), 5_000);
      expect(await serves(service.port, after1.ca)).to.equal(true);
      writeFileSync(join(dir, 'server.key'), 'not a key');
      service.child.kill('SIGHUP');
      await eventually('the failed reload is logged', () => service.output().includes('TLS certificates not reloaded'), 5_000);
      expect(service.alive()).to.equal(true);
      expect(await serves(service.port, after1.ca), 'the certificate loaded last').to.equal(true);
    } finally {
      expect(await service.stop()).to.equal(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TLS configuration', () => {
  let pki: Pki;
  before(() => (pki = makePki()));
  after(() => rmSync(pki.dir, { recursive: true, force: true }));

  it('wants the certificate and the key together, and a client CA only with both', () => {
    expect(loadConfig({}).tls).to.equal(undefined);
    expect(() => loadConfig({ CHIMERA_TLS_CERT: 'server.pem' })).to.throw(ConfigError, /set both or neither/);
    expect(() => loadConfig({ CHIMERA_TLS_KEY: 'server.key' })).to.throw(ConfigError, /set both or neither/);
    expect(() => loadConfig({ CHIMERA_TLS_CLIENT_CA: 'ca.pem' })).to.throw(ConfigError, /needs CHIMERA_TLS_CERT and CHIMERA_TLS_KEY/);
    expect(loadConfig({ CHIMERA_TLS_CERT: 'a.pem', CHIMERA_TLS_KEY: 'a.key', CHIMERA_TLS_CLIENT_CA: 'ca.pem' }).tls).to.deep.equal({ certFile: 'a.pem', keyFile: 'a.key', clientCaFile: 'ca.pem' });
  });

  it('names the variable and the file that cannot be used', () => {
    const at = (name: string) => join(pki.dir, name);
    expect(() => readTlsFiles({ certFile: at('missing.pem'), keyFile: at('server.key') })).to.throw(ConfigError, /CHIMERA_TLS_CERT: cannot read .*missing\.pem \(ENOENT\)/);
    expect(() => readTlsFiles({ certFile: at('server.pem'), keyFile: at('server.pem') })).to.throw(ConfigError, /CHIMERA_TLS_KEY: .*server\.pem holds no PEM PRIVATE KEY/);
    expect(() => readTlsFiles({ certFile: at('server.pem'), keyFile: at('server.key'), clientCaFile: at('server.key') })).to.throw(ConfigError, /CHIMERA_TLS_CLIENT_CA: .* holds no PEM CERTIFICATE/);
    // A key that is not the certificate's.
    expect(() => readTlsFiles({ certFile: at('server.pem'), keyFile: at('stranger.key') })).to.throw(ConfigError, /do not make a usable TLS setup/);
    const credentials = readTlsFiles({ certFile: at('server.pem'), keyFile: at('server.key'), clientCaFile: at('test-ca.pem') });
    expect(credentials.clientCa?.equals(pki.ca)).to.equal(true);
  });
});
