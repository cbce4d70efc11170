// LedgerView on its own (no database): what it remembers, and how decided and careful batches of
// one tenant take turns.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { CreateTransferResult as R, TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { AccountState } from '../src/services/ledger/create-transfers.js';
import { LedgerView, type DecidedBatch } from '../src/services/ledger/speculative.js';

const account = (id: string, version: bigint, creditsPosted = 0n): AccountState => ({
  id,
  asset: 'USDC',
  debitsMustNotExceedCredits: true,
  creditsMustNotExceedDebits: false,
  closed: false,
  debitsPending: 0n,
  debitsPosted: 0n,
  creditsPending: 0n,
  creditsPosted,
  version,
});
const transfer = (debitAccountId: string, creditAccountId: string, amount: string) =>
  create(TransferSchema, { id: randomUUID(), debitAccountId, creditAccountId, amount });
/** Resolves on the next turn of the event loop, after every pending promise reaction. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('LedgerView: the balances a process expects, and the order of its batches', () => {
  const [a, b] = [randomUUID(), randomUUID()];

  it('keeps the newer of two reports of an account, and never decides on an account with a spend policy', async () => {
    const view = new LedgerView();
    view.learn({ accounts: [account(a, 5n, 100n), account(b, 1n)], withPolicy: new Set() });
    view.learn({ accounts: [account(a, 4n, 0n)], withPolicy: new Set() });
    // Version 5 holds 100, so a can pay 100 but not 101.
    expect(await view.decide([[transfer(a, b, '101')]])).to.equal(undefined);
    const batch = await view.decide([[transfer(a, b, '100')]]);
    expect(batch?.results).to.deep.equal([[R.OK]]);
    expect(batch?.expected.get(a)?.version).to.equal(5n);
    await view.runDecided(batch!, async () => {});

    view.learn({ accounts: [account(a, 9n, 100n)], withPolicy: new Set([a]) });
    expect(await view.decide([[transfer(a, b, '1')]])).to.equal(undefined);
  });

  it('a batch is decided only once the careful batches in flight have committed, and from what they left', async () => {
    const view = new LedgerView();
    view.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    let finishCareful!: () => void;
    const careful = view.runCareful(
      () =>
        new Promise<void>((resolve) => {
          finishCareful = () => {
            view.learn({ accounts: [account(a, 2n, 50n)], withPolicy: new Set() });
            resolve();
          };
        }),
    );
    const seen: { done: boolean; batch?: DecidedBatch } = { done: false };
    const deciding = view.decide([[transfer(a, b, '40')]]).then((batch) => Object.assign(seen, { done: true, batch }));
    await turn();
    expect(seen.done).to.equal(false);
    finishCareful();
    await careful;
    await deciding;
    // Against version 1 (10 credited) the 40 would not apply; against version 2 (50) it does.
    expect(seen.batch?.expected.get(a)?.version).to.equal(2n);
  });

  it('a careful batch starts only once the decided batches in flight are done; a failed one is forgotten', async () => {
    const view = new LedgerView();
    view.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const batch = (await view.decide([[transfer(a, b, '5')]]))!;
    let fail!: (err: Error) => void;
    const running = view.runDecided(batch, () => new Promise<void>((_, reject) => (fail = reject)));
    let started = false;
    const careful = view.runCareful(async () => {
      started = true;
    });
    await turn();
    expect(started).to.equal(false);
    fail(new Error('refused'));
    await running.catch(() => {});
    await careful;
    expect(started).to.equal(true);
    expect(await batch.outcome).to.equal(false);
    expect(await view.decide([[transfer(a, b, '1')]]), 'a is no longer known').to.equal(undefined);
  });
});
