// The mechanical migration rules (scripts/migration-rules.ts, docs/migrations.md): each rule is
// shown catching what it names and letting the safe form through, an allowance needs a reason,
// and every migration in db/migrations passes (those written before the rules with what they
// broke listed in scripts/lint-migrations.ts).
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { lintMigration, splitStatements } from '../scripts/migration-rules.js';
import { BEFORE_THE_RULES, lintFiles, migrationFiles } from '../scripts/lint-migrations.js';

/** A migration with `up` as its up section, on a table `t` that an earlier migration made. */
function migration(up: string, header = '-- migrate:up'): string {
  return `${header}\n${up}\n\n-- migrate:down\nSELECT 1;\n`;
}

function rules(up: string, header?: string): string[] {
  return lintMigration(migration(up, header)).map((f) => f.rule);
}

describe('migration rules', () => {
  it('splits statements at top-level semicolons only, and keeps the comments before each', () => {
    const statements = splitStatements(`-- why\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\nSELECT ';', "a;b" /* ; */;`);
    expect(statements.map((s) => s.text)).to.deep.equal([
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$',
      `SELECT ';', "a;b"`,
    ]);
    expect(statements[0].comments).to.deep.equal(['-- why']);
    expect(statements[1].line).to.equal(3);
  });

  it('flags CREATE INDEX on an existing table without CONCURRENTLY, not on a table made in the same migration', () => {
    const timeout = 'SET LOCAL lock_timeout = \'5s\';\n';
    expect(rules(`${timeout}CREATE INDEX t_x_idx ON t (tenant_id, x);`)).to.deep.equal(['index-concurrently']);
    expect(rules('CREATE TABLE n (tenant_id uuid, x int);\nCREATE INDEX n_x_idx ON n (tenant_id, x);')).to.deep.equal([]);
    expect(rules('SET lock_timeout = \'5s\';\nCREATE INDEX CONCURRENTLY t_x_idx ON t (tenant_id, x);', '-- migrate:up transaction:false')).to.deep.equal([]);
    expect(rules('CREATE INDEX CONCURRENTLY t_x_idx ON t (tenant_id, x);')).to.deep.equal(['concurrently-outside-transaction']);
  });

  it('flags constraints that scan or build under lock, and lets NOT VALID and USING INDEX through', () => {
    const timeout = 'SET LOCAL lock_timeout = \'5s\';\n';
    expect(rules(`${timeout}ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (tenant_id, p) REFERENCES p (tenant_id, id);`)).to.deep.equal(['constraint-not-valid']);
    expect(rules(`${timeout}ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (tenant_id, p) REFERENCES p (tenant_id, id) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_fk;`)).to.deep.equal([]);
    expect(rules(`${timeout}ALTER TABLE t ADD CHECK (x > 0);`)).to.deep.equal(['constraint-not-valid']);
    expect(rules(`${timeout}ALTER TABLE t ADD CONSTRAINT t_key UNIQUE (tenant_id, x);`)).to.deep.equal(['unique-without-index']);
    expect(rules(`${timeout}ALTER TABLE t ADD CONSTRAINT t_key UNIQUE USING INDEX t_key_idx;`)).to.deep.equal([]);
  });

  it('flags column changes that rewrite, scan or break the previous release', () => {
    const timeout = 'SET LOCAL lock_timeout = \'5s\';\n';
    expect(rules(`${timeout}ALTER TABLE t ADD COLUMN y int NOT NULL;`)).to.deep.equal(['not-null-without-default']);
    expect(rules(`${timeout}ALTER TABLE t ADD COLUMN y int NOT NULL DEFAULT 0;`)).to.deep.equal([]);
    expect(rules(`${timeout}ALTER TABLE t ADD COLUMN y uuid DEFAULT gen_random_uuid();`)).to.deep.equal(['volatile-default']);
    expect(rules(`${timeout}ALTER TABLE t ALTER COLUMN y TYPE bigint;`)).to.deep.equal(['column-type-change']);
    expect(rules(`${timeout}ALTER TABLE t ALTER COLUMN y SET NOT NULL;`)).to.deep.equal(['set-not-null']);
    expect(rules(`${timeout}ALTER TABLE t RENAME COLUMN y TO z;`)).to.deep.equal(['rename']);
    expect(rules(`${timeout}ALTER TABLE t DROP COLUMN y;`)).to.deep.equal(['drop-in-up']);
    expect(rules(`${timeout}DROP TABLE t;`)).to.deep.equal(['drop-in-up']);
    expect(rules('ALTER FUNCTION chimera.f RENAME TO g;')).to.deep.equal(['rename']);
  });

  it('asks for a lock_timeout before the first lock on an existing table', () => {
    expect(rules('ALTER TABLE t ADD COLUMN y int;')).to.deep.equal(['lock-timeout']);
    expect(rules('CREATE POLICY p ON t USING (true);\nDROP TRIGGER t_audit ON t;')).to.deep.equal(['lock-timeout']);
    expect(rules('SET LOCAL lock_timeout = \'5s\';\nALTER TABLE t ADD COLUMN y int;')).to.deep.equal([]);
    expect(rules('CREATE TABLE n (id int);\nALTER TABLE n ADD COLUMN y int;')).to.deep.equal([]);
  });

  it('asks for a down section', () => {
    expect(lintMigration('-- migrate:up\nCREATE TABLE n (id int);\n').map((f) => f.rule)).to.deep.equal(['down-section']);
    expect(lintMigration('-- migrate:up\nCREATE TABLE n (id int);\n-- migrate:down\n').map((f) => f.rule)).to.deep.equal(['down-section']);
  });

  it('takes an allowance only for the rule it names and only with a reason', () => {
    const timeout = 'SET LOCAL lock_timeout = \'5s\';\n';
    expect(rules(`${timeout}-- lint-allow index-concurrently: t has at most one row per tenant\nCREATE INDEX t_x_idx ON t (tenant_id, x);`)).to.deep.equal([]);
    expect(rules(`${timeout}-- lint-allow index-concurrently:\nCREATE INDEX t_x_idx ON t (tenant_id, x);`)).to.deep.equal(['index-concurrently']);
    expect(rules(`${timeout}-- lint-allow rename: no release reads t\nCREATE INDEX t_x_idx ON t (tenant_id, x);`)).to.deep.equal(['index-concurrently']);
  });

  it('finds nothing unallowed in db/migrations', () => {
    const findings = lintFiles(migrationFiles()).flatMap(({ file, findings }) => findings.map((f) => `${file}:${f.line} ${f.rule}`));
    expect(findings).to.deep.equal([]);
  });

  it('still finds what the migrations that landed before the rules broke (the rules do not rot)', () => {
    for (const file of migrationFiles().filter((f) => /\/2026120(1|4)00000[1-7]_/.test(f))) {
      const version = /(\d+)_/.exec(file)![1];
      const found = [...new Set(lintMigration(readFileSync(file, 'utf8')).map((f) => f.rule))].sort();
      expect(found, file).to.deep.equal([...(BEFORE_THE_RULES[version] ?? [])].sort());
    }
  });
});
