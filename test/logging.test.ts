// What a failed call leaves in the log: a client's mistake is one `info` line with the code and the
// reason, and nothing of SQL or stacks; a server fault is an `error` line with its cause (the SQL
// message, SQLSTATE) and stack, for the operator who must fix it.
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { PerAddressLimit } from '../src/observability/per-address-limit.js';
import { createPool } from '../src/db/pool.js';
import { createLogger, silentLogger } from '../src/lib/log.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { ADMIN_TOKEN, connectClient, startExtraServer, testEnv, type Protocol } from './support/environment.js';
import { expectError, newTenant } from './support/fixtures.js';

type Line = Record<string, unknown> & { level: string; msg: string };

function capturingLogger() {
  const lines: Line[] = [];
  return { lines, log: createLogger('debug', (line) => lines.push(JSON.parse(line) as Line)) };
}

function databaseUrl(name: string, port?: number): string {
  const url = new URL(testEnv().databaseUrl);
  url.pathname = `/${name}`;
  if (port) url.port = String(port);
  return url.toString();
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The log lines of calls that failed with `code`. */
function failures(lines: Line[], code: Code): Line[] {
  return lines.filter((l) => l.code === Code[code]);
}

describe('logging of failed calls', () => {
  it('a duplicate CreateAgent (AlreadyExists) is one info line with code and reason, without SQL, constraint or stack', async () => {
    const { lines, log } = capturingLogger();
    const { server, pool } = await startExtraServer({ log });
    try {
      const { apiKey } = await newTenant();
      const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, apiKey);
      await agents.createAgent({ agent: { handle: 'twin', displayName: 'Twin' } });
      await expectError(agents.createAgent({ agent: { handle: 'twin', displayName: 'Twin' } }), Code.AlreadyExists, 'HANDLE_TAKEN');

      const [line, ...more] = failures(lines, Code.AlreadyExists);
      expect(more, 'one line per failed call').to.be.empty;
      expect(line).to.include({ level: 'info', procedure: 'chimera.agents.v1.AgentService/CreateAgent', reason: 'HANDLE_TAKEN' });
      expect(line.requestId).to.be.a('string');
      const text = JSON.stringify(line);
      for (const leak of ['duplicate key', 'agents_live_handle_key', '23505', 'stack', 'pg-protocol', '.ts:']) {
        expect(text, `the line mentions ${leak}`).to.not.include(leak);
      }
      expect(lines.filter((l) => l.level === 'error')).to.be.empty;
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('the database unreachable (Unavailable) is an error line with the cause and its stack', async () => {
    const { lines, log } = capturingLogger();
    const pool = createPool(databaseUrl('chimera', await closedPort()), 1, silentLogger);
    const server = await startServer({ pool, log, port: 0, host: '127.0.0.1', adminToken: ADMIN_TOKEN, defaultTimeoutMs: 5_000, authCacheTtlMs: 0 });
    try {
      const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, 'chk_' + 'A'.repeat(43));
      await expectError(agents.getAgent({ id: randomUUID() }), Code.Unavailable, 'DATABASE_UNAVAILABLE');
      const [line, ...more] = failures(lines, Code.Unavailable);
      expect(more).to.be.empty;
      expect(line).to.include({ level: 'error', procedure: 'chimera.agents.v1.AgentService/GetAgent' });
      expect(line.error).to.match(/ECONNREFUSED/);
      expect(line.stack).to.match(/\n\s+at /);
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  describe('against a database without the schema', () => {
    let name: string | undefined;
    let server: RunningServer | undefined;
    let pool: ReturnType<typeof createPool> | undefined;
    before(function () {
      if (!testEnv().realPostgres) {
        console.log('    skipped: needs a second, empty database on a real PostgreSQL server; set DATABASE_URL');
        this.skip();
      }
    });
    after(async () => {
      await server?.shutdown(1_000);
      await pool?.end();
      if (name) await testEnv().pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });

    it('a failing query (Internal) is an error line with the SQL message, its SQLSTATE and the stack', async () => {
      name = `chimera_noschema_${randomUUID().slice(0, 8)}`;
      await testEnv().pool.query(`CREATE DATABASE ${name}`);
      const { lines, log } = capturingLogger();
      pool = createPool(databaseUrl(name), 1, silentLogger);
      server = await startServer({ pool, log, port: 0, host: '127.0.0.1', adminToken: ADMIN_TOKEN, defaultTimeoutMs: 5_000, authCacheTtlMs: 0 });
      const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, 'chk_' + 'A'.repeat(43));
      const err = await expectError(agents.getAgent({ id: randomUUID() }), Code.Internal, 'INTERNAL');
      expect(err.rawMessage).to.not.match(/does not exist/);

      const [line, ...more] = failures(lines, Code.Internal);
      expect(more).to.be.empty;
      expect(line).to.include({ level: 'error', procedure: 'chimera.agents.v1.AgentService/GetAgent' });
      expect(line.error).to.match(/does not exist/);
      expect(line.errorCode, 'the SQLSTATE').to.match(/^[0-9A-Z]{5}$/);
      expect(line.stack).to.match(/\n\s+at /);
    });
  });
});

describe('the access log', () => {
  for (const protocol of ['grpc', 'connect-http1-json'] as Protocol[]) {
    it(`a successful call over ${protocol} is one info line with tenant, key id, remote address, method, code and duration`, async () => {
      const { lines, log } = capturingLogger();
      const { server, pool } = await startExtraServer({ log });
      try {
        const t = await newTenant();
        const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, t.apiKey, protocol);
        const { agent } = await agents.createAgent({ agent: { handle: `log_${randomUUID().slice(0, 8)}`, displayName: 'Log' } });
        await agents.getAgent({ id: agent!.id });

        const calls = lines.filter((l) => l.msg === 'call' && l.procedure === 'chimera.agents.v1.AgentService/GetAgent');
        expect(calls).to.have.length(1);
        const [line] = calls;
        expect(line).to.include({ level: 'info', code: 'ok', tenantId: t.tenant.id });
        expect(line.keyId).to.be.a('string').and.not.equal('');
        expect(line.remoteAddress).to.match(/127\.0\.0\.1$/);
        expect(line.requestId).to.be.a('string');
        expect(line.ms).to.be.a('number');
        expect(line.traceId, 'no trace id without tracing').to.equal(undefined);
      } finally {
        await server.shutdown(1_000);
        await pool.end();
      }
    });
  }

  it('a call refused for a missing scope is logged with its tenant and key id', async () => {
    const { lines, log } = capturingLogger();
    const { server, pool } = await startExtraServer({ log });
    try {
      const t = await newTenant({ scopes: ['agents:read'] });
      const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, t.apiKey);
      await expectError(agents.createAgent({ agent: { handle: 'nope', displayName: 'No' } }), Code.PermissionDenied, 'MISSING_SCOPE');
      const [line] = failures(lines, Code.PermissionDenied);
      expect(line).to.include({ level: 'info', tenantId: t.tenant.id, reason: 'MISSING_SCOPE' });
      expect(line.keyId).to.be.a('string');
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('with CHIMERA_ACCESS_LOG=false, successful calls are left to debug', async () => {
    const lines: Line[] = [];
    const log = createLogger('info', (line) => lines.push(JSON.parse(line) as Line));
    const { server, pool } = await startExtraServer({ log, signals: { accessLog: false } });
    try {
      const t = await newTenant();
      const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, t.apiKey);
      await agents.listAgents({});
      await expectError(agents.getAgent({ id: randomUUID() }), Code.NotFound);
      expect(lines.filter((l) => l.msg === 'call').map((l) => l.code)).to.deep.equal(['NotFound']);
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('no API key, admin token, issued secret or embedding reaches the log, even at debug', async () => {
    const raw: string[] = [];
    const log = createLogger('debug', (line) => raw.push(line));
    const { server, pool } = await startExtraServer({ log });
    try {
      const baseUrl = `http://127.0.0.1:${server.port}`;
      const admin = connectClient(TenantService, baseUrl, ADMIN_TOKEN);
      const { tenant } = await admin.createTenant({ tenant: { name: `secrets-${randomUUID().slice(0, 8)}` } });
      const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['*'], description: 'log test' });
      const agents = connectClient(AgentService, baseUrl, secret);
      const embedding = Array.from({ length: 1536 }, (_, i) => (i === 7 ? 0.123456789 : 0.001));
      await agents.createAgent({ agent: { handle: `sec_${randomUUID().slice(0, 8)}`, displayName: 'S', personaEmbedding: embedding } });
      const forged = secret.slice(0, -4) + 'AAAA';
      await expectError(connectClient(AgentService, baseUrl, forged).getAgent({ id: randomUUID() }), Code.Unauthenticated);
      await expectError(connectClient(TenantService, baseUrl, 'wrong-admin-token-0123456789').listTenants({}), Code.Unauthenticated);

      const text = raw.join('\n');
      expect(raw.filter((l) => JSON.parse(l).msg === 'call')).to.have.length.of.at.least(5);
      for (const [what, leak] of [['the issued secret', secret], ['a forged key', forged], ['the admin token', ADMIN_TOKEN], ['the embedding', '0.123456789'], ['a key prefix', 'chk_']]) {
        expect(text, `the log holds ${what}`).to.not.include(leak);
      }
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('unauthenticated attempts are logged with the remote address, at most 10 a minute per address', async () => {
    const { lines, log } = capturingLogger();
    const { server, pool } = await startExtraServer({ log });
    try {
      const stranger = connectClient(AgentService, `http://127.0.0.1:${server.port}`, 'chk_' + 'Q'.repeat(43));
      for (let i = 0; i < 13; i++) await expectError(stranger.getAgent({ id: randomUUID() }), Code.Unauthenticated);
      const logged = failures(lines, Code.Unauthenticated);
      expect(logged).to.have.length(10);
      expect(logged[0]).to.include({ level: 'info', reason: 'UNKNOWN_KEY' });
      expect(logged[0].remoteAddress).to.match(/127\.0\.0\.1$/);
      expect(logged[0].tenantId).to.equal(undefined);
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('the lines an address was denied are reported on its first line of the next minute', () => {
    let now = 0;
    const limit = new PerAddressLimit(2, 60_000, () => now);
    expect([limit.take('a'), limit.take('a'), limit.take('a'), limit.take('a'), limit.take('b')]).to.deep.equal([0, 0, false, false, 0]);
    now = 61_000;
    expect([limit.take('b'), limit.take('a'), limit.take('a'), limit.take('a')]).to.deep.equal([0, 2, 0, false]);
  });
});
