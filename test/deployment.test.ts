// The deployment files checked with what runs here (no docker engine): docker-compose.yml against
// the code (services, their order, every variable it sets read by the code), the Dockerfile built
// stage by stage in a scratch directory (its COPY and RUN lines) and served from there (its CMD,
// its HEALTHCHECK), and the PostgreSQL image's init script run against a cluster of the test's own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { parse } from 'yaml';
import { execForm, inContext, readCopy, readStages, type Stage } from './support/dockerfile.js';
import { createScratchCluster, freePort, postgresBinaries } from './support/scratch-cluster.js';
import { testEnv } from './support/environment.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, ComposeService> };
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
const dockerfile = readFileSync('Dockerfile', 'utf8');
const dockerignore = readFileSync('.dockerignore', 'utf8');
const stages = readStages(dockerfile);
const runtime = stages[stages.length - 1];

/** The host of a compose URL such as postgres://u:${P}@host:5432/db. */
function hostOf(url: string): string {
  return /@([^:/]+)[:/]/.exec(url)?.[1] ?? '';
}

function instructions(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

describe('docker-compose.yml', () => {
  const { services } = compose;

  it('runs PostgreSQL 16 with pgvector, PgBouncer in transaction mode, a one-shot migrate job and the service', () => {
    expect(Object.keys(services).sort()).to.deep.equal(['chimera', 'migrate', 'pgbouncer', 'postgres']);
    expect(services.postgres.image).to.equal('pgvector/pgvector:pg16');
    expect(services.pgbouncer.environment?.POOL_MODE).to.equal('transaction');
    expect(services.migrate.command).to.deep.equal(['npm', 'run', 'migrate']);
    expect(services.migrate.build).to.equal('.');
    expect(services.chimera.build).to.equal('.');
  });

  it('starts the service only after the migrations succeeded, behind PgBouncer, with LISTEN direct', () => {
    expect(services.chimera.depends_on).to.deep.include({
      migrate: { condition: 'service_completed_successfully' },
      postgres: { condition: 'service_healthy' },
    });
    expect(services.chimera.depends_on).to.have.property('pgbouncer');
    expect(services.migrate.depends_on).to.deep.equal({ postgres: { condition: 'service_healthy' } });
    expect(services.pgbouncer.depends_on).to.have.property('postgres');
    const env = services.chimera.environment ?? {};
    expect(hostOf(env.DATABASE_URL)).to.equal('pgbouncer');
    expect(env.DATABASE_URL).to.match(/^postgres:\/\/chimera_service:/);
    expect(hostOf(env.DATABASE_LISTEN_URL)).to.equal('postgres');
    // Unnamed statements work behind any PgBouncer version; the migrate job does the migrating.
    expect(env.CHIMERA_NAMED_STATEMENTS).to.equal('false');
    expect(env.CHIMERA_AUTO_MIGRATE).to.equal('false');
    expect(hostOf(services.migrate.environment?.CHIMERA_MIGRATION_URL ?? '')).to.equal('postgres');
    expect(services.migrate.environment?.CHIMERA_MIGRATION_URL).to.match(/^postgres:\/\/postgres:/);
  });

  it('sets only variables the code reads', () => {
    const config = readFileSync('src/config.ts', 'utf8');
    const migrate = readFileSync('scripts/migrate.ts', 'utf8');
    for (const [service, code] of [['chimera', config], ['migrate', config + migrate]] as const) {
      for (const name of Object.keys(services[service].environment ?? {})) {
        expect(code, `${service} sets ${name}`).to.match(new RegExp(`\\b${name}\\b`));
      }
    }
  });

  it('mounts files that exist, and runs only npm scripts package.json has', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('./')) expect(existsSync(source), volume).to.equal(true);
      }
      const [npm, run, script] = service.command ?? [];
      if (npm === 'npm') expect(pkg.scripts, `${run} ${script}`).to.have.property(run === 'run' ? script : run);
    }
  });
});

