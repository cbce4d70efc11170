// Schema migrations with dbmate: applying them at start, and telling whether a database is behind.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { listAppliedMigrations } from '../gen/sql/platform/session.queries.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MIGRATIONS_DIR = join(projectRoot, 'db', 'migrations');
const DBMATE = join(projectRoot, 'node_modules', '.bin', 'dbmate');

/** Versions of the migrations this build ships, oldest first. */
export function expectedVersions(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .map((name) => /^(\d+)_.*\.sql$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort();
}

/** Migrations this build ships that the database has not applied (empty when up to date). */
export async function pendingMigrations(pool: pg.Pool): Promise<string[]> {
  let applied: Set<string>;
  try {
    applied = new Set((await listAppliedMigrations.run(undefined, pool)).map((r) => r.version));
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return expectedVersions(); // no schema_migrations yet
    throw err;
  }
  return expectedVersions().filter((v) => !applied.has(v));
}

/** Runs `dbmate up` against `url`. dbmate's schema dump is for developers, not for start-up. */
export function applyMigrations(url: string, log: (line: string) => void): Promise<void> {
  const args = ['--url', url, '--migrations-dir', MIGRATIONS_DIR, '--no-dump-schema', 'up'];
  return new Promise((resolve, reject) => {
    const child = spawn(DBMATE, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      output.split('\n').filter(Boolean).forEach(log);
      if (code === 0) resolve();
      else reject(new Error(`dbmate up failed (exit ${code}): ${output.trim().split('\n').pop() ?? ''}`));
    });
  });
}
