// scripts/buf-breaking.sh, which CI runs: proto/ compared with the previous commit by buf.yaml's
// breaking rules. Each case builds a git repository of its own from this checkout's proto/ (two
// commits), so the check is proven to fail on a breaking change and to pass on a compatible one,
// and a shallow clone is deepened or, when it cannot be, skipped out loud.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';

const AGENTS_PROTO = 'proto/chimera/agents/v1/agents.proto';

function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: result.status, output: result.stdout + result.stderr };
}

function git(cwd: string, ...args: string[]): string {
  const result = run(cwd, 'git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', '-c', 'init.defaultBranch=main', ...args]);
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.output}`);
  return result.output;
}

/** A repository holding this checkout's protos and buf configuration, committed once, then
 *  `change` applied to agents.proto and committed again. */
function repositoryWith(change: (proto: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'chimera-buf-'));
  for (const path of ['buf.yaml', 'proto', 'third_party', 'scripts/buf-breaking.sh']) {
    cpSync(path, join(dir, path), { recursive: true });
  }
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'protos as they are');
  const file = join(dir, AGENTS_PROTO);
  writeFileSync(file, change(readFileSync(file, 'utf8')));
  git(dir, 'commit', '-q', '-am', 'a change to the protos');
  return dir;
}

/** Deletes the first `string name = N;` field of the file. */
function deleteAField(proto: string): string {
  const field = /^\s+string \w+ = \d+;.*\n/m.exec(proto);
  if (!field) throw new Error(`no string field in ${AGENTS_PROTO}`);
  return proto.replace(field[0], '');
}

/** Adds a field to the first message, with a number no message here uses. */
function addAField(proto: string): string {
  return proto.replace(/^(message \w+ \{\n)/m, '$1  string added_for_test = 9999;\n');
}

describe('buf breaking against the previous commit (scripts/buf-breaking.sh)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const repo = (change: (proto: string) => string) => {
    const dir = repositoryWith(change);
    dirs.push(dir);
    return dir;
  };

  it('fails when a commit deletes a field, naming it', () => {
    const dir = repo(deleteAField);
    const result = run(dir, 'bash', ['scripts/buf-breaking.sh']);
    expect(result.status, result.output).to.equal(100);
    expect(result.output).to.match(/Previously present field "\d+" with name "\w+" on message "\w+" was deleted/);
  });

  it('passes when a commit only adds a field', () => {
    const dir = repo(addAField);
    const result = run(dir, 'bash', ['scripts/buf-breaking.sh']);
    expect(result.status, result.output).to.equal(0);
    expect(result.output).to.include('proto/ is compatible with');
  });

  it('deepens a shallow clone to find the previous commit, and still catches the deletion', () => {
    const origin = repo(deleteAField);
    const clone = mkdtempSync(join(tmpdir(), 'chimera-buf-clone-'));
    dirs.push(clone);
    git(clone, 'clone', '-q', '--depth', '1', `file://${origin}`, 'checkout');
    const checkout = join(clone, 'checkout');
    symlinkSync(resolve('node_modules'), join(checkout, 'node_modules'));
    const result = run(checkout, 'bash', ['scripts/buf-breaking.sh']);
    expect(result.output).to.include('fetching one more commit');
    expect(result.status, result.output).to.equal(100);
  });

  it('says it skipped when a shallow clone cannot be deepened, and fails then if the check is required', () => {
    const origin = repo(deleteAField);
    const clone = mkdtempSync(join(tmpdir(), 'chimera-buf-clone-'));
    dirs.push(clone);
    git(clone, 'clone', '-q', '--depth', '1', `file://${origin}`, 'checkout');
    const checkout = join(clone, 'checkout');
    git(checkout, 'remote', 'remove', 'origin');
    mkdirSync(join(checkout, 'node_modules'), { recursive: true });
    const skipped = run(checkout, 'bash', ['scripts/buf-breaking.sh']);
    expect(skipped.status, skipped.output).to.equal(0);
    expect(skipped.output).to.include('SKIPPED').and.include('NOT checked for breaking changes');
    const required = run(checkout, 'bash', ['scripts/buf-breaking.sh'], { BUF_BREAKING_REQUIRED: '1' });
    expect(required.status, required.output).to.equal(2);
  });
});
