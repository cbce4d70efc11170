// Shared by the tests of decided batches: a tenant with three accounts whose balances a group
// commit has learnt, and a Database that records which ledger functions each round trip calls.
import { randomUUID } from 'node:crypto';
import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { LedgerService, OwnerType, TransferSchema } from '../../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { Database, type TenantScope, type TxClient } from '../../src/db/tx.js';
import { GroupCommit } from '../../src/services/ledger/group-commit.js';
import { testEnv } from './environment.js';
import { newTenant, type TestTenant } from './fixtures.js';
import { recordingTrips } from './ledger.js';

/** A Database that records, for each round trip of its tenant transactions, the ledger functions
 *  it calls (and COMMIT). */
export class RecordingDatabase extends Database {
  readonly trips: string[][] = [];

  override tenantTx<T>(scope: TenantScope, work: (client: TxClient) => Promise<T>, attempts?: number): Promise<T> {
    return super.tenantTx(scope, (client) => work(recordingTrips(client, this.trips)), attempts);
  }

  /** The round trips since the last call. */
  take(): string[][] {
    return this.trips.splice(0);
  }
}

export const DECIDED = ['write_decided', 'settle_balances', 'COMMIT'];
/** Whether the round trips show a decided attempt, and a careful run (which locks to read). */
export const ways = (trips: string[][]) => ({
  decided: trips.some((t) => t.includes('write_decided')),
  careful: trips.some((t) => t.includes('lock_accounts')),
});

export interface DecidedSetup {
  t: TestTenant;
  /** Two plain accounts and one that cannot spend more than it received. */
  a: string;
  b: string;
  capped: string;
  db: RecordingDatabase;
  /** A group commit over `db` that knows the three accounts' balances. */
  groupCommit: GroupCommit;
}

export async function decidedSetup(): Promise<DecidedSetup> {
  const t = await newTenant();
  const [a, b, capped] = [randomUUID(), randomUUID(), randomUUID()];
  const { results } = await t.client(LedgerService).createAccounts({
    accounts: [a, b, capped].map((id) => ({
      id,
      asset: 'USDC',
      assetScale: 6,
      owner: { type: OwnerType.EXTERNAL, id: 'test' },
      flags: { debitsMustNotExceedCredits: id === capped },
    })),
  });
  expect(results.map((r) => r.result)).to.deep.equal([1, 1, 1]);
  const db = new RecordingDatabase(testEnv().pool);
  const groupCommit = new GroupCommit(db);
  // A careful batch that locks the three accounts teaches it their balances.
  await groupCommit.sweep(scopeOf(t), [a, b, capped]);
  db.take();
  return { t, a, b, capped, db, groupCommit };
}

export const scopeOf = (t: TestTenant): TenantScope => ({ tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 10_000 });

export const transfer = (debitAccountId: string, creditAccountId: string, amount: string, extra: MessageInitShape<typeof TransferSchema> = {}) =>
  create(TransferSchema, { id: randomUUID(), debitAccountId, creditAccountId, amount, ...extra });

/** Another server instance: its own group commit, its own expected balances. */
export const elsewhere = (t: TestTenant, ...transfers: ReturnType<typeof transfer>[]) => new GroupCommit(new Database(testEnv().pool, { namedStatements: testEnv().namedStatements })).submit(scopeOf(t), transfers);

export async function balancesOf(t: TestTenant, id: string) {
  const { rows } = await testEnv().pool.query(
    'SELECT version::int AS version, debits_pending::text AS dpe, debits_posted::text AS dp, credits_pending::text AS cpe, credits_posted::text AS cp FROM ledger_accounts WHERE tenant_id = $1 AND id = $2',
    [t.tenant.id, id],
  );
  return rows[0] as { version: number; dpe: string; dp: string; cpe: string; cp: string };
}
