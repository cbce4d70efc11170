import { randomUUID } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { AgentService, AgentStatus, CreateAgentRequestSchema } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { connectClient, testEnv } from './support/environment.js';
import { countRows, embedding, expectError, newTenant, violatedFields, type TestTenant } from './support/fixtures.js';

type CreateInput = MessageInitShape<typeof CreateAgentRequestSchema>;

describe('bad input is InvalidArgument with field violations and writes nothing', () => {
  let t: TestTenant;
  before(async () => {
    t = await newTenant();
  });

  const cases: Array<[string, CreateInput, string[]]> = [
    ['a malformed UUID', { agent: { id: 'xyz', handle: 'ok' } }, ['agent.id']],
    ['an empty handle', { agent: { handle: '' } }, ['agent.handle']],
    ['an over-long handle', { agent: { handle: 'h'.repeat(65) } }, ['agent.handle']],
    ['a handle with spaces', { agent: { handle: 'no spaces' } }, ['agent.handle']],
    ['an embedding of the wrong dimension', { agent: { handle: 'ok', personaEmbedding: [1, 2, 3] } }, ['agent.persona_embedding']],
    ['an embedding with NaN', { agent: { handle: 'ok', personaEmbedding: embedding(1).map((x, i) => (i === 5 ? NaN : x)) } }, ['agent.persona_embedding']],
    ['an embedding with Infinity', { agent: { handle: 'ok', personaEmbedding: embedding(1).map((x, i) => (i === 5 ? Infinity : x)) } }, ['agent.persona_embedding']],
    ['an all-zero embedding', { agent: { handle: 'ok', personaEmbedding: new Array(1536).fill(0) } }, ['agent.persona_embedding']],
    ['an unknown enum value', { agent: { handle: 'ok', status: 42 as AgentStatus } }, ['agent.status']],
    ['ARCHIVED on create', { agent: { handle: 'ok', status: AgentStatus.ARCHIVED } }, ['agent.status']],
    ['an oversize metadata object', { agent: { handle: 'ok', metadata: { blob: 'x'.repeat(70_000) } } }, ['agent.metadata']],
    ['an over-long persona list item', { agent: { handle: 'ok', persona: { voiceTraits: ['y'.repeat(201)] } } }, ['agent.persona.voice_traits[0]']],
    ['a wallet address without a network', { agent: { handle: 'ok', wallet: { address: '0x1' } } }, ['agent.wallet']],
    ['no agent at all', {}, ['agent']],
    [
      'several problems at once',
      { agent: { id: 'bad', handle: '', personaEmbedding: [Number.NaN] } },
      ['agent.id', 'agent.handle', 'agent.persona_embedding'],
    ],
  ];

  for (const [what, request, fields] of cases) {
    it(`CreateAgent with ${what}`, async () => {
      const err = await expectError(t.agents.createAgent(request), Code.InvalidArgument, 'INVALID_ARGUMENT');
      expect(violatedFields(err)).to.deep.equal(fields);
      expect(await countRows('agents', t.tenant.id)).to.equal(0);
    });
  }

  it('GetAgent with a malformed UUID', async () => {
    const err = await expectError(t.agents.getAgent({ id: "1' OR '1'='1" }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['id']);
  });

  it('ListAgents with a negative page size or an unknown status', async () => {
    const err = await expectError(t.agents.listAgents({ pageSize: -5, status: 9 as AgentStatus }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['page_size', 'status']);
  });

  it('UpdateAgent with an unknown field mask path, an empty mask or a malformed etag, changing nothing', async () => {
    const { agent } = await t.agents.createAgent({ agent: { handle: 'unchanged', displayName: 'Same' } });
    let err = await expectError(t.agents.updateAgent({ agent: { id: agent!.id, displayName: 'x' }, updateMask: { paths: ['display_name', 'tenant_id'] } }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['update_mask.paths']);
    err = await expectError(t.agents.updateAgent({ agent: { id: agent!.id, displayName: 'x' } }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['update_mask.paths']);
    err = await expectError(t.agents.updateAgent({ agent: { id: agent!.id, etag: 'W/"abc"', displayName: 'x' }, updateMask: { paths: ['display_name'] } }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['agent.etag']);
    err = await expectError(t.agents.updateAgent({ agent: { id: agent!.id, personaEmbedding: [1] }, updateMask: { paths: ['persona_embedding'] } }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['agent.persona_embedding']);
    const { agent: after } = await t.agents.getAgent({ id: agent!.id });
    expect(after).to.deep.equal(agent);
  });

  it('SearchSimilarAgents with no query, a bad top_k or a wrong-dimension embedding', async () => {
    let err = await expectError(t.agents.searchSimilarAgents({ topK: -1 }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['query', 'top_k']);
    err = await expectError(t.agents.searchSimilarAgents({ query: { case: 'embedding', value: { values: [1, 2] } }, topK: 1000 }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['embedding.values', 'top_k']);
    err = await expectError(t.agents.searchSimilarAgents({ query: { case: 'agentId', value: 'nope' } }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['agent_id']);
  });

  it('a message over the 4 MiB cap is refused before any handler runs (ResourceExhausted), writing nothing', async () => {
    await expectError(
      t.agents.createAgent({ agent: { handle: 'huge', persona: { backstory: 'z'.repeat(5 * 1024 * 1024) } } }),
      Code.ResourceExhausted,
    );
    expect(await countRows('agents', t.tenant.id)).to.equal(1); // only the 'unchanged' agent above
  });

  it('no error text reveals SQL, constraint names or stack frames (checked by expectError on every call above)', async () => {
    const id = randomUUID();
    await t.agents.createAgent({ agent: { id, handle: 'dupe-check' } });
    const err = await expectError(t.agents.createAgent({ agent: { handle: 'DUPE-CHECK' } }), Code.AlreadyExists);
    expect(err.rawMessage).to.equal('another live agent of this tenant already uses this handle');
  });
});

describe('authentication and scopes', () => {
  it('no key or an unknown key is Unauthenticated', async () => {
    const t = await newTenant();
    await expectError(connectClient(AgentService, testEnv().baseUrl).listAgents({}), Code.Unauthenticated, 'UNAUTHENTICATED');
    await expectError(connectClient(AgentService, testEnv().baseUrl, 'chk_' + 'A'.repeat(43)).listAgents({}), Code.Unauthenticated, 'UNKNOWN_KEY');
    await t.agents.listAgents({});
  });

  it('a key without the method scope is PermissionDenied and writes nothing', async () => {
    const reader = await newTenant({ scopes: ['agents:read'] });
    await reader.agents.listAgents({});
    await expectError(reader.agents.createAgent({ agent: { handle: 'nope' } }), Code.PermissionDenied, 'MISSING_SCOPE');
    expect(await countRows('agents', reader.tenant.id)).to.equal(0);
    const ledgerOnly = await newTenant({ scopes: ['ledger:write'] });
    await expectError(ledgerOnly.agents.getAgent({ id: randomUUID() }), Code.PermissionDenied, 'MISSING_SCOPE');
  });
});
