// `npm run generate` against a database server that does not answer: it must fail, say which
// server it could not reach, and leave src/gen and db/schema.sql exactly as they were. It runs in a
// copy of the checkout, so that a regression cannot damage the tree under test.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';

const COPIED = ['scripts', 'proto', 'third_party', 'sql', 'db', 'src/gen', 'buf.yaml', 'buf.gen.yaml', 'pgtyped.config.json', 'package.json'];

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Path -> sha1 of every file under `dir`. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length)] = createHash('sha1').update(readFileSync(path)).digest('hex');
  }
  return out;
}

describe('npm run generate', function () {
  this.timeout(120_000);
  let copy: string;

  before(function () {
    if (spawnSync('psql', ['--version']).error) {
      console.log('    skipped: needs psql, which generate uses to create its scratch database');
      this.skip();
    }
    copy = mkdtempSync(join(tmpdir(), 'chimera-generate-'));
    for (const path of COPIED) cpSync(path, join(copy, path), { recursive: true });
    symlinkSync(join(process.cwd(), 'node_modules'), join(copy, 'node_modules'));
  });
  after(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('with an unreachable DATABASE_URL fails, names that server, and changes nothing', async () => {
    const port = await closedPort();
    const before = { gen: snapshot(join(copy, 'src/gen')), schema: snapshot(join(copy, 'db')) };
    const { CHIMERA_CODEGEN_URL: _ignored, ...env } = process.env;
    const run = spawnSync('npm', ['run', 'generate'], {
      cwd: copy,
      env: { ...env, DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/chimera?sslmode=disable` },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).to.not.equal(0);
    expect(Object.keys(before.gen).filter((p) => p.startsWith('/sql/'))).to.not.be.empty;
    expect(snapshot(join(copy, 'src/gen'))).to.deep.equal(before.gen);
    expect(snapshot(join(copy, 'db'))).to.deep.equal(before.schema);
    expect(run.stderr).to.include(`PostgreSQL server at 127.0.0.1:${port} (from DATABASE_URL)`);
    expect(run.stderr, 'the password stays out of the message').to.not.include('secret');
  });
});
