import { expect } from 'chai';
import type pg from 'pg';
import type { Statement } from '../../src/db/pipeline.js';
import type { TxClient } from '../../src/db/tx.js';
import { testEnv } from './environment.js';

/** `client`, recording in `trips`, for each round trip, the ledger functions it calls, and COMMIT
 *  when the round trip ends the transaction. */
export function recordingTrips(client: TxClient, trips: string[][]): TxClient {
  const record = (statements: Statement[], commit: boolean) =>
    trips.push([...statements.flatMap((st) => /ledger_([a-z_]+)\(/.exec(st.text)?.[1] ?? []), ...(commit ? ['COMMIT'] : [])]);
  return {
    query: client.query.bind(client),
    pipeline: (statements) => (record(statements, false), client.pipeline(statements)),
    commitWith: (statements) => (record(statements, true), client.commitWith(statements)),
  };
}

/** Per asset, posted and pending debits equal credits; no account breaks its own flags; entries
 *  and reservations have their transfer and account; balances equal the latest entry. Checks every
 *  tenant's ledger, or only `tenantId`'s (cheap enough to run after every test), in the test
 *  database or through `pool`. */
export async function assertLedgerInvariants(tenantId?: string, pool: pg.Pool = testEnv().pool): Promise<void> {
  const scope = [tenantId ?? null];
  const { rows } = await pool.query(`
    SELECT tenant_id, asset,
           sum(debits_posted) = sum(credits_posted) AS posted_balanced,
           sum(debits_pending) = sum(credits_pending) AS pending_balanced
    FROM ledger_accounts WHERE $1::uuid IS NULL OR tenant_id = $1 GROUP BY tenant_id, asset`, scope);
  for (const r of rows) {
    expect(r.posted_balanced, `posted ${r.asset} of ${r.tenant_id}`).to.equal(true);
    expect(r.pending_balanced, `pending ${r.asset} of ${r.tenant_id}`).to.equal(true);
  }
  const { rows: broken } = await pool.query(`
    SELECT id FROM ledger_accounts
    WHERE ($1::uuid IS NULL OR tenant_id = $1)
      AND ((debits_must_not_exceed_credits AND debits_pending + debits_posted > credits_posted)
        OR (credits_must_not_exceed_debits AND credits_pending + credits_posted > debits_posted))`, scope);
  expect(broken).to.deep.equal([]);
  // Entries and reservations carry no foreign keys (db/migrations/*_ledger_tables.sql): check them here.
  const { rows: orphans } = await pool.query(`
    SELECT 'entry' AS kind, e.transfer_id::text AS id FROM ledger_entries e
    WHERE ($1::uuid IS NULL OR e.tenant_id = $1) AND (NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.tenant_id = e.tenant_id AND t.id = e.transfer_id)
       OR NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.tenant_id = e.tenant_id AND a.id = e.account_id))
    UNION ALL
    SELECT 'reservation', p.transfer_id::text FROM ledger_pending p
    WHERE ($1::uuid IS NULL OR p.tenant_id = $1)
      AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.tenant_id = p.tenant_id AND t.id = p.transfer_id AND t.pending)`, scope);
  expect(orphans).to.deep.equal([]);
  // Every account's balances are those of its latest entry.
  const { rows: drifted } = await pool.query(`
    SELECT a.id FROM ledger_accounts a
    JOIN LATERAL (SELECT * FROM ledger_entries e WHERE e.tenant_id = a.tenant_id AND e.account_id = a.id
                  ORDER BY e.account_version DESC LIMIT 1) last ON true
    WHERE ($1::uuid IS NULL OR a.tenant_id = $1)
      AND (last.debits_pending, last.debits_posted, last.credits_pending, last.credits_posted, last.account_version)
       <> (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted, a.version)`, scope);
  expect(drifted).to.deep.equal([]);
}

/** A node of a plan from EXPLAIN (ANALYZE, FORMAT JSON). */
export interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Entries an executed plan read, by any kind of scan of ledger_entries, kept or filtered out. */
export function entriesRead(node: PlanNode): number {
  const read = node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
  const here = node['Relation Name'] === 'ledger_entries' ? read * node['Actual Loops'] : 0;
  return here + (node.Plans ?? []).reduce((n, child) => n + entriesRead(child), 0);
}
