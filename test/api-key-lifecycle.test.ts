// An API key's life: several active keys per tenant, rotation with a grace period, refusal of
// revoked and expired keys within 5 s, and last_use_time written by a periodic flush rather than
// by every call.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError } from '@connectrpc/connect';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { expect } from 'chai';
import { loadConfig } from '../src/config.js';
import { Database } from '../src/db/tx.js';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { KeyUses } from '../src/services/tenancy/key-uses.js';
import { AUTH_CACHE_TTL_MS, connectClient, startExtraServer, testEnv } from './support/environment.js';
import { errorReason, expectError, newTenant, violatedFields } from './support/fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const POLL_MS = 20;

interface Refusal {
  /** When the last accepted call started (Date.now()), and when the first refused one did. */
  lastAcceptedStart: number;
  refusedStart: number;
  error: ConnectError;
}

/** Calls `call` every POLL_MS until it fails; fails the test after `limitMs`. */
async function pollUntilRefused(call: () => Promise<unknown>, limitMs: number): Promise<Refusal> {
  const deadline = Date.now() + limitMs;
  let lastAcceptedStart = 0;
  while (Date.now() < deadline) {
    const start = Date.now();
    try {
      await call();
      lastAcceptedStart = start;
    } catch (err) {
      return { lastAcceptedStart, refusedStart: start, error: ConnectError.from(err) };
    }
    await sleep(POLL_MS);
  }
  return expect.fail(`still accepted after ${limitMs} ms`);
}

async function storedKey(id: string): Promise<{ xmin: string; last_use_time: Date | null; expire_time: Date | null }> {
  const { rows } = await testEnv().pool.query('SELECT xmin::text AS xmin, last_use_time, expire_time FROM api_keys WHERE id = $1', [id]);
  return rows[0];
}

async function keyUpdateEvents(id: string): Promise<number> {
  const { rows } = await testEnv().pool.query(
    "SELECT count(*)::int AS n FROM audit_events WHERE resource_type = 'api_keys' AND resource_id = $1 AND action = 'UPDATE'",
    [id],
  );
  return rows[0].n;
}

/** A tenant with one key, and the key's id. */
async function tenantWithKey(scopes = ['*']) {
  const t = await newTenant({ scopes });
  const [key] = (await testEnv().admin.listApiKeys({ tenantId: t.tenant.id })).apiKeys;
  return { ...t, keyId: key.id };
}

