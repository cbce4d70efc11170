/** Types generated for queries found in "sql/campaigns/agents.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type stringArray = (string)[];

/** 'GetCampaignAgentCandidates' parameters type */
export interface IGetCampaignAgentCandidatesParams {
  ids: stringArray;
  tenantId: string;
}

/** 'GetCampaignAgentCandidates' return type */
export interface IGetCampaignAgentCandidatesResult {
  id: string;
  status: string;
}

/** 'GetCampaignAgentCandidates' query type */
export interface IGetCampaignAgentCandidatesQuery {
  params: IGetCampaignAgentCandidatesParams;
  result: IGetCampaignAgentCandidatesResult;
}

const getCampaignAgentCandidatesIR: any = {"usedParamSet":{"tenantId":true,"ids":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":70,"b":79}]},{"name":"ids","required":true,"transform":{"type":"scalar"},"locs":[{"a":94,"b":98}]}],"statement":"SELECT id AS \"id!\", status AS \"status!\" FROM agents WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                          "};

/**
 * Query generated from SQL:
 * ```
 * SELECT id AS "id!", status AS "status!" FROM agents WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[])                                                                                          
 * ```
 */
export const getCampaignAgentCandidates = new PreparedQuery<IGetCampaignAgentCandidatesParams,IGetCampaignAgentCandidatesResult>(getCampaignAgentCandidatesIR);


/** 'AddCampaignAgents' parameters type */
export interface IAddCampaignAgentsParams {
  agentIds: stringArray;
  campaignId: string;
  tenantId: string;
}

/** 'AddCampaignAgents' return type */
export interface IAddCampaignAgentsResult {
  add_time: Date;
  agent_id: string;
  campaign_id: string;
}

/** 'AddCampaignAgents' query type */
export interface IAddCampaignAgentsQuery {
  params: IAddCampaignAgentsParams;
  result: IAddCampaignAgentsResult;
}

const addCampaignAgentsIR: any = {"usedParamSet":{"tenantId":true,"campaignId":true,"agentIds":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":90,"b":99},{"a":412,"b":421}]},{"name":"campaignId","required":true,"transform":{"type":"scalar"},"locs":[{"a":102,"b":113},{"a":441,"b":452}]},{"name":"agentIds","required":true,"transform":{"type":"scalar"},"locs":[{"a":130,"b":139},{"a":473,"b":482}]}],"statement":"WITH added AS (\n  INSERT INTO campaign_agents (tenant_id, campaign_id, agent_id)\n  SELECT :tenantId!, :campaignId!, a FROM unnest(:agentIds!::uuid[]) AS a\n  ON CONFLICT DO NOTHING\n  RETURNING campaign_id, agent_id, add_time\n)\nSELECT campaign_id AS \"campaign_id!\", agent_id AS \"agent_id!\", add_time AS \"add_time!\" FROM added\nUNION ALL\nSELECT campaign_id, agent_id, add_time FROM campaign_agents\nWHERE tenant_id = :tenantId! AND campaign_id = :campaignId! AND agent_id = ANY(:agentIds!::uuid[])\n  AND agent_id NOT IN (SELECT agent_id FROM added)"};

/**
 * Query generated from SQL:
 * ```
 * WITH added AS (
 *   INSERT INTO campaign_agents (tenant_id, campaign_id, agent_id)
 *   SELECT :tenantId!, :campaignId!, a FROM unnest(:agentIds!::uuid[]) AS a
 *   ON CONFLICT DO NOTHING
 *   RETURNING campaign_id, agent_id, add_time
 * )
 * SELECT campaign_id AS "campaign_id!", agent_id AS "agent_id!", add_time AS "add_time!" FROM added
 * UNION ALL
 * SELECT campaign_id, agent_id, add_time FROM campaign_agents
 * WHERE tenant_id = :tenantId! AND campaign_id = :campaignId! AND agent_id = ANY(:agentIds!::uuid[])
 *   AND agent_id NOT IN (SELECT agent_id FROM added)
 * ```
 */
export const addCampaignAgents = new PreparedQuery<IAddCampaignAgentsParams,IAddCampaignAgentsResult>(addCampaignAgentsIR);


/** 'RemoveCampaignAgent' parameters type */
export interface IRemoveCampaignAgentParams {
  agentId: string;
  campaignId: string;
  tenantId: string;
}

/** 'RemoveCampaignAgent' return type */
export interface IRemoveCampaignAgentResult {
  agent_id: string;
}

/** 'RemoveCampaignAgent' query type */
export interface IRemoveCampaignAgentQuery {
  params: IRemoveCampaignAgentParams;
  result: IRemoveCampaignAgentResult;
}

const removeCampaignAgentIR: any = {"usedParamSet":{"tenantId":true,"campaignId":true,"agentId":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":46,"b":55}]},{"name":"campaignId","required":true,"transform":{"type":"scalar"},"locs":[{"a":75,"b":86}]},{"name":"agentId","required":true,"transform":{"type":"scalar"},"locs":[{"a":103,"b":111}]}],"statement":"DELETE FROM campaign_agents WHERE tenant_id = :tenantId! AND campaign_id = :campaignId! AND agent_id = :agentId!\nRETURNING agent_id AS \"agent_id!\""};

/**
 * Query generated from SQL:
 * ```
 * DELETE FROM campaign_agents WHERE tenant_id = :tenantId! AND campaign_id = :campaignId! AND agent_id = :agentId!
 * RETURNING agent_id AS "agent_id!"
 * ```
 */
export const removeCampaignAgent = new PreparedQuery<IRemoveCampaignAgentParams,IRemoveCampaignAgentResult>(removeCampaignAgentIR);


/** 'ListCampaignAgents' parameters type */
export interface IListCampaignAgentsParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  campaignId: string;
  limit: string;
  tenantId: string;
}

/** 'ListCampaignAgents' return type */
export interface IListCampaignAgentsResult {
  agent_id: string;
  campaign_id: string;
  create_time: Date;
  id: string;
}

/** 'ListCampaignAgents' query type */
export interface IListCampaignAgentsQuery {
  params: IListCampaignAgentsParams;
  result: IListCampaignAgentsResult;
}

const listCampaignAgentsIR: any = {"usedParamSet":{"tenantId":true,"campaignId":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":109,"b":118}]},{"name":"campaignId","required":true,"transform":{"type":"scalar"},"locs":[{"a":138,"b":149}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":158,"b":167},{"a":217,"b":226}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":229,"b":236}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":280,"b":286}]}],"statement":"SELECT campaign_id, agent_id, add_time AS create_time, agent_id AS id FROM campaign_agents\nWHERE tenant_id = :tenantId! AND campaign_id = :campaignId!\n  AND (:afterTime::timestamptz IS NULL OR (add_time, agent_id) > (:afterTime, :afterId::uuid))\nORDER BY add_time, agent_id\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT campaign_id, agent_id, add_time AS create_time, agent_id AS id FROM campaign_agents
 * WHERE tenant_id = :tenantId! AND campaign_id = :campaignId!
 *   AND (:afterTime::timestamptz IS NULL OR (add_time, agent_id) > (:afterTime, :afterId::uuid))
 * ORDER BY add_time, agent_id
 * LIMIT :limit!
 * ```
 */
export const listCampaignAgents = new PreparedQuery<IListCampaignAgentsParams,IListCampaignAgentsResult>(listCampaignAgentsIR);


