// The bank under faults: 32 gRPC clients move money between 20 accounts for RELIABILITY_SECONDS
// while their service connections are terminated, PostgreSQL is restarted and the service
// process is killed with SIGKILL and started again. Clients retry with the same transfer ids.
// Afterwards the database must hold exactly what was acknowledged, each transfer applied once,
// totals conserved per asset, no account outside its flags, and the model test's reference
// ledger, replaying the acknowledged transfers, must reach the same balances.
import { expect } from 'chai';
import pg from 'pg';
import { CreateTransferResult as R } from '../../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { assertLedgerInvariants } from '../support/ledger.js';
import type { SentTransfer } from '../support/ledger-model.js';
import { postgresBinaries } from '../support/scratch-cluster.js';
import { ASSETS, judge, openBank, startBankLoad, type Bank, type BankLoad } from './support/bank.js';
import { appliedOrder, compareWithAcknowledged, readStored, replayThroughModel } from './support/bank-checks.js';
import { reliabilitySettings, startFaults, type FaultInjector } from './support/faults.js';
import { byKind, report, type Figures } from './support/report.js';
import { serverFaults, sleep, startStage, type Stage } from './support/stage.js';

const CLIENTS = 32;

describe('reliability: the bank under faults', function () {
  const settings = reliabilitySettings();
  this.timeout(settings.seconds * 1_000 + 180_000);
  let stage: Stage | undefined;

  before(function () {
    if (!postgresBinaries()) {
      console.log("    skipped: no initdb/pg_ctl here (pg_config --bindir) to run a cluster of the test's own");
      this.skip();
    }
  });
  after(async () => {
    await stage?.close();
  });

  it(`${CLIENTS} clients retrying with the same ids through terminated connections, PostgreSQL restarts and kill -9 of the service: the ledger holds exactly what was acknowledged, once, and the reference ledger agrees`, async () => {
    const setUp = Date.now();
    stage = await startStage({});
    const bank: Bank = await openBank(stage.baseUrl);
    let terminated = 0;
    const started = Date.now();
    const load: BankLoad = startBankLoad(bank, stage.baseUrl, { clients: CLIENTS, callTimeoutMs: 10_000, giveUpMs: 90_000 });
    const faults: FaultInjector = startFaults({
      everyMs: settings.faultEveryMs,
      recovered: () => stage!.untilServing(60_000),
      faults: [
        { name: 'service connections terminated', inject: async () => void (terminated += await stage!.terminateConnections()) },
        { name: 'PostgreSQL restarted', inject: () => stage!.restartPostgres(1_000) },
        { name: 'service killed (SIGKILL) and restarted', inject: () => stage!.killService() },
      ],
    });
    // At least RELIABILITY_SECONDS, and until every kind of fault has happened once.
    await Promise.all([sleep(settings.seconds * 1_000), faults.rotated]);
    await faults.stop();
    await load.stop();
    const seconds = (Date.now() - started) / 1_000;
    const checking = Date.now();

    const failures: string[] = [...load.unexpected];
    const acknowledged: SentTransfer[][] = [];
    const refused = new Map<string, number>();
    for (const op of load.operations.filter((o) => o.results)) {
      const { acknowledged: taken, problem } = judge(op);
      if (problem) failures.push(`contradictory answer ${problem}`);
      if (taken) acknowledged.push(op.transfers);
      else for (const r of op.results!) refused.set(R[r], (refused.get(R[r]) ?? 0) + 1);
    }
    for (const [kind, n] of faults.counts) if (n === 0) failures.push(`no fault of kind "${kind}" was injected`);
    if (load.errors.size === 0) failures.push('no call failed: the faults did not reach the clients');

    const pool = new pg.Pool({ connectionString: stage.ownerUrl, max: 2 });
    let checks: Figures = {};
    try {
      await assertLedgerInvariants(bank.tenantId, pool).catch((err: Error) => failures.push(`ledger invariants: ${err.message}`));
      const stored = await readStored(pool, bank.tenantId);
      const compared = compareWithAcknowledged(stored, acknowledged.flat());
      for (const [kind, ids] of Object.entries(compared)) if (ids.length > 0) failures.push(`${ids.length} transfers ${kind}: ${ids.slice(0, 5).join(', ')}`);
      const replay = replayThroughModel(bank.accounts, appliedOrder(acknowledged, stored.versions), stored);
      for (const line of replay.refused.slice(0, 5)) failures.push(`the reference ledger refused ${line}`);
      for (const line of replay.differing) failures.push(`balances differ: ${line}`);
      checks = {
        'transfers stored': stored.transfers.size,
        'operations replayed through the reference ledger': acknowledged.length,
        'set-up and checks': `${((started - setUp) / 1_000).toFixed(1)} s and ${((Date.now() - checking) / 1_000).toFixed(1)} s`,
      };
    } finally {
      await pool.end();
    }

    const logged = serverFaults(stage.serviceOutput());
    if (failures.length > 0) for (const line of logged.unexpected.slice(0, 5)) console.log(`      server fault: ${line.slice(0, 2_000)}`);
    const sentTransfers = load.operations.reduce((n, o) => n + o.transfers.length, 0);
    const retried = load.operations.filter((o) => o.calls > 1);
    report(
      'bank under faults',
      {
        duration: `${seconds.toFixed(1)} s of load (at least ${settings.seconds} s, and every kind of fault once), ${CLIENTS} gRPC clients, ${bank.accounts.length} accounts in ${ASSETS.length} assets`,
        attempted: `${load.operations.length} operations (${sentTransfers} transfers, linked pairs included)`,
        acknowledged: `${acknowledged.length} operations (${acknowledged.flat().length} transfers)`,
        'refused by the ledger': byKind(refused),
        retried: `${retried.length} operations (${retried.reduce((n, o) => n + o.calls - 1, 0)} calls sent again); failed calls by code: ${byKind(load.errors)}`,
        'faults injected': `${byKind(faults.counts)} (${terminated} connections terminated in all)`,
        'server faults logged': byKind(logged.byCode),
        ...checks,
      },
      failures.length === 0 ? 'passed: every check held' : `FAILED: ${failures.length} problems, first: ${failures[0]}`,
    );
    expect(failures.slice(0, 20)).to.deep.equal([]);
    expect(acknowledged.length, 'operations acknowledged').to.be.greaterThan(100);
    expect(await stage.close(), 'the last service process stops cleanly').to.equal(0);
    stage = undefined;
  });
});
