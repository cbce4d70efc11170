// Start-up against a database whose schema is behind: health says so, `npm start` refuses to serve
// it without auto-migration, and migrates it by default. Needs a second, empty database on a real
// server (skipped on embedded PGlite, with the reason printed).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { expect } from 'chai';
import pg from 'pg';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { silentLogger } from '../src/lib/log.js';
import { startServer } from '../src/server/server.js';
import { asServiceRole, testEnv } from './support/environment.js';

function databaseUrl(name: string): string {
  const url = new URL(testEnv().databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function runMain(env: Record<string, string>, untilLine?: RegExp): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (untilLine && untilLine.test(output)) {
        untilLine = undefined;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('start-up against a schema that is behind', function () {
  let name: string;
  before(function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: needs a second, empty database on a real PostgreSQL server; set DATABASE_URL');
      this.skip();
    }
  });
  beforeEach(async () => {
    name = `chimera_empty_${randomUUID().slice(0, 8)}`;
    await testEnv().pool.query(`CREATE DATABASE ${name}`);
  });
  afterEach(async () => {
    if (name) await testEnv().pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('health is NOT_SERVING until the migrations are applied, then SERVING', async () => {
    const pool = createPool(databaseUrl(name), 2, silentLogger);
    const server = await startServer({ pool, log: silentLogger, port: 0, host: '127.0.0.1', adminToken: undefined, defaultTimeoutMs: 5_000, authCacheTtlMs: 1_000 });
    try {
      const health = createClient(Health, createGrpcTransport({ baseUrl: `http://127.0.0.1:${server.port}` }));
      expect((await health.check({})).status).to.equal(ServingStatus.NOT_SERVING);
      await applyMigrations(databaseUrl(name), () => {});
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the probe result is cached for 1 s
      expect((await health.check({})).status).to.equal(ServingStatus.SERVING);
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('with CHIMERA_AUTO_MIGRATE=false the service refuses to start and says why', async function () {
    this.timeout(60_000);
    const { code, output } = await runMain({ DATABASE_URL: databaseUrl(name), CHIMERA_AUTO_MIGRATE: 'false' });
    expect(code).to.equal(1);
    expect(output).to.match(/schema is behind this build \(pending migrations: \d+/);
    const { rows } = await testEnv().pool.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [name]);
    expect(rows[0].n).to.equal(1);
  });

  it('by default it migrates (as the owner), serves (as its own login role), and exits 0 on SIGTERM', async function () {
    this.timeout(60_000);
    const env = { DATABASE_URL: asServiceRole(databaseUrl(name)), CHIMERA_MIGRATION_URL: databaseUrl(name), CHIMERA_ADMIN_TOKEN: 'a-long-enough-admin-token' };
    const { code, output } = await runMain(env, /"msg":"serving"/);
    expect(output).to.include('applying migrations');
    expect(output).to.include('"msg":"stopped"');
    expect(code).to.equal(0);
    const client = new pg.Client({ connectionString: databaseUrl(name) });
    await client.connect();
    const { rows } = await client.query('SELECT count(*)::int AS n FROM schema_migrations');
    await client.end();
    expect(rows[0].n).to.be.greaterThan(0);
  });
});
