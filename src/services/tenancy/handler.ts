// chimera.tenancy.v1.TenantService: the admin plane (tenants and their API keys).
import { randomUUID } from 'node:crypto';
import type { ServiceImpl } from '@connectrpc/connect';
import { timestampDate, type Duration, type Timestamp } from '@bufbuild/protobuf/wkt';
import { TenantService, TenantStatus, type TenantSettings } from '../../gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { getTenant, insertTenant, listTenants, updateTenant } from '../../gen/sql/tenancy/tenants.queries.js';
import { insertApiKey, listApiKeys, lockApiKey, revokeApiKey, shortenApiKeyExpiry } from '../../gen/sql/tenancy/api_keys.queries.js';
import { fingerprint } from '../../lib/canonical.js';
import { etagMismatch, failedPrecondition, invalidArgument, notFound } from '../../lib/errors.js';
import { insertOrReplay } from '../../lib/idempotent-create.js';
import { jsonBytes } from '../../lib/page-token.js';
import { Violations } from '../../lib/validate.js';
import { adminScope, type ServiceDeps } from '../deps.js';
import { apiKeyFromRow, settingsToRow, tenantFromRow, tenantStatusToRow } from './mapping.js';
import { KNOWN_SCOPES } from './scopes.js';
import { newApiKeySecret } from './api-key-secret.js';
import type { TxClient } from '../../db/tx.js';

const TENANT_MASK_PATHS = ['name', 'status', 'settings', 'metadata'] as const;
const SETTABLE_STATUSES = [TenantStatus.ACTIVE, TenantStatus.SUSPENDED] as const;

function validateSettings(v: Violations, field: string, s: TenantSettings | undefined): void {
  if (!s) return;
  if (s.maxActiveCampaigns < 0 || s.maxActiveCampaigns > 10_000) v.add(`${field}.max_active_campaigns`, 'must be between 0 (default) and 10000');
  for (const [name, value] of [['auto_approve_threshold', s.autoApproveThreshold], ['human_review_threshold', s.humanReviewThreshold]] as const) {
    if (!Number.isFinite(value) || value < 0 || value > 1) v.add(`${field}.${name}`, 'must be between 0 and 1');
  }
  const effective = settingsToRow(s);
  if (effective.human_review_threshold > effective.auto_approve_threshold) {
    v.add(`${field}.human_review_threshold`, 'must not exceed auto_approve_threshold');
  }
  v.textList(`${field}.sensitive_topics`, s.sensitiveTopics, { maxItems: 100, maxLength: 100 });
}

async function existingTenant(client: TxClient, id: string) {
  const [row] = await getTenant.run({ id }, client);
  if (!row) throw notFound('tenant', id);
  return row;
}

function futureTime(v: Violations, field: string, t: Timestamp | undefined): Date | null {
  if (!t) return null;
  const date = timestampDate(t);
  if (Number.isNaN(date.getTime()) || date.getTime() <= Date.now()) v.add(field, 'must be in the future');
  return date;
}

const DEFAULT_GRACE_MS = 24 * 3_600_000;
const MAX_GRACE_MS = 30 * 24 * 3_600_000;

/** RotateApiKey's grace period in milliseconds: unset is a day, 0 ends the old key now. */
function gracePeriodMs(v: Violations, field: string, d: Duration | undefined): number {
  if (!d) return DEFAULT_GRACE_MS;
  if (d.seconds < 0n || d.nanos < 0 || d.nanos > 999_999_999) {
    v.add(field, 'must be a duration between 0 and 30 days');
    return 0;
  }
  const ms = Number(d.seconds) * 1_000 + Math.floor(d.nanos / 1_000_000);
  if (ms > MAX_GRACE_MS) v.add(field, 'must be at most 30 days (2592000s)');
  return ms;
}

