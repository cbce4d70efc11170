// Rows <-> messages for TenantService.
import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { IGetTenantResult } from '../../gen/sql/tenancy/tenants.queries.js';
import type { IInsertApiKeyResult } from '../../gen/sql/tenancy/api_keys.queries.js';
import {
  ApiKeySchema,
  TenantSchema,
  TenantSettingsSchema,
  TenantStatus,
  type ApiKey,
  type Tenant,
  type TenantSettings,
} from '../../gen/proto/chimera/tenancy/v1/tenancy_pb.js';

export const tenantStatusToRow: Partial<Record<TenantStatus, string>> = {
  [TenantStatus.ACTIVE]: 'ACTIVE',
  [TenantStatus.SUSPENDED]: 'SUSPENDED',
};

const tenantStatusFromRow: Record<string, TenantStatus> = {
  ACTIVE: TenantStatus.ACTIVE,
  SUSPENDED: TenantStatus.SUSPENDED,
};

/** Settings as stored: every field explicit, defaults applied. */
export type SettingsRow = {
  max_active_campaigns: number;
  auto_approve_threshold: number;
  human_review_threshold: number;
  sensitive_topics: string[];
};

export const DEFAULT_SETTINGS: SettingsRow = {
  max_active_campaigns: 10,
  auto_approve_threshold: 0.9,
  human_review_threshold: 0.7,
  sensitive_topics: [],
};

export function settingsToRow(s: TenantSettings | undefined): SettingsRow {
  return {
    max_active_campaigns: s?.maxActiveCampaigns || DEFAULT_SETTINGS.max_active_campaigns,
    auto_approve_threshold: s?.autoApproveThreshold || DEFAULT_SETTINGS.auto_approve_threshold,
    human_review_threshold: s?.humanReviewThreshold || DEFAULT_SETTINGS.human_review_threshold,
    sensitive_topics: s?.sensitiveTopics ?? [],
  };
}

function settingsFromRow(json: unknown): TenantSettings {
  const s = { ...DEFAULT_SETTINGS, ...(json as Partial<SettingsRow>) };
  return create(TenantSettingsSchema, {
    maxActiveCampaigns: s.max_active_campaigns,
    autoApproveThreshold: s.auto_approve_threshold,
    humanReviewThreshold: s.human_review_threshold,
    sensitiveTopics: s.sensitive_topics,
  });
}

export function tenantFromRow(row: IGetTenantResult): Tenant {
  return create(TenantSchema, {
    id: row.id,
    name: row.name,
    status: tenantStatusFromRow[row.status] ?? TenantStatus.UNSPECIFIED,
    settings: settingsFromRow(row.settings),
    metadata: row.metadata as JsonObject,
    createTime: timestampFromDate(row.create_time),
    updateTime: timestampFromDate(row.update_time),
    etag: row.version,
  });
}

export function apiKeyFromRow(row: IInsertApiKeyResult): ApiKey {
  return create(ApiKeySchema, {
    id: row.id,
    tenantId: row.tenant_id,
    scopes: row.scopes,
    description: row.description,
    secretPrefix: row.secret_prefix,
    createTime: timestampFromDate(row.create_time),
    expireTime: row.expire_time ? timestampFromDate(row.expire_time) : undefined,
    revokeTime: row.revoke_time ? timestampFromDate(row.revoke_time) : undefined,
    lastUseTime: row.last_use_time ? timestampFromDate(row.last_use_time) : undefined,
  });
}
