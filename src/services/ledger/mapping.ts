// Rows <-> messages for LedgerService.
import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  AccountBalanceSchema,
  AccountSchema,
  BudgetAlertSchema,
  OwnerType,
  PendingState,
  SpendPolicySchema,
  SpendWindow,
  TransferSchema,
  type Account,
  type AccountBalance,
  type BudgetAlert,
  type SpendPolicy,
  type Transfer,
} from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { IGetAccountResult } from '../../gen/sql/ledger/accounts.queries.js';
import type { IGetPendingTransfersResult, IListTransfersResult } from '../../gen/sql/ledger/transfers.queries.js';
import type { IListBalanceHistoryResult } from '../../gen/sql/ledger/balances.queries.js';
import type { IListBudgetAlertsResult, IUpsertSpendPolicyResult } from '../../gen/sql/ledger/policies.queries.js';

export const ownerTypeToRow: Partial<Record<OwnerType, string>> = {
  [OwnerType.AGENT]: 'AGENT',
  [OwnerType.CAMPAIGN]: 'CAMPAIGN',
  [OwnerType.TENANT_TREASURY]: 'TENANT_TREASURY',
  [OwnerType.EXTERNAL]: 'EXTERNAL',
};

const ownerTypeFromRow: Record<string, OwnerType> = {
  AGENT: OwnerType.AGENT,
  CAMPAIGN: OwnerType.CAMPAIGN,
  TENANT_TREASURY: OwnerType.TENANT_TREASURY,
  EXTERNAL: OwnerType.EXTERNAL,
};

export function accountFromRow(row: IGetAccountResult): Account {
  return create(AccountSchema, {
    id: row.id,
    asset: row.asset,
    assetScale: row.asset_scale,
    owner: { type: ownerTypeFromRow[row.owner_type] ?? OwnerType.UNSPECIFIED, id: row.owner_id },
    flags: {
      debitsMustNotExceedCredits: row.debits_must_not_exceed_credits,
      creditsMustNotExceedDebits: row.credits_must_not_exceed_debits,
      closed: row.closed,
    },
    debitsPending: (BigInt(row.debits_pending) - BigInt(row.expired_debits_pending)).toString(),
    debitsPosted: row.debits_posted,
    creditsPending: (BigInt(row.credits_pending) - BigInt(row.expired_credits_pending)).toString(),
    creditsPosted: row.credits_posted,
    wallet: row.wallet_network || row.wallet_address ? { network: row.wallet_network, address: row.wallet_address } : undefined,
    metadata: row.metadata as JsonObject,
    createTime: timestampFromDate(row.create_time),
    version: BigInt(row.version),
  });
}

export function transferFromRow(row: IListTransfersResult): Transfer {
  return create(TransferSchema, {
    id: row.id,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: row.amount,
    pendingId: row.pending_id ?? '',
    flags: { linked: row.linked, pending: row.pending, postPending: row.post_pending, voidPending: row.void_pending },
    timeoutSeconds: row.timeout_seconds,
    code: row.code,
    externalRef: row.external_ref ?? '',
    metadata: row.metadata as JsonObject,
    createTime: timestampFromDate(row.create_time),
  });
}

export function pendingStateOf(row: IGetPendingTransfersResult): PendingState {
  if (!row.pending) return PendingState.UNSPECIFIED;
  if (row.resolved_by_post) return PendingState.POSTED;
  if (row.resolved_by_expiry) return PendingState.EXPIRED;
  if (row.resolved_by_void) return PendingState.VOIDED;
  if (row.expired) return PendingState.EXPIRED;
  return row.open ? PendingState.PENDING : PendingState.EXPIRED;
}

export function balanceFromEntry(row: IListBalanceHistoryResult): AccountBalance {
  return create(AccountBalanceSchema, {
    debitsPending: row.debits_pending,
    debitsPosted: row.debits_posted,
    creditsPending: row.credits_pending,
    creditsPosted: row.credits_posted,
    accountVersion: BigInt(row.account_version),
    transferId: row.transfer_id,
    time: timestampFromDate(row.create_time),
  });
}

/** The current balances, from the account itself (expired reservations already left out). */
export function balanceFromAccount(account: Account, now: Date): AccountBalance {
  return create(AccountBalanceSchema, {
    debitsPending: account.debitsPending,
    debitsPosted: account.debitsPosted,
    creditsPending: account.creditsPending,
    creditsPosted: account.creditsPosted,
    accountVersion: account.version,
    time: timestampFromDate(now),
  });
}

export const spendWindowToRow: Partial<Record<SpendWindow, string>> = {
  [SpendWindow.DAILY]: 'DAILY',
  [SpendWindow.WEEKLY]: 'WEEKLY',
};

export function spendPolicyFromRow(row: IUpsertSpendPolicyResult): SpendPolicy {
  return create(SpendPolicySchema, {
    accountId: row.account_id,
    window: row.spend_window === 'WEEKLY' ? SpendWindow.WEEKLY : SpendWindow.DAILY,
    limit: row.spend_limit,
    alertRatio: row.alert_ratio_bp / 10_000,
    approvalThreshold: row.approval_threshold ?? '',
    etag: row.version,
    updateTime: timestampFromDate(row.update_time),
  });
}

export function budgetAlertFromRow(row: IListBudgetAlertsResult): BudgetAlert {
  return create(BudgetAlertSchema, {
    id: row.id,
    accountId: row.account_id,
    windowStartTime: timestampFromDate(row.window_start),
    spent: row.spent,
    limit: row.spend_limit,
    transferId: row.transfer_id,
    createTime: timestampFromDate(row.create_time),
  });
}
