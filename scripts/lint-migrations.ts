// `npx tsx scripts/lint-migrations.ts [file...]`: checks db/migrations (or the files given) against
// the mechanical rules of docs/migrations.md (scripts/migration-rules.ts) and exits 1 on a finding.
// Migrations written before the rules keep what they broke, listed below; a new migration states
// each exception where it makes it, with `-- lint-allow <rule>: <reason>`.
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lintMigration, RULES, type Finding, type Rule } from './migration-rules.js';

const MIGRATIONS_DIR = 'db/migrations';

/** What each migration written before the rules breaks (applied everywhere; up sections are never
 *  edited). Most took locks without a lock_timeout, on tables that were small when they ran. */
export const BEFORE_THE_RULES: Record<string, Rule[]> = {
  '20261201000004': ['lock-timeout'],
  '20261204000004': ['constraint-not-valid', 'index-concurrently', 'lock-timeout'],
  '20261204000006': ['volatile-default', 'index-concurrently', 'lock-timeout'],
  '20261204000007': ['constraint-not-valid', 'lock-timeout'],
};

export interface FileFindings {
  file: string;
  findings: Finding[];
}

/** Each file's findings that no allowance covers. */
export function lintFiles(files: string[]): FileFindings[] {
  return files.map((file) => {
    const version = /^(\d+)_/.exec(basename(file))?.[1] ?? '';
    const grandfathered = new Set(BEFORE_THE_RULES[version] ?? []);
    return { file, findings: lintMigration(readFileSync(file, 'utf8')).filter((f) => !grandfathered.has(f.rule)) };
  });
}

export function migrationFiles(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /^\d+_.*\.sql$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : migrationFiles();
  const results = lintFiles(files);
  let count = 0;
  for (const { file, findings } of results) {
    for (const f of findings) {
      count++;
      console.error(`${file}:${f.line}: ${f.rule}: ${RULES[f.rule]}\n    ${f.statement}`);
    }
  }
  if (count > 0) {
    console.error(`lint-migrations: ${count} finding(s); fix them or allow each with a reason: -- lint-allow <rule>: <reason> (docs/migrations.md)`);
    process.exit(1);
  }
  console.log(`lint-migrations: ${files.length} migration(s) follow docs/migrations.md`);
}
