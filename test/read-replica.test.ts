// The read replica (DATABASE_READ_URL, src/db/read-replica.ts) on a real streaming replica: a
// cluster of the test's own, copied with pg_basebackup and started as a hot standby on another
// port. With the replica's replay paused, what the lists, the similarity search and the campaign
// summary answer is what the replica holds, while writes and Gets go to the primary. A stopped
// replica sends the reads to the primary.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { CampaignService } from '../src/gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { ReadReplica } from '../src/db/read-replica.js';
import { Database } from '../src/db/tx.js';
import { silentLogger } from '../src/lib/log.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { ADMIN_TOKEN, asServiceRole, connectClient, testEnv } from './support/environment.js';
import { embedding } from './support/fixtures.js';
import { createScratchCluster, postgresBinaries, type ScratchCluster } from './support/scratch-cluster.js';

/** Polls `check` until it holds, for at most `ms`. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the read replica', function () {
  this.timeout(90_000);
  let primary: ScratchCluster | undefined;
  let replica: ScratchCluster | undefined;
  let owner: pg.Pool;
  let standby: pg.Pool;
  let pools: pg.Pool[] = [];
  let server: RunningServer | undefined;

  before(async function () {
    if (!testEnv().realPostgres || !postgresBinaries()) {
      console.log('    skipped: needs PostgreSQL binaries (pg_config --bindir) and DATABASE_URL to build a streaming replica');
      this.skip();
    }
    if (testEnv().pooled) {
      console.log('    skipped: the clusters here are its own, never behind the suite\'s PgBouncer; the direct run covers it');
      this.skip();
    }
    primary = await createScratchCluster();
    const url = primary.provision('chimera');
    await applyMigrations(url, () => {});
    replica = await primary.replica();
    owner = new pg.Pool({ connectionString: url, max: 2 });
    standby = new pg.Pool({ connectionString: replica.url('chimera'), max: 2 });
    standby.on('error', () => {}); // its idle connections end when the replica is stopped
    pools = [createPool(asServiceRole(url), 4, silentLogger), createPool(asServiceRole(replica.url('chimera')), 4, silentLogger, { connectTimeoutMs: 2_000 })];
    server = await startServer({
      pool: pools[0],
      readPool: pools[1],
      log: silentLogger,
      port: 0,
      host: '127.0.0.1',
      adminToken: ADMIN_TOKEN,
      defaultTimeoutMs: 10_000,
      authCacheTtlMs: 5_000,
      namedStatements: testEnv().namedStatements,
    });
  });

  after(async () => {
    await server?.shutdown(1_000);
    for (const pool of [...pools, owner, standby]) await pool?.end();
    replica?.remove();
    primary?.remove();
  });

  /** Waits until the replica has replayed everything the primary has written so far. */
  async function caughtUp(): Promise<void> {
    const { rows } = await owner.query('SELECT pg_current_wal_lsn()::text AS lsn');
    await within(10_000, 'the replica replays the primary', async () => {
      const replayed = await standby.query('SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1) >= 0 AS done', [rows[0].lsn]);
      return replayed.rows[0].done as boolean;
    });
  }

  async function tenantClients() {
    const baseUrl = `http://127.0.0.1:${server!.port}`;
    const admin = connectClient(TenantService, baseUrl, ADMIN_TOKEN);
    const { tenant } = await admin.createTenant({ tenant: { name: `replica-${randomUUID().slice(0, 8)}` } });
    const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['*'] });
    return { tenantId: tenant!.id, agents: connectClient(AgentService, baseUrl, secret), campaigns: connectClient(CampaignService, baseUrl, secret) };
  }

  it('is a hot standby of the primary', async () => {
    const { rows } = await standby.query('SELECT pg_is_in_recovery() AS standby');
    expect(rows[0].standby).to.equal(true);
    expect((await owner.query('SELECT pg_is_in_recovery() AS standby')).rows[0].standby).to.equal(false);
  });

  it('lists, similarity searches and campaign summaries answer what the replica holds; writes and Gets go to the primary', async () => {
    const t = await tenantClients();
    const first = (await t.agents.createAgent({ agent: { handle: 'first', personaEmbedding: embedding(1) } })).agent!;
    const campaign = (await t.campaigns.createCampaign({ campaign: { name: 'Launch', goalDescription: 'Grow the launch audience on short video' } })).campaign!;
    await caughtUp();
    await standby.query('SELECT pg_wal_replay_pause()');
    try {
      // Written while the replica replays nothing: the creates succeed, so they went to the primary.
      const second = (await t.agents.createAgent({ agent: { handle: 'second', personaEmbedding: embedding(2) } })).agent!;
      await t.campaigns.addCampaignAgents({ campaignId: campaign.id, agentIds: [first.id, second.id] });
      const onPrimary = await owner.query('SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1', [t.tenantId]);
      const onReplica = await standby.query('SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1', [t.tenantId]);
      expect([onPrimary.rows[0].n, onReplica.rows[0].n], 'agents on the primary and on the replica').to.deep.equal([2, 1]);

      expect((await t.agents.getAgent({ id: second.id })).agent!.handle, 'a Get reads the primary').to.equal('second');
      expect((await t.agents.listAgents({})).agents.map((a) => a.handle), 'ListAgents reads the replica').to.deep.equal(['first']);
      const near = await t.agents.searchSimilarAgents({ query: { case: 'embedding', value: { values: embedding(2) } }, topK: 5 });
      expect(near.results.map((r) => r.agent!.handle), 'SearchSimilarAgents reads the replica').to.deep.equal(['first']);
      const summary = (await t.campaigns.getCampaignSummary({ id: campaign.id })).summary!;
      expect(summary.agentCount, 'GetCampaignSummary reads the replica').to.equal(0n);
      expect((await t.campaigns.listCampaignAgents({ campaignId: campaign.id })).campaignAgents, 'ListCampaignAgents reads the replica').to.deep.equal([]);

      // The service's own backends on the replica: its role, its application name.
      const backends = await standby.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'chimera_service' AND application_name = 'chimera-core'`);
      expect(backends.rows[0].n, "the service's connections to the replica").to.be.greaterThan(0);

      // A campaign the replica has not seen yet is not NotFound: the miss is confirmed on the primary.
      const fresh = (await t.campaigns.createCampaign({ campaign: { name: 'Fresh', goalDescription: 'Grow the launch audience on short video' } })).campaign!;
      expect((await t.campaigns.getCampaignSummary({ id: fresh.id })).summary!.campaignId).to.equal(fresh.id);
    } finally {
      await standby.query('SELECT pg_wal_replay_resume()');
    }
    await caughtUp();
    expect((await t.agents.listAgents({})).agents.map((a) => a.handle), 'replayed, the list has both').to.deep.equal(['first', 'second']);
    expect((await t.campaigns.getCampaignSummary({ id: campaign.id })).summary!.agentCount).to.equal(2n);
  });

  it('reads on the replica run as chimera_app, for the caller, read-only, within the call deadline', async () => {
    const t = await tenantClients();
    const db = new Database(pools[0], { replica: new ReadReplica(pools[1], { log: silentLogger, connectionsPerTenant: 2 }) });
    const scope = { tenantId: t.tenantId, actor: 'test', requestId: 'test', timeoutMs: 1_234 };
    const probe = `SELECT pg_is_in_recovery() AS standby, current_user AS role, current_setting('app.tenant_id', true) AS tenant,
      current_setting('transaction_read_only') AS read_only, current_setting('statement_timeout') AS timeout`;
    const want = { standby: true, role: 'chimera_app', tenant: t.tenantId, read_only: 'on', timeout: '1234ms' };
    expect((await db.replicaRead(scope, (c) => c.query(probe, []))).rows[0]).to.deep.equal(want);
    expect((await db.replicaTx(scope, (c) => c.query(probe, []))).rows[0]).to.deep.equal(want);
    expect((await db.tenantRead(scope, (c) => c.query(probe, []))).rows[0], 'tenantRead: the primary').to.deep.include({ standby: false, read_only: 'off' });
  });

  it('a read meant for the replica cannot write, on the primary either', async () => {
    const t = await tenantClients();
    const scope = { tenantId: t.tenantId, actor: 'test', requestId: 'test', timeoutMs: 5_000 };
    const write = 'UPDATE agents SET display_name = display_name';
    const db = new Database(pools[0]);
    for (const read of [() => db.replicaRead(scope, (c) => c.query(write, [])), () => db.replicaTx(scope, (c) => c.query(write, []))]) {
      const err = await read().then(() => undefined, (e: unknown) => e);
      expect((err as pg.DatabaseError | undefined)?.code, 'cannot execute UPDATE in a read-only transaction').to.equal('25006');
    }
    expect((await db.tenantRead(scope, (c) => c.query(write, []))).rowCount, 'tenantRead may write').to.equal(0);
  });

  it('when the replica stops, the reads go to the primary and the calls succeed', async () => {
    const t = await tenantClients();
    await t.agents.createAgent({ agent: { handle: 'before' } });
    await caughtUp();
    replica!.stop();
    try {
      await t.agents.createAgent({ agent: { handle: 'after' } });
      const started = Date.now();
      expect((await t.agents.listAgents({})).agents.map((a) => a.handle)).to.deep.equal(['before', 'after']);
      // Resting, the replica is not tried again: the next read does not wait for it.
      const again = Date.now();
      expect((await t.agents.listAgents({})).agents).to.have.length(2);
      expect(Date.now() - again, 'a read while the replica rests').to.be.below(500);
      expect(Date.now() - started, 'the read that found the replica down').to.be.below(5_000);
    } finally {
      replica!.start();
    }
  });
});
