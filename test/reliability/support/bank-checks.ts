// What the bank's database must hold after the run, read as the owner: exactly the acknowledged
// transfers, each as sent and applied once, and balances that the reference ledger of the model
// test reaches too when it replays them in the order the database applied them.
import { CreateTransferResult as R } from '../../../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { ModelLedger, type SentTransfer } from '../../support/ledger-model.js';
import type { BankAccount } from './bank.js';
import type pg from 'pg';

export interface StoredState {
  transfers: Map<string, { debit: string; credit: string; amount: string; linked: boolean; entries: number }>;
  /** Per account, the transfers that changed it in the order of its versions. */
  versions: Map<string, string[]>;
  balances: Map<string, [string, string, string, string]>;
}

export async function readStored(pool: pg.Pool, tenantId: string): Promise<StoredState> {
  const { rows: transfers } = await pool.query(
    `SELECT t.id, t.debit_account_id AS debit, t.credit_account_id AS credit, t.amount::text, t.linked,
            coalesce(e.n, 0) AS entries
     FROM ledger_transfers t
     LEFT JOIN (SELECT transfer_id, count(*)::int AS n FROM ledger_entries WHERE tenant_id = $1 GROUP BY transfer_id) e ON e.transfer_id = t.id
     WHERE t.tenant_id = $1`,
    [tenantId],
  );
  const { rows: entries } = await pool.query(
    'SELECT account_id, transfer_id FROM ledger_entries WHERE tenant_id = $1 ORDER BY account_id, account_version',
    [tenantId],
  );
  const { rows: accounts } = await pool.query(
    'SELECT id, debits_pending::text, debits_posted::text, credits_pending::text, credits_posted::text FROM ledger_accounts WHERE tenant_id = $1',
    [tenantId],
  );
  const versions = new Map<string, string[]>();
  for (const e of entries) {
    if (!versions.has(e.account_id)) versions.set(e.account_id, []);
    versions.get(e.account_id)!.push(e.transfer_id);
  }
  return {
    transfers: new Map(transfers.map((t) => [t.id, t])),
    versions,
    balances: new Map(accounts.map((a) => [a.id, [a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted]])),
  };
}

/** The acknowledged transfers missing from the database, those stored that no client had
 *  acknowledged, those stored unlike what was sent, and those not applied exactly once (one entry
 *  per account). */
export function compareWithAcknowledged(stored: StoredState, acknowledged: SentTransfer[]) {
  const sent = new Map(acknowledged.map((t) => [t.id, t]));
  const problems = { missing: [] as string[], unacknowledged: [] as string[], altered: [] as string[], notAppliedOnce: [] as string[] };
  for (const t of acknowledged) {
    const row = stored.transfers.get(t.id);
    if (!row) problems.missing.push(t.id);
    else if (row.debit !== t.debitAccountId || row.credit !== t.creditAccountId || row.amount !== t.amount || row.linked !== t.flags.linked) problems.altered.push(t.id);
  }
  for (const [id, row] of stored.transfers) {
    if (!sent.has(id)) problems.unacknowledged.push(id);
    if (row.entries !== 2) problems.notAppliedOnce.push(`${id} (${row.entries} entries)`);
  }
  return problems;
}

/** The operations in an order the database applied them in: each account's transfers in the order
 *  of its versions (a topological sort of those chains, with a linked pair as one step). Any such
 *  order leaves every account the same sequence of changes, so the replay must accept all. */
export function appliedOrder(operations: SentTransfer[][], versions: Map<string, string[]>): SentTransfer[][] {
  const stepOf = new Map<string, number>();
  operations.forEach((op, step) => op.forEach((t) => stepOf.set(t.id, step)));
  const after = operations.map(() => new Set<number>());
  const waitingOn = operations.map(() => 0);
  for (const chain of versions.values()) {
    // Transfers no client acknowledged are reported elsewhere; skipping them keeps the order.
    const steps = chain.flatMap((id) => stepOf.get(id) ?? []);
    for (let i = 1; i < steps.length; i++) {
      const [from, to] = [steps[i - 1], steps[i]];
      if (from === to || after[from].has(to)) continue;
      after[from].add(to);
      waitingOn[to]++;
    }
  }
  const ready = waitingOn.flatMap((n, step) => (n === 0 ? [step] : []));
  const order: SentTransfer[][] = [];
  while (ready.length > 0) {
    const step = ready.pop()!;
    order.push(operations[step]);
    for (const next of after[step]) if (--waitingOn[next] === 0) ready.push(next);
  }
  if (order.length !== operations.length) throw new Error(`the accounts' versions order ${operations.length - order.length} operations in a cycle`);
  return order;
}

/** Replays `operations` (in applied order) through the reference ledger: the operations it
 *  refuses, and the accounts whose balances differ from the database's. */
export function replayThroughModel(accounts: BankAccount[], operations: SentTransfer[][], stored: StoredState) {
  const model = new ModelLedger();
  for (const a of accounts) model.accounts.set(a.id, { guarded: a.guarded, debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n });
  const refused: string[] = [];
  for (const op of operations) {
    const results = model.apply(op);
    if (results.some((r) => r !== R.OK)) refused.push(`${op[0].id}: ${results.map((r) => R[r]).join(', ')}`);
  }
  const differing: string[] = [];
  for (const a of accounts) {
    const m = model.accounts.get(a.id)!;
    const want = [m.debitsPending, m.debitsPosted, m.creditsPending, m.creditsPosted].map(String);
    const got = stored.balances.get(a.id);
    if (JSON.stringify(got) !== JSON.stringify(want)) differing.push(`${a.id}: database ${JSON.stringify(got)}, model ${JSON.stringify(want)}`);
  }
  return { refused, differing };
}
