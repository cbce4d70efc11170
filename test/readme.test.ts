// The README's instructions, checked: what it tells a newcomer to run must do what it says.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

const readme = readFileSync('README.md', 'utf8');

/** The text of the section that starts with `heading`, up to the next heading of the same level. */
function section(heading: string): string {
  const start = readme.indexOf(`${heading}\n`);
  expect(start, `README has no "${heading}"`).to.be.greaterThan(-1);
  const level = heading.split(' ')[0];
  const next = readme.indexOf(`\n${level} `, start + heading.length);
  return readme.slice(start, next === -1 ? undefined : next);
}

/** The fenced code blocks of `text` in `language`. */
function codeBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

describe('README', () => {
  it('the PostgreSQL steps keep the admin token they generate, and the next steps use that token', () => {
    const steps = codeBlocks(section('## Against a real PostgreSQL'), 'sh').join('\n');
    // Stand-ins for the commands that need a server: each prints what it was given.
    const shims = [
      "bash() { echo 'postgres://postgres@127.0.0.1:5432/chimera?sslmode=disable'; }",
      'npm() { echo "npm $1 CHIMERA_ADMIN_TOKEN=${CHIMERA_ADMIN_TOKEN:-}"; }',
      'npx() { echo "npx $*"; }',
    ].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'chimera-readme-'));
    try {
      const run = () => spawnSync('bash', ['-euo', 'pipefail', '-c', `${shims}\n${steps}`], { cwd: dir, encoding: 'utf8' });
      const first = run();
      expect(first.status, first.stderr).to.equal(0);
      const token = readFileSync(join(dir, '.chimera-admin-token'), 'utf8').trim();
      expect(token).to.match(/^[0-9a-f]{48}$/);
      expect(statSync(join(dir, '.chimera-admin-token')).mode & 0o077, 'only the owner may read it').to.equal(0);
      expect(first.stdout).to.include(`npm start CHIMERA_ADMIN_TOKEN=${token}`);
      const calls = first.stdout.split('\n').filter((line) => line.startsWith('npx '));
      expect(calls).to.have.length.greaterThan(0);
      for (const call of calls) expect(call).to.include(`Authorization: Bearer ${token}`);

      const second = run();
      expect(second.status, second.stderr).to.equal(0);
      expect(second.stdout, 'a second run keeps the token').to.include(`npm start CHIMERA_ADMIN_TOKEN=${token}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
