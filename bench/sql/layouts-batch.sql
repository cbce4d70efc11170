-- One pgbench transaction of bench/ledger-layouts.ts: 1,000 random transfers between distinct
-- accounts, made in the server, written in the service's layout (-D layout_a=1) or with the history
-- on the transfer row (-D layout_a=0); see layouts-schema.sql.
SET client_min_messages = warning;
BEGIN;
CREATE TEMP TABLE IF NOT EXISTS batch (seq integer, id uuid, d uuid, c uuid, amount numeric) ON COMMIT DELETE ROWS;
-- Both layouts hold the same accounts (layouts-schema.sql copies them).
INSERT INTO batch
SELECT s.seq, gen_random_uuid(), ids.a[s.d + 1], ids.a[(s.d + 1 + s.r) % 1000 + 1], 1 + floor(random() * 1000)
FROM (SELECT array_agg(id ORDER BY n) AS a FROM la_accounts) ids,
     (SELECT g AS seq, floor(random() * 1000)::integer AS d, floor(random() * 999)::integer AS r FROM generate_series(1, 1000) g) s;
\if :layout_a
SELECT count(*) FROM (SELECT id FROM la_accounts WHERE tenant_id = '00000000-0000-4000-8000-000000000001'
                      AND id IN (SELECT d FROM batch UNION SELECT c FROM batch) ORDER BY id FOR UPDATE) locked;
INSERT INTO la_transfers (tenant_id, id, debit_account_id, credit_account_id, amount)
SELECT '00000000-0000-4000-8000-000000000001', id, d, c, amount FROM batch;
INSERT INTO la_entries
SELECT '00000000-0000-4000-8000-000000000001', x.account_id, a.version + row_number() OVER w, x.id,
       a.debits_pending, a.debits_posted + sum(x.dp) OVER w, a.credits_pending, a.credits_posted + sum(x.cp) OVER w
FROM (SELECT seq, id, d AS account_id, amount AS dp, 0 AS cp FROM batch UNION ALL SELECT seq, id, c, 0, amount FROM batch) x
JOIN la_accounts a ON a.tenant_id = '00000000-0000-4000-8000-000000000001' AND a.id = x.account_id
WINDOW w AS (PARTITION BY x.account_id ORDER BY x.seq);
UPDATE la_accounts a SET debits_posted = a.debits_posted + m.dp, credits_posted = a.credits_posted + m.cp, version = a.version + m.n
FROM (SELECT account_id, sum(dp) AS dp, sum(cp) AS cp, count(*) AS n
      FROM (SELECT d AS account_id, amount AS dp, 0 AS cp FROM batch UNION ALL SELECT c, 0, amount FROM batch) x GROUP BY account_id) m
WHERE a.tenant_id = '00000000-0000-4000-8000-000000000001' AND a.id = m.account_id;
\else
SELECT count(*) FROM (SELECT id FROM lb_accounts WHERE tenant_id = '00000000-0000-4000-8000-000000000001'
                      AND id IN (SELECT d FROM batch UNION SELECT c FROM batch) ORDER BY id FOR UPDATE) locked;
-- Pairs each transfer's two postings by hash: a nested loop over the unanalysed CTE is quadratic.
SET LOCAL enable_nestloop = off;
INSERT INTO lb_transfers (tenant_id, id, debit_account_id, credit_account_id, amount,
                          debit_version, debit_debits_pending, debit_debits_posted, debit_credits_pending, debit_credits_posted,
                          credit_version, credit_debits_pending, credit_debits_posted, credit_credits_pending, credit_credits_posted)
WITH p AS MATERIALIZED (
  SELECT x.seq, x.id, x.account_id, x.amount, x.debit, a.version + row_number() OVER w AS version,
         a.debits_pending, a.debits_posted + sum(x.dp) OVER w AS debits_posted,
         a.credits_pending, a.credits_posted + sum(x.cp) OVER w AS credits_posted
  FROM (SELECT seq, id, d AS account_id, amount, amount AS dp, 0 AS cp, true AS debit FROM batch
        UNION ALL SELECT seq, id, c, amount, 0, amount, false FROM batch) x
  JOIN lb_accounts a ON a.tenant_id = '00000000-0000-4000-8000-000000000001' AND a.id = x.account_id
  WINDOW w AS (PARTITION BY x.account_id ORDER BY x.seq)
)
SELECT '00000000-0000-4000-8000-000000000001', d.id, d.account_id, c.account_id, d.amount,
       d.version, d.debits_pending, d.debits_posted, d.credits_pending, d.credits_posted,
       c.version, c.debits_pending, c.debits_posted, c.credits_pending, c.credits_posted
FROM p d JOIN p c ON c.seq = d.seq AND NOT c.debit
WHERE d.debit;
SET LOCAL enable_nestloop = on;
UPDATE lb_accounts a SET debits_posted = a.debits_posted + m.dp, credits_posted = a.credits_posted + m.cp, version = a.version + m.n
FROM (SELECT account_id, sum(dp) AS dp, sum(cp) AS cp, count(*) AS n
      FROM (SELECT d AS account_id, amount AS dp, 0 AS cp FROM batch UNION ALL SELECT c, 0, amount FROM batch) x GROUP BY account_id) m
WHERE a.tenant_id = '00000000-0000-4000-8000-000000000001' AND a.id = m.account_id;
\endif
COMMIT;
