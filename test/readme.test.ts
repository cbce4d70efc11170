// The README's instructions, checked: what it tells a newcomer to run must do what it says.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createAndGetAgent } from '../examples/client.js';
import { APPLICATION_SERVICES, policyFor } from '../src/server/routes.js';
import { testEnv } from './support/environment.js';
import { newTenant } from './support/fixtures.js';

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
  it('the PostgreSQL steps keep the admin token they generate, the next steps use it, and the service logs in as chimera_service', () => {
    const steps = codeBlocks(section('## Against a real PostgreSQL'), 'sh').join('\n');
    // Stand-ins for the commands that need a server: each prints what it was given.
    const owner = 'postgres://postgres@127.0.0.1:5432/chimera?sslmode=disable';
    const service = 'postgres://chimera_service@127.0.0.1:5432/chimera?sslmode=disable';
    const shims = [
      `bash() { if [ "\${2:-}" = --service ]; then echo '${service}'; else echo '${owner}'; fi; }`,
      'npm() { echo "npm $1 CHIMERA_ADMIN_TOKEN=${CHIMERA_ADMIN_TOKEN:-} DATABASE_URL=${DATABASE_URL:-} CHIMERA_MIGRATION_URL=${CHIMERA_MIGRATION_URL:-}"; }',
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
      // The tests run with the owner's URL; the service logs in as chimera_service, migrating as the owner.
      expect(first.stdout).to.include(`npm test CHIMERA_ADMIN_TOKEN= DATABASE_URL=${owner} CHIMERA_MIGRATION_URL=`);
      expect(first.stdout).to.include(`DATABASE_URL=${service} CHIMERA_MIGRATION_URL=${owner}`);
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

  it('names the Node.js version package.json requires', () => {
    const { engines } = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    const minimum = engines.node.replace(/^>=\s*/, '');
    expect(readme.slice(0, readme.indexOf('## '))).to.include(`Node.js ${minimum} or newer`);
  });

  it('lists every API-key scope with exactly the methods it grants', () => {
    const granted = new Map<string, string[]>();
    for (const service of APPLICATION_SERVICES) {
      for (const method of service.methods) {
        const policy = policyFor(service.typeName, method.name);
        if (policy?.kind === 'tenant') granted.set(policy.scope, [...(granted.get(policy.scope) ?? []), method.name]);
      }
    }
    const rows = new Map(
      [...section('## API keys and scopes').matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)].map((m) => [m[1], [...m[2].matchAll(/`(\w+)`/g)].map((n) => n[1])]),
    );
    expect([...rows.keys()].sort()).to.deep.equal([...granted.keys(), '*'].sort());
    for (const [scope, methods] of granted) {
      expect(rows.get(scope)!.filter((name) => !name.endsWith('Service')).sort(), scope).to.deep.equal([...methods].sort());
    }
  });

  describe('the TypeScript client example', () => {
    it('is examples/client.ts, verbatim', () => {
      const [block] = codeBlocks(section('## Calling it from TypeScript'), 'ts');
      expect(block).to.equal(readFileSync('examples/client.ts', 'utf8'));
    });

    it('creates an agent and reads it back from the server', async () => {
      const { apiKey } = await newTenant({ scopes: ['agents:read', 'agents:write'] });
      const agent = await createAndGetAgent(testEnv().baseUrl, apiKey, 'example_nova');
      expect(agent).to.include({ handle: 'example_nova', displayName: 'Nova' });
      expect(agent.persona?.voiceTraits).to.deep.equal(['witty']);
    });

    it('runs as the README says: CHIMERA_API_KEY=chk_... npx tsx examples/client.ts', async function () {
      this.timeout(60_000);
      const { apiKey } = await newTenant({ scopes: ['agents:read', 'agents:write'] });
      const env = { ...process.env, CHIMERA_URL: testEnv().baseUrl, CHIMERA_API_KEY: apiKey };
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn('npx', ['--no-install', 'tsx', 'examples/client.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.on('close', (code) => resolve({ code, output }));
      });
      expect(code, output).to.equal(0);
      expect(output).to.match(/created and read back agent nova_\d+ \([0-9a-f-]{36}\), etag 1/);
    });
  });
});
