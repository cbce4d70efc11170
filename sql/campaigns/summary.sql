/* A campaign's summary in one statement (one snapshot): its agents, its tasks by status, its
   content by status and platform, and its budget account's spend. Each part is an index lookup:
   campaign_agents' key, tasks_campaign_idx (which carries the status), content_assets_campaign_idx,
   the ledger account's key. */
/* @name getCampaignSummary */
SELECT c.id AS "campaign_id!", c.status AS "status!",
       (SELECT count(*) FROM campaign_agents ca WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id) AS "agent_count!",
       (SELECT coalesce(jsonb_object_agg(s.status, s.n), '{}')
          FROM (SELECT t.status, count(*) AS n FROM tasks t
                WHERE t.tenant_id = c.tenant_id AND t.campaign_id = c.id GROUP BY t.status) s) AS "tasks_by_status!",
       (SELECT coalesce(jsonb_agg(jsonb_build_object('status', s.status, 'platform', s.platform, 'count', s.n) ORDER BY s.status, s.platform), '[]')
          FROM (SELECT ca.status, ca.platform, count(*) AS n FROM content_assets ca
                WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id GROUP BY ca.status, ca.platform) s) AS "content!",
       (SELECT count(*) FROM content_assets ca
          WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id AND ca.publish_time IS NOT NULL) AS "published_count!",
       a.asset AS budget_asset,
       a.debits_posted AS spent,
       a.debits_pending AS reserved,
       a.credits_posted - a.debits_posted - a.debits_pending AS remaining
FROM campaigns c
LEFT JOIN ledger_accounts a ON a.tenant_id = c.tenant_id AND a.id = c.budget_account_id
WHERE c.tenant_id = :tenantId! AND c.id = :id!;
