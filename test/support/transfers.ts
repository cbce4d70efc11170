// Shared by the transfer suites: a fresh tenant with a treasury, a wallet that cannot spend more
// than it received and another account before every test, the ledger invariants after it, and
// short ways to send transfers and read balances.
import { randomUUID } from 'node:crypto';
import type { Client } from '@connectrpc/connect';
import type { JsonObject } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { CreateTransferResult as R, LedgerService, OwnerType } from '../../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { Database, type TxClient } from '../../src/db/tx.js';
import { testEnv } from './environment.js';
import { newTenant, type TestTenant } from './fixtures.js';
import { assertLedgerInvariants } from './ledger.js';

export interface TransferInit {
  id?: string;
  debitAccountId?: string;
  creditAccountId?: string;
  amount?: string;
  pendingId?: string;
  flags?: { linked?: boolean; pending?: boolean; postPending?: boolean; voidPending?: boolean };
  timeoutSeconds?: number;
  code?: number;
  externalRef?: string;
  metadata?: JsonObject;
}

export const move = (debitAccountId: string, creditAccountId: string, amount: string, extra: TransferInit = {}): TransferInit => ({
  debitAccountId,
  creditAccountId,
  amount,
  ...extra,
});

export interface TransfersSetup {
  t: TestTenant;
  ledger: Client<typeof LedgerService>;
  treasury: string;
  wallet: string;
  other: string;
}

/** Registers the suite's hooks (call it inside a describe); `get()` is the current test's setup. */
export function transfersFixture() {
  let s: TransfersSetup;

  async function account(opts: { asset?: string; flags?: { debitsMustNotExceedCredits?: boolean; creditsMustNotExceedDebits?: boolean; closed?: boolean } } = {}) {
    const id = randomUUID();
    const { results } = await s.ledger.createAccounts({
      accounts: [{ id, asset: opts.asset ?? 'USDC', assetScale: 6, owner: { type: OwnerType.AGENT, id: randomUUID() }, flags: opts.flags ?? {} }],
    });
    expect(results[0].result).to.equal(1);
    return id;
  }

  async function send(...transfers: TransferInit[]): Promise<R[]> {
    const { results } = await s.ledger.createTransfers({ transfers: transfers.map((x) => ({ id: randomUUID(), ...x })) });
    return results.map((r) => r.result);
  }

  async function balances(id: string) {
    const { account } = await s.ledger.getAccount({ id });
    return {
      debitsPending: account!.debitsPending,
      debitsPosted: account!.debitsPosted,
      creditsPending: account!.creditsPending,
      creditsPosted: account!.creditsPosted,
    };
  }

  /** Runs `work` in one transaction of the test tenant, as the ledger's writers do. */
  const inTenantTx = <T>(work: (client: TxClient) => Promise<T>) =>
    new Database(testEnv().pool, { namedStatements: testEnv().namedStatements }).tenantTx({ tenantId: s.t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 10_000 }, work);

  beforeEach(async () => {
    const t = await newTenant();
    s = { t, ledger: t.client(LedgerService), treasury: '', wallet: '', other: '' };
    s.treasury = await account();
    s.wallet = await account({ flags: { debitsMustNotExceedCredits: true } });
    s.other = await account();
  });
  afterEach(() => assertLedgerInvariants(s.t.tenant.id));
  after(() => assertLedgerInvariants());

  return { get: () => s, account, send, balances, inTenantTx };
}
