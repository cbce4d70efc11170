// Rows <-> messages for LedgerService accounts.
import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AccountSchema, OwnerType, type Account } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { IGetAccountResult } from '../../gen/sql/ledger/accounts.queries.js';

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
    debitsPending: row.debits_pending,
    debitsPosted: row.debits_posted,
    creditsPending: row.credits_pending,
    creditsPosted: row.credits_posted,
    wallet: row.wallet_network || row.wallet_address ? { network: row.wallet_network, address: row.wallet_address } : undefined,
    metadata: row.metadata as JsonObject,
    createTime: timestampFromDate(row.create_time),
    version: BigInt(row.version),
  });
}
