/** Types generated for queries found in "sql/ledger/policies.sql" */
import { PreparedQuery } from '@pgtyped/runtime';

export type DateOrString = Date | string;

/** 'UpsertSpendPolicy' parameters type */
export interface IUpsertSpendPolicyParams {
  accountId: string;
  alertRatioBp: number;
  approvalThreshold?: string | null | void;
  expectedVersion?: string | null | void;
  spendLimit: string;
  spendWindow: string;
  tenantId: string;
}

/** 'UpsertSpendPolicy' return type */
export interface IUpsertSpendPolicyResult {
  account_id: string;
  /** The alert ratio in basis points (0.8 = 8000). */
  alert_ratio_bp: number;
  approval_threshold: string | null;
  spend_limit: string;
  spend_window: string;
  tenant_id: string;
  update_time: Date;
  version: string;
}

/** 'UpsertSpendPolicy' query type */
export interface IUpsertSpendPolicyQuery {
  params: IUpsertSpendPolicyParams;
  result: IUpsertSpendPolicyResult;
}

const upsertSpendPolicyIR: any = {"usedParamSet":{"tenantId":true,"accountId":true,"spendWindow":true,"spendLimit":true,"alertRatioBp":true,"approvalThreshold":true,"expectedVersion":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":129,"b":138}]},{"name":"accountId","required":true,"transform":{"type":"scalar"},"locs":[{"a":141,"b":151}]},{"name":"spendWindow","required":true,"transform":{"type":"scalar"},"locs":[{"a":154,"b":166}]},{"name":"spendLimit","required":true,"transform":{"type":"scalar"},"locs":[{"a":169,"b":180}]},{"name":"alertRatioBp","required":true,"transform":{"type":"scalar"},"locs":[{"a":183,"b":196}]},{"name":"approvalThreshold","required":false,"transform":{"type":"scalar"},"locs":[{"a":199,"b":216}]},{"name":"expectedVersion","required":false,"transform":{"type":"scalar"},"locs":[{"a":564,"b":579},{"a":632,"b":647}]}],"statement":"INSERT INTO ledger_spend_policies (tenant_id, account_id, spend_window, spend_limit, alert_ratio_bp, approval_threshold)\nVALUES (:tenantId!, :accountId!, :spendWindow!, :spendLimit!, :alertRatioBp!, :approvalThreshold)\nON CONFLICT (tenant_id, account_id) DO UPDATE SET\n  spend_window       = excluded.spend_window,\n  spend_limit        = excluded.spend_limit,\n  alert_ratio_bp     = excluded.alert_ratio_bp,\n  approval_threshold = excluded.approval_threshold,\n  version            = ledger_spend_policies.version + 1,\n  update_time        = chimera.now_ms()\nWHERE :expectedVersion::bigint IS NULL OR ledger_spend_policies.version = :expectedVersion\nRETURNING *"};

/**
 * Query generated from SQL:
 * ```
 * INSERT INTO ledger_spend_policies (tenant_id, account_id, spend_window, spend_limit, alert_ratio_bp, approval_threshold)
 * VALUES (:tenantId!, :accountId!, :spendWindow!, :spendLimit!, :alertRatioBp!, :approvalThreshold)
 * ON CONFLICT (tenant_id, account_id) DO UPDATE SET
 *   spend_window       = excluded.spend_window,
 *   spend_limit        = excluded.spend_limit,
 *   alert_ratio_bp     = excluded.alert_ratio_bp,
 *   approval_threshold = excluded.approval_threshold,
 *   version            = ledger_spend_policies.version + 1,
 *   update_time        = chimera.now_ms()
 * WHERE :expectedVersion::bigint IS NULL OR ledger_spend_policies.version = :expectedVersion
 * RETURNING *
 * ```
 */
export const upsertSpendPolicy = new PreparedQuery<IUpsertSpendPolicyParams,IUpsertSpendPolicyResult>(upsertSpendPolicyIR);


/** 'ListBudgetAlerts' parameters type */
export interface IListBudgetAlertsParams {
  accountId?: string | null | void;
  afterId?: string | null | void;
  afterTime?: DateOrString | null | void;
  limit: string;
  tenantId: string;
}

/** 'ListBudgetAlerts' return type */
export interface IListBudgetAlertsResult {
  account_id: string;
  create_time: Date;
  id: string;
  spend_limit: string;
  spent: string;
  tenant_id: string;
  transfer_id: string;
  window_start: Date;
}

/** 'ListBudgetAlerts' query type */
export interface IListBudgetAlertsQuery {
  params: IListBudgetAlertsParams;
  result: IListBudgetAlertsResult;
}

const listBudgetAlertsIR: any = {"usedParamSet":{"tenantId":true,"accountId":true,"afterTime":true,"afterId":true,"limit":true},"params":[{"name":"tenantId","required":true,"transform":{"type":"scalar"},"locs":[{"a":53,"b":62}]},{"name":"accountId","required":false,"transform":{"type":"scalar"},"locs":[{"a":71,"b":80},{"a":112,"b":121}]},{"name":"afterTime","required":false,"transform":{"type":"scalar"},"locs":[{"a":131,"b":140},{"a":187,"b":196}]},{"name":"afterId","required":false,"transform":{"type":"scalar"},"locs":[{"a":199,"b":206}]},{"name":"limit","required":true,"transform":{"type":"scalar"},"locs":[{"a":247,"b":253}]}],"statement":"SELECT * FROM ledger_budget_alerts\nWHERE tenant_id = :tenantId!\n  AND (:accountId::uuid IS NULL OR account_id = :accountId)\n  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))\nORDER BY create_time, id\nLIMIT :limit!"};

/**
 * Query generated from SQL:
 * ```
 * SELECT * FROM ledger_budget_alerts
 * WHERE tenant_id = :tenantId!
 *   AND (:accountId::uuid IS NULL OR account_id = :accountId)
 *   AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
 * ORDER BY create_time, id
 * LIMIT :limit!
 * ```
 */
export const listBudgetAlerts = new PreparedQuery<IListBudgetAlertsParams,IListBudgetAlertsResult>(listBudgetAlertsIR);


