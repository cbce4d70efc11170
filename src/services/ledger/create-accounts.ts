// CreateAccounts: each account is judged on its own, in TigerBeetle's manner. Results follow the
// precedence of the CreateAccountResult enum: the first failing check is the one reported.
import type { JsonObject } from '@bufbuild/protobuf';
import { CreateAccountResult as R, OwnerType, type Account } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import { getAccountsByIds, insertAccounts, type IGetAccountsByIdsResult } from '../../gen/sql/ledger/accounts.queries.js';
import type { TxClient } from '../../db/tx.js';
import { canonicalJson } from '../../lib/canonical.js';
import { MAX_METADATA_BYTES } from '../../lib/validate.js';
import { ASSET, UUID } from './formats.js';
import { ownerTypeToRow } from './mapping.js';

export const MAX_BATCH = 8_190;

const WALLET_NETWORK = /^[a-z0-9-]{1,64}$/;
const WALLET_ADDRESS = /^[A-Za-z0-9:._-]{1,128}$/;

/** An account as it will be stored, after validation. */
interface NewAccount {
  id: string;
  asset: string;
  assetScale: number;
  ownerType: string;
  ownerId: string;
  debitsMustNotExceedCredits: boolean;
  creditsMustNotExceedDebits: boolean;
  closed: boolean;
  walletNetwork: string;
  walletAddress: string;
  metadata: JsonObject;
}

function validate(a: Account): R | NewAccount {
  const id = a.id.toLowerCase();
  if (id === '') return R.ID_MUST_NOT_BE_EMPTY;
  if (!UUID.test(id)) return R.ID_INVALID;
  const flags = a.flags;
  if (flags?.debitsMustNotExceedCredits && flags.creditsMustNotExceedDebits) return R.FLAGS_ARE_MUTUALLY_EXCLUSIVE;
  if (!ASSET.test(a.asset)) return R.ASSET_INVALID;
  if (!Number.isInteger(a.assetScale) || a.assetScale < 0 || a.assetScale > 38) return R.ASSET_SCALE_INVALID;
  const ownerType = ownerTypeToRow[a.owner?.type ?? OwnerType.UNSPECIFIED];
  const ownerId = a.owner?.id ?? '';
  if (!ownerType) return R.OWNER_INVALID;
  if (ownerType === 'TENANT_TREASURY' ? ownerId !== '' : ownerId === '') return R.OWNER_INVALID;
  if ((ownerType === 'AGENT' || ownerType === 'CAMPAIGN') && !UUID.test(ownerId)) return R.OWNER_INVALID;
  if (ownerId.length > 200) return R.OWNER_INVALID;
  const walletNetwork = a.wallet?.network ?? '';
  const walletAddress = a.wallet?.address ?? '';
  if ((walletNetwork === '') !== (walletAddress === '')) return R.WALLET_INVALID;
  if (walletNetwork !== '' && (!WALLET_NETWORK.test(walletNetwork) || !WALLET_ADDRESS.test(walletAddress))) return R.WALLET_INVALID;
  const metadata = a.metadata ?? {};
  if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) return R.METADATA_INVALID;
  return {
    id,
    asset: a.asset,
    assetScale: a.assetScale,
    ownerType,
    ownerId,
    debitsMustNotExceedCredits: flags?.debitsMustNotExceedCredits ?? false,
    creditsMustNotExceedDebits: flags?.creditsMustNotExceedDebits ?? false,
    closed: flags?.closed ?? false,
    walletNetwork,
    walletAddress,
    metadata,
  };
}

function storedAccount(row: IGetAccountsByIdsResult): NewAccount {
  return {
    id: row.id,
    asset: row.asset,
    assetScale: row.asset_scale,
    ownerType: row.owner_type,
    ownerId: row.owner_id,
    debitsMustNotExceedCredits: row.debits_must_not_exceed_credits,
    creditsMustNotExceedDebits: row.credits_must_not_exceed_debits,
    closed: row.closed,
    walletNetwork: row.wallet_network,
    walletAddress: row.wallet_address,
    metadata: row.metadata as JsonObject,
  };
}

/** How an account that already exists compares with the one asked for. */
function compareWithExisting(want: NewAccount, have: NewAccount): R {
  if (have.asset !== want.asset) return R.EXISTS_WITH_DIFFERENT_ASSET;
  if (have.assetScale !== want.assetScale) return R.EXISTS_WITH_DIFFERENT_ASSET_SCALE;
  if (have.ownerType !== want.ownerType || have.ownerId !== want.ownerId) return R.EXISTS_WITH_DIFFERENT_OWNER;
  if (
    have.debitsMustNotExceedCredits !== want.debitsMustNotExceedCredits ||
    have.creditsMustNotExceedDebits !== want.creditsMustNotExceedDebits ||
    have.closed !== want.closed
  ) {
    return R.EXISTS_WITH_DIFFERENT_FLAGS;
  }
  if (have.walletNetwork !== want.walletNetwork || have.walletAddress !== want.walletAddress) return R.EXISTS_WITH_DIFFERENT_WALLET;
  if (canonicalJson(have.metadata) !== canonicalJson(want.metadata)) return R.EXISTS_WITH_DIFFERENT_METADATA;
  return R.EXISTS;
}

/** One result per requested account, in request order. Runs inside the caller's transaction. */
export async function createAccounts(client: TxClient, tenantId: string, accounts: Account[]): Promise<R[]> {
  const judged = accounts.map(validate);
  // The first valid occurrence of each id is the one inserted; repeats compare against it.
  const firstById = new Map<string, NewAccount>();
  for (const a of judged) if (typeof a !== 'number' && !firstById.has(a.id)) firstById.set(a.id, a);
  const fresh = [...firstById.values()];

  const inserted = new Set<string>();
  if (fresh.length > 0) {
    const rows = await insertAccounts.run(
      {
        tenantId,
        ids: fresh.map((a) => a.id),
        assets: fresh.map((a) => a.asset),
        assetScales: fresh.map((a) => a.assetScale),
        ownerTypes: fresh.map((a) => a.ownerType),
        ownerIds: fresh.map((a) => a.ownerId),
        debitsMustNotExceedCredits: fresh.map((a) => a.debitsMustNotExceedCredits),
        creditsMustNotExceedDebits: fresh.map((a) => a.creditsMustNotExceedDebits),
        closed: fresh.map((a) => a.closed),
        walletNetworks: fresh.map((a) => a.walletNetwork),
        walletAddresses: fresh.map((a) => a.walletAddress),
        metadata: fresh.map((a) => JSON.stringify(a.metadata)),
      },
      client,
    );
    rows.forEach((r) => inserted.add(r.id));
  }

  const taken = fresh.filter((a) => !inserted.has(a.id)).map((a) => a.id);
  const existing = new Map<string, NewAccount>();
  if (taken.length > 0) {
    for (const row of await getAccountsByIds.run({ tenantId, ids: taken }, client)) existing.set(row.id, storedAccount(row));
  }

  const reported = new Set<string>();
  return judged.map((a) => {
    if (typeof a === 'number') return a;
    const firstOccurrence = !reported.has(a.id);
    reported.add(a.id);
    if (inserted.has(a.id)) return firstOccurrence ? R.OK : compareWithExisting(a, firstById.get(a.id)!);
    return compareWithExisting(a, existing.get(a.id)!);
  });
}
