// The parameters of the ledger's write functions, as parallel columns. Ids, amounts and balances
// go to PostgreSQL in binary (src/db/binary-arrays.ts), which it copies instead of parsing; a
// column whose values are all its default goes empty, and the SQL reads it back as defaults.
import { binary } from '../../db/binary-arrays.js';
import { balanceChecksum, type AccountState, type Posting } from './state-machine.js';
import type { TransferRow } from './transfer-checks.js';

/** A column for insertTransfers: empty when every value is the column's default, which the SQL
 *  reads back as all defaults (most transfers have no flags, code, external ref or metadata). */
function column<T>(rows: TransferRow[], value: (t: TransferRow) => T, fallback: T): T[] {
  return rows.every((t) => value(t) === fallback) ? [] : rows.map(value);
}

/** insertTransfers' columns, sent in binary (PostgreSQL parses no text for them). */
export function insertParams(tenantId: string, rows: TransferRow[]) {
  return {
    tenantId,
    ids: binary('uuid', rows.map((t) => t.id)),
    debitIds: binary('uuid', rows.map((t) => t.debitAccountId)),
    creditIds: binary('uuid', rows.map((t) => t.creditAccountId)),
    amounts: binary('numeric', rows.map((t) => t.amount.toString())),
    pendingIds: binary('uuid', column(rows, (t) => t.pendingId || null, null) as string[]),
    linked: binary('bool', column(rows, (t) => t.linked, false)),
    pending: binary('bool', column(rows, (t) => t.pending, false)),
    postPending: binary('bool', column(rows, (t) => t.postPending, false)),
    voidPending: binary('bool', column(rows, (t) => t.voidPending, false)),
    timeouts: binary('int4', column(rows, (t) => t.timeoutSeconds, 0)),
    codes: binary('int4', column(rows, (t) => t.code, 0)),
    externalRefs: binary('text', column(rows, (t) => t.externalRef || null, null) as string[]),
    metadata: binary('text', column(rows, (t) => JSON.stringify(t.metadata), '{}')),
  };
}

/** Each posting's transfer and movement, in batch order, and the checksum of the balances they
 *  lead to: what the write functions compute entries and balances from. */
export function postingParams(postings: Posting[], accounts: Map<string, AccountState>) {
  const transfers = postings.map((p) => p.transfer);
  return {
    tIds: binary('uuid', transfers.map((t) => t.id)),
    tDebitIds: binary('uuid', transfers.map((t) => t.debitAccountId)),
    tCreditIds: binary('uuid', transfers.map((t) => t.creditAccountId)),
    tPending: binary('bool', column(transfers, (t) => t.pending, false)),
    tPendingDeltas: binary('numeric', postings.map((p) => p.pendingDelta.toString())),
    tPostedDeltas: binary('numeric', postings.map((p) => p.postedDelta.toString())),
    expectedChecksum: balanceChecksum(postings, accounts).toString(),
  };
}

/** Accounts' versions and balances as parallel columns, sent in binary. */
export function balanceColumns(accounts: AccountState[]) {
  const column = (value: (a: AccountState) => bigint) => binary('numeric', accounts.map((a) => value(a).toString()));
  return {
    versions: binary('int8', accounts.map((a) => a.version.toString())),
    debitsPending: column((a) => a.debitsPending),
    debitsPosted: column((a) => a.debitsPosted),
    creditsPending: column((a) => a.creditsPending),
    creditsPosted: column((a) => a.creditsPosted),
  };
}

/** The columns under the names the other statements give them: aVersions, newDebitsPending... */
export function prefixed<P extends string>(prefix: P, columns: ReturnType<typeof balanceColumns>) {
  const name = <K extends string>(key: K) => `${prefix}${key[0].toUpperCase()}${key.slice(1)}` as `${P}${Capitalize<K>}`;
  return Object.fromEntries(Object.entries(columns).map(([key, values]) => [name(key), values])) as {
    [K in keyof typeof columns as `${P}${Capitalize<K>}`]: string[];
  };
}
