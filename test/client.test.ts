// The package's client (src/client): every service through each transport, and its retries: a
// call failed with Unavailable is sent again, the very same message, so that a create whose first
// answer was lost is stored once; ResourceExhausted waits the server's RetryInfo delay; a call the
// client got wrong is not repeated.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { expect } from 'chai';
import { createChimeraClient, DEFAULT_RETRY, retryDelay, type ChimeraClientOptions } from 'chimera-core';
import { CreateTransferResult as R, OwnerType } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { ErrorInfoSchema, RetryInfoSchema } from '../src/gen/proto/google/rpc/error_details_pb.js';
import { ADMIN_TOKEN, startExtraServer, testEnv } from './support/environment.js';
import { expectError, newTenant } from './support/fixtures.js';
import { startLossyProxy, type LossyProxy } from './support/lossy-proxy.js';

/** An interceptor inside the retries: it sees every attempt, and how each ended. */
function attempts() {
  const seen: Array<{ procedure: string; start: number; end: number; error?: ConnectError }> = [];
  const interceptor: Interceptor = (next) => async (req) => {
    const attempt: (typeof seen)[number] = { procedure: req.method.name, start: Date.now(), end: 0 };
    seen.push(attempt);
    try {
      return await next(req);
    } catch (err) {
      attempt.error = ConnectError.from(err);
      throw err;
    } finally {
      attempt.end = Date.now();
    }
  };
  return { seen, interceptor };
}

const TRANSPORTS: Array<Pick<ChimeraClientOptions, 'transport' | 'httpVersion' | 'json'>> = [
  { transport: 'grpc' },
  { transport: 'connect', httpVersion: '2' },
  { transport: 'connect', httpVersion: '1.1', json: true },
  { transport: 'grpc-web', httpVersion: '2' },
];

