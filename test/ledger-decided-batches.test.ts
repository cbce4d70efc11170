// DecidedBatches on its own (no database): what it remembers, and the order in which decided and
// careful batches of one tenant take their turns.
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { CreateTransferResult as R, TransferSchema } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { AccountState } from '../src/services/ledger/state-machine.js';
import { DecidedBatches, type BatchWays } from '../src/services/ledger/decided-batches.js';
import { DecidedTooEarly, type DecidedBatch } from '../src/services/ledger/decided-write.js';

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

describe('DecidedBatches: the balances a process expects, and the order of its batches', () => {
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
    const batches = new DecidedBatches();
    batches.learn({ accounts: [account(a, 5n, 100n), account(b, 1n)], withPolicy: new Set() });
    batches.learn({ accounts: [account(a, 4n, 0n)], withPolicy: new Set() });
    // Version 5 holds 100, so a can pay 100 but not 101.
    expect(await batches.run([[transfer(a, b, '101')]], ways('overdraft'))).to.equal('overdraft: careful');
    let expected: bigint | undefined;
    expect(await batches.run([[transfer(a, b, '100')]], ways('spend', { onDecided: (d) => (expected = d.expected.get(a)?.version) }))).to.deep.equal([[R.OK]]);
    expect(expected).to.equal(5n);

    batches.learn({ accounts: [account(a, 9n, 100n)], withPolicy: new Set([a]) });
    expect(await batches.run([[transfer(a, b, '1')]], ways('policy'))).to.equal('policy: careful');
  });

  it('a batch is decided only once the careful batches before it have committed, and from what they left', async () => {
    const batches = new DecidedBatches();
    batches.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const first = gate();
    // A careful batch that leaves a at version 2 with 50 credited.
    const careful = batches.run([], {
      ...ways('careful'),
      careful: async () => {
        await first.passed;
        return { results: 'done', locked: { accounts: [account(a, 2n, 50n)], withPolicy: new Set<string>() } };
      },
    });
    let expected: bigint | undefined;
    // Against version 1 (10 credited) the 40 would not apply; against version 2 (50) it does.
    const decided = batches.run([[transfer(a, b, '40')]], ways('spend', { onDecided: (d) => (expected = d.expected.get(a)?.version) }));
    await turn();
    expect(events).to.deep.equal([]);
    first.open();
    await careful;
    expect(await decided).to.deep.equal([[R.OK]]);
    expect(expected).to.equal(2n);
  });

  it('first come, first served: a careful batch waits for the decided ones before it, and later decided ones wait behind it', async () => {
    const batches = new DecidedBatches();
    batches.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const d1 = gate();
    const runs = [
      batches.run([[transfer(a, b, '1')]], ways('d1', { decided: d1.passed })),
      batches.run([], { ...ways('c2'), mayDecide: () => false }),
      batches.run([[transfer(b, a, '1')]], ways('d3')),
    ];
    await turn();
    expect(events).to.deep.equal(['d1 decided']);
    d1.open();
    await Promise.all(runs);
    expect(events).to.deep.equal(['d1 decided', 'd1 committed', 'c2 careful', 'c2 careful done', 'd3 decided', 'd3 committed']);
  });

  it('a decided batch that fails runs the careful way, alongside the careful batches after it, and its accounts are forgotten', async () => {
    const batches = new DecidedBatches();
    batches.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const d1 = gate();
    const careful1 = gate();
    const fellBack: unknown[] = [];
    const runs = [
      batches.run([[transfer(a, b, '1')]], { ...ways('d1', { decided: d1.passed, careful: careful1.passed }), fellBack: (err) => fellBack.push(err) }),
      batches.run([], { ...ways('c2'), mayDecide: () => false }),
      batches.run([[transfer(b, a, '1')]], ways('d3')),
    ];
    await turn();
    expect(events).to.deep.equal(['d1 decided']);
    d1.fail(new DecidedTooEarly());
    await turn();
    // d1's careful run, c2 and d3 run side by side: a is no longer known, so d3 is not decided.
    expect([...events].sort()).to.deep.equal(['c2 careful', 'c2 careful done', 'd1 careful', 'd1 decided', 'd3 careful', 'd3 careful done']);
    careful1.open();
    expect(await Promise.all(runs)).to.deep.equal(['d1: careful', 'c2: careful', 'd3: careful']);
    expect(fellBack).to.have.length(1);
    expect(events.at(-1)).to.equal('d1 careful done');
  });

  it('a batch that shares a transfer id or external ref with a decided batch in flight is not decided: it waits, then runs carefully', async () => {
    const batches = new DecidedBatches();
    batches.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const retried = transfer(a, b, '1');
    const withRef = create(TransferSchema, { id: randomUUID(), debitAccountId: b, creditAccountId: a, amount: '1', externalRef: '0xbeef' });
    const d1 = gate();
    const runs = [
      batches.run([[retried, withRef]], ways('d1', { decided: d1.passed })),
      batches.run([[retried]], ways('same id')),
      batches.run([[create(TransferSchema, { ...withRef, id: randomUUID() })]], ways('same ref')),
    ];
    await turn();
    expect(events).to.deep.equal(['d1 decided']);
    d1.open();
    expect(await Promise.all(runs)).to.deep.equal([[[R.OK, R.OK]], 'same id: careful', 'same ref: careful']);
  });

  it('a throw while a batch is being decided, or from a callback, fails that batch alone; the turns go on', async () => {
    const batches = new DecidedBatches();
    batches.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const c0 = gate();
    const runs = [
      batches.run([], { ...ways('c0', { careful: c0.passed }), mayDecide: () => false }),
      // Queued behind c0, so these are decided inside wake(), when c0 ends.
      batches.run([[transfer(a, b, '1')]], { ...ways('throws deciding'), mayDecide: () => { throw new Error('mayDecide'); } }),
      batches.run([[transfer(a, b, '1')]], { ...ways('d2'), decided: () => Promise.reject(new DecidedTooEarly()), fellBack: () => { throw new Error('fellBack'); } }),
      batches.run([[transfer(a, b, '1')]], ways('d3')),
    ].map((p) => p.catch((e: unknown) => (e as Error).message));
    await turn();
    c0.open();
    // d3 was decided on top of d2 (these ways do not wait for `after`, as writeDecided does).
    expect(await Promise.all(runs)).to.deep.equal(['c0: careful', 'mayDecide', 'fellBack', [[R.OK]]]);
    expect(batches.idle).to.equal(true);
  });

  it('an error the careful way cannot answer reaches the caller, and what was expected of its accounts is forgotten', async () => {
    const batches = new DecidedBatches();
    batches.learn({ accounts: [account(a, 1n, 10n), account(b, 1n)], withPolicy: new Set() });
    const err = await batches
      .run([[transfer(a, b, '1')]], { ...ways('d1'), decided: () => Promise.reject(new Error('connection lost')) })
      .catch((e: unknown) => e);
    expect((err as Error).message).to.equal('connection lost');
    expect(await batches.run([[transfer(a, b, '1')]], ways('next'))).to.equal('next: careful');
    expect(batches.idle).to.equal(true);
  });
});
