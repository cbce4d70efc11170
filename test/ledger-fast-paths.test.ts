// The one switch for the ledger's fast paths (group commit, decided batches, insert first):
// CHIMERA_LEDGER_FAST_PATHS=false runs the plain path, each request in a transaction of its own.
// .ci/run runs the ledger suites both ways.
import { expect } from 'chai';
import { CreateTransferResult as R } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { loadConfig } from '../src/config.js';
import { Database, type TenantScope, type TxClient } from '../src/db/tx.js';
import { silentLogger } from '../src/lib/log.js';
import { PageTokens } from '../src/lib/page-token.js';
import { createLedgerModule } from '../src/services/ledger/module.js';
import { testEnv } from './support/environment.js';
import { decidedSetup, scopeOf, transfer } from './support/decided.js';
import { assertLedgerInvariants } from './support/ledger.js';

/** Counts the tenant transactions it runs. */
class CountingDatabase extends Database {
  transactions = 0;

  override tenantTx<T>(scope: TenantScope, work: (client: TxClient) => Promise<T>, attempts?: number): Promise<T> {
    this.transactions++;
    return super.tenantTx(scope, work, attempts);
  }
}

describe('the ledger fast paths switch', () => {
  it('on, concurrent calls of one key share a transaction; off, each call has its own, with the same results', async () => {
    const { t, a, b } = await decidedSetup();
    for (const fastPaths of [true, false]) {
      const db = new CountingDatabase(testEnv().pool);
      const ledger = createLedgerModule({ db, log: silentLogger, defaultTimeoutMs: 10_000, pageTokens: new PageTokens() }, { fastPaths, sweepIntervalMs: 0 });
      const calls = Array.from({ length: 8 }, (_, i) => ledger.transfers.submit(scopeOf(t), [transfer(a, b, String(i + 1))]));
      expect(await Promise.all(calls)).to.deep.equal(Array.from({ length: 8 }, () => [R.OK]));
      expect(db.transactions, fastPaths ? 'fast paths' : 'plain path').to.equal(fastPaths ? 1 : 8);
    }
    await assertLedgerInvariants(t.tenant.id);
  });

  it('is on unless CHIMERA_LEDGER_FAST_PATHS says false', () => {
    expect(loadConfig({}).ledgerFastPaths).to.equal(true);
    expect(loadConfig({ CHIMERA_LEDGER_FAST_PATHS: 'false' }).ledgerFastPaths).to.equal(false);
    expect(() => loadConfig({ CHIMERA_LEDGER_FAST_PATHS: 'maybe' })).to.throw('CHIMERA_LEDGER_FAST_PATHS must be true or false');
  });
});
