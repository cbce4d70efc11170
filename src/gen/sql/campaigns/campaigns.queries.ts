/** Types generated for queries found in "sql/campaigns/campaigns.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type stringArray = (string)[];

/** 'InsertCampaign' parameters type */
export interface IInsertCampaignParams {
  budgetAccountId?: string | null | void;
  createFingerprint: Buffer;
  endTime?: DateOrString | null | void;
  goalDescription: string;
  id: string;
  metadata: Json;
  name: string;
  priority: number;
  startTime?: DateOrString | null | void;
  targetPlatforms: stringArray;
  tenantId: string;
}

/** 'InsertCampaign' return type */
export interface IInsertCampaignResult {
  budget_account_id: string | null;
  create_fingerprint: Buffer;
  create_time: Date;
  end_time: Date | null;
  goal_description: string;
  id: string;
  metadata: Json;
  name: string;
  priority: number;
  start_time: Date | null;
  status: string;
  target_platforms: stringArray;
  tenant_id: string;
  update_time: Date;
  version: string;
}

/** 'InsertCampaign' query type */
export interface IInsertCampaignQuery {
  params: IInsertCampaignParams;
  result: IInsertCampaignResult;
}

const insertCampaignIR: any = {"usedParamSet":{"tenantId":true,"id":true,"name":true,"goalDescription":true,"targetPlatforms":true,"priority":true,"budgetAccountId":true,"startTime":true,"endTime":true,"metadata":true,"createFingerprint":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":192,"b":201}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":204,"b":207}]},{"name":"name","required":true,"transform":{"type":"scalar"},"locs":[{"a":210,"b":215}]},{"name":"goalDescription","required":true,"transform":{"type":"scalar"},"locs":[{"a":218,"b":234}]},{"name":"targetPlatforms","required":true,"transform":{"type":"scalar"},"locs":[{"a":237,"b":253}]},{"name":"priority","required":true,"transform":{"type":"scalar"},"locs":[{"a":264,"b":273}]},{"name":"budgetAccountId","required":false,"transform":{"type":"scalar"},"locs":[{"a":276,"b":291}]},{"name":"startTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":308,"b":317}]},{"name":"endTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":333,"b":340}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":356,"b":365}]},{"name":"createFingerprint","required":true,"transform":{"type":"scalar"},"locs":[{"a":368,"b":386}]}],"statement":"INSERT INTO campaigns (tenant_id, id, name, goal_description, target_platforms, priority, budget_account_id,\n                       start_time, end_time, metadata, create_fingerprint)\nVALUES (:tenantId!, :id!, :name!, :goalDescription!, :targetPlatforms!::text[], :priority!, :budgetAccountId::uuid,\n        :startTime::timestamptz, :endTime::timestamptz, :metadata!, :createFingerprint!)\nON CONFLICT (tenant_id, id) DO NOTHING\nRETURNING *"};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO campaigns (tenant_id, id, name, goal_description, target_platforms, priority, budget_account_id,
 *                        start_time, end_time, metadata, create_fingerprint)
 * VALUES (:tenantId!, :id!, :name!, :goalDescription!, :targetPlatforms!::text[], :priority!, :budgetAccountId::uuid,
 *         :startTime::timestamptz, :endTime::timestamptz, :metadata!, :createFingerprint!)
 * ON CONFLICT (tenant_id, id) DO NOTHING
 * RETURNING *
 * ```
 */
export const insertCampaign = new PreparedQuery<IInsertCampaignParams,IInsertCampaignResult>(insertCampaignIR);


/** 'GetCampaign' parameters type */
export interface IGetCampaignParams {
  id: string;
  tenantId: string;
}

/** 'GetCampaign' return type */
export interface IGetCampaignResult {
  budget_account_id: string | null;
  create_fingerprint: Buffer;
  create_time: Date;
  end_time: Date | null;
  goal_description: string;
  id: string;
  metadata: Json;
  name: string;
  priority: number;
  start_time: Date | null;
  status: string;
  target_platforms: stringArray;
  tenant_id: string;
  update_time: Date;
  version: string;
}

/** 'GetCampaign' query type */
export interface IGetCampaignQuery {
  params: IGetCampaignParams;
  result: IGetCampaignResult;
}

const getCampaignIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":42,"b":51}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":62,"b":65}]}],"statement":"SELECT * FROM campaigns WHERE tenant_id = :tenantId! AND id = :id!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM campaigns WHERE tenant_id = :tenantId! AND id = :id!
 * ```
 */
