// A transfer's checks that need nothing from the database, in the precedence of the
// CreateTransferResult enum, and the comparison of a replayed id with the transfer stored under it.
import type { JsonObject } from '@bufbuild/protobuf';
import { CreateTransferResult as R, type Transfer } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import { canonicalJson } from '../../lib/canonical.js';
import { MAX_METADATA_BYTES } from '../../lib/validate.js';
import { AMOUNT, UUID } from './formats.js';

/** A transfer that passed the static checks, normalised. */
export interface Candidate {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  /** null: post the whole pending amount, or void (amount taken from the pending transfer). */
  amount: bigint | null;
  pendingId: string;
  linked: boolean;
  pending: boolean;
  postPending: boolean;
  voidPending: boolean;
  timeoutSeconds: number;
  code: number;
  externalRef: string;
  metadata: JsonObject;
}

/** A transfer row as written. */
export type TransferRow = Omit<Candidate, 'amount'> & { amount: bigint };

/** What is stored for a transfer, enough to answer replays and resolve pending ones. */
export type StoredTransfer = TransferRow & {
  /** Decides the spend window a later release of a reservation belongs to. */
  createTime: Date;
};

/** A \u0000 escape in JSON text: the escape's backslash is not itself escaped. */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

export function staticCheck(t: Transfer): R | Candidate {
  const id = t.id.toLowerCase();
  if (id === '') return R.ID_MUST_NOT_BE_EMPTY;
  if (!UUID.test(id)) return R.ID_INVALID;
  const f = t.flags;
  const pending = f?.pending ?? false;
  const postPending = f?.postPending ?? false;
  const voidPending = f?.voidPending ?? false;
  if (Number(pending) + Number(postPending) + Number(voidPending) > 1) return R.FLAGS_ARE_MUTUALLY_EXCLUSIVE;
  const resolves = postPending || voidPending;
  const debitAccountId = t.debitAccountId.toLowerCase();
  const creditAccountId = t.creditAccountId.toLowerCase();
  if (!resolves && debitAccountId === '') return R.DEBIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY;
  if (!resolves && creditAccountId === '') return R.CREDIT_ACCOUNT_ID_MUST_NOT_BE_EMPTY;
  if (debitAccountId !== '' && debitAccountId === creditAccountId) return R.ACCOUNTS_MUST_BE_DIFFERENT;
  const pendingId = t.pendingId.toLowerCase();
  if (!resolves && pendingId !== '') return R.PENDING_ID_MUST_BE_EMPTY;
  if (resolves && pendingId === '') return R.PENDING_ID_MUST_NOT_BE_EMPTY;
  if (resolves && pendingId === id) return R.PENDING_ID_MUST_BE_DIFFERENT;
  if (t.timeoutSeconds < 0 || (t.timeoutSeconds > 0 && !pending)) return R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER;
  let amount: bigint | null = null;
  if (t.amount !== '' || !resolves) {
    if (!AMOUNT.test(t.amount)) return R.AMOUNT_INVALID;
    amount = BigInt(t.amount);
    if (amount === 0n) {
      if (!resolves) return R.AMOUNT_MUST_NOT_BE_ZERO;
      amount = null;
    }
  }
  // PostgreSQL text and jsonb cannot hold U+0000.
  if (t.externalRef.length > 200 || t.externalRef.includes('\u0000')) return R.METADATA_INVALID;
  const metadata = t.metadata ?? {};
  const json = JSON.stringify(metadata);
  if (Buffer.byteLength(json) > MAX_METADATA_BYTES || ESCAPED_NUL.test(json)) return R.METADATA_INVALID;
  return {
    id,
    debitAccountId,
    creditAccountId,
    amount,
    pendingId,
    linked: f?.linked ?? false,
    pending,
    postPending,
    voidPending,
    timeoutSeconds: t.timeoutSeconds,
    code: t.code,
    externalRef: t.externalRef,
    metadata,
  };
}

/** A replayed id: identical fields are EXISTS, otherwise the first differing field. */
export function compareWithExisting(t: Candidate, e: StoredTransfer, pendingAmount: bigint | undefined): R {
  if (t.linked !== e.linked || t.pending !== e.pending || t.postPending !== e.postPending || t.voidPending !== e.voidPending) {
    return R.EXISTS_WITH_DIFFERENT_FLAGS;
  }
  if (t.pendingId !== e.pendingId) return R.EXISTS_WITH_DIFFERENT_PENDING_ID;
  if (t.timeoutSeconds !== e.timeoutSeconds) return R.EXISTS_WITH_DIFFERENT_TIMEOUT;
  if (t.debitAccountId !== '' && t.debitAccountId !== e.debitAccountId) return R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID;
  if (t.creditAccountId !== '' && t.creditAccountId !== e.creditAccountId) return R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID;
  const wanted = t.amount ?? pendingAmount;
  if (wanted !== undefined && wanted !== e.amount) return R.EXISTS_WITH_DIFFERENT_AMOUNT;
  if (t.code !== e.code) return R.EXISTS_WITH_DIFFERENT_CODE;
  if (t.externalRef !== e.externalRef) return R.EXISTS_WITH_DIFFERENT_EXTERNAL_REF;
  if (canonicalJson(t.metadata) !== canonicalJson(e.metadata)) return R.EXISTS_WITH_DIFFERENT_METADATA;
  return R.EXISTS;
}

/** Whether a batch may be applied insert first: new plain or pending transfers between accounts
 *  named by valid ids (a row the database would refuse as malformed must not be sent before the
 *  state machine has judged it). Transfers that fail their static checks also send a batch the
 *  careful way; writeCarefully checks that itself. */
export function mayInsertFirst(groups: Transfer[][]): boolean {
  return groups.every((g) =>
    g.every((t) => !t.flags?.postPending && !t.flags?.voidPending && UUID.test(t.debitAccountId.toLowerCase()) && UUID.test(t.creditAccountId.toLowerCase())),
  );
}
