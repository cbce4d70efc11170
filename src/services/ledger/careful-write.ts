// The careful write of CreateTransfers: everything decided under the accounts' locks.
//   1. static checks per transfer (no I/O);
//   2. one pipelined round trip: lock every touched account in id order (with its spend policy
//      and window), read the expired reservations on them, the transfers whose ids are replayed,
//      the pending transfers being posted or voided, the external refs in use;
//   3. void the expired reservations, then apply the batch in order against the locked balances
//      (state-machine.ts);
//   4. one round trip writes the transfers (chimera.ledger_insert_transfers), then entries,
//      balances, reservations, spend windows and alerts (chimera.ledger_write_postings), with COMMIT.
// Large batches may write their transfers first, in step 2, before the lock ("insert first").
// It is the whole path when the ledger's fast paths are off, and the fallback of decided batches
// (decided-batches.ts) when they are on.
import { CreateTransferResult as R, type Transfer } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { JsonObject } from '@bufbuild/protobuf';
import pg from 'pg';
import {
  findExternalRefs,
  getExpiredReservations,
  transactionTime,
  getPendingTransfers,
  getTransfersByIds,
  insertTransfers,
  lockAccounts,
  writePostings,
  type IGetPendingTransfersResult,
  type IGetTransfersByIdsResult,
  type ILockAccountsResult,
} from '../../gen/sql/ledger/transfers.queries.js';
import type { TxClient } from '../../db/tx.js';
import { statementOf } from '../../db/pipeline.js';
import { binary } from '../../db/binary-arrays.js';
import { UUID } from './formats.js';
import { applyInOrder, BatchState, groupEndsOf, voidExpired, type AccountState, type ExpiredReservation, type PendingState, type SpendState } from './state-machine.js';
import { mayInsertFirst, staticCheck, type Candidate, type StoredTransfer, type TransferRow } from './transfer-checks.js';
import { insertParams, postingParams } from './write-params.js';

function storedFromRow(row: IGetTransfersByIdsResult): StoredTransfer {
  return {
    id: row.id,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: BigInt(row.amount),
    pendingId: row.pending_id ?? '',
    linked: row.linked,
    pending: row.pending,
    postPending: row.post_pending,
    voidPending: row.void_pending,
    timeoutSeconds: row.timeout_seconds,
    code: row.code,
    externalRef: row.external_ref ?? '',
    metadata: row.metadata as JsonObject,
    createTime: row.create_time,
  };
}

function accountFromRow(row: ILockAccountsResult): AccountState {
  return {
    id: row.id,
    asset: row.asset,
    debitsMustNotExceedCredits: row.debits_must_not_exceed_credits,
    creditsMustNotExceedDebits: row.credits_must_not_exceed_debits,
    closed: row.closed,
    debitsPending: BigInt(row.debits_pending),
    debitsPosted: BigInt(row.debits_posted),
    creditsPending: BigInt(row.credits_pending),
    creditsPosted: BigInt(row.credits_posted),
    version: BigInt(row.version),
  };
}

function pendingFromRow(row: IGetPendingTransfersResult): PendingState {
  // A reservation the sweeper voided reads as expired, not as voided by someone.
  const expired = row.expired || row.resolved_by_expiry === true;
  return {
    transfer: storedFromRow(row),
    open: row.open,
    expired,
    resolution: row.resolved_by_post ? 'posted' : row.resolved_by_void && !expired ? 'voided' : undefined,
  };
}

/** The spend state lockAccounts read with an account, if the account has a policy. */
function spendFromRow(row: ILockAccountsResult): SpendState | undefined {
  if (row.spend_window === null || row.spend_limit === null || row.alert_ratio_bp === null || row.window_start === null) return undefined;
  return {
    window: row.spend_window === 'WEEKLY' ? 'WEEKLY' : 'DAILY',
    limit: BigInt(row.spend_limit),
    alertRatioBp: BigInt(row.alert_ratio_bp),
    approvalThreshold: row.approval_threshold === null ? null : BigInt(row.approval_threshold),
    windowStart: row.window_start,
    debited: BigInt(row.window_debited),
    alerted: row.window_alerted,
  };
}