export const getCampaign = new PreparedQuery<IGetCampaignParams,IGetCampaignResult>(getCampaignIR);


/** 'ListCampaigns' parameters type */
export interface IListCampaignsParams {
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  limit: string;
  status?: string | null | void;
  tenantId: string;
}

/** 'ListCampaigns' return type */
export interface IListCampaignsResult {
  budget_account_id: string | null;
  create_fingerprint: Buffer;
  create_time: Date;
  end_time: Date | null;
  goal_description: string;
  id: string;
  metadata: Json;
  name: string;
  priority: number;
  start_time: Date | null;
  status: string;
  target_platforms: stringArray;
  tenant_id: string;
  update_time: Date;
  version: string;
}

/** 'ListCampaigns' query type */
export interface IListCampaignsQuery {
  params: IListCampaignsParams;
  result: IListCampaignsResult;
}

const listCampaignsIR: any = {"usedParamSet":{"tenantId":true,"status":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":42,"b":51}]},{"name":"status","required":false,"transform":{"type":"scalar"},"locs":[{"a":60,"b":66},{"a":94,"b":100}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":110,"b":119},{"a":166,"b":175}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":178,"b":185}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":226,"b":232}]}],"statement":"SELECT * FROM campaigns\nWHERE tenant_id = :tenantId!\n  AND (:status::text IS NULL OR status = :status)\n  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\nORDER BY create_time, id\nLIMIT :limit!                                                                                                                                    "};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM campaigns
 * WHERE tenant_id = :tenantId!
 *   AND (:status::text IS NULL OR status = :status)
 *   AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
 * ORDER BY create_time, id
 * LIMIT :limit!                                                                                                                                    
 * ```
 */
export const listCampaigns = new PreparedQuery<IListCampaignsParams,IListCampaignsResult>(listCampaignsIR);


/** 'UpdateCampaign' parameters type */
export interface IUpdateCampaignParams {
  budgetAccountId?: string | null | void;
  endTime?: DateOrString | null | void;
  expectedVersion?: string | null | void;
  goalDescription: string;
  id: string;
  metadata: Json;
  name: string;
  priority: number;
  setBudgetAccount: boolean;
  setEndTime: boolean;
  setGoal: boolean;
  setMetadata: boolean;
  setName: boolean;
  setPlatforms: boolean;
  setPriority: boolean;
  setStartTime: boolean;
  startTime?: DateOrString | null | void;
  targetPlatforms: stringArray;
  tenantId: string;
}

/** 'UpdateCampaign' return type */
export interface IUpdateCampaignResult {
  budget_account_id: string | null;
  create_fingerprint: Buffer;
  create_time: Date;
  end_time: Date | null;
  goal_description: string;
  id: string;
  metadata: Json;
  name: string;
  priority: number;
  start_time: Date | null;
  status: string;
  target_platforms: stringArray;
  tenant_id: string;
  update_time: Date;
  version: string;
}

/** 'UpdateCampaign' query type */
export interface IUpdateCampaignQuery {
  params: IUpdateCampaignParams;
  result: IUpdateCampaignResult;
}

const updateCampaignIR: any = {"usedParamSet":{"setName":true,"name":true,"setGoal":true,"goalDescription":true,"setPlatforms":true,"targetPlatforms":true,"setPriority":true,"priority":true,"setBudgetAccount":true,"budgetAccountId":true,"setStartTime":true,"startTime":true,"setEndTime":true,"endTime":true,"setMetadata":true,"metadata":true,"tenantId":true,"id":true,"expectedVersion":true},"params":[{"name":"setName","required":true,"transform":{"type":"scalar"},"locs":[{"a":53,"b":61}]},{"name":"name","required":true,"transform":{"type":"scalar"},"locs":[{"a":88,"b":93}]},{"name":"setGoal","required":true,"transform":{"type":"scalar"},"locs":[{"a":164,"b":172}]},{"name":"goalDescription","required":true,"transform":{"type":"scalar"},"locs":[{"a":199,"b":215}]},{"name":"setPlatforms","required":true,"transform":{"type":"scalar"},"locs":[{"a":287,"b":300}]},{"name":"targetPlatforms","required":true,"transform":{"type":"scalar"},"locs":[{"a":322,"b":338}]},{"name":"setPriority","required":true,"transform":{"type":"scalar"},"locs":[{"a":410,"b":422}]},{"name":"priority","required":true,"transform":{"type":"scalar"},"locs":[{"a":445,"b":454}]},{"name":"setBudgetAccount","required":true,"transform":{"type":"scalar"},"locs":[{"a":525,"b":542}]},{"name":"budgetAccountId","required":false,"transform":{"type":"scalar"},"locs":[{"a":560,"b":575}]},{"name":"setStartTime","required":true,"transform":{"type":"scalar"},"locs":[{"a":649,"b":662}]},{"name":"startTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":684,"b":693}]},{"name":"setEndTime","required":true,"transform":{"type":"scalar"},"locs":[{"a":766,"b":777}]},{"name":"endTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":801,"b":808}]},{"name":"setMetadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":881,"b":893}]},{"name":"metadata","required":true,"transform":{"type":"scalar"},"locs":[{"a":916,"b":925}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":1045,"b":1054}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":1065,"b":1068}]},{"name":"expectedVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":1121,"b":1136},{"a":1167,"b":1182}]}],"statement":"UPDATE campaigns SET\n  name              = CASE WHEN :setName!::boolean            THEN :name!::text                 ELSE name END,\n  goal_description  = CASE WHEN :setGoal!::boolean            THEN :goalDescription!::text      ELSE goal_description END,\n  target_platforms  = CASE WHEN :setPlatforms!::boolean       THEN :targetPlatforms!::text[]    ELSE target_platforms END,\n  priority          = CASE WHEN :setPriority!::boolean        THEN :priority!::smallint         ELSE priority END,\n  budget_account_id = CASE WHEN :setBudgetAccount!::boolean   THEN :budgetAccountId::uuid       ELSE budget_account_id END,\n  start_time        = CASE WHEN :setStartTime!::boolean       THEN :startTime::timestamptz      ELSE start_time END,\n  end_time          = CASE WHEN :setEndTime!::boolean         THEN :endTime::timestamptz        ELSE end_time END,\n  metadata          = CASE WHEN :setMetadata!::boolean        THEN :metadata!::jsonb            ELSE metadata END,\n  version           = version + 1,\n  update_time       = now()\nWHERE tenant_id = :tenantId! AND id = :id!\n  AND status NOT IN ('COMPLETED', 'FAILED')\n  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)\nRETURNING *                                                                                          "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE campaigns SET
 *   name              = CASE WHEN :setName!::boolean            THEN :name!::text                 ELSE name END,
 *   goal_description  = CASE WHEN :setGoal!::boolean            THEN :goalDescription!::text      ELSE goal_description END,
 *   target_platforms  = CASE WHEN :setPlatforms!::boolean       THEN :targetPlatforms!::text[]    ELSE target_platforms END,
 *   priority          = CASE WHEN :setPriority!::boolean        THEN :priority!::smallint         ELSE priority END,
 *   budget_account_id = CASE WHEN :setBudgetAccount!::boolean   THEN :budgetAccountId::uuid       ELSE budget_account_id END,
 *   start_time        = CASE WHEN :setStartTime!::boolean       THEN :startTime::timestamptz      ELSE start_time END,
 *   end_time          = CASE WHEN :setEndTime!::boolean         THEN :endTime::timestamptz        ELSE end_time END,
 *   metadata          = CASE WHEN :setMetadata!::boolean        THEN :metadata!::jsonb            ELSE metadata END,
 *   version           = version + 1,
 *   update_time       = now()
 * WHERE tenant_id = :tenantId! AND id = :id!
 *   AND status NOT IN ('COMPLETED', 'FAILED')
 *   AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
 * RETURNING *                                                                                          
 * ```
 */
