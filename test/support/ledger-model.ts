// The reference ledger of the model test (test/ledger-model.test.ts): the rules of the API restated
// as plainly as possible, with no database. The reliability run replays what the service
// acknowledged through it too (test/reliability/bank.test.ts).
import { CreateTransferResult as R } from '../../src/gen/proto/chimera/ledger/v1/ledger_pb.js';

export interface Balances {
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface ModelAccount extends Balances {
  guarded: boolean; // debits_must_not_exceed_credits
}

export interface SentTransfer {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: string;
  pendingId: string;
  flags: { linked: boolean; pending: boolean; postPending: boolean; voidPending: boolean };
}

/** The reference ledger: the rules of the API restated as plainly as possible. */
export class ModelLedger {
  accounts = new Map<string, ModelAccount>();
  transfers = new Map<string, SentTransfer & { applied: bigint }>();
  resolution = new Map<string, 'posted' | 'voided'>();

  apply(batch: SentTransfer[]): R[] {
    const results: R[] = [];
    let chainStart = 0;
    let saved = this.save();
    for (let i = 0; i < batch.length; i++) {
      if (i === chainStart) saved = this.save();
      const t = batch[i];
      const open = t.flags.linked && i === batch.length - 1;
      const r = open ? R.LINKED_EVENT_CHAIN_OPEN : this.one(t);
      results.push(r);
      const inChain = t.flags.linked || (i > chainStart && batch[i - 1].flags.linked);
      if (inChain && r !== R.OK && r !== R.EXISTS) {
        this.restore(saved);
        let end = i;
        while (end < batch.length - 1 && batch[end].flags.linked) end++;
        for (let k = chainStart; k <= end; k++) if (k !== i) results[k] = R.LINKED_EVENT_FAILED;
        results.length = end + 1;
        i = end;
      }
      if (!batch[i].flags.linked) chainStart = i + 1;
    }
    return results;
  }

  private one(t: SentTransfer): R {
    const resolves = t.flags.postPending || t.flags.voidPending;
    const p = resolves ? this.transfers.get(t.pendingId) : undefined;
    if (resolves) {
      if (!p) return R.PENDING_TRANSFER_NOT_FOUND;
      if (t.amount !== '' && BigInt(t.amount) > p.applied) return R.EXCEEDS_PENDING_TRANSFER_AMOUNT;
    }
    const existing = this.transfers.get(t.id);
    if (existing) return R.EXISTS; // the generator replays only identical transfers
    if (p) {
      const done = this.resolution.get(p.id);
      if (done === 'posted') return R.PENDING_TRANSFER_ALREADY_POSTED;
      if (done === 'voided') return R.PENDING_TRANSFER_ALREADY_VOIDED;
    }
    const debit = this.accounts.get(p ? p.debitAccountId : t.debitAccountId)!;
    const credit = this.accounts.get(p ? p.creditAccountId : t.creditAccountId)!;
    const release = p ? p.applied : 0n;
    const amount = p ? (t.flags.voidPending || t.amount === '' ? p.applied : BigInt(t.amount)) : BigInt(t.amount);
    const toPending = t.flags.pending ? amount : 0n;
    const toPosted = t.flags.pending || t.flags.voidPending ? 0n : amount;
    if (!p && debit.guarded && debit.debitsPending + debit.debitsPosted + amount > debit.creditsPosted) return R.EXCEEDS_CREDITS;
    debit.debitsPending += toPending - release;
    debit.debitsPosted += toPosted;
    credit.creditsPending += toPending - release;
    credit.creditsPosted += toPosted;
    this.transfers.set(t.id, { ...t, applied: amount });
    if (p) this.resolution.set(p.id, t.flags.postPending ? 'posted' : 'voided');
    return R.OK;
  }

  /** What a failed chain rolls back to. Transfers and resolutions are only ever added, and a Map
   *  keeps insertion order, so their sizes suffice: saving stays cheap however long the history
   *  (the reliability run replays thousands of transfers through one model). */
  private save() {
    return {
      accounts: new Map([...this.accounts].map(([k, v]) => [k, { ...v }])),
      transfers: this.transfers.size,
      resolution: this.resolution.size,
    };
  }

  private restore(s: ReturnType<ModelLedger['save']>) {
    this.accounts = s.accounts;
    for (const id of [...this.transfers.keys()].slice(s.transfers)) this.transfers.delete(id);
    for (const id of [...this.resolution.keys()].slice(s.resolution)) this.resolution.delete(id);
  }
}
