// Rows <-> messages for CampaignService. Statuses and platforms are stored by their enum names.
import { create, type JsonObject } from '@bufbuild/protobuf';
import { optionalTimestamp } from '../../lib/stored.js';
import { CampaignAgentSchema, CampaignPriority, CampaignSchema, CampaignStatus, Platform, type Campaign, type CampaignAgent } from '../../gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import type { IGetCampaignResult } from '../../gen/sql/campaigns/campaigns.queries.js';

export function statusFromRow(status: string): CampaignStatus {
  return CampaignStatus[status as keyof typeof CampaignStatus] ?? CampaignStatus.UNSPECIFIED;
}

export function campaignFromRow(row: IGetCampaignResult): Campaign {
  return create(CampaignSchema, {
    id: row.id,
    name: row.name,
    goalDescription: row.goal_description,
    targetPlatforms: row.target_platforms.map((p) => Platform[p as keyof typeof Platform] ?? Platform.UNSPECIFIED),
    priority: row.priority as CampaignPriority,
    status: statusFromRow(row.status),
    budgetAccountId: row.budget_account_id ?? '',
    startTime: optionalTimestamp(row.start_time),
    endTime: optionalTimestamp(row.end_time),
    metadata: row.metadata as JsonObject,
    createTime: optionalTimestamp(row.create_time),
    updateTime: optionalTimestamp(row.update_time),
    etag: row.version,
  });
}

export function campaignAgentFromRow(row: { campaign_id: string; agent_id: string; add_time?: Date; create_time?: Date }): CampaignAgent {
  return create(CampaignAgentSchema, { campaignId: row.campaign_id, agentId: row.agent_id, addTime: optionalTimestamp(row.add_time ?? row.create_time ?? null) });
}
