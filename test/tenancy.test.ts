import { randomUUID } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { toJsonString } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { ListApiKeysResponseSchema, TenantService, TenantStatus } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { AUTH_CACHE_TTL_MS, connectClient, testEnv } from './support/environment.js';
import { expectError, newTenant, violatedFields } from './support/fixtures.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TenantService', () => {
  describe('CreateTenant / GetTenant', () => {
    it('creates a tenant with default settings and reads it back', async () => {
      const { admin } = testEnv();
      const { tenant } = await admin.createTenant({ tenant: { name: 'Acme Influencers', metadata: { plan: 'pro' } } });
      expect(tenant!.status).to.equal(TenantStatus.ACTIVE);
      expect(tenant!.settings).to.deep.include({ maxActiveCampaigns: 10, autoApproveThreshold: 0.9, humanReviewThreshold: 0.7 });
      expect(tenant!.etag).to.equal('1');
      const got = await admin.getTenant({ id: tenant!.id });
      expect(got.tenant).to.deep.equal(tenant);
    });

    it('is idempotent for a client-chosen id, and AlreadyExists with different content', async () => {
      const { admin } = testEnv();
      const id = randomUUID();
      const first = await admin.createTenant({ tenant: { id, name: 'Same' } });
      const again = await admin.createTenant({ tenant: { id, name: 'Same' } });
      expect(again.tenant).to.deep.equal(first.tenant);
      await expectError(admin.createTenant({ tenant: { id, name: 'Different' } }), Code.AlreadyExists, 'ID_TAKEN');
    });

    it('rejects bad input with field violations', async () => {
      const { admin } = testEnv();
      const err = await expectError(
        admin.createTenant({ tenant: { id: 'not-a-uuid', name: '', settings: { autoApproveThreshold: 2, humanReviewThreshold: -1 } } }),
        Code.InvalidArgument,
      );
      expect(violatedFields(err)).to.include.members([
        'tenant.id',
        'tenant.name',
        'tenant.settings.auto_approve_threshold',
        'tenant.settings.human_review_threshold',
      ]);
    });

    it('GetTenant is NotFound for an unknown id', async () => {
      await expectError(testEnv().admin.getTenant({ id: randomUUID() }), Code.NotFound);
    });
  });

  describe('ListTenants', () => {
    it('pages through tenants and filters by status', async () => {
      const { admin } = testEnv();
      const created = [];
      for (let i = 0; i < 3; i++) created.push((await admin.createTenant({ tenant: { name: `list-${i}` } })).tenant!);
      await admin.updateTenant({ tenant: { id: created[1].id, status: TenantStatus.SUSPENDED }, updateMask: { paths: ['status'] } });
      const ids: string[] = [];
      let pageToken = '';
      do {
        const page = await admin.listTenants({ pageSize: 100, pageToken });
        ids.push(...page.tenants.map((x) => x.id));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(ids).to.include.members(created.map((c) => c.id));
      const suspended = (await admin.listTenants({ status: TenantStatus.SUSPENDED, pageSize: 500 })).tenants.map((x) => x.id);
      expect(suspended).to.include(created[1].id);
      expect(suspended).to.not.include(created[0].id);
      await expectError(admin.listTenants({ pageSize: -1 }), Code.InvalidArgument);
    });
  });

  describe('UpdateTenant', () => {
    it('updates masked fields; a stale etag is Aborted; an unknown path is InvalidArgument', async () => {
      const { admin } = testEnv();
      const { tenant } = await admin.createTenant({ tenant: { name: 'Before' } });
      const { tenant: updated } = await admin.updateTenant({
        tenant: { id: tenant!.id, etag: tenant!.etag, name: 'After', settings: { maxActiveCampaigns: 3 } },
        updateMask: { paths: ['name', 'settings'] },
      });
      expect(updated!.name).to.equal('After');
      expect(updated!.settings!.maxActiveCampaigns).to.equal(3);
      expect(updated!.etag).to.equal('2');
      await expectError(admin.updateTenant({ tenant: { id: tenant!.id, etag: tenant!.etag, name: 'X' }, updateMask: { paths: ['name'] } }), Code.Aborted, 'ETAG_MISMATCH');
      const err = await expectError(admin.updateTenant({ tenant: { id: tenant!.id }, updateMask: { paths: ['id'] } }), Code.InvalidArgument);
      expect(violatedFields(err)).to.deep.equal(['update_mask.paths']);
      await expectError(admin.updateTenant({ tenant: { id: randomUUID(), name: 'x' }, updateMask: { paths: ['name'] } }), Code.NotFound);
      expect((await admin.getTenant({ id: tenant!.id })).tenant!.name).to.equal('After');
    });
  });

  describe('API keys', () => {
    it('creates a key whose secret is shown once and stored only as a hash', async () => {
      const { admin, pool } = testEnv();
      const { tenant } = await admin.createTenant({ tenant: { name: 'keys' } });
      const { apiKey, secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['agents:read'], description: 'reader' });
      expect(secret).to.match(/^chk_[A-Za-z0-9_-]{43}$/);
      expect(secret.startsWith(apiKey!.secretPrefix)).to.equal(true);
      const { rows } = await pool.query('SELECT * FROM api_keys WHERE id = $1', [apiKey!.id]);
      expect(JSON.stringify(rows[0])).to.not.include(secret.slice(4));
      const listed = await admin.listApiKeys({ tenantId: tenant!.id });
      expect(listed.apiKeys.map((k) => k.id)).to.deep.equal([apiKey!.id]);
      expect(toJsonString(ListApiKeysResponseSchema, listed)).to.not.include(secret.slice(4));
    });

    it('rejects unknown scopes, past expiry and unknown tenants', async () => {
      const { admin } = testEnv();
      const { tenant } = await admin.createTenant({ tenant: { name: 'badkeys' } });
      const err = await expectError(
        admin.createApiKey({ tenantId: tenant!.id, scopes: ['agents:read', 'root'], expireTime: timestampFromDate(new Date(Date.now() - 1000)) }),
        Code.InvalidArgument,
      );
      expect(violatedFields(err)).to.deep.equal(['scopes[1]', 'expire_time']);
      await expectError(admin.createApiKey({ tenantId: tenant!.id, scopes: [] }), Code.InvalidArgument);
      await expectError(admin.createApiKey({ tenantId: randomUUID(), scopes: ['*'] }), Code.NotFound);
      await expectError(admin.listApiKeys({ tenantId: randomUUID() }), Code.NotFound);
    });

    it('a revoked key is refused within the cache TTL, and revoking is idempotent', async () => {
      const t = await newTenant();
      await t.agents.listAgents({});
      const [key] = (await testEnv().admin.listApiKeys({ tenantId: t.tenant.id })).apiKeys;
      const { apiKey } = await testEnv().admin.revokeApiKey({ tenantId: t.tenant.id, id: key.id });
      expect(apiKey!.revokeTime).to.not.equal(undefined);
      const again = await testEnv().admin.revokeApiKey({ tenantId: t.tenant.id, id: key.id });
      expect(again.apiKey!.revokeTime).to.deep.equal(apiKey!.revokeTime);
      await sleep(AUTH_CACHE_TTL_MS + 50);
      await expectError(t.agents.listAgents({}), Code.Unauthenticated, 'KEY_REVOKED');
      expect((await testEnv().admin.listApiKeys({ tenantId: t.tenant.id })).apiKeys).to.deep.equal([]);
      expect((await testEnv().admin.listApiKeys({ tenantId: t.tenant.id, showRevoked: true })).apiKeys).to.have.length(1);
      await expectError(testEnv().admin.revokeApiKey({ tenantId: t.tenant.id, id: randomUUID() }), Code.NotFound);
    });

    it('an expired key is Unauthenticated', async () => {
      const { admin, baseUrl } = testEnv();
      const { tenant } = await admin.createTenant({ tenant: { name: 'expiry' } });
      const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['*'], expireTime: timestampFromDate(new Date(Date.now() + 400)) });
      const agents = connectClient(AgentService, baseUrl, secret);
      await agents.listAgents({});
      await sleep(450);
      await expectError(agents.listAgents({}), Code.Unauthenticated, 'KEY_EXPIRED');
    });

    it("a suspended tenant's keys are PermissionDenied until it is reactivated", async () => {
      const t = await newTenant();
      const { admin } = testEnv();
      await admin.updateTenant({ tenant: { id: t.tenant.id, status: TenantStatus.SUSPENDED }, updateMask: { paths: ['status'] } });
      await sleep(AUTH_CACHE_TTL_MS + 50);
      await expectError(t.agents.listAgents({}), Code.PermissionDenied, 'TENANT_SUSPENDED');
      await admin.updateTenant({ tenant: { id: t.tenant.id, status: TenantStatus.ACTIVE }, updateMask: { paths: ['status'] } });
      await sleep(AUTH_CACHE_TTL_MS + 50);
      await t.agents.listAgents({});
    });
  });

  describe('admin authentication', () => {
    it('needs the admin token: none or wrong is Unauthenticated, an API key is not enough', async () => {
      const { baseUrl } = testEnv();
      await expectError(connectClient(TenantService, baseUrl).listTenants({}), Code.Unauthenticated);
      await expectError(connectClient(TenantService, baseUrl, 'wrong-token-wrong-token').listTenants({}), Code.Unauthenticated);
      const t = await newTenant();
      await expectError(t.client(TenantService).listTenants({}), Code.Unauthenticated);
    });
  });
});
