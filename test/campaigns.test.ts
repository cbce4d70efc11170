// CampaignService: create, read, update with etags, the status machine (every method from every
// status), the active-campaign limit under racing activations, agents, the one-statement summary
// (its numbers against counts made here, its plan on 100,000 tasks), scopes and tenants.
import { randomUUID } from 'node:crypto';
import { Code, type Client } from '@connectrpc/connect';
import { expect } from 'chai';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { CampaignService, CampaignStatus, Platform, type Campaign, type CampaignPriority, type CampaignSchema } from '../src/gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import { LedgerService, OwnerType } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { TaskType } from '../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { statementOf } from '../src/db/pipeline.js';
import { getCampaignSummary } from '../src/gen/sql/campaigns/summary.queries.js';
import { testEnv } from './support/environment.js';
import { countRows, expectError, violatedFields } from './support/fixtures.js';
import { claimOne, newTaskTenant, taskFor, type TaskTenant } from './support/tasks.js';

const GOAL = 'Grow the launch audience on short video';
/** A campaign as a request carries it: plain fields, nested messages as plain objects. */
type CampaignInit = Exclude<MessageInitShape<typeof CampaignSchema>, Campaign>;

describe('CampaignService', () => {
  let t: TaskTenant;
  let campaigns: Client<typeof CampaignService>;
  beforeEach(async () => {
    t = await newTaskTenant();
    campaigns = t.client(CampaignService);
  });

  const newCampaign = async (overrides: CampaignInit = {}) =>
    (await campaigns.createCampaign({ campaign: { name: 'Launch', goalDescription: GOAL, ...overrides } })).campaign!;

  it('creates a PLANNING campaign with its defaults; a repeated create returns it; other content is AlreadyExists', async () => {
    const id = randomUUID();
    const created = await newCampaign({ id, targetPlatforms: [Platform.TIKTOK, Platform.YOUTUBE], metadata: { region: 'eu' } });
    expect(created).to.deep.include({ id, name: 'Launch', goalDescription: GOAL, status: CampaignStatus.PLANNING, priority: 2, etag: '1' });
    expect(created.targetPlatforms).to.deep.equal([Platform.TIKTOK, Platform.YOUTUBE]);
    expect((await campaigns.getCampaign({ id })).campaign).to.deep.equal(created);
    expect(await newCampaign({ id, targetPlatforms: [Platform.TIKTOK, Platform.YOUTUBE], metadata: { region: 'eu' } })).to.deep.equal(created);
    await expectError(newCampaign({ id, name: 'Other' }), Code.AlreadyExists, 'ID_TAKEN');
  });

  it('refuses bad campaigns with field violations and writes nothing', async () => {
    const at = (s: number) => ({ seconds: BigInt(s), nanos: 0 });
    const cases: Array<[CampaignInit, string]> = [
      [{ goalDescription: 'too short' }, 'campaign.goal_description'],
      [{ goalDescription: 'x'.repeat(501) }, 'campaign.goal_description'],
      [{ name: '' }, 'campaign.name'],
      [{ targetPlatforms: [42 as Platform] }, 'campaign.target_platforms[0]'],
      [{ targetPlatforms: [Platform.TIKTOK, Platform.TIKTOK] }, 'campaign.target_platforms'],
      [{ priority: -1 as CampaignPriority }, 'campaign.priority'],
      [{ budgetAccountId: 'acct' }, 'campaign.budget_account_id'],
      [{ startTime: at(2_000_000_000), endTime: at(1_900_000_000) }, 'campaign.end_time'],
    ];
    for (const [overrides, field] of cases) expect(violatedFields(await expectError(newCampaign(overrides), Code.InvalidArgument)), field).to.include(field);
    await expectError(newCampaign({ budgetAccountId: randomUUID() }), Code.NotFound);
    expect(await countRows('campaigns', t.tenant.id)).to.equal(0);
  });

  it('updates the fields in the mask with the etag; a stale etag is Aborted; a finished campaign cannot change', async () => {
    const c = await newCampaign({ startTime: { seconds: 2_000_000_000n, nanos: 0 } });
    const { campaign: updated } = await campaigns.updateCampaign({ campaign: { id: c.id, etag: c.etag, name: 'Relaunch', goalDescription: 'ignored, not in the mask' }, updateMask: { paths: ['name'] } });
    expect(updated).to.deep.include({ name: 'Relaunch', goalDescription: GOAL, etag: '2' });
    await expectError(campaigns.updateCampaign({ campaign: { id: c.id, etag: c.etag, name: 'X' }, updateMask: { paths: ['name'] } }), Code.Aborted, 'ETAG_MISMATCH');
    // An end before the stored start.
    const bad = await expectError(campaigns.updateCampaign({ campaign: { id: c.id, endTime: { seconds: 1_000n, nanos: 0 } }, updateMask: { paths: ['end_time'] } }), Code.InvalidArgument);
    expect(violatedFields(bad)).to.deep.equal(['campaign.end_time']);
    await expectError(campaigns.updateCampaign({ campaign: { id: c.id, status: CampaignStatus.ACTIVE }, updateMask: { paths: ['status'] } }), Code.InvalidArgument);
    await campaigns.activateCampaign({ id: c.id });
    await campaigns.completeCampaign({ id: c.id });
    await expectError(campaigns.updateCampaign({ campaign: { id: c.id, name: 'Late' }, updateMask: { paths: ['name'] } }), Code.FailedPrecondition, 'CAMPAIGN_FINISHED');
    await expectError(campaigns.updateCampaign({ campaign: { id: randomUUID(), name: 'X' }, updateMask: { paths: ['name'] } }), Code.NotFound);
  });

  it('moves only along PLANNING -> ACTIVE <-> PAUSED -> COMPLETED | FAILED: every method from every status', async () => {
    const methods = {
      activate: (id: string) => campaigns.activateCampaign({ id }),
      pause: (id: string) => campaigns.pauseCampaign({ id }),
      complete: (id: string) => campaigns.completeCampaign({ id }),
      fail: (id: string) => campaigns.failCampaign({ id }),
    };
    const reach: Record<string, Array<keyof typeof methods>> = {
      PLANNING: [],
      ACTIVE: ['activate'],
      PAUSED: ['activate', 'pause'],
      COMPLETED: ['activate', 'complete'],
      FAILED: ['activate', 'fail'],
    };
    const allowed: Record<string, Record<keyof typeof methods, string | null>> = {
      PLANNING: { activate: 'ACTIVE', pause: null, complete: null, fail: null },
      ACTIVE: { activate: null, pause: 'PAUSED', complete: 'COMPLETED', fail: 'FAILED' },
      PAUSED: { activate: 'ACTIVE', pause: null, complete: 'COMPLETED', fail: 'FAILED' },
      COMPLETED: { activate: null, pause: null, complete: null, fail: null },
      FAILED: { activate: null, pause: null, complete: null, fail: null },
    };
    for (const [from, path] of Object.entries(reach)) {
      for (const [method, call] of Object.entries(methods) as Array<[keyof typeof methods, (id: string) => Promise<{ campaign?: Campaign }>]>) {
        const c = await newCampaign();
        for (const step of path) await methods[step](c.id);
        const to = allowed[from][method];
        if (to) expect(CampaignStatus[(await call(c.id)).campaign!.status], `${method} from ${from}`).to.equal(to);
        else await expectError(call(c.id), Code.FailedPrecondition, 'INVALID_TRANSITION');
      }
    }
    const c = await newCampaign();
    await expectError(campaigns.activateCampaign({ id: c.id, etag: '7' }), Code.Aborted, 'ETAG_MISMATCH');
    await expectError(campaigns.activateCampaign({ id: randomUUID() }), Code.NotFound);
  });

  it('two activations racing for the last active place: exactly one wins', async () => {
    await testEnv().admin.updateTenant({ tenant: { id: t.tenant.id, settings: { maxActiveCampaigns: 2 } }, updateMask: { paths: ['settings'] } });
    const first = await newCampaign();
    await campaigns.activateCampaign({ id: first.id });
    for (let round = 0; round < 5; round++) {
      const [a, b] = [await newCampaign(), await newCampaign()];
      const results = await Promise.allSettled([campaigns.activateCampaign({ id: a.id }), campaigns.activateCampaign({ id: b.id })]);
      expect(results.filter((r) => r.status === 'fulfilled'), `round ${round}`).to.have.length(1);
      const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      await expectError(Promise.reject(loser.reason), Code.FailedPrecondition, 'ACTIVE_CAMPAIGN_LIMIT');
      const { campaigns: active } = await campaigns.listCampaigns({ status: CampaignStatus.ACTIVE });
      expect(active).to.have.length(2);
      // Free the place for the next round.
      const winner = active.find((c) => c.id !== first.id)!;
      await campaigns.pauseCampaign({ id: winner.id });
    }
  });

  it('assigns live agents, idempotently; lists and removes them', async () => {
    const c = await newCampaign();
    const { agent: second } = await t.agents.createAgent({ agent: { handle: `a_${randomUUID().slice(0, 8)}` } });
    const { campaignAgents } = await campaigns.addCampaignAgents({ campaignId: c.id, agentIds: [t.agentId, second!.id] });
    expect(campaignAgents.map((a) => a.agentId)).to.deep.equal([t.agentId, second!.id]);
    const again = await campaigns.addCampaignAgents({ campaignId: c.id, agentIds: [t.agentId] });
    expect(again.campaignAgents[0].addTime).to.deep.equal(campaignAgents[0].addTime);
    const page1 = await campaigns.listCampaignAgents({ campaignId: c.id, pageSize: 1 });
    const page2 = await campaigns.listCampaignAgents({ campaignId: c.id, pageSize: 1, pageToken: page1.nextPageToken });
    expect(new Set([...page1.campaignAgents, ...page2.campaignAgents].map((a) => a.agentId))).to.deep.equal(new Set([t.agentId, second!.id]));
    await campaigns.removeCampaignAgent({ campaignId: c.id, agentId: second!.id });
    await expectError(campaigns.removeCampaignAgent({ campaignId: c.id, agentId: second!.id }), Code.NotFound);
    await t.agents.archiveAgent({ id: second!.id });
    await expectError(campaigns.addCampaignAgents({ campaignId: c.id, agentIds: [second!.id] }), Code.FailedPrecondition, 'AGENT_ARCHIVED');
    await expectError(campaigns.addCampaignAgents({ campaignId: c.id, agentIds: [randomUUID()] }), Code.NotFound);
    await expectError(campaigns.addCampaignAgents({ campaignId: c.id, agentIds: [] }), Code.InvalidArgument);
    expect((await campaigns.listCampaignAgents({ campaignId: c.id })).campaignAgents.map((a) => a.agentId)).to.deep.equal([t.agentId]);
  });
});