export const updateCampaign = new PreparedQuery<IUpdateCampaignParams,IUpdateCampaignResult>(updateCampaignIR);


/** 'TransitionCampaign' parameters type */
export interface ITransitionCampaignParams {
  expectedVersion?: string | null | void;
  from: stringArray;
  id: string;
  tenantId: string;
  to: string;
}

/** 'TransitionCampaign' return type */
export interface ITransitionCampaignResult {
  budget_account_id: string | null;
  create_fingerprint: Buffer;
  create_time: Date;
  end_time: Date | null;
  goal_description: string;
  id: string;
  metadata: Json;
  name: string;
  priority: number;
  start_time: Date | null;
  status: string;
  target_platforms: stringArray;
  tenant_id: string;
  update_time: Date;
  version: string;
}

/** 'TransitionCampaign' query type */
export interface ITransitionCampaignQuery {
  params: ITransitionCampaignParams;
  result: ITransitionCampaignResult;
}

const transitionCampaignIR: any = {"usedParamSet":{"to":true,"tenantId":true,"id":true,"from":true,"expectedVersion":true},"params":[{"name":"to","required":true,"transform":{"type":"scalar"},"locs":[{"a":30,"b":33}]},{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":103,"b":112}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":123,"b":126}]},{"name":"from","required":true,"transform":{"type":"scalar"},"locs":[{"a":147,"b":152}]},{"name":"expectedVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":170,"b":185},{"a":216,"b":231}]}],"statement":"UPDATE campaigns SET status = :to!::text, version = version + 1, update_time = now()\nWHERE tenant_id = :tenantId! AND id = :id!\n  AND status = ANY(:from!::text[])\n  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)\nRETURNING *                                                                                                                                                                 "};