describe('API key lifecycle', () => {
  it('two active keys of one tenant both work, and revoking one leaves the other working', async () => {
    const t = await tenantWithKey();
    const { admin, baseUrl } = testEnv();
    const { secret } = await admin.createApiKey({ tenantId: t.tenant.id, scopes: ['agents:read'], description: 'second' });
    const second = connectClient(AgentService, baseUrl, secret);
    await t.agents.listAgents({});
    await second.listAgents({});
    expect((await admin.listApiKeys({ tenantId: t.tenant.id })).apiKeys).to.have.length(2);
    await admin.revokeApiKey({ tenantId: t.tenant.id, id: t.keyId });
    await sleep(AUTH_CACHE_TTL_MS + 50);
    await expectError(t.agents.listAgents({}), Code.Unauthenticated, 'KEY_REVOKED');
    await second.listAgents({});
  });

  describe('RotateApiKey', () => {
    it('creates a key with the same scopes and description; the old key works through the grace period, then KEY_EXPIRED', async () => {
      const t = await tenantWithKey(['agents:read']);
      const { admin, baseUrl } = testEnv();
      await t.agents.listAgents({});
      const before = Date.now();
      const rotated = await admin.rotateApiKey({ tenantId: t.tenant.id, id: t.keyId, gracePeriod: { seconds: 1n } });
      const newKey = rotated.apiKey!;
      expect(newKey.id).to.not.equal(t.keyId);
      expect(newKey).to.deep.include({ tenantId: t.tenant.id, scopes: ['agents:read'], description: 'test key' });
      expect(newKey.expireTime, 'the new key does not expire unless asked').to.equal(undefined);
      expect(rotated.secret.startsWith(newKey.secretPrefix)).to.equal(true);
      const graceEnd = timestampDate(rotated.previousApiKey!.expireTime!).getTime();
      expect(rotated.previousApiKey!.id).to.equal(t.keyId);
      expect(graceEnd - before).to.be.within(900, 1_100 + (Date.now() - before));

      const fresh = connectClient(AgentService, baseUrl, rotated.secret);
      await fresh.listAgents({});
      await expectError(fresh.createAgent({ agent: { handle: `h${Date.now()}`, displayName: 'x', persona: { name: 'x' } } }), Code.PermissionDenied, 'MISSING_SCOPE');
      await t.agents.listAgents({});
      const refusal = await pollUntilRefused(() => t.agents.listAgents({}), 3_000);
      expect(Code[refusal.error.code]).to.equal('Unauthenticated');
      expect(errorReason(refusal.error)).to.equal('KEY_EXPIRED');
      expect(refusal.lastAcceptedStart, 'accepted until the grace period ended').to.be.below(graceEnd);
      expect(refusal.refusedStart - graceEnd).to.be.below(AUTH_CACHE_TTL_MS + 200);
      await fresh.listAgents({});
      // Both keys are listed, the old one with its new expiry; the rotation is in the audit trail.
      const listed = (await admin.listApiKeys({ tenantId: t.tenant.id })).apiKeys.map((k) => k.id);
      expect(listed).to.have.members([t.keyId, newKey.id]);
      expect(await keyUpdateEvents(t.keyId)).to.equal(1);
    });

    it('with a grace period of 0 the old key is refused within the auth cache TTL', async () => {
      const t = await tenantWithKey();
      await t.agents.listAgents({});
      const rotated = await testEnv().admin.rotateApiKey({ tenantId: t.tenant.id, id: t.keyId, gracePeriod: { seconds: 0n } });
      const rotatedAt = Date.now();
      expect(timestampDate(rotated.previousApiKey!.expireTime!).getTime()).to.be.at.most(rotatedAt);
      const refusal = await pollUntilRefused(() => t.agents.listAgents({}), 2_000);
      expect(errorReason(refusal.error)).to.equal('KEY_EXPIRED');
      expect(refusal.lastAcceptedStart - rotatedAt).to.be.below(AUTH_CACHE_TTL_MS);
    });

    it('never lengthens the old key: an earlier expiry stays, and the default grace is a day', async () => {
      const { admin } = testEnv();
      const t = await tenantWithKey();
      const soon = new Date(Date.now() + 3_600_000);
      const { apiKey } = await admin.createApiKey({ tenantId: t.tenant.id, scopes: ['*'], expireTime: timestampFromDate(soon) });
      const kept = await admin.rotateApiKey({ tenantId: t.tenant.id, id: apiKey!.id });
      expect(timestampDate(kept.previousApiKey!.expireTime!).getTime()).to.equal(soon.getTime());
      const before = Date.now();
      const defaulted = await admin.rotateApiKey({ tenantId: t.tenant.id, id: t.keyId });
      const graceMs = timestampDate(defaulted.previousApiKey!.expireTime!).getTime() - before;
      expect(graceMs).to.be.within(24 * 3_600_000 - 1_000, 24 * 3_600_000 + 1_000);
    });

    it('refuses a revoked or expired key (FailedPrecondition), an unknown or other tenant\'s key (NotFound), bad fields, and callers without the admin token', async () => {
      const { admin, baseUrl } = testEnv();
      const t = await tenantWithKey();
      const other = await tenantWithKey();
      await expectError(admin.rotateApiKey({ tenantId: t.tenant.id, id: randomUUID() }), Code.NotFound);
      await expectError(admin.rotateApiKey({ tenantId: t.tenant.id, id: other.keyId }), Code.NotFound);
      await expectError(admin.rotateApiKey({ tenantId: randomUUID(), id: t.keyId }), Code.NotFound);

      const { apiKey: short } = await admin.createApiKey({ tenantId: t.tenant.id, scopes: ['*'], expireTime: timestampFromDate(new Date(Date.now() + 200)) });
      await sleep(250);
      await expectError(admin.rotateApiKey({ tenantId: t.tenant.id, id: short!.id }), Code.FailedPrecondition, 'KEY_EXPIRED');
      await admin.revokeApiKey({ tenantId: other.tenant.id, id: other.keyId });
      await expectError(admin.rotateApiKey({ tenantId: other.tenant.id, id: other.keyId }), Code.FailedPrecondition, 'KEY_REVOKED');

      const err = await expectError(
        admin.rotateApiKey({ tenantId: 'nope', id: 'nope', gracePeriod: { seconds: -1n }, expireTime: timestampFromDate(new Date(Date.now() - 1_000)) }),
        Code.InvalidArgument,
      );
      expect(violatedFields(err)).to.deep.equal(['tenant_id', 'id', 'grace_period', 'expire_time']);
      const tooLong = await expectError(admin.rotateApiKey({ tenantId: t.tenant.id, id: t.keyId, gracePeriod: { seconds: 30n * 86_400n, nanos: 1_000_000 } }), Code.InvalidArgument);
      expect(violatedFields(tooLong)).to.deep.equal(['grace_period']);
      await expectError(connectClient(TenantService, baseUrl).rotateApiKey({ tenantId: t.tenant.id, id: t.keyId }), Code.Unauthenticated);
      await expectError(t.client(TenantService).rotateApiKey({ tenantId: t.tenant.id, id: t.keyId }), Code.Unauthenticated);
      // None of the refusals changed the key or made a new one.
      expect((await storedKey(t.keyId)).expire_time).to.equal(null);
      expect((await admin.listApiKeys({ tenantId: t.tenant.id })).apiKeys.map((k) => k.id)).to.have.members([t.keyId, short!.id]);
    });
  });

  describe('with the default 5 s auth cache', () => {
    const ttlMs = loadConfig({}).authCacheTtlMs;
    let server: Awaited<ReturnType<typeof startExtraServer>>;
    let url: string;
    before(async () => {
      expect(ttlMs).to.equal(5_000);
      server = await startExtraServer({ authCacheTtlMs: ttlMs });
      url = `http://127.0.0.1:${server.server.port}`;
    });
    after(async () => {
      await server.server.shutdown(1_000);
      await server.pool.end();
    });

    // Each key is looked up just before it is revoked, the worst case: the cache then holds the
    // key for nearly the whole TTL after the revocation.
    it('a revoked key is refused within 5 s', async function () {
      this.timeout(15_000);
      const t = await tenantWithKey();
      const agents = connectClient(AgentService, url, t.apiKey);
      await agents.listAgents({});
      await testEnv().admin.revokeApiKey({ tenantId: t.tenant.id, id: t.keyId });
      const revokedAt = Date.now();
      const refusal = await pollUntilRefused(() => agents.listAgents({}), 8_000);
      expect(errorReason(refusal.error)).to.equal('KEY_REVOKED');
      expect(refusal.lastAcceptedStart - revokedAt, 'no call starting 5 s after the revocation is accepted').to.be.below(5_000);
      expect(refusal.refusedStart - revokedAt).to.be.below(5_000 + POLL_MS + 100);
    });

    it('a key rotated with no grace period is refused within 5 s', async function () {
      this.timeout(15_000);
      const t = await tenantWithKey();
      const agents = connectClient(AgentService, url, t.apiKey);
      await agents.listAgents({});
      await testEnv().admin.rotateApiKey({ tenantId: t.tenant.id, id: t.keyId, gracePeriod: {} });
      const rotatedAt = Date.now();
      const refusal = await pollUntilRefused(() => agents.listAgents({}), 8_000);
      expect(errorReason(refusal.error)).to.equal('KEY_EXPIRED');
      expect(refusal.lastAcceptedStart - rotatedAt).to.be.below(5_000);
      expect(refusal.refusedStart - rotatedAt).to.be.below(5_000 + POLL_MS + 100);
    });

    it('a key that reaches its expire_time is refused at once, cached or not', async function () {
      this.timeout(15_000);
      const t = await newTenant();
      const expireAt = Date.now() + 1_500;
      const { secret } = await testEnv().admin.createApiKey({ tenantId: t.tenant.id, scopes: ['*'], expireTime: timestampFromDate(new Date(expireAt)) });
      const agents = connectClient(AgentService, url, secret);
      const refusal = await pollUntilRefused(() => agents.listAgents({}), 5_000);
      expect(errorReason(refusal.error)).to.equal('KEY_EXPIRED');
      expect(refusal.lastAcceptedStart).to.be.below(expireAt);
      expect(refusal.refusedStart - expireAt).to.be.below(POLL_MS + 100);
    });
  });

  describe('last_use_time', () => {
    it('is not written by the calls: 200 calls leave the row untouched, and the flush at shutdown writes it once', async () => {
      const t = await tenantWithKey();
      const extra = await startExtraServer({ tenancy: { keyUseFlushIntervalMs: 3_600_000 } });
      const agents = connectClient(AgentService, `http://127.0.0.1:${extra.server.port}`, t.apiKey);
      const before = await storedKey(t.keyId);
      let lastCallStart = 0;
      let lastCallEnd = 0;
      try {
        for (let i = 0; i < 200; i++) {
          lastCallStart = Date.now();
          await agents.listAgents({});
          lastCallEnd = Date.now();
        }
        const during = await storedKey(t.keyId);
        expect(during.xmin, 'the row was not rewritten').to.equal(before.xmin);
        expect(during.last_use_time).to.equal(null);
      } finally {
        await extra.server.shutdown(1_000);
        await extra.pool.end();
      }
      const after = await storedKey(t.keyId);
      expect(after.xmin).to.not.equal(before.xmin);
      expect(after.last_use_time!.getTime()).to.be.within(lastCallStart, lastCallEnd);
      const [listed] = (await testEnv().admin.listApiKeys({ tenantId: t.tenant.id })).apiKeys;
      expect(timestampDate(listed.lastUseTime!).getTime()).to.equal(after.last_use_time!.getTime());
      expect(await keyUpdateEvents(t.keyId), 'uses are not audited').to.equal(0);
    });

    it('is written once per flush interval while calls go on', async () => {
      const t = await tenantWithKey();
      const { secret } = await testEnv().admin.createApiKey({ tenantId: t.tenant.id, scopes: ['*'] });
      const intervalMs = 400;
      const extra = await startExtraServer({ tenancy: { keyUseFlushIntervalMs: intervalMs } });
      const url = `http://127.0.0.1:${extra.server.port}`;
      const clients = [connectClient(AgentService, url, t.apiKey), connectClient(AgentService, url, secret)];
      const versions = new Set<string>();
      const started = Date.now();
      let calls = 0;
      try {
        while (Date.now() - started < 2_000) {
          await Promise.all(clients.map((c) => c.listAgents({})));
          calls += 2;
          versions.add((await storedKey(t.keyId)).xmin);
        }
        const during = await storedKey(t.keyId);
        expect(during.last_use_time, 'written while the server runs').to.not.equal(null);
        expect(Date.now() - during.last_use_time!.getTime()).to.be.below(intervalMs + 500);
      } finally {
        await extra.server.shutdown(1_000);
        await extra.pool.end();
      }
      expect(calls).to.be.greaterThan(50);
      // One version before the first flush, then at most one per flush.
      expect(versions.size).to.be.within(2, 1 + Math.ceil(2_000 / intervalMs) + 1);
      expect((await storedKey(t.keyId)).last_use_time).to.not.equal(null);
    });

    it('an older use never moves it back, and a failed flush keeps its uses for the next one', async () => {
      const t = await tenantWithKey();
      const db = new Database(testEnv().pool);
      const caller = { tenantId: t.tenant.id, keyId: t.keyId, scopes: ['*'] };
      const later = Date.parse('2030-01-02T00:00:00.000Z');
      const newer = new KeyUses(() => later);
      newer.record(caller);
      expect(await newer.flush(db)).to.equal(1);
      const older = new KeyUses(() => later - 60_000);
      older.record(caller);
      await older.flush(db);
      expect((await storedKey(t.keyId)).last_use_time!.getTime()).to.equal(later);

      const failing = new KeyUses(() => later + 1_000);
      failing.record(caller);
      const broken = { adminTx: () => Promise.reject(new Error('connection lost')) } as unknown as Database;
      await failing.flush(broken).then(() => expect.fail('the flush did not fail'), () => {});
      expect(failing.size).to.equal(1);
      await failing.flush(db);
      expect(failing.size).to.equal(0);
      expect((await storedKey(t.keyId)).last_use_time!.getTime()).to.equal(later + 1_000);
    });

    it('CHIMERA_KEY_USE_FLUSH_MS is 30 s by default; 0 records nothing', async () => {
      expect(loadConfig({}).keyUseFlushIntervalMs).to.equal(30_000);
      expect(loadConfig({ CHIMERA_KEY_USE_FLUSH_MS: '0' }).keyUseFlushIntervalMs).to.equal(0);
      expect(() => loadConfig({ CHIMERA_KEY_USE_FLUSH_MS: '-1' })).to.throw('CHIMERA_KEY_USE_FLUSH_MS');
      const t = await tenantWithKey();
      const extra = await startExtraServer({ tenancy: { keyUseFlushIntervalMs: 0 } });
      try {
        await connectClient(AgentService, `http://127.0.0.1:${extra.server.port}`, t.apiKey).listAgents({});
      } finally {
        await extra.server.shutdown(1_000);
        await extra.pool.end();
      }
      expect((await storedKey(t.keyId)).last_use_time).to.equal(null);
    });
  });
});
