// chimera.campaigns.v1.CampaignService: a tenant's campaigns, their status machine, their agents
// and the one-statement summary.
import { randomUUID } from 'node:crypto';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import { CampaignService, CampaignStatus, Platform, type Campaign } from '../../gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import {
  activeCampaigns,
  getBudgetAccount,
  getCampaign,
  insertCampaign,
  listCampaigns,
  lockActivations,
  transitionCampaign,
  updateCampaign,
  type IGetCampaignResult,
} from '../../gen/sql/campaigns/campaigns.queries.js';
import { addCampaignAgents, getCampaignAgentCandidates, listCampaignAgents, removeCampaignAgent } from '../../gen/sql/campaigns/agents.queries.js';
import { getCampaignSummary } from '../../gen/sql/campaigns/summary.queries.js';
import type { IDatabaseConnection } from '@pgtyped/runtime';
import type { TxClient } from '../../db/tx.js';
import { fingerprint } from '../../lib/canonical.js';
import { etagMismatch, failedPrecondition, invalidArgument, notFound } from '../../lib/errors.js';
import { insertOrReplay } from '../../lib/idempotent-create.js';
import { jsonBytes } from '../../lib/page-token.js';
import { Violations } from '../../lib/validate.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import { campaignAgentFromRow, campaignFromRow, statusFromRow } from './mapping.js';
import { storedName } from '../../lib/stored.js';
import { validateGoal, validateName, validatePlatforms, validatePriority, validateTime, validateWindow } from './validation.js';

const MASK_PATHS = ['name', 'goal_description', 'target_platforms', 'priority', 'budget_account_id', 'start_time', 'end_time', 'metadata'];
const STATUSES = [CampaignStatus.PLANNING, CampaignStatus.ACTIVE, CampaignStatus.PAUSED, CampaignStatus.COMPLETED, CampaignStatus.FAILED] as const;
const MAX_AGENTS_PER_CALL = 100;

/** The moves each custom method makes: from which statuses, to which. */
const TRANSITIONS = {
  activate: { from: ['PLANNING', 'PAUSED'], to: 'ACTIVE' },
  pause: { from: ['ACTIVE'], to: 'PAUSED' },
  complete: { from: ['ACTIVE', 'PAUSED'], to: 'COMPLETED' },
  fail: { from: ['ACTIVE', 'PAUSED'], to: 'FAILED' },
} as const;

async function existingCampaign(client: IDatabaseConnection, tenantId: string, id: string): Promise<IGetCampaignResult> {
  const [row] = await getCampaign.run({ tenantId, id }, client);
  if (!row) throw notFound('campaign', id);
  return row;
}

async function checkBudgetAccount(client: TxClient, tenantId: string, id: string | null): Promise<void> {
  if (id !== null && (await getBudgetAccount.run({ tenantId, id }, client)).length === 0) throw notFound('ledger account', id);
}

