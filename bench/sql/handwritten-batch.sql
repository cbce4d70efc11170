-- One pgbench transaction of the hand-written batch baseline (see handwritten-batch-schema.sql):
-- 1,000 random transfers between distinct accounts, made in the server; lock their accounts in id
-- order; write the transfers, the new balances and, with -D entries=1, an entry per account per
-- transfer with its balances after it.
SET client_min_messages = warning;
BEGIN;
CREATE TEMP TABLE IF NOT EXISTS batch (seq integer, id uuid, d integer, c integer, amount numeric) ON COMMIT DELETE ROWS;
INSERT INTO batch SELECT s.seq, gen_random_uuid(), s.d, (s.d + 1 + floor(random() * 999)::integer) % 1000, 1 + floor(random() * 1000) FROM (SELECT g AS seq, floor(random() * 1000)::integer AS d FROM generate_series(1, 1000) g) s;
SELECT count(*) FROM (SELECT id FROM hb_accounts WHERE id IN (SELECT d FROM batch UNION SELECT c FROM batch) ORDER BY id FOR UPDATE) locked;
INSERT INTO hb_transfers (id, debit_account_id, credit_account_id, amount) SELECT id, d, c, amount FROM batch;
\if :entries
INSERT INTO hb_entries SELECT x.account_id, a.version + row_number() OVER w, x.id, a.debits_posted + sum(x.dp) OVER w, a.credits_posted + sum(x.cp) OVER w FROM (SELECT seq, id, d AS account_id, amount AS dp, 0 AS cp FROM batch UNION ALL SELECT seq, id, c, 0, amount FROM batch) x JOIN hb_accounts a ON a.id = x.account_id WINDOW w AS (PARTITION BY x.account_id ORDER BY x.seq);
\endif
UPDATE hb_accounts a SET debits_posted = a.debits_posted + m.dp, credits_posted = a.credits_posted + m.cp, version = a.version + m.n FROM (SELECT account_id, sum(dp) AS dp, sum(cp) AS cp, count(*) AS n FROM (SELECT d AS account_id, amount AS dp, 0 AS cp FROM batch UNION ALL SELECT c, 0, amount FROM batch) x GROUP BY account_id) m WHERE a.id = m.account_id;
COMMIT;
