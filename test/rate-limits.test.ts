// Rate limits and per-tenant connection caps: a key or a tenant over its token bucket is refused
// ResourceExhausted with RetryInfo and served again after the delay; a tenant's calls beyond its
// connection cap wait their turn, and other tenants do not wait for them.
import { Code, ConnectError } from '@connectrpc/connect';
import { expect } from 'chai';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { RetryInfoSchema } from '../src/gen/proto/google/rpc/error_details_pb.js';
import { TenantSlots } from '../src/db/tenant-slots.js';
import { connectClient, startExtraServer, testEnv } from './support/environment.js';
import { errorReason, newTenant } from './support/fixtures.js';

async function refusal(call: Promise<unknown>): Promise<{ reason: string | undefined; retryMs: number }> {
  const err = await call.then(
    () => expect.fail('the call was not refused'),
    (e: unknown) => ConnectError.from(e),
  );
  expect(Code[err.code]).to.equal('ResourceExhausted');
  const [retry] = err.findDetails(RetryInfoSchema);
  return { reason: errorReason(err), retryMs: Number(retry.retryDelay!.seconds) * 1000 + retry.retryDelay!.nanos / 1e6 };
}

describe('rate limits', () => {
  it('a key over its bucket is refused with RetryInfo, and served again after the delay', async () => {
    const t = await newTenant();
    const { server, pool } = await startExtraServer({ rateLimits: { keyPerSecond: 5, keyBurst: 5 } });
    try {
      const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, t.apiKey);
      for (let i = 0; i < 5; i++) await agents.listAgents({});
      const { reason, retryMs } = await refusal(agents.listAgents({}));
      expect(reason).to.equal('KEY_RATE_LIMITED');
      expect(retryMs).to.be.within(1, 250);
      await new Promise((resolve) => setTimeout(resolve, retryMs + 20));
      await agents.listAgents({});
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('a tenant\'s keys share the tenant\'s bucket', async () => {
    const t = await newTenant();
    const { secret } = await testEnv().admin.createApiKey({ tenantId: t.tenant.id, scopes: ['*'] });
    const { server, pool } = await startExtraServer({ rateLimits: { tenantPerSecond: 4, tenantBurst: 4 } });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      const [first, second] = [connectClient(AgentService, url, t.apiKey), connectClient(AgentService, url, secret)];
      for (let i = 0; i < 2; i++) await Promise.all([first.listAgents({}), second.listAgents({})]);
      expect((await refusal(second.listAgents({}))).reason).to.equal('TENANT_RATE_LIMITED');
      // Another tenant has its own bucket.
      const other = await newTenant();
      await connectClient(AgentService, url, other.apiKey).listAgents({});
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });
});

describe('per-tenant connection caps', () => {
  it('calls beyond a tenant\'s cap wait their turn; other tenants do not wait for them', async () => {
    const slots = new TenantSlots(1);
    let release: () => void = () => {};
    const first = slots.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    const order: string[] = [];
    const second = slots.run('a', async () => void order.push('a2'));
    await slots.run('b', async () => void order.push('b'));
    expect(order, 'tenant b was not held up by tenant a').to.deep.equal(['b']);
    expect(slots.usage('a')).to.deep.equal({ busy: 1, waiting: 1 });
    release();
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['b', 'a2']);
    expect(slots.usage('a')).to.deep.equal({ busy: 0, waiting: 0 });
  });

  it('a server with one connection per tenant serves a burst of one tenant\'s calls in turn', async () => {
    const t = await newTenant();
    const { server, pool } = await startExtraServer({ connectionsPerTenant: 1 });
    try {
      const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, t.apiKey);
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => agents.createAgent({ agent: { handle: `burst_${i}` } })));
      expect(results.map((r) => r.agent!.handle).sort()).to.have.length(12);
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });
});
