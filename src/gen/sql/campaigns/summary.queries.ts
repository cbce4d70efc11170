/** Types generated for queries found in "sql/campaigns/summary.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** 'GetCampaignSummary' parameters type */
export interface IGetCampaignSummaryParams {
  id: string;
  tenantId: string;
}

/** 'GetCampaignSummary' return type */
export interface IGetCampaignSummaryResult {
  agent_count: string;
  budget_asset: string;
  campaign_id: string;
  content: Json;
  published_count: string;
  remaining: string | null;
  reserved: string;
  spent: string;
  status: string;
  tasks_by_status: Json;
}

/** 'GetCampaignSummary' query type */
export interface IGetCampaignSummaryQuery {
  params: IGetCampaignSummaryParams;
  result: IGetCampaignSummaryResult;
}

const getCampaignSummaryIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":1254,"b":1263}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":1276,"b":1279}]}],"statement":"SELECT c.id AS \"campaign_id!\", c.status AS \"status!\",\n       (SELECT count(*) FROM campaign_agents ca WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id) AS \"agent_count!\",\n       (SELECT coalesce(jsonb_object_agg(s.status, s.n), '{}')\n          FROM (SELECT t.status, count(*) AS n FROM tasks t\n                WHERE t.tenant_id = c.tenant_id AND t.campaign_id = c.id GROUP BY t.status) s) AS \"tasks_by_status!\",\n       (SELECT coalesce(jsonb_agg(jsonb_build_object('status', s.status, 'platform', s.platform, 'count', s.n) ORDER BY s.status, s.platform), '[]')\n          FROM (SELECT ca.status, ca.platform, count(*) AS n FROM content_assets ca\n                WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id GROUP BY ca.status, ca.platform) s) AS \"content!\",\n       (SELECT count(*) FROM content_assets ca\n          WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id AND ca.publish_time IS NOT NULL) AS \"published_count!\",\n       a.asset AS budget_asset,\n       a.debits_posted AS spent,\n       a.debits_pending AS reserved,\n       a.credits_posted - a.debits_posted - a.debits_pending AS remaining\nFROM campaigns c\nLEFT JOIN ledger_accounts a ON a.tenant_id = c.tenant_id AND a.id = c.budget_account_id\nWHERE c.tenant_id = :tenantId! AND c.id = :id!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT c.id AS "campaign_id!", c.status AS "status!",
 *        (SELECT count(*) FROM campaign_agents ca WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id) AS "agent_count!",
 *        (SELECT coalesce(jsonb_object_agg(s.status, s.n), '{}')
 *           FROM (SELECT t.status, count(*) AS n FROM tasks t
 *                 WHERE t.tenant_id = c.tenant_id AND t.campaign_id = c.id GROUP BY t.status) s) AS "tasks_by_status!",
 *        (SELECT coalesce(jsonb_agg(jsonb_build_object('status', s.status, 'platform', s.platform, 'count', s.n) ORDER BY s.status, s.platform), '[]')
 *           FROM (SELECT ca.status, ca.platform, count(*) AS n FROM content_assets ca
 *                 WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id GROUP BY ca.status, ca.platform) s) AS "content!",
 *        (SELECT count(*) FROM content_assets ca
 *           WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id AND ca.publish_time IS NOT NULL) AS "published_count!",
 *        a.asset AS budget_asset,
 *        a.debits_posted AS spent,
 *        a.debits_pending AS reserved,
 *        a.credits_posted - a.debits_posted - a.debits_pending AS remaining
 * FROM campaigns c
 * LEFT JOIN ledger_accounts a ON a.tenant_id = c.tenant_id AND a.id = c.budget_account_id
 * WHERE c.tenant_id = :tenantId! AND c.id = :id!
 * ```
 */
export const getCampaignSummary = new PreparedQuery<IGetCampaignSummaryParams,IGetCampaignSummaryResult>(getCampaignSummaryIR);


