// The decided write: a batch decided before its accounts are locked (decided-batches.ts) writes
// its transfers and entries first, then settles its accounts' balances under their locks with the
// COMMIT. It fails, with nothing written, when anything differs from what it was decided on.
import pg from 'pg';
import { CreateTransferResult as R } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import { decidedLockTimeout, settleBalances, writeDecidedBatch } from '../../gen/sql/ledger/transfers.queries.js';
import type { TxClient } from '../../db/tx.js';
import { statementOf } from '../../db/pipeline.js';
import { binary } from '../../db/binary-arrays.js';
import { mustRunCarefully } from './careful-write.js';
import { checksumOf, type AccountState, type BatchState } from './state-machine.js';
import { balanceColumns, insertParams, prefixed } from './write-params.js';

/** SQLSTATE of a decided batch whose expectations do not hold (chimera.ledger_write_decided_entries,
 *  chimera.ledger_settle_balances). */
const EXPECTATION_FAILED = 'CH001';
/** SQLSTATE of a decided batch that gave up waiting for another writer's lock (decidedLockTimeout). */
const LOCK_NOT_AVAILABLE = '55P03';

/** A decided batch that did not commit: its own expectations failed, or those of a batch it was
 *  decided on top of. Nothing of it was written. */
export class DecidedTooEarly extends Error {
  constructor() {
    super('a batch this one was decided on top of did not commit; run it the careful way');
  }
}

/** Whether a decided batch failed in a way the careful way answers, with nothing written: its
 *  expectations did not hold (or those of a batch it was decided on), the database refused a row
 *  (an id or external ref already used, or the entry of an account version another writer took),
 *  it gave up waiting for another writer's lock, or it was chosen to break a deadlock (or a
 *  serialization failure). */
export function mustDecideCarefully(err: unknown): boolean {
  if (err instanceof DecidedTooEarly || mustRunCarefully(err)) return true;
  const code = err instanceof pg.DatabaseError ? err.code : undefined;
  return code === EXPECTATION_FAILED || code === LOCK_NOT_AVAILABLE || code === '40P01' || code === '40001';
}

/** A batch decided from the balances its tenant's DecidedBatches expects, ready to write. */
export interface DecidedBatch {
  /** One result per transfer per request: all OK. */
  results: R[][];
  state: BatchState;
  /** The touched accounts as the batch expects to find them, by id. */
  expected: Map<string, AccountState>;
  /** Batches still in flight whose outcome this one was decided on. */
  after: Promise<boolean>[];
  /** Resolves once this batch has committed (true) or failed (false). */
  outcome: Promise<boolean>;
  settle(committed: boolean): void;
  /** Its transfer ids and external refs (as "ref:..."). */
  keys: string[];
}

/**
 * Writes a decided batch and commits: the transfers and entries first, then, once the batches it
 * was decided on have committed, the settle of its balances with the COMMIT. With none in flight,
 * all in one round trip. It waits for no other writer's lock for more than a moment.
 */
export async function writeDecided(client: TxClient, tenantId: string, batch: DecidedBatch): Promise<void> {
  const transfers = [...batch.state.created.values()].map((p) => p.transfer);
  // In id order: the order the settle locks them in. Every one of them is changed (all transfers
  // applied), so these are also the accounts the checksum covers.
  const expected = [...batch.expected.values()].sort((x, y) => (x.id < y.id ? -1 : 1));
  // Marked binary once, and sent as uuid[] to both statements below (as are the balance columns).
  const ids = binary('uuid', expected.map((a) => a.id));
  const expectedColumns = balanceColumns(expected);
  const after = expected.map((a) => batch.state.accounts.get(a.id)!);
  const unlocked = await statementOf(writeDecidedBatch, {
    ...insertParams(tenantId, transfers),
    aIds: ids,
    ...prefixed('a', expectedColumns),
    expectedChecksum: checksumOf(after).toString(),
  });
  const settle = await statementOf(settleBalances, {
    tenantId,
    ids,
    ...expectedColumns,
    ...prefixed('new', balanceColumns(after)),
  });
  const noLongWaits = await statementOf(decidedLockTimeout, undefined);
  if (batch.after.length === 0) {
    await client.commitWith([noLongWaits, unlocked, settle]);
    return;
  }
  await client.pipeline([noLongWaits, unlocked]);
  if (!(await Promise.all(batch.after)).every(Boolean)) throw new DecidedTooEarly();
  await client.commitWith([settle]);
}
