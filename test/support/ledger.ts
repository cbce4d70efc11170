import { expect } from 'chai';
import { testEnv } from './environment.js';

/** Per asset, posted and pending debits equal credits; no account breaks its own flags. */
export async function assertLedgerInvariants(): Promise<void> {
  const { rows } = await testEnv().pool.query(`
    SELECT tenant_id, asset,
           sum(debits_posted) = sum(credits_posted) AS posted_balanced,
           sum(debits_pending) = sum(credits_pending) AS pending_balanced
    FROM ledger_accounts GROUP BY tenant_id, asset`);
  for (const r of rows) {
    expect(r.posted_balanced, `posted ${r.asset} of ${r.tenant_id}`).to.equal(true);
    expect(r.pending_balanced, `pending ${r.asset} of ${r.tenant_id}`).to.equal(true);
  }
  const { rows: broken } = await testEnv().pool.query(`
    SELECT id FROM ledger_accounts
    WHERE (debits_must_not_exceed_credits AND debits_pending + debits_posted > credits_posted)
       OR (credits_must_not_exceed_debits AND credits_pending + credits_posted > debits_posted)`);
  expect(broken).to.deep.equal([]);
}
