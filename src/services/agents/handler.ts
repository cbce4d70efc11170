// chimera.agents.v1.AgentService: a tenant's agents, their personas and persona embeddings.
import { randomUUID } from 'node:crypto';
import type { ServiceImpl } from '@connectrpc/connect';
import { AgentService, AgentStatus, AgentView } from '../../gen/proto/chimera/agents/v1/agents_pb.js';
import {
  archiveAgent,
  getAgent,
  getAgentEmbedding,
  insertAgent,
  listAgents,
  searchSimilarAgents,
  updateAgent,
} from '../../gen/sql/agents/agents.queries.js';
import { setVectorSearchParams } from '../../gen/sql/platform/vector.queries.js';
import type { IDatabaseConnection } from '@pgtyped/runtime';
import type { TxClient } from '../../db/tx.js';
import { fingerprint } from '../../lib/canonical.js';
import { etagMismatch, invalidArgument, failedPrecondition, notFound } from '../../lib/errors.js';
import { insertOrReplay } from '../../lib/idempotent-create.js';
import { fitting, jsonBytes } from '../../lib/page-token.js';
import { Violations } from '../../lib/validate.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import { embeddingToSql } from '../../lib/vectors.js';
import { agentFromRow, agentStatusToRow, personaToRow, type PersonaRow } from './mapping.js';
import { validateHandle, validatePersona, validateWallet } from './validation.js';

const LIVE_STATUSES = [AgentStatus.ACTIVE, AgentStatus.PAUSED] as const;
const ANY_STATUS = [AgentStatus.ACTIVE, AgentStatus.PAUSED, AgentStatus.ARCHIVED] as const;
const VIEWS = [AgentView.BASIC, AgentView.FULL] as const;

/** An embedding in JSON: 1536 float32 values, each up to about 24 characters once widened to a
 *  double (0.1 is 0.10000000149011612). */
const EMBEDDING_JSON_BYTES = 1536 * 24;

/** An agent's JSON size, near enough for a page's budget. */
const agentBytes = (r: { persona_embedding: string | null; persona: unknown; metadata: unknown }) =>
  400 + (r.persona_embedding ? EMBEDDING_JSON_BYTES : 0) + jsonBytes(r.persona, r.metadata);

/** Whether a list's view includes the embeddings: only FULL does (AIP-157). */
function withEmbedding(v: Violations, view: AgentView): boolean {
  return view !== AgentView.UNSPECIFIED && v.enumOf('view', view, VIEWS, 'BASIC, FULL') === AgentView.FULL;
}
const PERSONA_FIELDS: Record<string, keyof PersonaRow> = {
  'persona.name': 'name',
  'persona.backstory': 'backstory',
  'persona.voice_traits': 'voice_traits',
  'persona.core_beliefs': 'core_beliefs',
  'persona.directives': 'directives',
};
const AGENT_MASK_PATHS = ['handle', 'display_name', 'status', 'persona', ...Object.keys(PERSONA_FIELDS), 'persona_embedding', 'wallet', 'metadata'];
const DEFAULT_TOP_K = 10;
const MAX_TOP_K = 100;

async function existingAgent(client: IDatabaseConnection, tenantId: string, id: string) {
  const [row] = await getAgent.run({ tenantId, id }, client);
  if (!row) throw notFound('agent', id);
  return row;
}

/** Explains why a conditional update changed no row. */
async function whyNotUpdated(client: TxClient, tenantId: string, id: string): Promise<never> {
  const row = await existingAgent(client, tenantId, id);
  if (row.status === 'ARCHIVED') throw failedPrecondition('AGENT_ARCHIVED', `agent ${id} is archived and cannot be changed`, { resource_id: id });
  throw etagMismatch('agent', id);
}

