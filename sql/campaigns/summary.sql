/* A campaign's summary in one statement (one snapshot): its agents, its tasks by status, and its
   budget account's spend. Each part is an index lookup: campaign_agents' key, tasks_campaign_idx
   (which carries the status), the ledger account's key. */
/* @name getCampaignSummary */
SELECT c.id AS "campaign_id!", c.status AS "status!",
       (SELECT count(*) FROM campaign_agents ca WHERE ca.tenant_id = c.tenant_id AND ca.campaign_id = c.id) AS "agent_count!",
       (SELECT coalesce(jsonb_object_agg(s.status, s.n), '{}')
          FROM (SELECT t.status, count(*) AS n FROM tasks t
                WHERE t.tenant_id = c.tenant_id AND t.campaign_id = c.id GROUP BY t.status) s) AS "tasks_by_status!",
       a.asset AS budget_asset,
       a.debits_posted AS spent,
       a.debits_pending AS reserved,
       a.credits_posted - a.debits_posted - a.debits_pending AS remaining
FROM campaigns c
LEFT JOIN ledger_accounts a ON a.tenant_id = c.tenant_id AND a.id = c.budget_account_id
WHERE c.tenant_id = :tenantId! AND c.id = :id!;
