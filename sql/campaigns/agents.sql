/* The agents among :ids that exist, with their status: only live ones may be added. */
/* @name getCampaignAgentCandidates */
SELECT id AS "id!", status AS "status!" FROM agents WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[]);

/* Adds the agents; pairs already there are left as they are. Returns every pair named. */
/* @name addCampaignAgents */
WITH added AS (
  INSERT INTO campaign_agents (tenant_id, campaign_id, agent_id)
  SELECT :tenantId!, :campaignId!, a FROM unnest(:agentIds!::uuid[]) AS a
  ON CONFLICT DO NOTHING
  RETURNING campaign_id, agent_id, add_time
)
SELECT campaign_id AS "campaign_id!", agent_id AS "agent_id!", add_time AS "add_time!" FROM added
UNION ALL
SELECT campaign_id, agent_id, add_time FROM campaign_agents
WHERE tenant_id = :tenantId! AND campaign_id = :campaignId! AND agent_id = ANY(:agentIds!::uuid[])
  AND agent_id NOT IN (SELECT agent_id FROM added);

/* @name removeCampaignAgent */
DELETE FROM campaign_agents WHERE tenant_id = :tenantId! AND campaign_id = :campaignId! AND agent_id = :agentId!
RETURNING agent_id AS "agent_id!";

/* @name listCampaignAgents */
SELECT campaign_id, agent_id, add_time AS create_time, agent_id AS id FROM campaign_agents
WHERE tenant_id = :tenantId! AND campaign_id = :campaignId!
  AND (:afterTime::timestamptz IS NULL OR (add_time, agent_id) > (:afterTime, :afterId::uuid))
ORDER BY add_time, agent_id
LIMIT :limit!;
