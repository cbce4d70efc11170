// LedgerView on its own (no database): what it remembers, and the order in which decided and
// careful batches of one tenant take their turns.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { CreateTransferResult as R, TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { AccountState } from '../src/services/ledger/create-transfers.js';
import { DecidedTooEarly, LedgerView, type BatchWays, type DecidedBatch } from '../src/services/ledger/speculative.js';

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

/** A gate a test opens (or fails) when it chooses. */
function gate() {
  let open!: () => void;
  let fail!: (err: unknown) => void;
  const passed = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { passed, open, fail };
}

describe('LedgerView: the balances a process expects, and the order of its batches', () => {
  const [a, b] = [randomUUID(), randomUUID()];
  let events: string[];
  /** Ways that log what runs; `decided` and `careful` wait for the given gates. */
  const ways = (name: string, opts: { decided?: Promise<void>; careful?: Promise<void>; onDecided?: (d: DecidedBatch) => void } = {}): BatchWays<string> => ({
    mayDecide: () => true,
    decided: async (d) => {
      events.push(`${name} decided`);
      opts.onDecided?.(d);
      await opts.decided;
      events.push(`${name} committed`);
    },
    careful: async () => {
      events.push(`${name} careful`);
      await opts.careful;
      events.push(`${name} careful done`);
      return { results: `${name}: careful` };
    },
  });
  beforeEach(() => (events = []));

  it('keeps the newer of two reports of an account, and never decides on an account with a spend policy', async () => {
    const view = new LedgerView();
    view.learn({ accounts: [account(a, 5n, 100n), account(b, 1n)], withPolicy: new Set() });
    view.learn({ accounts: [account(a, 4n, 0n)], withPolicy: new Set() });
    // Version 5 holds 100, so a can pay 100 but not 101.
    expect(await view.run([[transfer(a, b, '101')]], ways('overdraft'))).to.equal('overdraft: careful');
    let expected: bigint | undefined;
    expect(await view.run([[transfer(a, b, '100')]], ways('spend', { onDecided: (d) => (expected = d.expected.get(a)?.version) }))).to.deep.equal([[R.OK]]);
    expect(expected).to.equal(5n);

    view.learn({ accounts: [account(a, 9n, 100n)], withPolicy: new Set([a]) });
    expect(await view.run([[transfer(a, b, '1')]], ways('policy'))).to.equal('policy: careful');
  });

  it('a batch is decided only once the careful batches before it have committed, and from what they left', async () => {
    const view = new LedgerView();
    view.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const first = gate();
    // A careful batch that leaves a at version 2 with 50 credited.
    const careful = view.run([], {
      ...ways('careful'),
      careful: async () => {
        await first.passed;
        return { results: 'done', locked: { accounts: [account(a, 2n, 50n)], withPolicy: new Set<string>() } };
      },
    });
    let expected: bigint | undefined;
    // Against version 1 (10 credited) the 40 would not apply; against version 2 (50) it does.
    const decided = view.run([[transfer(a, b, '40')]], ways('spend', { onDecided: (d) => (expected = d.expected.get(a)?.version) }));
    await turn();
    expect(events).to.deep.equal([]);
    first.open();
    await careful;
    expect(await decided).to.deep.equal([[R.OK]]);
    expect(expected).to.equal(2n);
  });

  it('first come, first served: a careful batch waits for the decided ones before it, and later decided ones wait behind it', async () => {
    const view = new LedgerView();
    view.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const d1 = gate();
    const runs = [
      view.run([[transfer(a, b, '1')]], ways('d1', { decided: d1.passed })),
      view.run([], { ...ways('c2'), mayDecide: () => false }),
      view.run([[transfer(b, a, '1')]], ways('d3')),
    ];
    await turn();
    expect(events).to.deep.equal(['d1 decided']);
    d1.open();
    await Promise.all(runs);
    expect(events).to.deep.equal(['d1 decided', 'd1 committed', 'c2 careful', 'c2 careful done', 'd3 decided', 'd3 committed']);
  });

  it('a decided batch that fails runs the careful way ahead of the batches that came after it, and its accounts are forgotten', async () => {
    const view = new LedgerView();
    view.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const d1 = gate();
    const careful1 = gate();
    const fellBack: unknown[] = [];
    const runs = [
      view.run([[transfer(a, b, '1')]], { ...ways('d1', { decided: d1.passed, careful: careful1.passed }), fellBack: (err) => fellBack.push(err) }),
      view.run([], { ...ways('c2'), mayDecide: () => false }),
      view.run([[transfer(b, a, '1')]], ways('d3')),
    ];
    await turn();
    d1.fail(new DecidedTooEarly());
    await turn();
    // d1's careful run and c2 run side by side; d3 waits for both, and a is no longer known, so it
    // is not decided either.
    expect(events).to.deep.equal(['d1 decided', 'd1 careful', 'c2 careful', 'c2 careful done']);
    careful1.open();
    expect(await Promise.all(runs)).to.deep.equal(['d1: careful', 'c2: careful', 'd3: careful']);
    expect(fellBack).to.have.length(1);
    expect(events.slice(4)).to.deep.equal(['d1 careful done', 'd3 careful', 'd3 careful done']);
  });

  it('a batch that shares a transfer id or external ref with a decided batch in flight is not decided: it waits, then runs carefully', async () => {
    const view = new LedgerView();
    view.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const retried = transfer(a, b, '1');
    const withRef = create(TransferSchema, { id: randomUUID(), debitAccountId: b, creditAccountId: a, amount: '1', externalRef: '0xbeef' });
    const d1 = gate();
    const runs = [
      view.run([[retried, withRef]], ways('d1', { decided: d1.passed })),
      view.run([[retried]], ways('same id')),
      view.run([[create(TransferSchema, { ...withRef, id: randomUUID() })]], ways('same ref')),
    ];
    await turn();
    expect(events).to.deep.equal(['d1 decided']);
    d1.open();
    expect(await Promise.all(runs)).to.deep.equal([[[R.OK, R.OK]], 'same id: careful', 'same ref: careful']);
  });

  it('an error the careful way cannot answer reaches the caller, and the view forgets the batch', async () => {
    const view = new LedgerView();
    view.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const err = await view
      .run([[transfer(a, b, '1')]], { ...ways('d1'), decided: () => Promise.reject(new Error('connection lost')) })
      .catch((e: unknown) => e);
    expect((err as Error).message).to.equal('connection lost');
    expect(await view.run([[transfer(a, b, '1')]], ways('next'))).to.equal('next: careful');
    expect(view.idle).to.equal(true);
  });
});
