// Lists are light (AIP-157): ListAgents and SearchSimilarAgents leave embeddings out unless the
// FULL view asks for them, and no page or result set outgrows the message limit, over Connect
// JSON too, where 500 agents with their embeddings came to 9.3 MB.
import { Code, type Client } from '@connectrpc/connect';
import { expect } from 'chai';
import { AgentService, AgentView } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { expectError, newTenant, type TestTenant } from './support/fixtures.js';

const AGENTS = 501;

/** A unit-length embedding pointing mostly along dimension `i`. */
function embedding(i: number): number[] {
  const v = Array.from({ length: 1536 }, (_, k) => ((k * 7919 + i * 104_729) % 1000) / 1e6);
  v[i % 1536] = 1;
  return v;
}

describe('agent lists are light', function () {
  this.timeout(120_000);
  let t: TestTenant;
  let json: Client<typeof AgentService>;

  before(async () => {
    t = await newTenant();
    json = t.client(AgentService, 'connect-http1-json');
    for (let i = 0; i < AGENTS; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, AGENTS - i) }, (_, k) => t.agents.createAgent({ agent: { handle: `agent-${i + k}`, personaEmbedding: embedding(i + k) } })),
      );
    }
  });

  it('ListAgents at its largest page over Connect JSON: 500 agents, without embeddings unless asked, the 501st on the next page', async () => {
    const page = await json.listAgents({ pageSize: 100_000 });
    expect(page.agents).to.have.length(500);
    expect(page.agents.every((a) => a.personaEmbedding.length === 0)).to.equal(true);
    const rest = await json.listAgents({ pageSize: 500, pageToken: page.nextPageToken });
    expect(rest.agents).to.have.length(1);
    expect(rest.nextPageToken).to.equal('');
  });

  it('the FULL view brings the embeddings, in pages that stay within the message limit, every agent once', async () => {
    const seen = new Set<string>();
    let pageToken = '';
    let pages = 0;
    do {
      const page = await json.listAgents({ pageSize: 500, pageToken, view: AgentView.FULL });
      expect(page.agents.length).to.be.greaterThan(0);
      expect(page.agents.every((a) => a.personaEmbedding.length === 1536)).to.equal(true);
      for (const a of page.agents) seen.add(a.id);
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken);
    expect(seen.size).to.equal(AGENTS);
    expect(pages).to.be.greaterThan(1);
  });

  it('SearchSimilarAgents leaves embeddings out unless the FULL view asks, and keeps its answer within the limit', async () => {
    const basic = await json.searchSimilarAgents({ query: { case: 'embedding', value: { values: embedding(3) } }, topK: 100 });
    expect(basic.results).to.have.length(100);
    expect(basic.results[0].agent!.handle).to.equal('agent-3');
    expect(basic.results.every((r) => r.agent!.personaEmbedding.length === 0)).to.equal(true);
    const full = await json.searchSimilarAgents({ query: { case: 'embedding', value: { values: embedding(3) } }, topK: 100, view: AgentView.FULL });
    expect(full.results.length).to.be.within(1, 100);
    expect(full.results.map((r) => r.agent!.id)).to.deep.equal(basic.results.slice(0, full.results.length).map((r) => r.agent!.id));
    expect(full.results.every((r) => r.agent!.personaEmbedding.length === 1536)).to.equal(true);
  });

  it('an unknown view is InvalidArgument', async () => {
    await expectError(t.agents.listAgents({ view: 7 as AgentView }), Code.InvalidArgument);
    await expectError(t.agents.searchSimilarAgents({ query: { case: 'agentId', value: '6f1c8a52-0000-4000-8000-000000000001' }, view: 7 as AgentView }), Code.InvalidArgument);
  });
});