export function tenantService(deps: ServiceDeps): ServiceImpl<typeof TenantService> {
  return {
    async createTenant(req, ctx) {
      const v = new Violations();
      const t = req.tenant;
      if (!t) throw invalidArgument([{ field: 'tenant', description: 'is required' }]);
      const id = t.id ? v.uuid('tenant.id', t.id) : randomUUID();
      const name = v.text('tenant.name', t.name, { min: 1, max: 200 });
      const status = t.status ? v.enumOf('tenant.status', t.status, SETTABLE_STATUSES, 'ACTIVE, SUSPENDED') : TenantStatus.ACTIVE;
      validateSettings(v, 'tenant.settings', t.settings);
      const metadata = v.jsonObject('tenant.metadata', t.metadata);
      v.throwIfAny();

      const settings = settingsToRow(t.settings);
      const content = { name, status: tenantStatusToRow[status]!, settings, metadata };
      const createFingerprint = fingerprint(content);
      const row = await deps.db.adminTx(adminScope(ctx, deps), (client) =>
        insertOrReplay({
          resourceType: 'tenant',
          id,
          fingerprint: createFingerprint,
          insert: async () => (await insertTenant.run({ id, ...content, createFingerprint }, client))[0],
          existing: () => existingTenant(client, id),
        }),
      );
      return { tenant: tenantFromRow(row) };
    },

    async getTenant(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const row = await deps.db.adminTx(adminScope(ctx, deps), (client) => existingTenant(client, id));
      return { tenant: tenantFromRow(row) };
    },

    async listTenants(req, ctx) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      const status = req.status ? v.enumOf('status', req.status, SETTABLE_STATUSES, 'ACTIVE, SUSPENDED') : undefined;
      const filters = { status: status ?? null };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const rows = await deps.db.adminTx(adminScope(ctx, deps), (client) =>
        listTenants.run({ status: status ? tenantStatusToRow[status] : null, ...cursor, limit: String(pageSize + 1) }, client),
      );
      const page = deps.pageTokens.page(rows, pageSize, filters, { bytesOf: (r) => 400 + jsonBytes(r.settings, r.metadata) });
      return { tenants: page.rows.map(tenantFromRow), nextPageToken: page.nextPageToken };
    },

    async updateTenant(req, ctx) {
      const v = new Violations();
      const t = req.tenant;
      if (!t) throw invalidArgument([{ field: 'tenant', description: 'is required' }]);
      const id = v.uuid('tenant.id', t.id);
      const expectedVersion = v.etag('tenant.etag', t.etag);
      const mask = v.mask('update_mask.paths', req.updateMask?.paths ?? [], TENANT_MASK_PATHS);
      if (mask.has('name')) v.text('tenant.name', t.name, { min: 1, max: 200 });
      if (mask.has('status')) v.enumOf('tenant.status', t.status, SETTABLE_STATUSES, 'ACTIVE, SUSPENDED');
      if (mask.has('settings')) validateSettings(v, 'tenant.settings', t.settings);
      const metadata = mask.has('metadata') ? v.jsonObject('tenant.metadata', t.metadata) : {};
      v.throwIfAny();

      const row = await deps.db.adminTx(adminScope(ctx, deps), async (client) => {
        const [updated] = await updateTenant.run(
          {
            id,
            expectedVersion,
            setName: mask.has('name'),
            name: t.name,
            setStatus: mask.has('status'),
            status: tenantStatusToRow[t.status] ?? 'ACTIVE',
            setSettings: mask.has('settings'),
            settings: settingsToRow(t.settings),
            setMetadata: mask.has('metadata'),
            metadata,
          },
          client,
        );
        if (updated) return updated;
        await existingTenant(client, id);
        throw etagMismatch('tenant', id);
      });
      return { tenant: tenantFromRow(row) };
    },

    async createApiKey(req, ctx) {
      const v = new Violations();
      const tenantId = v.uuid('tenant_id', req.tenantId);
      if (req.scopes.length === 0) v.add('scopes', 'must name at least one scope');
      req.scopes.forEach((scope, i) => {
        if (!(KNOWN_SCOPES as readonly string[]).includes(scope)) v.add(`scopes[${i}]`, `unknown scope "${scope}"; known: ${KNOWN_SCOPES.join(', ')}`);
      });
      const description = v.text('description', req.description, { max: 500 });
      const expireTime = futureTime(v, 'expire_time', req.expireTime);
      v.throwIfAny();

      const { secret, secretSha256, secretPrefix } = newApiKeySecret();
      const row = await deps.db.adminTx(adminScope(ctx, deps), async (client) => {
        await existingTenant(client, tenantId);
        const [inserted] = await insertApiKey.run(
          {
            tenantId,
            secretSha256,
            secretPrefix,
            scopes: [...new Set(req.scopes)],
            description,
            expireTime,
          },
          client,
        );
        return inserted;
      });
      return { apiKey: apiKeyFromRow(row), secret };
    },

    async listApiKeys(req, ctx) {
      const v = new Violations();
      const tenantId = v.uuid('tenant_id', req.tenantId);
      const pageSize = v.pageSize('page_size', req.pageSize);
      const filters = { tenantId, showRevoked: req.showRevoked };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const rows = await deps.db.adminTx(adminScope(ctx, deps), async (client) => {
        await existingTenant(client, tenantId);
        return listApiKeys.run({ tenantId, showRevoked: req.showRevoked, ...cursor, limit: String(pageSize + 1) }, client);
      });
      const page = deps.pageTokens.page(rows, pageSize, filters);
      return { apiKeys: page.rows.map(apiKeyFromRow), nextPageToken: page.nextPageToken };
    },

    async rotateApiKey(req, ctx) {
      const v = new Violations();
      const tenantId = v.uuid('tenant_id', req.tenantId);
      const id = v.uuid('id', req.id);
      const graceMs = gracePeriodMs(v, 'grace_period', req.gracePeriod);
      const expireTime = futureTime(v, 'expire_time', req.expireTime);
      v.throwIfAny();

      const { secret, secretSha256, secretPrefix } = newApiKeySecret();
      const { created, previous } = await deps.db.adminTx(adminScope(ctx, deps), async (client) => {
        const [old] = await lockApiKey.run({ tenantId, id }, client);
        if (!old) throw notFound('api key', id);
        if (old.revoke_time) throw failedPrecondition('KEY_REVOKED', `api key ${id} is revoked and cannot be rotated`, { resource_id: id });
        if (old.expired) throw failedPrecondition('KEY_EXPIRED', `api key ${id} has expired and cannot be rotated`, { resource_id: id });
        const [inserted] = await insertApiKey.run({ tenantId, secretSha256, secretPrefix, scopes: old.scopes, description: old.description, expireTime }, client);
        const [shortened] = await shortenApiKeyExpiry.run({ tenantId, id, graceMs: String(graceMs) }, client);
        return { created: inserted, previous: shortened };
      });
      return { apiKey: apiKeyFromRow(created), secret, previousApiKey: apiKeyFromRow(previous) };
    },

    async revokeApiKey(req, ctx) {
      const v = new Violations();
      const tenantId = v.uuid('tenant_id', req.tenantId);
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const row = await deps.db.adminTx(adminScope(ctx, deps), async (client) => {
        const [revoked] = await revokeApiKey.run({ tenantId, id }, client);
        if (!revoked) throw notFound('api key', id);
        return revoked;
      });
      return { apiKey: apiKeyFromRow(row) };
    },
  };
}