describe('CampaignService: the summary', () => {
  it('counts agents, tasks by status and spend, as counted here', async () => {
    const t = await newTaskTenant();
    const campaigns = t.client(CampaignService);
    const ledger = t.client(LedgerService);
    const [treasury, budget, vendor] = [randomUUID(), randomUUID(), randomUUID()];
    await ledger.createAccounts({
      accounts: [
        { id: treasury, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.TENANT_TREASURY } },
        { id: budget, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.CAMPAIGN, id: randomUUID() }, flags: { debitsMustNotExceedCredits: true } },
        { id: vendor, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'ads' } },
      ],
    });
    const c = (await campaigns.createCampaign({ campaign: { name: 'Launch', goalDescription: GOAL, budgetAccountId: budget } })).campaign!;
    await ledger.createTransfers({
      transfers: [
        { id: randomUUID(), debitAccountId: treasury, creditAccountId: budget, amount: '5000000', code: 1 },
        { id: randomUUID(), debitAccountId: budget, creditAccountId: vendor, amount: '1250000', code: 2 },
        { id: randomUUID(), debitAccountId: budget, creditAccountId: vendor, amount: '300000', code: 2, flags: { pending: true } },
      ],
    });
    await campaigns.addCampaignAgents({ campaignId: c.id, agentIds: [t.agentId] });
    await t.tasks.createTasks({ tasks: [taskFor(t, { campaignId: c.id }), taskFor(t, { campaignId: c.id }), taskFor(t, { campaignId: c.id }), taskFor(t)] });
    const claimed = await claimOne(t);
    await t.tasks.completeTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, result: {} });

    const { summary } = await campaigns.getCampaignSummary({ id: c.id });
    const { rows } = await testEnv().pool.query(`SELECT status, count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND campaign_id = $2 GROUP BY status ORDER BY status`, [t.tenant.id, c.id]);
    expect(summary!.tasksByStatus.map((s) => [s.status, Number(s.count)])).to.deep.equal(rows.map((r) => [r.status, r.n]));
    expect(Number(summary!.tasksByStatus.reduce((n, s) => n + s.count, 0n))).to.equal(3);
    expect(summary).to.deep.include({ campaignId: c.id, agentCount: 1n, budgetAsset: 'USDC', spent: '1250000', reserved: '300000', remaining: '3450000' });
    await expectError(campaigns.getCampaignSummary({ id: randomUUID() }), Code.NotFound);
    await expectError(t.tasks.createTasks({ tasks: [taskFor(t, { campaignId: randomUUID() })] }), Code.NotFound);
  });

  it('is one statement whose plan is driven by indexes on a tenant with 100,000 tasks', async function () {
    this.timeout(120_000);
    const t = await newTaskTenant();
    const c = (await t.client(CampaignService).createCampaign({ campaign: { name: 'Big', goalDescription: GOAL } })).campaign!;
    const owner = await testEnv().pool.connect();
    try {
      // Bulk history as the owner, triggers off: 100,000 tasks, a tenth of them in the campaign.
      await owner.query('BEGIN');
      await owner.query('SET LOCAL session_replication_role = replica');
      await owner.query(
        `INSERT INTO tasks (tenant_id, id, task_type, status, context, agent_id, campaign_id, create_fingerprint, finish_time)
         SELECT $1, gen_random_uuid(), 'GENERATE_CONTENT', 'COMPLETE', '{}', $2, CASE WHEN i % 10 = 0 THEN $3::uuid END, '\\x00', now()
         FROM generate_series(1, 100000) AS i`,
        [t.tenant.id, t.agentId, c.id],
      );
      await owner.query('COMMIT');
      await owner.query('ANALYZE tasks');
      await owner.query('BEGIN');
      await owner.query(`SELECT set_config('role', 'chimera_app', true), set_config('app.tenant_id', $1, true)`, [t.tenant.id]);
      // The service's own statement, with its values.
      const summary = await statementOf(getCampaignSummary, { tenantId: t.tenant.id, id: c.id });
      const { rows } = await owner.query(`EXPLAIN (FORMAT JSON) ${summary.text}`, summary.values);
      await owner.query('ROLLBACK');
      const plan = JSON.stringify(rows[0]['QUERY PLAN']);
      expect(plan, 'no sequential scan').to.not.include('"Seq Scan"');
      expect(plan).to.include('tasks_campaign_idx');
      expect((await t.client(CampaignService).getCampaignSummary({ id: c.id })).summary!.tasksByStatus).to.deep.equal([
        { $typeName: 'chimera.campaigns.v1.StatusCount', status: 'COMPLETE', count: 10_000n },
      ]);
    } finally {
      owner.release();
    }
  });
});

