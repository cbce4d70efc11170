// The mechanical part of docs/migrations.md: rules a migration's up section must follow so that
// the previous release keeps working against the migrated schema (blue-green) and no statement
// holds a strong lock on a large table for long. A statement may break a rule when a comment
// before it (or inside it) says which and why: `-- lint-allow <rule>: <reason>`.

export const RULES = {
  'index-concurrently': 'CREATE INDEX on an existing table without CONCURRENTLY blocks its writes for the whole build',
  'concurrently-outside-transaction': 'CREATE INDEX CONCURRENTLY cannot run in a transaction: start the file with `-- migrate:up transaction:false`',
  'constraint-not-valid': 'a FOREIGN KEY or CHECK added to an existing table without NOT VALID scans it under lock; add NOT VALID, then VALIDATE CONSTRAINT in a later statement',
  'unique-without-index': 'a UNIQUE or PRIMARY KEY constraint added to an existing table builds its index under lock; build it CONCURRENTLY first, then ADD CONSTRAINT ... USING INDEX',
  'not-null-without-default': 'ADD COLUMN ... NOT NULL without DEFAULT fails on a non-empty table and breaks the previous release\'s inserts',
  'set-not-null': 'SET NOT NULL scans the table under lock; add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL',
  'volatile-default': 'ADD COLUMN with a volatile DEFAULT rewrites the table under lock',
  'column-type-change': 'ALTER COLUMN ... TYPE rewrites the table under lock and breaks the previous release\'s reads',
  rename: 'a rename breaks the previous release at once; add the new name, move readers and writers, then drop the old one',
  'drop-in-up': 'DROP TABLE or DROP COLUMN breaks the previous release; drop only what no running release reads (say which release stopped)',
  'lock-timeout': 'a migration that locks an existing table sets lock_timeout first, so that it fails instead of queueing every query behind it',
  'down-section': 'every migration has a -- migrate:down section that undoes it',
} as const;

export type Rule = keyof typeof RULES;

export interface Finding {
  rule: Rule;
  line: number;
  statement: string;
}

export interface Statement {
  /** The statement without comments, whitespace collapsed. */
  text: string;
  line: number;
  /** Comments between the previous statement's end and this one's. */
  comments: string[];
}

/** Splits SQL into statements at top-level semicolons, keeping quoted text, dollar-quoted bodies
 *  and comments intact. */
export function splitStatements(sql: string, firstLine = 1): Statement[] {
  const out: Statement[] = [];
  let text = '';
  let comments: string[] = [];
  let line = firstLine;
  let start: number | undefined;
  const push = () => {
    const collapsed = text.replace(/\s+/g, ' ').trim();
    if (collapsed !== '') out.push({ text: collapsed, line: start ?? line, comments });
    text = '';
    comments = [];
    start = undefined;
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    let end = i + 1;
    let comment = false;
    if (sql.startsWith('--', i) || sql.startsWith('/*', i)) {
      const close = sql.startsWith('--', i) ? sql.indexOf('\n', i) : sql.indexOf('*/', i + 2) + 1;
      end = close <= 0 ? sql.length : close + (sql.startsWith('/*', i) ? 1 : 0);
      comment = true;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      end = Math.min(j + 1, sql.length);
    } else if (c === '$') {
      const tag = /^\$\w*\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        end = close === -1 ? sql.length : close + tag.length;
      }
    }
    const token = sql.slice(i, end);
    if (comment) {
      comments.push(token);
      text += ' ';
    } else if (token === ';') {
      push();
    } else {
      if (start === undefined && /\S/.test(token)) start = line;
      text += token;
    }
    line += token.split('\n').length - 1;
    i = end;
  }
  push();
  return out;
}

export interface MigrationSections {
  up: Statement[];
  down: Statement[];
  /** `-- migrate:up transaction:false`: dbmate runs the up section outside a transaction. */
  upInTransaction: boolean;
}

export function readSections(sql: string): MigrationSections {
  const lines = sql.split('\n');
  const upAt = lines.findIndex((l) => /^--\s*migrate:up\b/.test(l));
  const downAt = lines.findIndex((l) => /^--\s*migrate:down\b/.test(l));
  const upEnd = downAt === -1 ? lines.length : downAt;
  return {
    up: upAt === -1 ? [] : splitStatements(lines.slice(upAt + 1, upEnd).join('\n'), upAt + 2),
    down: downAt === -1 ? [] : splitStatements(lines.slice(downAt + 1).join('\n'), downAt + 2),
    upInTransaction: upAt === -1 || !/transaction:false/.test(lines[upAt]),
  };
}

const NAME = String.raw`(?:ONLY\s+)?(?:IF\s+(?:NOT\s+)?EXISTS\s+)?((?:"?\w+"?\.)?"?\w+"?)`;