describe('the TypeScript client (createChimeraClient)', () => {
  for (const transport of TRANSPORTS) {
    it(`reaches every service over ${transport.transport} (HTTP/${transport.httpVersion ?? '2'}${transport.json ? ', JSON' : ''})`, async () => {
      const t = await newTenant();
      const client = createChimeraClient({ baseUrl: testEnv().baseUrl, apiKey: t.apiKey, adminToken: ADMIN_TOKEN, ...transport });
      const { tenant } = await client.tenants.getTenant({ id: t.tenant.id });
      expect(tenant!.name).to.equal(t.tenant.name);
      const { agent } = await client.agents.createAgent({ agent: { handle: 'client_nova' } });
      expect(agent!.id).to.match(/^[0-9a-f-]{36}$/);
      expect((await client.agents.listAgents({})).agents.map((a) => a.handle)).to.deep.equal(['client_nova']);
      expect((await client.campaigns.listCampaigns({})).campaigns).to.deep.equal([]);
      expect((await client.tasks.listTasks({})).tasks).to.deep.equal([]);
      expect((await client.content.listContentAssets({})).assets).to.deep.equal([]);
      expect((await client.ledger.listAccounts({})).accounts).to.deep.equal([]);
      const head = await client.audit.getAuditHead({});
      expect(head).to.have.property('seq');
    });
  }

  it('has no tenants client without the admin token, and is importable without starting anything', () => {
    const client = createChimeraClient({ baseUrl: testEnv().baseUrl, apiKey: 'chk_unused' });
    expect(client).to.not.have.property('tenants');
    const probe = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('chimera-core').then((m) => console.log(typeof m.createChimeraClient))"], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(probe.status, probe.stderr).to.equal(0);
    expect(probe.stdout.trim()).to.equal('function');
  });

  describe('retries', () => {
    let proxy: LossyProxy | undefined;
    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    async function treasuryAndWallet(apiKey: string): Promise<[string, string]> {
      const { ledger } = createChimeraClient({ baseUrl: testEnv().baseUrl, apiKey });
      const ids: [string, string] = [randomUUID(), randomUUID()];
      await ledger.createAccounts({ accounts: ids.map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'client' } })) });
      return ids;
    }

    for (const transport of TRANSPORTS.slice(0, 2)) {
      it(`a transfer whose answer was lost (Unavailable) is sent again, the same bytes, and stored once (${transport.transport})`, async () => {
        const t = await newTenant();
        const [treasury, wallet] = await treasuryAndWallet(t.apiKey);
        proxy = await startLossyProxy(testEnv().baseUrl, (path, n) => (path.endsWith('/CreateTransfers') && n === 1 ? 'lose-answer' : 'forward'));
        const { ledger } = createChimeraClient({ baseUrl: proxy.baseUrl, apiKey: t.apiKey, retry: { initialBackoffMs: 10 }, ...transport });
        const id = randomUUID();
        const { results } = await ledger.createTransfers({ transfers: [{ id, debitAccountId: treasury, creditAccountId: wallet, amount: '5' }] });
        // The first attempt was applied: the second is answered as the repeat it is.
        expect(results.map((r) => R[r.result])).to.deep.equal(['EXISTS']);
        const sent = proxy.requests.filter((r) => r.path.endsWith('/CreateTransfers'));
        expect(sent).to.have.length(2);
        expect(sent[1].body.equals(sent[0].body)).to.equal(true);
        // One request id for both attempts, so the server's log lines of the call go together.
        expect(sent[1].requestId).to.match(/^[0-9a-f-]{36}$/).and.equal(sent[0].requestId);
        const { rows } = await testEnv().pool.query('SELECT amount::text FROM ledger_transfers WHERE id = $1', [id]);
        expect(rows).to.deep.equal([{ amount: '5' }]);
      });
    }

    it('an agent created without an id gets one before the first attempt: a lost answer leaves one agent', async () => {
      const t = await newTenant();
      proxy = await startLossyProxy(testEnv().baseUrl, (path, n) => (path.endsWith('/CreateAgent') && n === 1 ? 'lose-answer' : 'forward'));
      const { agents } = createChimeraClient({ baseUrl: proxy.baseUrl, apiKey: t.apiKey, retry: { initialBackoffMs: 10 } });
      const { agent } = await agents.createAgent({ agent: { handle: 'retried_nova' } });
      const { rows } = await testEnv().pool.query('SELECT id FROM agents WHERE tenant_id = $1', [t.tenant.id]);
      expect(rows.map((r: { id: string }) => r.id)).to.deep.equal([agent!.id]);
    });

    it('a call refused before it reached the server is sent again and served', async () => {
      const t = await newTenant();
      const [treasury, wallet] = await treasuryAndWallet(t.apiKey);
      proxy = await startLossyProxy(testEnv().baseUrl, (path, n) => (path.endsWith('/CreateTransfers') && n <= 2 ? 'refuse' : 'forward'));
      const { ledger } = createChimeraClient({ baseUrl: proxy.baseUrl, apiKey: t.apiKey, retry: { initialBackoffMs: 10 } });
      const { results } = await ledger.createTransfers({ transfers: [{ id: randomUUID(), debitAccountId: treasury, creditAccountId: wallet, amount: '5' }] });
      expect(results.map((r) => R[r.result])).to.deep.equal(['OK']);
      expect(proxy.requests.filter((r) => r.path.endsWith('/CreateTransfers'))).to.have.length(3);
    });

    it('gives up after maxAttempts, and never waits past the call deadline', async () => {
      const t = await newTenant();
      proxy = await startLossyProxy(testEnv().baseUrl, () => 'refuse');
      const { agents } = createChimeraClient({ baseUrl: proxy.baseUrl, apiKey: t.apiKey, retry: { maxAttempts: 3, initialBackoffMs: 10 } });
      await expectError(agents.listAgents({}), Code.Unavailable);
      expect(proxy.requests).to.have.length(3);
      const slow = createChimeraClient({ baseUrl: proxy.baseUrl, apiKey: t.apiKey, retry: { maxAttempts: 10, initialBackoffMs: 400, maxBackoffMs: 400 } });
      const started = Date.now();
      await expectError(slow.agents.listAgents({}, { timeoutMs: 500 }), Code.Unavailable);
      // Backoffs of 200 to 400 ms: a third attempt at most, and none once the wait would end past
      // the deadline.
      expect(Date.now() - started).to.be.below(500);
      expect(proxy.requests.length - 3).to.be.within(2, 3);
    });

    it('ResourceExhausted with RetryInfo is retried after at least its delay', async () => {
      const t = await newTenant();
      const { server, pool } = await startExtraServer({ rateLimits: { keyPerSecond: 2, keyBurst: 1 } });
      try {
        const { seen, interceptor } = attempts();
        const { agents } = createChimeraClient({ baseUrl: `http://127.0.0.1:${server.port}`, apiKey: t.apiKey, interceptors: [interceptor] });
        await agents.listAgents({});
        await agents.listAgents({});
        expect(seen).to.have.length(3);
        const refused = seen[1].error!;
        expect(Code[refused.code]).to.equal('ResourceExhausted');
        const delay = refused.findDetails(RetryInfoSchema)[0].retryDelay!;
        const delayMs = Number(delay.seconds) * 1_000 + delay.nanos / 1e6;
        expect(delayMs).to.be.above(100);
        expect(seen[2].start - seen[1].end).to.be.at.least(delayMs);
        expect(seen[2].error).to.equal(undefined);
      } finally {
        await server.shutdown(1_000);
        await pool.end();
      }
    });

    it('retries Aborted only after a rolled-back conflict, and ResourceExhausted only with RetryInfo', () => {
      const aborted = (reason: string) =>
        new ConnectError('x', Code.Aborted, undefined, [{ desc: ErrorInfoSchema, value: { reason, domain: 'chimera.v1', metadata: {} } }]);
      const middle = () => 0.5;
      expect(retryDelay(aborted('CONCURRENT_MODIFICATION'), 1, DEFAULT_RETRY, middle)).to.equal(75);
      expect(retryDelay(aborted('ETAG_MISMATCH'), 1, DEFAULT_RETRY, middle)).to.equal(undefined);
      expect(retryDelay(aborted('STATE_VERSION_MISMATCH'), 1, DEFAULT_RETRY, middle)).to.equal(undefined);
      expect(retryDelay(new ConnectError('too large', Code.ResourceExhausted), 1, DEFAULT_RETRY, middle)).to.equal(undefined);
      const limited = new ConnectError('slow down', Code.ResourceExhausted, undefined, [{ desc: RetryInfoSchema, value: { retryDelay: { seconds: 2n, nanos: 0 } } }]);
      expect(retryDelay(limited, 1, DEFAULT_RETRY, middle)).to.equal(2_050);
      // Exponential, capped: 100, 200, 400, ... 5,000 ms ceilings, each jittered over its upper half.
      const unavailable = new ConnectError('down', Code.Unavailable);
      expect([1, 2, 3, 10].map((attempt) => retryDelay(unavailable, attempt, DEFAULT_RETRY, () => 1))).to.deep.equal([100, 200, 400, 5_000]);
      expect(retryDelay(unavailable, 3, DEFAULT_RETRY, () => 0)).to.equal(200);
      expect(retryDelay(new ConnectError('bad', Code.InvalidArgument), 1, DEFAULT_RETRY)).to.equal(undefined);
    });

    it('InvalidArgument, a stale etag and a missing scope are not retried', async () => {
      const t = await newTenant({ scopes: ['agents:read', 'agents:write'] });
      const { seen, interceptor } = attempts();
      const client = createChimeraClient({ baseUrl: testEnv().baseUrl, apiKey: t.apiKey, interceptors: [interceptor], retry: { initialBackoffMs: 10 } });
      await expectError(client.agents.getAgent({ id: 'not-a-uuid' }), Code.InvalidArgument);
      const { agent } = await client.agents.createAgent({ agent: { handle: 'etag_nova' } });
      await client.agents.updateAgent({ agent: { ...agent!, displayName: 'One' }, updateMask: { paths: ['display_name'] } });
      await expectError(client.agents.updateAgent({ agent: { ...agent!, displayName: 'Two' }, updateMask: { paths: ['display_name'] } }), Code.Aborted, 'ETAG_MISMATCH');
      await expectError(client.ledger.listAccounts({}), Code.PermissionDenied);
      expect(seen.map((a) => a.procedure)).to.deep.equal(['GetAgent', 'CreateAgent', 'UpdateAgent', 'UpdateAgent', 'ListAccounts']);
    });
  });
});
