// Every migration's down section works and its up section can run again: on a database of the
// test's own, the migrations are applied one at a time, recording the schema (test/support/
// catalog.ts) before and after each; then, newest first, each is rolled back, applied again and
// rolled back again, and the schema must be exactly the one recorded each time. At the end
// nothing of the schema is left, and applying everything once more gives the schema of the first
// run. Real PostgreSQL only.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { expectedVersions, MIGRATIONS_DIR } from '../src/db/migrate.js';
import { fingerprintDifference, schemaFingerprint } from './support/catalog.js';
import { testEnv } from './support/environment.js';

const DBMATE = join('node_modules', '.bin', 'dbmate');

describe('migrations roll back one at a time and apply again', function () {
  this.timeout(300_000);
  let name: string;
  let url: string;
  let client: pg.Client;

  const scratchDirs: string[] = [];
  /** dbmate up applies every pending migration: to apply one again, it is given a directory
   *  holding the migrations up to that one only. */
  const migrationsUpTo = (version: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'chimera-migrations-'));
    scratchDirs.push(dir);
    for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => /^\d+_.*\.sql$/.test(f) && f.split('_')[0] <= version)) {
      symlinkSync(resolve(MIGRATIONS_DIR, file), join(dir, file));
    }
    return dir;
  };
  const dbmate = (command: 'up' | 'rollback', dir = MIGRATIONS_DIR) => {
    const result = spawnSync(DBMATE, ['--url', url, '--migrations-dir', dir, '--no-dump-schema', command], { encoding: 'utf8', timeout: 120_000 });
    expect(result.status, `dbmate ${command}: ${result.stdout}${result.stderr}`).to.equal(0);
    return result.stdout;
  };
  const applied = async () => (await client.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
  // A migration's three checks are collected together, so that its failure says all it got wrong.
  const problems: string[] = [];
  const same = (label: string, expected: string[], actual: string[]) => {
    if (actual.length !== expected.length || actual.some((l, i) => l !== expected[i])) problems.push(`${label}:\n${fingerprintDifference(expected, actual)}`);
  };

  before(async function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: needs a database of its own on a real PostgreSQL server; set DATABASE_URL');
      this.skip();
    }
    name = `chimera_down_${randomUUID().slice(0, 8)}`;
    await testEnv().pool.query(`CREATE DATABASE ${name}`);
    const u = new URL(testEnv().databaseUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    client = new pg.Client({ connectionString: url });
    await client.connect();
    // As scripts/provision-postgres.sh leaves a database: the extension is the provisioner's.
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  });

  after(async () => {
    scratchDirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    await client?.end();
    if (name) await testEnv().pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('every down restores the schema its up found, and every up gives the same schema again', async () => {
    const versions = expectedVersions();
    // The schema before each migration and after it: schemas[i] is what versions[i] found.
    const schemas: string[][] = [await schemaFingerprint(client)];
    for (const version of versions) {
      expect(dbmate('up', migrationsUpTo(version))).to.include(`Applying: ${version}_`);
      schemas.push(await schemaFingerprint(client));
    }
    expect(await applied()).to.deep.equal(versions);
    // dbmate's own table appears with the first migration and stays, empty, after the last down.
    const comparable = (i: number, fingerprint: string[]) => (i === 0 ? fingerprint.filter((l) => !l.includes('schema_migrations')) : fingerprint);

    for (let i = versions.length - 1; i >= 0; i--) {
      const version = versions[i];
      expect(dbmate('rollback')).to.include(`Rolling back: ${version}_`);
      expect(await applied()).to.not.include(version);
      same(`${version}'s down leaves another schema than its up found`, comparable(i, schemas[i]), comparable(i, await schemaFingerprint(client)));

      expect(dbmate('up', migrationsUpTo(version))).to.include(`Applying: ${version}_`);
      same(`${version} applied again after its down gives another schema than the first time`, schemas[i + 1], await schemaFingerprint(client));

      dbmate('rollback');
      same(`${version}'s second down leaves another schema than the first`, comparable(i, schemas[i]), comparable(i, await schemaFingerprint(client)));
      // What one down leaves behind differs from every earlier recording too: name this one only.
      if (problems.length > 0) break;
    }
    expect(problems, problems.join('\n\n')).to.deep.equal([]);
    expect(await applied()).to.deep.equal([]);

    dbmate('up');
    same('applying everything again gives another schema than the first time', schemas[versions.length], await schemaFingerprint(client));
    expect(problems, problems.join('\n\n')).to.deep.equal([]);
  });
});
