import { randomUUID } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import { AgentStatus } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { testEnv } from './support/environment.js';
import { countRows, embedding, expectError, newTenant, type TestTenant } from './support/fixtures.js';

describe('AgentService', () => {
  let t: TestTenant;
  beforeEach(async () => {
    t = await newTenant();
  });

  const persona = {
    name: 'Nova',
    backstory: 'A synthwave enthusiast from Lagos.',
    voiceTraits: ['witty', 'warm'],
    coreBeliefs: ['music heals'],
    directives: ['never discuss politics'],
  };

  describe('CreateAgent', () => {
    it('creates an agent with every field and returns it as stored', async () => {
      const { agent } = await t.agents.createAgent({
        agent: {
          handle: 'nova.wave',
          displayName: 'Nova',
          persona,
          personaEmbedding: embedding(3),
          wallet: { network: 'base', address: '0xabc123' },
          metadata: { niche: 'music', tier: 2 },
        },
      });
      expect(agent!.id).to.match(/^[0-9a-f-]{36}$/);
      expect(agent!.status).to.equal(AgentStatus.ACTIVE);
      expect(agent!.persona).to.deep.include({ name: 'Nova', voiceTraits: ['witty', 'warm'] });
      expect(agent!.personaEmbedding).to.have.length(1536);
      expect(agent!.personaEmbedding[3]).to.equal(1);
      expect(agent!.wallet).to.deep.include({ network: 'base', address: '0xabc123' });
      expect(agent!.metadata).to.deep.equal({ niche: 'music', tier: 2 });
      expect(agent!.etag).to.equal('1');
      expect(agent!.createTime).to.not.equal(undefined);

      const { rows } = await testEnv().pool.query('SELECT handle, tenant_id FROM agents WHERE id = $1', [agent!.id]);
      expect(rows).to.deep.equal([{ handle: 'nova.wave', tenant_id: t.tenant.id }]);
    });

    it('writes an audit event for the insert, without the embedding', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'audited', personaEmbedding: embedding(1) } });
      const { rows } = await testEnv().pool.query(
        'SELECT action, resource_type, actor, after FROM audit_events WHERE tenant_id = $1 AND resource_id = $2',
        [t.tenant.id, agent!.id],
      );
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ action: 'INSERT', resource_type: 'agents' });
      expect(rows[0].actor).to.match(/^api_key:/);
      expect(rows[0].after.handle).to.equal('audited');
      expect(rows[0].after).to.not.have.property('persona_embedding');
    });

    it('is idempotent for a client-chosen id with the same content', async () => {
      const id = randomUUID();
      const first = await t.agents.createAgent({ agent: { id, handle: 'twice', persona } });
      const second = await t.agents.createAgent({ agent: { id, handle: 'twice', persona } });
      expect(second.agent).to.deep.equal(first.agent);
      expect(await countRows('agents', t.tenant.id)).to.equal(1);
    });

    it('fails AlreadyExists for a repeated id with different content', async () => {
      const id = randomUUID();
      await t.agents.createAgent({ agent: { id, handle: 'first' } });
      await expectError(t.agents.createAgent({ agent: { id, handle: 'second' } }), Code.AlreadyExists, 'ID_TAKEN');
      expect(await countRows('agents', t.tenant.id)).to.equal(1);
    });

    it('fails AlreadyExists when a live agent already has the handle (case-insensitive)', async () => {
      await t.agents.createAgent({ agent: { handle: 'Taken' } });
      await expectError(t.agents.createAgent({ agent: { handle: 'taken' } }), Code.AlreadyExists, 'HANDLE_TAKEN');
    });

    it('frees the handle of an archived agent', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'reuse' } });
      await t.agents.archiveAgent({ id: agent!.id });
      const { agent: again } = await t.agents.createAgent({ agent: { handle: 'reuse' } });
      expect(again!.id).to.not.equal(agent!.id);
    });

    it('the same handle may be used by two tenants', async () => {
      const other = await newTenant();
      const { agent: mine } = await t.agents.createAgent({ agent: { handle: 'shared' } });
      const { agent: theirs } = await other.agents.createAgent({ agent: { handle: 'shared' } });
      expect(theirs!.id).to.not.equal(mine!.id);
      expect((await t.agents.getAgent({ id: mine!.id })).agent!.handle).to.equal('shared');
      expect((await other.agents.getAgent({ id: theirs!.id })).agent!.handle).to.equal('shared');
      expect((await t.agents.listAgents({})).agents.map((a) => a.id)).to.deep.equal([mine!.id]);
      expect((await other.agents.listAgents({})).agents.map((a) => a.id)).to.deep.equal([theirs!.id]);
    });
  });

  describe('GetAgent', () => {
    it('returns the agent', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'getme', persona } });
      const got = await t.agents.getAgent({ id: agent!.id });
      expect(got.agent).to.deep.equal(agent);
    });

    it('is NotFound for an unknown id', async () => {
      await expectError(t.agents.getAgent({ id: randomUUID() }), Code.NotFound, 'NOT_FOUND');
    });
  });

  describe('ListAgents', () => {
    it('pages through agents in creation order with keyset tokens', async () => {
      const handles = ['a1', 'a2', 'a3', 'a4', 'a5'];
      for (const handle of handles) await t.agents.createAgent({ agent: { handle } });
      const seen: string[] = [];
      let pageToken = '';
      let pages = 0;
      do {
        const page = await t.agents.listAgents({ pageSize: 2, pageToken });
        seen.push(...page.agents.map((a) => a.handle));
        pageToken = page.nextPageToken;
        pages++;
      } while (pageToken);
      expect(seen).to.deep.equal(handles);
      expect(pages).to.equal(3);
    });

    it('leaves archived agents out unless asked, and filters by status', async () => {
      const { agent: a } = await t.agents.createAgent({ agent: { handle: 'live' } });
      const { agent: b } = await t.agents.createAgent({ agent: { handle: 'paused', status: AgentStatus.PAUSED } });
      const { agent: c } = await t.agents.createAgent({ agent: { handle: 'gone' } });
      await t.agents.archiveAgent({ id: c!.id });
      const handles = async (req: Parameters<typeof t.agents.listAgents>[0]) => (await t.agents.listAgents(req)).agents.map((x) => x.id);
      expect(await handles({})).to.deep.equal([a!.id, b!.id]);
      expect(await handles({ showArchived: true })).to.deep.equal([a!.id, b!.id, c!.id]);
      expect(await handles({ status: AgentStatus.PAUSED })).to.deep.equal([b!.id]);
      expect(await handles({ status: AgentStatus.ARCHIVED })).to.deep.equal([c!.id]);
    });

    it('returns an empty last page with no token', async () => {
      const page = await t.agents.listAgents({});
      expect(page.agents).to.deep.equal([]);
      expect(page.nextPageToken).to.equal('');
    });

    it('rejects a page token used with different filters', async () => {
      for (const handle of ['p1', 'p2']) await t.agents.createAgent({ agent: { handle } });
      const page = await t.agents.listAgents({ pageSize: 1 });
      await expectError(t.agents.listAgents({ pageSize: 1, pageToken: page.nextPageToken, showArchived: true }), Code.InvalidArgument);
      await expectError(t.agents.listAgents({ pageToken: 'garbage!' }), Code.InvalidArgument);
    });
  });

  describe('UpdateAgent', () => {
    it('changes only the masked fields and bumps the etag', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'upd', displayName: 'Before', persona } });
      const { agent: updated } = await t.agents.updateAgent({
        agent: { id: agent!.id, etag: agent!.etag, displayName: 'After', handle: 'ignored-not-masked' },
        updateMask: { paths: ['display_name'] },
      });
      expect(updated!.displayName).to.equal('After');
      expect(updated!.handle).to.equal('upd');
      expect(updated!.etag).to.equal('2');
      expect(updated!.persona).to.deep.equal(agent!.persona);
    });

    it('merges persona sub-fields named in the mask', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'merge', persona } });
      const { agent: updated } = await t.agents.updateAgent({
        agent: { id: agent!.id, persona: { backstory: 'New story', name: 'ignored' } },
        updateMask: { paths: ['persona.backstory'] },
      });
      expect(updated!.persona!.backstory).to.equal('New story');
      expect(updated!.persona!.name).to.equal('Nova');
      expect(updated!.persona!.voiceTraits).to.deep.equal(persona.voiceTraits);
    });

    it('sets and clears the embedding, wallet and metadata', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'vec' } });
      const { agent: withVec } = await t.agents.updateAgent({
        agent: { id: agent!.id, personaEmbedding: embedding(9), wallet: { network: 'base', address: '0x1' }, metadata: { a: 1 } },
        updateMask: { paths: ['persona_embedding', 'wallet', 'metadata'] },
      });
      expect(withVec!.personaEmbedding[9]).to.equal(1);
      expect(withVec!.wallet!.address).to.equal('0x1');
      const { agent: cleared } = await t.agents.updateAgent({
        agent: { id: agent!.id },
        updateMask: { paths: ['persona_embedding', 'wallet'] },
      });
      expect(cleared!.personaEmbedding).to.deep.equal([]);
      expect(cleared!.wallet).to.equal(undefined);
      expect(cleared!.metadata).to.deep.equal({ a: 1 });
    });

    it('a stale etag is Aborted and changes nothing', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'stale', displayName: 'v1' } });
      await t.agents.updateAgent({ agent: { id: agent!.id, displayName: 'v2' }, updateMask: { paths: ['display_name'] } });
      await expectError(
        t.agents.updateAgent({ agent: { id: agent!.id, etag: agent!.etag, displayName: 'v3' }, updateMask: { paths: ['display_name'] } }),
        Code.Aborted,
        'ETAG_MISMATCH',
      );
      expect((await t.agents.getAgent({ id: agent!.id })).agent!.displayName).to.equal('v2');
    });

    it('is NotFound for an unknown id', async () => {
      await expectError(t.agents.updateAgent({ agent: { id: randomUUID(), displayName: 'x' }, updateMask: { paths: ['display_name'] } }), Code.NotFound);
    });

    it('is FailedPrecondition on an archived agent', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'arch' } });
      await t.agents.archiveAgent({ id: agent!.id });
      await expectError(
        t.agents.updateAgent({ agent: { id: agent!.id, displayName: 'x' }, updateMask: { paths: ['display_name'] } }),
        Code.FailedPrecondition,
        'AGENT_ARCHIVED',
      );
    });

    it('is AlreadyExists when renaming onto a taken handle', async () => {
      await t.agents.createAgent({ agent: { handle: 'one' } });
      const { agent } = await t.agents.createAgent({ agent: { handle: 'two' } });
      await expectError(t.agents.updateAgent({ agent: { id: agent!.id, handle: 'ONE' }, updateMask: { paths: ['handle'] } }), Code.AlreadyExists, 'HANDLE_TAKEN');
    });

    it('cannot archive through status (ArchiveAgent does that)', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'nostatus' } });
      await expectError(
        t.agents.updateAgent({ agent: { id: agent!.id, status: AgentStatus.ARCHIVED }, updateMask: { paths: ['status'] } }),
        Code.InvalidArgument,
      );
    });
  });

  describe('ArchiveAgent', () => {
    it('archives, and archiving again is a no-op', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'bye' } });
      const { agent: archived } = await t.agents.archiveAgent({ id: agent!.id, etag: agent!.etag });
      expect(archived!.status).to.equal(AgentStatus.ARCHIVED);
      const { agent: again } = await t.agents.archiveAgent({ id: agent!.id });
      expect(again).to.deep.equal(archived);
    });

    it('a stale etag is Aborted', async () => {
      const { agent } = await t.agents.createAgent({ agent: { handle: 'stale2' } });
      await t.agents.updateAgent({ agent: { id: agent!.id, displayName: 'x' }, updateMask: { paths: ['display_name'] } });
      await expectError(t.agents.archiveAgent({ id: agent!.id, etag: agent!.etag }), Code.Aborted, 'ETAG_MISMATCH');
      expect((await t.agents.getAgent({ id: agent!.id })).agent!.status).to.equal(AgentStatus.ACTIVE);
    });

    it('is NotFound for an unknown id', async () => {
      await expectError(t.agents.archiveAgent({ id: randomUUID() }), Code.NotFound);
    });
  });

  describe('SearchSimilarAgents', () => {
    it('returns the nearest agents by cosine distance, closest first, with distances', async () => {
      const near = await t.agents.createAgent({ agent: { handle: 'near', personaEmbedding: embedding(10, 0.1) } });
      const far = await t.agents.createAgent({ agent: { handle: 'far', personaEmbedding: embedding(10, 3) } });
      await t.agents.createAgent({ agent: { handle: 'orthogonal', personaEmbedding: embedding(500) } });
      await t.agents.createAgent({ agent: { handle: 'novector' } });
      const { results } = await t.agents.searchSimilarAgents({ query: { case: 'embedding', value: { values: embedding(10) } }, topK: 2 });
      expect(results.map((r) => r.agent!.handle)).to.deep.equal(['near', 'far']);
      expect(results[0].distance).to.be.closeTo(1 - 1 / Math.sqrt(1.01), 1e-4);
      expect(results[1].distance).to.be.closeTo(1 - 1 / Math.sqrt(10), 1e-4);
      expect(results[0].agent!.id).to.equal(near.agent!.id);
      expect(results[1].agent!.id).to.equal(far.agent!.id);
    });

    it('searches by an agent id, leaving that agent and archived agents out', async () => {
      const { agent: source } = await t.agents.createAgent({ agent: { handle: 'src', personaEmbedding: embedding(20) } });
      const { agent: twin } = await t.agents.createAgent({ agent: { handle: 'twin', personaEmbedding: embedding(20, 0.2) } });
      const { agent: archived } = await t.agents.createAgent({ agent: { handle: 'old', personaEmbedding: embedding(20, 0.1) } });
      await t.agents.archiveAgent({ id: archived!.id });
      const { results } = await t.agents.searchSimilarAgents({ query: { case: 'agentId', value: source!.id } });
      expect(results.map((r) => r.agent!.id)).to.deep.equal([twin!.id]);
    });

    it('is NotFound for an unknown source agent and FailedPrecondition when it has no embedding', async () => {
      await expectError(t.agents.searchSimilarAgents({ query: { case: 'agentId', value: randomUUID() } }), Code.NotFound);
      const { agent } = await t.agents.createAgent({ agent: { handle: 'plain' } });
      await expectError(t.agents.searchSimilarAgents({ query: { case: 'agentId', value: agent!.id } }), Code.FailedPrecondition, 'NO_EMBEDDING');
    });
  });
});