/** The accounts a batch locked, as it left them, and which of them have a spend policy. */
export interface LockedAccounts {
  accounts: AccountState[];
  withPolicy: Set<string>;
}

/** From this many transfers on, a batch is applied "insert first" when it can be (see
 *  writeCarefully). Below it, the careful way costs next to nothing. */
export const INSERT_FIRST_FROM = 256;

/** An insert-first batch had a transfer that did not apply: it is rolled back and run carefully. */
export class NotAllApplied extends Error {
  constructor() {
    super('a transfer of an insert-first batch did not apply; run the batch again carefully');
  }
}

/** An insert-first attempt failed in a way the careful way answers with per-transfer results: a
 *  transfer that did not apply, or a transfer row the database refused (an id or external ref
 *  already used, an account that does not exist). Nothing was applied. */
export function mustRunCarefully(err: unknown): boolean {
  return err instanceof NotAllApplied || (err instanceof pg.DatabaseError && err.code?.startsWith('23') === true);
}

/** A careful batch: several independent requests' transfers (`groups`), applied together. */
export interface CarefulBatch {
  tenantId: string;
  groups: Transfer[][];
  /** Further accounts to lock, so that their expired reservations are voided too. */
  alsoTouch?: string[];
  /** Write the transfers before the lock, assuming every one applies (see below). */
  insertFirst?: boolean;
}

export interface CarefulOutcome {
  /** One result per transfer per request, in request order. */
  results: R[][];
  locked: LockedAccounts;
}

/**
 * Several independent requests' transfers in one transaction: one lock statement and one write
 * for all of them, one result per transfer per request, in request order. A linked chain never
 * crosses from one group into the next. `alsoTouch` names further accounts to lock, so that their
 * expired reservations are voided too: with no transfers, that is the expiry sweeper. It answers
 * with the results and the locked accounts as the batch left them.
 *
 * `insertFirst` applies a batch of new plain or pending transfers (nothing posted or voided) on
 * the assumption that every one of them applies, as they almost always do: their rows are written
 * in the same round trip as the lock, just before it, so that this work overlaps another batch's
 * turn with the accounts instead of adding to it, and their ids are not looked up. If one does not
 * apply (or the database refuses a row: a replayed id, an external ref in use, a missing account),
 * the call throws before anything commits (mustRunCarefully(err) holds) and the caller runs the
 * batch again carefully, which gives each transfer its result. A batch that does not qualify is
 * applied carefully at once.
 *
 * A row written before the lock can make a transaction wait for another that writes the same id,
 * and so, rarely, deadlock with one that holds the accounts: PostgreSQL then aborts one of the two
 * and it is retried (40P01, see db/tx.ts).
 */