/**
 * Query generated from SQL:
 * ```
 * UPDATE campaigns SET status = :to!::text, version = version + 1, update_time = now()
 * WHERE tenant_id = :tenantId! AND id = :id!
 *   AND status = ANY(:from!::text[])
 *   AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
 * RETURNING *                                                                                                                                                                 
 * ```
 */
export const transitionCampaign = new PreparedQuery<ITransitionCampaignParams,ITransitionCampaignResult>(transitionCampaignIR);


/** 'LockActivations' parameters type */
export interface ILockActivationsParams {
  tenantId: string;
}

/** 'LockActivations' return type */
export interface ILockActivationsResult {
  locked: boolean;
}

/** 'LockActivations' query type */
export interface ILockActivationsQuery {
  params: ILockActivationsParams;
  result: ILockActivationsResult;
}

const lockActivationsIR: any = {"usedParamSet":{"tenantId":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":111,"b":120}]}],"statement":"SELECT true AS \"locked!\" FROM (SELECT pg_advisory_xact_lock(hashtextextended('chimera.campaign_activation:' || :tenantId!::text, 0))) AS l                                                                         "};

/**
 * Query generated from SQL:
 * ```
 * SELECT true AS "locked!" FROM (SELECT pg_advisory_xact_lock(hashtextextended('chimera.campaign_activation:' || :tenantId!::text, 0))) AS l                                                                         
 * ```
 */
export const lockActivations = new PreparedQuery<ILockActivationsParams,ILockActivationsResult>(lockActivationsIR);


/** 'ActiveCampaigns' parameters type */
export interface IActiveCampaignsParams {
  tenantId: string;
}

/** 'ActiveCampaigns' return type */
export interface IActiveCampaignsResult {
  active: string;
  max_active: number;
}

/** 'ActiveCampaigns' query type */
export interface IActiveCampaignsQuery {
  params: IActiveCampaignsParams;
  result: IActiveCampaignsResult;
}

const activeCampaignsIR: any = {"usedParamSet":{"tenantId":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":57,"b":66},{"a":207,"b":216}]}],"statement":"SELECT (SELECT count(*) FROM campaigns WHERE tenant_id = :tenantId! AND status = 'ACTIVE') AS \"active!\",\n       coalesce((SELECT nullif((settings ->> 'max_active_campaigns')::int, 0) FROM tenants WHERE id = :tenantId!), 10) AS \"max_active!\"                                                                       "};

/**
 * Query generated from SQL:
 * ```
 * SELECT (SELECT count(*) FROM campaigns WHERE tenant_id = :tenantId! AND status = 'ACTIVE') AS "active!",
 *        coalesce((SELECT nullif((settings ->> 'max_active_campaigns')::int, 0) FROM tenants WHERE id = :tenantId!), 10) AS "max_active!"                                                                       
 * ```
 */
export const activeCampaigns = new PreparedQuery<IActiveCampaignsParams,IActiveCampaignsResult>(activeCampaignsIR);


/** 'GetBudgetAccount' parameters type */
export interface IGetBudgetAccountParams {
  id: string;
  tenantId: string;
}

/** 'GetBudgetAccount' return type */
export interface IGetBudgetAccountResult {
  id: string;
}

/** 'GetBudgetAccount' query type */
export interface IGetBudgetAccountQuery {
  params: IGetBudgetAccountParams;
  result: IGetBudgetAccountResult;
}

const getBudgetAccountIR: any = {"usedParamSet":{"tenantId":true,"id":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":58,"b":67}]},{"name":"id","required":true,"transform":{"type":"scalar"},"locs":[{"a":78,"b":81}]}],"statement":"SELECT id AS \"id!\" FROM ledger_accounts WHERE tenant_id = :tenantId! AND id = :id!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT id AS "id!" FROM ledger_accounts WHERE tenant_id = :tenantId! AND id = :id!
 * ```
 */
export const getBudgetAccount = new PreparedQuery<IGetBudgetAccountParams,IGetBudgetAccountResult>(getBudgetAccountIR);