describe('CampaignService: scopes and tenants', () => {
  it('another tenant\'s campaign behaves as if it did not exist; each method needs its scope', async () => {
    const owner = await newTaskTenant();
    const other = await newTaskTenant();
    const c = (await owner.client(CampaignService).createCampaign({ campaign: { name: 'Mine', goalDescription: GOAL } })).campaign!;
    const theirs = other.client(CampaignService);
    await expectError(theirs.getCampaign({ id: c.id }), Code.NotFound);
    await expectError(theirs.updateCampaign({ campaign: { id: c.id, name: 'X' }, updateMask: { paths: ['name'] } }), Code.NotFound);
    await expectError(theirs.activateCampaign({ id: c.id }), Code.NotFound);
    await expectError(theirs.addCampaignAgents({ campaignId: c.id, agentIds: [other.agentId] }), Code.NotFound);
    await expectError(theirs.listCampaignAgents({ campaignId: c.id }), Code.NotFound);
    await expectError(theirs.getCampaignSummary({ id: c.id }), Code.NotFound);
    await expectError(other.tasks.createTasks({ tasks: [taskFor(other, { campaignId: c.id, taskType: TaskType.FETCH_TRENDS })] }), Code.NotFound);
    // Another tenant's agent cannot join the campaign.
    await expectError(owner.client(CampaignService).addCampaignAgents({ campaignId: c.id, agentIds: [other.agentId] }), Code.NotFound);
    expect((await theirs.listCampaigns({})).campaigns).to.have.length(0);

    const reader = await newTaskTenant({ scopes: ['campaigns:read'] });
    await expectError(reader.client(CampaignService).createCampaign({ campaign: { name: 'X', goalDescription: GOAL } }), Code.PermissionDenied);
    await expectError(owner.client(CampaignService).listCampaigns({ pageSize: -1 }), Code.InvalidArgument);
  });
});
