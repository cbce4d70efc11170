// The figures of a reliability run: printed always, and appended to RELIABILITY.md with the
// command, the commit and the machine when RELIABILITY_RECORD is set, so that the file holds only
// runs somebody chose to keep (CI's runs are printed, not written).
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';

export type Figures = Record<string, string | number>;

/** The command that reproduces this run: the RELIABILITY_* settings given, then npm's script or
 *  mocha with the files it was given. */
function command(): string {
  const settings = Object.entries(process.env)
    .filter(([name]) => name.startsWith('RELIABILITY_') && name !== 'RELIABILITY_RECORD')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`);
  const files = process.argv.slice(2).filter((arg) => arg.endsWith('.test.ts'));
  const run = process.env.npm_lifecycle_event === 'test:reliability' ? 'npm run test:reliability' : `npx mocha ${files.join(' ')}`;
  return [...settings, run].join(' ');
}

function commit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** Prints the run's figures and, with RELIABILITY_RECORD set, appends them to RELIABILITY.md. */
export function report(title: string, figures: Figures, outcome: string): void {
  const lines = [
    `### ${title}: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- command: \`${command()}\``,
    `- commit: ${commit()}; ${cpus().length} cores, Node ${process.version}`,
    ...Object.entries(figures).map(([name, value]) => `- ${name}: ${value}`),
    `- outcome: ${outcome}`,
    '',
  ];
  console.log(lines.map((l) => `      ${l}`).join('\n'));
  if (process.env.RELIABILITY_RECORD) appendFileSync('RELIABILITY.md', `\n${lines.join('\n')}`);
}

/** `{a: 1, b: 2}` as `a 1, b 2`, for figures counted by kind. */
export const byKind = (counts: Map<string, number>) =>
  [...counts].map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