describe('Dockerfile', () => {
  it('installs in one stage and runs from a slim Node 20 stage, as an unprivileged user, with npm start', () => {
    expect(stages.length).to.be.at.least(2);
    expect(runtime.image).to.match(/^node:20[\w.-]*-slim$/);
    expect(instructions(runtime, 'RUN'), 'the runtime stage installs nothing').to.deep.equal([]);
    const user = instructions(runtime, 'USER');
    expect(user).to.have.length(1);
    expect(user[0]).to.not.match(/^(root|0)(:|$)/);
    expect(execForm(instructions(runtime, 'CMD')[0])).to.deep.equal(['npm', 'start']);
    expect(pkg.scripts).to.have.property('start');
    expect(pkg.scripts).to.have.property('migrate');
  });

  it('copies only paths the build context holds', () => {
    for (const stage of stages) {
      for (const copy of instructions(stage, 'COPY').map(readCopy).filter((c) => c.from === undefined)) {
        for (const source of copy.sources) {
          expect(existsSync(source), source).to.equal(true);
          expect(inContext(dockerignore, source), `${source} is left out by .dockerignore`).to.equal(true);
        }
      }
    }
    expect(inContext(dockerignore, 'node_modules')).to.equal(false);
    expect(inContext(dockerignore, '.chimera-admin-token')).to.equal(false);
  });

  describe('built in a scratch directory', function () {
    this.timeout(180_000);
    let dir: string;
    let service: ChildProcess | undefined;
    let port: number;
    const healthcheck = () => {
      const [command, ...args] = execForm(instructions(runtime, 'HEALTHCHECK')[0].replace(/^.*?\bCMD\s+/, ''));
      return spawnSync(command, args, { cwd: dir, env: { PATH: process.env.PATH, PORT: String(port) }, encoding: 'utf8', timeout: 10_000 });
    };

    before(async function () {
      if (!testEnv().realPostgres) {
        console.log('      skipped: serves from the built directory against a real PostgreSQL; set DATABASE_URL');
        this.skip();
      }
      dir = mkdtempSync(join(tmpdir(), 'chimera-image-'));
      port = await freePort();
      // Every stage's COPY from the context, then the RUN lines where they stand: the deps stage's
      // node_modules is then where the runtime stage's COPY --from would put it.
      for (const stage of stages) {
        for (const instruction of stage.instructions) {
          if (instruction.keyword === 'COPY') {
            const copy = readCopy(instruction.args);
            if (copy.from !== undefined) continue;
            for (const source of copy.sources) {
              const target = copy.destination.endsWith('/') ? join(dir, copy.destination, source.split('/').pop()!) : join(dir, copy.destination);
              mkdirSync(dirname(target), { recursive: true });
              cpSync(source, target, { recursive: true });
            }
          } else if (instruction.keyword === 'RUN') {
            const run = spawnSync('sh', ['-c', instruction.args], { cwd: dir, encoding: 'utf8', timeout: 150_000 });
            expect(run.status, `RUN ${instruction.args}\n${run.stderr}`).to.equal(0);
          }
        }
      }
    });

    after(() => {
      if (service?.exitCode === null) service.kill('SIGKILL');
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('serves with its CMD, is healthy by its HEALTHCHECK, and stops cleanly on SIGTERM', async () => {
      expect(healthcheck().status, 'unhealthy while nothing listens').to.equal(1);
      const [command, ...args] = execForm(instructions(runtime, 'CMD')[0]);
      service = spawn(command, args, {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: testEnv().serviceUrl,
          CHIMERA_AUTO_MIGRATE: 'false',
          CHIMERA_NAMED_STATEMENTS: 'false',
          CHIMERA_POOL_MAX: '3',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      service.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 60_000;
      let check = healthcheck();
      while (check.status !== 0 && Date.now() < deadline && service.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        check = healthcheck();
      }
      expect(check.status, `${check.stderr}\n${output}`).to.equal(0);

      const exited = new Promise<number | null>((resolve) => service!.on('exit', (code) => resolve(code)));
      service.kill('SIGTERM');
      expect(await exited, output).to.equal(0);
    });

    it('migrates with npm run migrate from the built directory', () => {
      const migrate = spawnSync('npm', ['run', 'migrate'], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CHIMERA_MIGRATION_URL: testEnv().databaseUrl },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(migrate.status, migrate.stdout + migrate.stderr).to.equal(0);
      expect(migrate.stdout).to.include('is up to date');
    });
  });
});

describe('deploy/postgres-init.sh', function () {
  this.timeout(120_000);

  it('makes the roles, the database and the extension with provision-postgres.sh, and gives chimera_service its password', async function () {
    if (!postgresBinaries()) {
      console.log('      skipped: no initdb/pg_ctl here (pg_config --bindir) to run a cluster of the test\'s own');
      this.skip();
    }
    const cluster = await createScratchCluster();
    try {
      const env = { PATH: process.env.PATH, PGHOST: '127.0.0.1', PGPORT: String(cluster.port), POSTGRES_USER: 'postgres', POSTGRES_DB: 'chimera_compose', CHIMERA_PROVISION_SCRIPT: 'scripts/provision-postgres.sh' };
      const refused = spawnSync('bash', ['deploy/postgres-init.sh'], { env, encoding: 'utf8' });
      expect(refused.status).to.equal(1);
      expect(refused.stderr).to.include('CHIMERA_SERVICE_PASSWORD is not set');

      const init = spawnSync('bash', ['deploy/postgres-init.sh'], { env: { ...env, CHIMERA_SERVICE_PASSWORD: "it's-a-secret" }, encoding: 'utf8' });
      expect(init.status, init.stderr).to.equal(0);
      const client = new pg.Client({ connectionString: cluster.url('chimera_compose') });
      await client.connect();
      try {
        const { rows } = await client.query<{ rolname: string; rolcanlogin: boolean; scram: boolean }>(
          `SELECT rolname, rolcanlogin, coalesce(rolpassword LIKE 'SCRAM-SHA-256$%', false) AS scram FROM pg_authid
           WHERE rolname IN ('chimera_app', 'chimera_admin', 'chimera_service') ORDER BY rolname`,
        );
        expect(rows).to.deep.equal([
          { rolname: 'chimera_admin', rolcanlogin: false, scram: false },
          { rolname: 'chimera_app', rolcanlogin: false, scram: false },
          { rolname: 'chimera_service', rolcanlogin: true, scram: true },
        ]);
        const vector = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'vector'`);
        expect(vector.rowCount).to.equal(1);
      } finally {
        await client.end();
      }
    } finally {
      cluster.remove();
    }
  });
});