function tableName(raw: string): string {
  return raw.replace(/"/g, '').replace(/^public\./i, '').toLowerCase();
}

/** The rules one migration breaks, with the allowances its comments make. */
export function lintMigration(sql: string): Finding[] {
  const { up, down, upInTransaction } = readSections(sql);
  const findings: Finding[] = [];
  const created = new Set<string>();
  let lockTimeoutSet = false;
  let lockTimeoutReported = false;

  for (const statement of up) {
    const s = statement.text;
    const allowed = new Set(
      statement.comments.flatMap((c) => [...c.matchAll(/lint-allow\s+([\w-]+)\s*:\s*\S/g)].map((m) => m[1])),
    );
    const report = (rule: Rule) => {
      if (!allowed.has(rule)) findings.push({ rule, line: statement.line, statement: s.slice(0, 120) });
    };
    const createTable = new RegExp(String.raw`^CREATE\s+(?:UNLOGGED\s+)?TABLE\s+${NAME}`, 'i').exec(s);
    if (createTable) created.add(tableName(createTable[1]));
    if (/^SET\s+(?:LOCAL\s+)?lock_timeout\b/i.test(s) || /set_config\(\s*'lock_timeout'/i.test(s)) lockTimeoutSet = true;

    // The existing table a statement locks, if any.
    let locked: string | undefined;
    const index = new RegExp(String.raw`^CREATE\s+(?:UNIQUE\s+)?INDEX\s+(CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?:\w+\s+)?ON\s+${NAME}`, 'i').exec(s);
    if (index) {
      const table = tableName(index[2]);
      if (index[1]) {
        if (upInTransaction) report('concurrently-outside-transaction');
      } else if (!created.has(table)) {
        report('index-concurrently');
        locked = table;
      }
    }
    const alter = new RegExp(String.raw`^ALTER\s+TABLE\s+${NAME}\s+(.*)$`, 'i').exec(s);
    if (alter && !created.has(tableName(alter[1]))) {
      const action = alter[2];
      locked = tableName(alter[1]);
      if (/\bADD\s+(?:CONSTRAINT\s+\S+\s+)?(?:FOREIGN\s+KEY|CHECK)\b/i.test(action) && !/\bNOT\s+VALID\b/i.test(action)) report('constraint-not-valid');
      if (/\bADD\s+(?:CONSTRAINT\s+\S+\s+)?(?:UNIQUE|PRIMARY\s+KEY)\b/i.test(action) && !/\bUSING\s+INDEX\b/i.test(action)) report('unique-without-index');
      for (const column of action.split(/,\s*(?=ADD\b|ALTER\b|DROP\b)/i)) {
        if (/^ADD\s+(?:COLUMN\s+)?/i.test(column) && !/^ADD\s+(?:CONSTRAINT|CHECK|UNIQUE|PRIMARY|FOREIGN)\b/i.test(column)) {
          if (/\bNOT\s+NULL\b/i.test(column) && !/\bDEFAULT\b/i.test(column)) report('not-null-without-default');
          if (/\bDEFAULT\s+(?:gen_random_uuid|random|clock_timestamp|uuid_generate_v4|timeofday|pg_current_xact_id|txid_current)\s*\(/i.test(column)) report('volatile-default');
        }
        if (/^ALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+DATA\s+)?TYPE\b/i.test(column)) report('column-type-change');
        if (/^ALTER\s+(?:COLUMN\s+)?\S+\s+SET\s+NOT\s+NULL\b/i.test(column)) report('set-not-null');
        if (/^DROP\s+(?:COLUMN\s+)?(?!CONSTRAINT\b)/i.test(column) && !/^DROP\s+(?:DEFAULT|NOT\s+NULL|TRIGGER|POLICY|CONSTRAINT)\b/i.test(column)) report('drop-in-up');
      }
      if (/^RENAME\b/i.test(action)) report('rename');
    }
    if (/^ALTER\s+(?:FUNCTION|VIEW|MATERIALIZED\s+VIEW|TYPE|SCHEMA)\s+\S+.*\bRENAME\s+TO\b/i.test(s)) report('rename');
    const drop = new RegExp(String.raw`^DROP\s+TABLE\s+${NAME}`, 'i').exec(s);
    if (drop && !created.has(tableName(drop[1]))) {
      report('drop-in-up');
      locked = tableName(drop[1]);
    }
    const other = new RegExp(String.raw`^(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+\w+\s+.*?\bON\s+|DROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?\w+\s+ON\s+|(?:CREATE|ALTER|DROP)\s+POLICY\s+(?:IF\s+EXISTS\s+)?\w+\s+ON\s+|LOCK\s+(?:TABLE\s+)?)${NAME}`, 'i').exec(s);
    if (other && !created.has(tableName(other[1]))) locked = tableName(other[1]);

    if (locked !== undefined && !lockTimeoutSet && !lockTimeoutReported) {
      lockTimeoutReported = true;
      report('lock-timeout');
    }
  }
  if (down.length === 0) findings.push({ rule: 'down-section', line: 1, statement: '' });
  return findings;
}