export function agentService(deps: ServiceDeps): ServiceImpl<typeof AgentService> {
  return {
    async createAgent(req, ctx) {
      const v = new Violations();
      const a = req.agent;
      if (!a) throw invalidArgument([{ field: 'agent', description: 'is required' }]);
      const id = a.id ? v.uuid('agent.id', a.id) : randomUUID();
      const handle = validateHandle(v, 'agent.handle', a.handle);
      const displayName = v.text('agent.display_name', a.displayName, { max: 200 });
      const status = a.status ? v.enumOf('agent.status', a.status, LIVE_STATUSES, 'ACTIVE, PAUSED') : AgentStatus.ACTIVE;
      validatePersona(v, 'agent.persona', a.persona);
      const embedding = v.embedding('agent.persona_embedding', a.personaEmbedding);
      validateWallet(v, 'agent.wallet', a.wallet);
      const metadata = v.jsonObject('agent.metadata', a.metadata);
      v.throwIfAny();

      const content = {
        handle,
        displayName,
        status: agentStatusToRow[status]!,
        persona: personaToRow(a.persona),
        personaEmbedding: embeddingToSql(embedding),
        walletNetwork: a.wallet?.network ?? '',
        walletAddress: a.wallet?.address ?? '',
        metadata,
      };
      const createFingerprint = fingerprint(content);
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, (client) =>
        insertOrReplay({
          resourceType: 'agent',
          id,
          fingerprint: createFingerprint,
          insert: async () => (await insertAgent.run({ tenantId: scope.tenantId, id, ...content, createFingerprint }, client))[0],
          existing: () => existingAgent(client, scope.tenantId, id),
        }),
      );
      return { agent: agentFromRow(row) };
    },

    async getAgent(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantRead(scope, (client) => existingAgent(client, scope.tenantId, id));
      return { agent: agentFromRow(row) };
    },

    async listAgents(req, ctx) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      const status = req.status ? v.enumOf('status', req.status, ANY_STATUS, 'ACTIVE, PAUSED, ARCHIVED') : undefined;
      const full = withEmbedding(v, req.view);
      const filters = { status: status ?? null, showArchived: req.showArchived };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.replicaRead(scope, (client) =>
        listAgents.run(
          {
            tenantId: scope.tenantId,
            status: status ? agentStatusToRow[status] : null,
            showArchived: req.showArchived,
            withEmbedding: full,
            ...cursor,
            limit: String(pageSize + 1),
          },
          client,
        ),
      );
      const page = deps.pageTokens.page(rows, pageSize, filters, { bytesOf: agentBytes });
      return { agents: page.rows.map(agentFromRow), nextPageToken: page.nextPageToken };
    },

    async updateAgent(req, ctx) {
      const v = new Violations();
      const a = req.agent;
      if (!a) throw invalidArgument([{ field: 'agent', description: 'is required' }]);
      const id = v.uuid('agent.id', a.id);
      const expectedVersion = v.etag('agent.etag', a.etag);
      const mask = v.mask('update_mask.paths', req.updateMask?.paths ?? [], AGENT_MASK_PATHS);
      if (mask.has('handle')) validateHandle(v, 'agent.handle', a.handle);
      if (mask.has('display_name')) v.text('agent.display_name', a.displayName, { max: 200 });
      if (mask.has('status')) v.enumOf('agent.status', a.status, LIVE_STATUSES, 'ACTIVE, PAUSED (use ArchiveAgent to archive)');
      validatePersona(v, 'agent.persona', a.persona);
      const embedding = mask.has('persona_embedding') ? v.embedding('agent.persona_embedding', a.personaEmbedding) : undefined;
      if (mask.has('wallet')) validateWallet(v, 'agent.wallet', a.wallet);
      const metadata = mask.has('metadata') ? v.jsonObject('agent.metadata', a.metadata) : {};
      v.throwIfAny();

      const persona = personaToRow(a.persona);
      const personaPatch: Partial<PersonaRow> = mask.has('persona') ? persona : {};
      for (const [path, key] of Object.entries(PERSONA_FIELDS)) {
        if (mask.has(path)) Object.assign(personaPatch, { [key]: persona[key] });
      }
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        const [updated] = await updateAgent.run(
          {
            tenantId: scope.tenantId,
            id,
            expectedVersion,
            setHandle: mask.has('handle'),
            handle: a.handle,
            setDisplayName: mask.has('display_name'),
            displayName: a.displayName,
            setStatus: mask.has('status'),
            status: agentStatusToRow[a.status] ?? 'ACTIVE',
            personaPatch,
            setPersonaEmbedding: mask.has('persona_embedding'),
            personaEmbedding: embeddingToSql(embedding),
            setWallet: mask.has('wallet'),
            walletNetwork: a.wallet?.network ?? '',
            walletAddress: a.wallet?.address ?? '',
            setMetadata: mask.has('metadata'),
            metadata,
          },
          client,
        );
        return updated ?? whyNotUpdated(client, scope.tenantId, id);
      });
      return { agent: agentFromRow(row) };
    },

    async archiveAgent(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      const expectedVersion = v.etag('etag', req.etag);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        const [archived] = await archiveAgent.run({ tenantId: scope.tenantId, id, expectedVersion }, client);
        if (archived) return archived;
        const existing = await existingAgent(client, scope.tenantId, id);
        if (existing.status === 'ARCHIVED') return existing; // archiving twice is a no-op
        throw etagMismatch('agent', id);
      });
      return { agent: agentFromRow(row) };
    },

    async searchSimilarAgents(req, ctx) {
      const v = new Violations();
      let queryVector: number[] | undefined;
      let fromAgentId: string | undefined;
      if (req.query.case === 'embedding') {
        queryVector = v.embedding('embedding.values', req.query.value.values);
        if (!queryVector) v.add('embedding.values', 'is required');
      } else if (req.query.case === 'agentId') {
        fromAgentId = v.uuid('agent_id', req.query.value);
      } else {
        v.add('query', 'set either embedding or agent_id');
      }
      if (req.topK < 0) v.add('top_k', 'must not be negative');
      if (req.topK > MAX_TOP_K) v.add('top_k', `must be at most ${MAX_TOP_K}`);
      const status = req.status ? v.enumOf('status', req.status, LIVE_STATUSES, 'ACTIVE, PAUSED') : undefined;
      const full = withEmbedding(v, req.view);
      v.throwIfAny();

      const topK = req.topK || DEFAULT_TOP_K;
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.replicaTx(scope, async (client) => {
        let query = embeddingToSql(queryVector);
        if (fromAgentId) {
          const [source] = await getAgentEmbedding.run({ tenantId: scope.tenantId, id: fromAgentId }, client);
          if (!source) throw notFound('agent', fromAgentId);
          if (!source.embedding) throw failedPrecondition('NO_EMBEDDING', `agent ${fromAgentId} has no persona_embedding`, { resource_id: fromAgentId });
          query = source.embedding;
        }
        await setVectorSearchParams.run({ efSearch: String(Math.max(100, 2 * topK)) }, client);
        return searchSimilarAgents.run(
          {
            tenantId: scope.tenantId,
            query: query!,
            status: status ? agentStatusToRow[status] : null,
            excludeId: fromAgentId ?? null,
            withEmbedding: full,
            limit: String(topK),
          },
          client,
        );
      });
      // The nearest that fit within the message limit (top_k is an upper bound).
      const results = rows.slice(0, fitting(rows, rows.length, agentBytes));
      return { results: results.map((row) => ({ agent: agentFromRow(row), distance: row.distance })) };
    },
  };
}
