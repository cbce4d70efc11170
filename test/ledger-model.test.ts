// Model-based property test: random batches (plain, pending, post, void, replays, linked chains)
// run against a small reference ledger (test/support/ledger-model.ts) and against the service,
// once through its API and once as its state machine alone; after every batch every result code
// and every balance must agree.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'chai';
import { create } from '@bufbuild/protobuf';
import { CreateTransferResult as R, LedgerService, OwnerType, TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { applyInOrder, BatchState, groupEndsOf, type AccountState, type PendingState } from '../src/services/ledger/state-machine.js';
import { staticCheck, type StoredTransfer } from '../src/services/ledger/transfer-checks.js';
import { newTenant } from './support/fixtures.js';
import { assertLedgerInvariants } from './support/ledger.js';
import { ModelLedger, type SentTransfer } from './support/ledger-model.js';

interface Op {
  kind: 'plain' | 'pending' | 'post' | 'void' | 'replay';
  debit: number;
  credit: number;
  amount: number;
  /** For post/void/replay: which earlier transfer (index into the history of sent transfers). */
  ref: number;
  /** For post: post the whole amount when false. */
  partial: boolean;
  linked: boolean;
}

const opArbitrary: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom<Op['kind']>('plain', 'plain', 'pending', 'post', 'void', 'replay'),
  debit: fc.nat({ max: 3 }),
  credit: fc.nat({ max: 3 }),
  amount: fc.integer({ min: 1, max: 20 }), // small, so guarded accounts often spend exactly what they hold
  ref: fc.nat({ max: 1_000 }),
  partial: fc.boolean(),
  linked: fc.boolean(),
});

/** The transfers a batch of ops sends: posts, voids and replays refer to `history` (the transfers
 *  applied so far) and to the batch's own earlier pending transfers. */
function batchOf(ops: Op[], history: SentTransfer[], ids: string[]): SentTransfer[] {
  const batch: SentTransfer[] = [];
  for (const op of ops) {
    const flags = { linked: op.linked, pending: false, postPending: false, voidPending: false };
    const pendings = [...history, ...batch].filter((x) => x.flags.pending);
    let transfer: SentTransfer;
    if ((op.kind === 'post' || op.kind === 'void') && pendings.length > 0) {
      const target = pendings[op.ref % pendings.length];
      transfer = {
        id: randomUUID(),
        debitAccountId: '',
        creditAccountId: '',
        amount: op.kind === 'post' && op.partial ? String(1 + (op.amount % Number(target.amount))) : '',
        pendingId: target.id,
        flags: { ...flags, [op.kind === 'post' ? 'postPending' : 'voidPending']: true },
      };
    } else if (op.kind === 'replay' && history.length > 0) {
      const earlier = history[op.ref % history.length];
      transfer = { ...earlier, flags: { ...earlier.flags, linked: op.linked && earlier.flags.linked } };
      if (transfer.flags.linked !== earlier.flags.linked) transfer = earlier;
    } else {
      const credit = op.debit === op.credit ? (op.credit + 1) % 4 : op.credit;
      transfer = {
        id: randomUUID(),
        debitAccountId: ids[op.debit],
        creditAccountId: ids[credit],
        amount: String(op.amount),
        pendingId: '',
        flags: { ...flags, pending: op.kind === 'pending' },
      };
    }
    batch.push(transfer);
  }
  return batch;
}

/** The service's own state machine (state-machine.ts) driven directly, with no database: each
 *  batch starts from what the previous ones left, as the careful write's reads would give it. */
class StateMachineLedger {
  accounts = new Map<string, AccountState>();
  private readonly stored = new Map<string, StoredTransfer>();
  private pendings = new Map<string, PendingState>();

  apply(batch: SentTransfer[]): R[] {
    const state = new BatchState(
      new Map([...this.accounts].map(([id, a]) => [id, { ...a }])),
      new Map([...this.pendings].map(([id, p]) => [id, { ...p }])),
      new Map(),
      new Map(),
      new Date(),
    );
    const transfers = batch.map((t) => create(TransferSchema, t));
    const results = applyInOrder(transfers.map(staticCheck), state, this.stored, groupEndsOf([transfers]));
    this.accounts = state.accounts;
    this.pendings = state.pendings;
    for (const { transfer } of state.created.values()) this.stored.set(transfer.id, transfer);
    return results;
  }
}

describe('ledger model (fast-check)', () => {
  it('random batches agree with the reference ledger in every result and every balance', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(opArbitrary, { minLength: 1, maxLength: 10 }), { minLength: 2, maxLength: 6 }), async (batches) => {
        const t = await newTenant();
        const ledger = t.client(LedgerService);
        const model = new ModelLedger();
        const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
        // Account 0 is an unguarded treasury; the others cannot spend more than they received.
        await ledger.createAccounts({
          accounts: ids.map((id, i) => ({
            id,
            asset: 'USDC',
            assetScale: 6,
            owner: { type: OwnerType.EXTERNAL, id: `a${i}` },
            flags: { debitsMustNotExceedCredits: i > 0 },
          })),
        });
        ids.forEach((id, i) => model.accounts.set(id, { guarded: i > 0, debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n }));
        const history: SentTransfer[] = [];

        for (const ops of batches) {
          const batch = batchOf(ops, history, ids);
          const { results } = await ledger.createTransfers({ transfers: batch });
          const expected = model.apply(batch);
          expect(results.map((r) => R[r.result]), JSON.stringify(batch)).to.deep.equal(expected.map((r) => R[r]));
          history.push(...batch.filter((_, i) => expected[i] === R.OK));
          for (const [i, id] of ids.entries()) {
            const { account } = await ledger.getAccount({ id });
            const want = model.accounts.get(id)!;
            expect(
              [account!.debitsPending, account!.debitsPosted, account!.creditsPending, account!.creditsPosted],
              `account ${i} after ${JSON.stringify(batch)}`,
            ).to.deep.equal([want.debitsPending, want.debitsPosted, want.creditsPending, want.creditsPosted].map(String));
          }
        }
        await assertLedgerInvariants(t.tenant.id);
      }),
      { numRuns: 60 },
    );
  });

  it("the service's state machine, driven directly, agrees with the reference ledger in every result and every balance", () => {
    fc.assert(
      fc.property(fc.array(fc.array(opArbitrary, { minLength: 1, maxLength: 10 }), { minLength: 2, maxLength: 8 }), (batches) => {
        const model = new ModelLedger();
        const machine = new StateMachineLedger();
        const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
        ids.forEach((id, i) => {
          model.accounts.set(id, { guarded: i > 0, debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n });
          machine.accounts.set(id, {
            id,
            asset: 'USDC',
            debitsMustNotExceedCredits: i > 0,
            creditsMustNotExceedDebits: false,
            closed: false,
            debitsPending: 0n,
            debitsPosted: 0n,
            creditsPending: 0n,
            creditsPosted: 0n,
            version: 0n,
          });
        });
        const history: SentTransfer[] = [];
        for (const ops of batches) {
          const batch = batchOf(ops, history, ids);
          const expected = model.apply(batch);
          expect(machine.apply(batch).map((r) => R[r]), JSON.stringify(batch)).to.deep.equal(expected.map((r) => R[r]));
          history.push(...batch.filter((_, i) => expected[i] === R.OK));
          for (const id of ids) {
            const [want, got] = [model.accounts.get(id)!, machine.accounts.get(id)!];
            expect([got.debitsPending, got.debitsPosted, got.creditsPending, got.creditsPosted]).to.deep.equal([
              want.debitsPending,
              want.debitsPosted,
              want.creditsPending,
              want.creditsPosted,
            ]);
          }
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