export async function writeCarefully(client: TxClient, { tenantId, groups, alsoTouch = [], insertFirst = false }: CarefulBatch): Promise<CarefulOutcome> {
  const transfers = groups.flat();
  const groupEnds = groupEndsOf(groups);
  const judged = transfers.map(staticCheck);
  const candidates = judged.filter((c): c is Candidate => typeof c !== 'number');
  const first: TransferRow[] | undefined =
    insertFirst && alsoTouch.length === 0 && candidates.length === judged.length && mayInsertFirst(groups)
      ? candidates.map((c) => ({ ...c, amount: c.amount! }))
      : undefined;
  const uuids = (values: string[]) => [...new Set(values.filter((v) => UUID.test(v)))];
  // Sent in binary to both statements that take it, each as uuid[].
  const accountIds = binary('uuid', uuids([...candidates.flatMap((c) => [c.debitAccountId, c.creditAccountId]), ...alsoTouch]));
  const pendingIds = uuids(candidates.map((c) => c.pendingId));
  // Inserted first, the rows' unique indexes stand for the lookups of ids and external refs.
  const refs = first ? [] : [...new Set(candidates.map((c) => c.externalRef).filter((r) => r !== ''))];

  // Statements with nothing to look up are left out of the round trip.
  const looked = await client.pipeline([
    ...(first ? [await statementOf(insertTransfers, insertParams(tenantId, first))] : []),
    await statementOf(lockAccounts, { tenantId, accountIds, pendingIds }),
    await statementOf(transactionTime, undefined),
    await statementOf(getExpiredReservations, { tenantId, accountIds, pendingIds }),
    await statementOf(getTransfersByIds, { tenantId, ids: first ? [] : uuids(candidates.map((c) => c.id)) }),
    ...(pendingIds.length > 0 ? [await statementOf(getPendingTransfers, { tenantId, ids: pendingIds })] : []),
    ...(refs.length > 0 ? [await statementOf(findExternalRefs, { tenantId, refs })] : []),
  ]);
  if (first) looked.shift();
  const [lockedRows, timeRows, expiredRows, existingRows] = looked;
  const optional = looked.slice(4);
  const locked = lockedRows as unknown as ILockAccountsResult[];
  const pendingRows = pendingIds.length > 0 ? optional.shift()! : [];
  const refRows = refs.length > 0 ? optional.shift()! : [];
  const state = new BatchState(
    new Map(locked.map((r) => [r.id, accountFromRow(r)])),
    new Map((pendingRows as unknown as IGetPendingTransfersResult[]).map((r) => [r.id, pendingFromRow(r)])),
    new Map((refRows as Array<{ id: string; external_ref: string }>).map((r) => [r.external_ref, r.id])),
    new Map(locked.flatMap((r) => {
      const spend = spendFromRow(r);
      return spend ? [[r.id, spend] as const] : [];
    })),
    (timeRows[0] as { now: Date }).now,
  );
  const existing = new Map((existingRows as unknown as IGetTransfersByIdsResult[]).map((r) => [r.id, storedFromRow(r)]));

  voidExpired(state, expiredRows as unknown as ExpiredReservation[]);
  const results = applyInOrder(judged, state, existing, groupEnds);
  if (first && results.some((r) => r !== R.OK)) throw new NotAllApplied();
  await write(client, tenantId, state, new Set(first?.map((t) => t.id)));
  let start = 0;
  return {
    results: groups.map((g) => results.slice(start, (start += g.length))),
    locked: { accounts: [...state.accounts.values()], withPolicy: new Set(state.policies.keys()) },
  };
}

/** Writes the batch's outcome and commits. `written` holds the ids already written (insert first). */
async function write(client: TxClient, tenantId: string, s: BatchState, written: Set<string>): Promise<void> {
  if (s.created.size === 0) return;
  const postings = [...s.created.values()];
  const transfers = postings.map((p) => p.transfer);
  const unwritten = transfers.filter((t) => !written.has(t.id));
  const windows = [...s.windowChanges.values()];
  const spent = windows.filter((w) => w.delta > 0n);
  const released = windows.filter((w) => w.delta < 0n);
  await client.commitWith([
    ...(unwritten.length > 0 ? [await statementOf(insertTransfers, insertParams(tenantId, unwritten))] : []),
    await statementOf(writePostings, {
      tenantId,
      ...postingParams(postings, s.accounts),
      resolvedPendingIds: s.resolvedPendingIds,
      sAccountIds: spent.map((w) => w.accountId),
      sWindowStarts: spent.map((w) => w.windowStart),
      sDeltas: spent.map((w) => w.delta.toString()),
      rAccountIds: released.map((w) => w.accountId),
      rWindowStarts: released.map((w) => w.windowStart),
      rAmounts: released.map((w) => (-w.delta).toString()),
      aAccountIds: s.alerts.map((a) => a.accountId),
      aWindowStarts: s.alerts.map((a) => a.windowStart),
      aSpent: s.alerts.map((a) => a.spent.toString()),
      aLimits: s.alerts.map((a) => a.limit.toString()),
      aTransferIds: s.alerts.map((a) => a.transferId),
    }),
  ]);
}
