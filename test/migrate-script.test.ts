// `npm run migrate` (README, package.json): applies the pending migrations to DATABASE_URL, says
// what it did, is a no-op the second time, and exits non-zero naming the server when it cannot
// migrate. Needs a database of its own on a real server (skipped on embedded PGlite).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { expect } from 'chai';
import pg from 'pg';
import { expectedVersions } from '../src/db/migrate.js';
import { testEnv } from './support/environment.js';

function npmRunMigrate(databaseUrl: string | undefined): Promise<{ code: number | null; output: string }> {
  const { DATABASE_URL: _ignored, CHIMERA_MIGRATION_URL: _alsoIgnored, ...env } = process.env;
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'migrate'], { env: databaseUrl ? { ...env, DATABASE_URL: databaseUrl } : env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run migrate', function () {
  this.timeout(60_000);
  let name: string;
  let url: string;
  before(function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: needs a database of its own on a real PostgreSQL server; set DATABASE_URL');
      this.skip();
    }
    name = `chimera_migrate_${randomUUID().slice(0, 8)}`;
    // Migrations run straight on PostgreSQL, never through a transaction pooler (dbmate creates the
    // database and holds a session).
    const u = new URL(testEnv().directUrl);
    u.pathname = `/${name}`;
    url = u.toString();
  });
  after(async () => {
    if (name) await testEnv().pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('applies every migration to a new database, then finds nothing to do', async () => {
    const first = await npmRunMigrate(url);
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.include(`applying ${expectedVersions().length} pending migration(s) to 127.0.0.1:`);
    expect(first.output).to.match(/Applied: \d+_foundation\.sql/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version');
    await client.end();
    expect(rows.map((r) => r.version)).to.deep.equal(expectedVersions());

    const again = await npmRunMigrate(url);
    expect(again.code, again.output).to.equal(0);
    expect(again.output).to.include('is up to date');
    expect(again.output).to.not.include('Applying');
  });

  it('exits non-zero and says why when the server does not answer or DATABASE_URL is unset', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));

    const unreachable = await npmRunMigrate(`postgres://postgres:secret@127.0.0.1:${port}/chimera?sslmode=disable`);
    expect(unreachable.code).to.equal(1);
    expect(unreachable.output).to.include(`migrating 127.0.0.1:${port}/chimera failed: connect ECONNREFUSED`);
    expect(unreachable.output).to.not.include('secret');

    const unset = await npmRunMigrate(undefined);
    expect(unset.code).to.equal(2);
    expect(unset.output).to.include('neither CHIMERA_MIGRATION_URL nor DATABASE_URL is set');
  });
});
