// CHIMERA_WORKERS=2: the service as a process of its own that forks two server processes sharing
// its port. New connections are handed to the workers in turn, so calls over several connections
// are served by both (the access log's `pid` says which), which accept each other's page tokens;
// a worker killed with SIGKILL is replaced; SIGTERM lets a call in flight finish and the whole
// service exits 0.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { createChimeraClient } from '../src/client/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { asServiceRole, testEnv } from './support/environment.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

const ADMIN = 'workers-admin-token-0123456789';

interface LogLine {
  msg: string;
  pid?: number;
  workers?: number;
  procedure?: string;
  workerPid?: number;
}

function lines(service: ServiceProcess): LogLine[] {
  return service
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** The pids of the workers' `serving` lines, oldest first. */
function workerPids(service: ServiceProcess): number[] {
  return lines(service)
    .filter((l) => l.msg === 'serving' && l.workers === undefined)
    .map((l) => l.pid!);
}

async function until(ms: number, what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('CHIMERA_WORKERS', () => {
  it('above 1 is refused with the embedded database, saying why', () => {
    expect(() => loadConfig({ CHIMERA_WORKERS: '2' })).to.throw(ConfigError, /CHIMERA_WORKERS above 1 needs DATABASE_URL/);
    expect(loadConfig({ CHIMERA_WORKERS: '2', DATABASE_URL: 'postgres://localhost/x' }).workers).to.equal(2);
    expect(loadConfig({}).workers).to.equal(1);
  });

  describe('=2, as a process of its own (these run in order, on one service)', function () {
    this.timeout(90_000);
    let service: ServiceProcess;
    let baseUrl: string;
    let apiKey: string;

    before(async function () {
      if (!testEnv().realPostgres) {
        console.log('    skipped: needs a real PostgreSQL server (the embedded database serves one process); set DATABASE_URL');
        this.skip();
      }
      const { serviceUrl, directUrl, pooled } = testEnv();
      service = await startServiceProcess({
        DATABASE_URL: serviceUrl,
        CHIMERA_MIGRATION_URL: directUrl,
        ...(pooled ? { DATABASE_LISTEN_URL: asServiceRole(directUrl) } : {}),
        CHIMERA_ADMIN_TOKEN: ADMIN,
        CHIMERA_WORKERS: '2',
      });
      await until(60_000, 'the primary announces both workers', () => lines(service).some((l) => l.msg === 'serving' && l.workers === 2));
      baseUrl = `http://127.0.0.1:${service.port}`;
      const { tenants } = createChimeraClient({ baseUrl, adminToken: ADMIN });
      const { tenant } = await tenants.createTenant({ tenant: { name: `workers-${randomUUID().slice(0, 8)}` } });
      apiKey = (await tenants.createApiKey({ tenantId: tenant!.id, scopes: ['*'] })).secret;
    });

    after(async () => {
      if (service?.alive()) await service.stop();
    });

    it('serves calls from two processes, each a worker, not the primary', async () => {
      const pids = workerPids(service);
      expect(pids).to.have.length(2);
      expect(pids).to.not.include(service.child.pid);
      // One connection per client: the primary hands connections, not calls, to the workers.
      for (let i = 0; i < 6; i++) {
        const { agents } = createChimeraClient({ baseUrl, apiKey, retry: false });
        await agents.createAgent({ agent: { handle: `worker_${i}` } });
      }
      await until(5_000, 'six access log lines', () => lines(service).filter((l) => l.procedure?.endsWith('/CreateAgent')).length === 6);
      const served = new Set(lines(service).filter((l) => l.procedure?.endsWith('/CreateAgent')).map((l) => l.pid));
      expect([...served].sort()).to.deep.equal([...pids].sort());
    });

    it('a page token from one worker is good in the other (the primary gives them one key)', async () => {
      const first = await createChimeraClient({ baseUrl, apiKey, retry: false }).agents.listAgents({ pageSize: 3 });
      expect(first.nextPageToken).to.not.equal('');
      // Connections go to the workers in turn: of four, two reach the worker that did not sign it.
      for (let i = 0; i < 4; i++) {
        const { agents } = createChimeraClient({ baseUrl, apiKey, retry: false });
        expect((await agents.listAgents({ pageSize: 3, pageToken: first.nextPageToken })).agents).to.have.length(3);
      }
    });

    it('replaces a worker killed with SIGKILL', async () => {
      const [victim, survivor] = workerPids(service);
      process.kill(victim, 'SIGKILL');
      await until(60_000, 'a third worker serves', () => workerPids(service).length === 3);
      const replacement = workerPids(service)[2];
      expect(replacement).to.not.be.oneOf([victim, survivor]);
      expect(lines(service).find((l) => l.msg === 'worker exited; restarting it')?.workerPid).to.equal(victim);
      const { agents } = createChimeraClient({ baseUrl, apiKey, retry: false });
      expect((await agents.listAgents({ pageSize: 100 })).agents).to.have.length(6);
    });

    it('SIGTERM lets a call in flight finish, stops every worker, and exits 0', async () => {
      const { agents } = createChimeraClient({ baseUrl, apiKey, retry: false });
      const { agent } = await agents.createAgent({ agent: { handle: 'held' } });
      // The test holds the agent's row, so the update below waits inside the service.
      const holder = new pg.Client({ connectionString: testEnv().directUrl });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM agents WHERE id = $1 FOR UPDATE', [agent!.id]);
        const update = agents.updateAgent({ agent: { id: agent!.id, displayName: 'Held' }, updateMask: { paths: ['display_name'] } });
        await until(10_000, 'the update waits for the row', async () => {
          const { rows } = await holder.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'chimera-core' AND wait_event_type = 'Lock'");
          return rows[0].n > 0;
        });
        const exited = service.stop();
        await new Promise((r) => setTimeout(r, 500));
        expect(service.alive(), 'the service waits for the call in flight').to.equal(true);
        await holder.query('COMMIT');
        expect((await update).agent!.displayName).to.equal('Held');
        expect(await exited).to.equal(0);
      } finally {
        await holder.end();
      }
      expect(workerPids(service).filter(alive)).to.deep.equal([]);
      // The two workers serving at the time, and the primary.
      expect(lines(service).filter((l) => l.msg === 'stopped')).to.have.length(3);
    });
  });
});