export function campaignService(deps: ServiceDeps): ServiceImpl<typeof CampaignService> {
  /** Runs one of the custom methods' moves, explaining a move that did not apply. */
  async function transition(ctx: HandlerContext, req: { id: string; etag: string }, move: keyof typeof TRANSITIONS) {
    const v = new Violations();
    const id = v.uuid('id', req.id);
    const expectedVersion = v.etag('etag', req.etag);
    v.throwIfAny();
    const { from, to } = TRANSITIONS[move];
    const scope = tenantScope(ctx, deps);
    const row = await deps.db.tenantTx(scope, async (client) => {
      if (move === 'activate') {
        await lockActivations.run({ tenantId: scope.tenantId }, client);
        const [{ active, max_active: max }] = await activeCampaigns.run({ tenantId: scope.tenantId }, client);
        const current = await existingCampaign(client, scope.tenantId, id);
        if ((from as readonly string[]).includes(current.status) && Number(active) >= max) {
          throw failedPrecondition('ACTIVE_CAMPAIGN_LIMIT', `the tenant already has ${active} active campaigns, its limit (max_active_campaigns)`, { resource_id: id });
        }
      }
      const [moved] = await transitionCampaign.run({ tenantId: scope.tenantId, id, from: [...from], to, expectedVersion }, client);
      if (moved) return moved;
      const existing = await existingCampaign(client, scope.tenantId, id);
      if (expectedVersion !== null && existing.version !== expectedVersion) throw etagMismatch('campaign', id);
      throw failedPrecondition('INVALID_TRANSITION', `campaign ${id} is ${existing.status}; it cannot become ${to}`, { resource_id: id, status: existing.status });
    });
    return { campaign: campaignFromRow(row) };
  }

  return {
    async createCampaign(req, ctx) {
      const v = new Violations();
      const c = req.campaign;
      if (!c) throw invalidArgument([{ field: 'campaign', description: 'is required' }]);
      const id = c.id ? v.uuid('campaign.id', c.id) : randomUUID();
      const content = {
        name: validateName(v, 'campaign.name', c.name),
        goalDescription: validateGoal(v, 'campaign.goal_description', c.goalDescription),
        targetPlatforms: validatePlatforms(v, 'campaign.target_platforms', c.targetPlatforms),
        priority: validatePriority(v, 'campaign.priority', c.priority),
        budgetAccountId: v.optionalUuid('campaign.budget_account_id', c.budgetAccountId) ?? null,
        startTime: validateTime(v, 'campaign.start_time', c.startTime),
        endTime: validateTime(v, 'campaign.end_time', c.endTime),
        metadata: v.jsonObject('campaign.metadata', c.metadata),
      };
      validateWindow(v, content.startTime, content.endTime);
      v.throwIfAny();
      const createFingerprint = fingerprint(content);
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        await checkBudgetAccount(client, scope.tenantId, content.budgetAccountId);
        return insertOrReplay({
          resourceType: 'campaign',
          id,
          fingerprint: createFingerprint,
          insert: async () => (await insertCampaign.run({ tenantId: scope.tenantId, id, ...content, createFingerprint }, client))[0],
          existing: () => existingCampaign(client, scope.tenantId, id),
        });
      });
      return { campaign: campaignFromRow(row) };
    },

    async getCampaign(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      return { campaign: campaignFromRow(await deps.db.tenantRead(scope, (client) => existingCampaign(client, scope.tenantId, id))) };
    },

    async listCampaigns(req, ctx) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      if (req.status) v.enumOf('status', req.status, STATUSES, 'PLANNING, ACTIVE, PAUSED, COMPLETED, FAILED');
      const filters = { status: storedName(CampaignStatus, req.status) };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.replicaRead(scope, (client) => listCampaigns.run({ tenantId: scope.tenantId, ...filters, ...cursor, limit: String(pageSize + 1) }, client));
      const page = deps.pageTokens.page(rows, pageSize, filters, { bytesOf: (r) => 1_000 + jsonBytes(r.metadata) });
      return { campaigns: page.rows.map(campaignFromRow), nextPageToken: page.nextPageToken };
    },

    async updateCampaign(req, ctx) {
      const v = new Violations();
      const c: Campaign | undefined = req.campaign;
      if (!c) throw invalidArgument([{ field: 'campaign', description: 'is required' }]);
      const id = v.uuid('campaign.id', c.id);
      const expectedVersion = v.etag('campaign.etag', c.etag);
      const mask = v.mask('update_mask.paths', req.updateMask?.paths ?? [], MASK_PATHS);
      const set = (path: string) => mask.has(path);
      const name = set('name') ? validateName(v, 'campaign.name', c.name) : '';
      const goalDescription = set('goal_description') ? validateGoal(v, 'campaign.goal_description', c.goalDescription) : '';
      const targetPlatforms = set('target_platforms') ? validatePlatforms(v, 'campaign.target_platforms', c.targetPlatforms) : [];
      const priority = set('priority') ? validatePriority(v, 'campaign.priority', c.priority) : 2;
      const budgetAccountId = set('budget_account_id') ? (v.optionalUuid('campaign.budget_account_id', c.budgetAccountId) ?? null) : null;
      const startTime = set('start_time') ? validateTime(v, 'campaign.start_time', c.startTime) : null;
      const endTime = set('end_time') ? validateTime(v, 'campaign.end_time', c.endTime) : null;
      const metadata = set('metadata') ? v.jsonObject('campaign.metadata', c.metadata) : {};
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        await checkBudgetAccount(client, scope.tenantId, budgetAccountId);
        const current = await existingCampaign(client, scope.tenantId, id);
        // The window as it will be: the new ends where given, the stored ones otherwise.
        const window = new Violations();
        validateWindow(window, set('start_time') ? startTime : (current.start_time?.toISOString() ?? null), set('end_time') ? endTime : (current.end_time?.toISOString() ?? null));
        window.throwIfAny();
        const [updated] = await updateCampaign.run(
          {
            tenantId: scope.tenantId,
            id,
            expectedVersion,
            setName: set('name'),
            name,
            setGoal: set('goal_description'),
            goalDescription,
            setPlatforms: set('target_platforms'),
            targetPlatforms,
            setPriority: set('priority'),
            priority,
            setBudgetAccount: set('budget_account_id'),
            budgetAccountId,
            setStartTime: set('start_time'),
            startTime,
            setEndTime: set('end_time'),
            endTime,
            setMetadata: set('metadata'),
            metadata,
          },
          client,
        );
        if (updated) return updated;
        if (current.status === 'COMPLETED' || current.status === 'FAILED') {
          throw failedPrecondition('CAMPAIGN_FINISHED', `campaign ${id} is ${current.status} and cannot be changed`, { resource_id: id });
        }
        throw etagMismatch('campaign', id);
      });
      return { campaign: campaignFromRow(row) };
    },

    activateCampaign: (req, ctx) => transition(ctx, req, 'activate'),
    pauseCampaign: (req, ctx) => transition(ctx, req, 'pause'),
    completeCampaign: (req, ctx) => transition(ctx, req, 'complete'),
    failCampaign: (req, ctx) => transition(ctx, req, 'fail'),

    async addCampaignAgents(req, ctx) {
      const v = new Violations();
      const campaignId = v.uuid('campaign_id', req.campaignId);
      if (req.agentIds.length === 0) v.add('agent_ids', 'must name at least one agent');
      if (req.agentIds.length > MAX_AGENTS_PER_CALL) v.add('agent_ids', `must name at most ${MAX_AGENTS_PER_CALL} agents`);
      const agentIds = [...new Set(req.agentIds.map((id, i) => v.uuid(`agent_ids[${i}]`, id)))];
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.tenantTx(scope, async (client) => {
        await existingCampaign(client, scope.tenantId, campaignId);
        const agents = new Map((await getCampaignAgentCandidates.run({ tenantId: scope.tenantId, ids: agentIds }, client)).map((a) => [a.id, a.status]));
        for (const id of agentIds) {
          if (!agents.has(id)) throw notFound('agent', id);
          if (agents.get(id) === 'ARCHIVED') throw failedPrecondition('AGENT_ARCHIVED', `agent ${id} is archived and cannot join a campaign`, { resource_id: id });
        }
        return addCampaignAgents.run({ tenantId: scope.tenantId, campaignId, agentIds }, client);
      });
      const byAgent = new Map(rows.map((r) => [r.agent_id, r]));
      return { campaignAgents: agentIds.map((id) => campaignAgentFromRow(byAgent.get(id)!)) };
    },

    async removeCampaignAgent(req, ctx) {
      const v = new Violations();
      const campaignId = v.uuid('campaign_id', req.campaignId);
      const agentId = v.uuid('agent_id', req.agentId);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      await deps.db.tenantTx(scope, async (client) => {
        await existingCampaign(client, scope.tenantId, campaignId);
        const removed = await removeCampaignAgent.run({ tenantId: scope.tenantId, campaignId, agentId }, client);
        if (removed.length === 0) throw notFound('campaign agent', `${campaignId}/${agentId}`);
      });
      return {};
    },

    async listCampaignAgents(req, ctx) {
      const v = new Violations();
      const campaignId = v.uuid('campaign_id', req.campaignId);
      const pageSize = v.pageSize('page_size', req.pageSize);
      const filters = { campaignId };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.replicaTx(scope, async (client) => {
        await existingCampaign(client, scope.tenantId, campaignId);
        return listCampaignAgents.run({ tenantId: scope.tenantId, campaignId, ...cursor, limit: String(pageSize + 1) }, client);
      });
      const page = deps.pageTokens.page(rows, pageSize, filters);
      return { campaignAgents: page.rows.map(campaignAgentFromRow), nextPageToken: page.nextPageToken };
    },

    async getCampaignSummary(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.replicaRead(scope, async (client) => {
        const [found] = await getCampaignSummary.run({ tenantId: scope.tenantId, id }, client);
        if (!found) throw notFound('campaign', id);
        return found;
      });
      const tasks = row.tasks_by_status as Record<string, number>;
      return {
        summary: {
          campaignId: row.campaign_id,
          status: statusFromRow(row.status),
          agentCount: BigInt(row.agent_count),
          tasksByStatus: Object.entries(tasks)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([status, count]) => ({ status, count: BigInt(count) })),
          contentByStatus: (row.content as Array<{ status: string; platform: string | null; count: number }>).map((c) => ({
            status: c.status,
            platform: c.platform ? Platform[c.platform as keyof typeof Platform] : Platform.UNSPECIFIED,
            count: BigInt(c.count),
          })),
          publishedCount: BigInt(row.published_count),
          budgetAsset: row.budget_asset ?? '',
          spent: row.spent ?? '',
          reserved: row.reserved ?? '',
          remaining: row.remaining ?? '',
        },
      };
    },
  };
}
