import { expect } from 'chai';
import { Backoff } from '../src/services/ledger/group-commit.js';

describe('CreateTransfers: when large batches try insert first', () => {
  /** How the next `n` large batches of `key` would run: true = insert first. */
  const next = (b: Backoff, key: string, n: number) => Array.from({ length: n }, () => b.shouldTry(key));

  it('always, until an attempt falls back; then the skipped batches double with each fallback in a row, up to 64', () => {
    const b = new Backoff();
    expect(next(b, 'k', 3)).to.deep.equal([true, true, true]);
    b.fellBack('k');
    expect(next(b, 'k', 2)).to.deep.equal([false, true]);
    b.fellBack('k');
    expect(next(b, 'k', 3)).to.deep.equal([false, false, true]);
    b.fellBack('k');
    expect(next(b, 'k', 5)).to.deep.equal([false, false, false, false, true]);
    for (let i = 0; i < 10; i++) b.fellBack('k');
    expect(next(b, 'k', 65).filter((tried) => !tried)).to.have.length(64);
  });

  it('a success ends the backoff, and each key backs off on its own', () => {
    const b = new Backoff();
    b.fellBack('a');
    b.fellBack('a');
    expect(next(b, 'b', 1)).to.deep.equal([true]);
    b.succeeded('a');
    expect(next(b, 'a', 2)).to.deep.equal([true, true]);
    b.fellBack('a');
    expect(next(b, 'a', 2)).to.deep.equal([false, true]);
  });
});
