-- migrate:up

-- Batches decided before their accounts are locked (speculative.ts). The service remembers each
-- account's balances as its own last batch left them, decides the next batch against those, and
-- writes everything but the new balances before it takes any lock: the transfers
-- (ledger_insert_transfers), then the entries and reservations (ledger_write_decided_entries).
-- Only ledger_settle_balances runs under the account locks, up to the COMMIT: it checks that
-- every account still holds exactly the balances the batch was decided against, and moves them
-- to the ones it computed. When they differ (another instance or an earlier batch that did not
-- commit moved them), it raises SQLSTATE CH001 and the whole transaction is rolled back; the
-- service then runs the batch the careful way (lock, read, decide, write).

-- The entries of a decided batch, from the balances its accounts are expected to hold (p_a_*),
-- checked against the caller's checksum as in ledger_write_postings, and its new reservations.
-- Raises CH001 first if the careful way would decide differently: an account has a spend policy
-- (its window is read under the lock), or a reservation on one of them has expired (the careful
-- way voids it first).
CREATE FUNCTION chimera.ledger_write_decided_entries(
  p_tenant_id uuid,
  p_t_ids uuid[],
  p_t_debit_ids uuid[],
  p_t_credit_ids uuid[],
  p_t_pending boolean[],
  p_t_pending_deltas numeric[],
  p_t_posted_deltas numeric[],
  p_a_ids uuid[],
  p_a_versions bigint[],
  p_a_debits_pending numeric[],
  p_a_debits_posted numeric[],
  p_a_credits_pending numeric[],
  p_a_credits_posted numeric[],
  p_expected_checksum numeric
) RETURNS bigint
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  checksum numeric;
BEGIN
  -- Most tenants have no policy at all: one lookup says so.
  IF EXISTS (SELECT 1 FROM ledger_spend_policies p WHERE p.tenant_id = p_tenant_id)
     AND EXISTS (SELECT 1 FROM ledger_spend_policies p WHERE p.tenant_id = p_tenant_id AND p.account_id = ANY(p_a_ids)) THEN
    RAISE EXCEPTION 'ledger_write_decided_entries: an account has a spend policy' USING ERRCODE = 'CH001';
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_pending p
             WHERE p.tenant_id = p_tenant_id AND p.expire_time <= now()
               AND (p.debit_account_id = ANY(p_a_ids) OR p.credit_account_id = ANY(p_a_ids))) THEN
    RAISE EXCEPTION 'ledger_write_decided_entries: a reservation on an account has expired' USING ERRCODE = 'CH001';
  END IF;

  -- As in ledger_write_postings, but the running sums start from the expected balances.
  WITH sides AS (
    SELECT t.seq, t.id AS transfer_id, t.account_id, t.pending_delta AS dp, t.posted_delta AS dpo,
           0::numeric AS cp, 0::numeric AS cpo
    FROM unnest(p_t_ids, p_t_debit_ids, p_t_pending_deltas, p_t_posted_deltas)
         WITH ORDINALITY AS t(id, account_id, pending_delta, posted_delta, seq)
    UNION ALL
    SELECT t.seq, t.id, t.account_id, 0, 0, t.pending_delta, t.posted_delta
    FROM unnest(p_t_ids, p_t_credit_ids, p_t_pending_deltas, p_t_posted_deltas)
         WITH ORDINALITY AS t(id, account_id, pending_delta, posted_delta, seq)
  ),
  expected AS (
    SELECT * FROM unnest(p_a_ids, p_a_versions, p_a_debits_pending, p_a_debits_posted, p_a_credits_pending, p_a_credits_posted)
      AS a(id, version, debits_pending, debits_posted, credits_pending, credits_posted)
  ),
  postings AS MATERIALIZED (
    SELECT s.account_id, s.transfer_id, s.seq,
           a.version + row_number() OVER w AS account_version,
           a.debits_pending + sum(s.dp) OVER w AS debits_pending,
           a.debits_posted + sum(s.dpo) OVER w AS debits_posted,
           a.credits_pending + sum(s.cp) OVER w AS credits_pending,
           a.credits_posted + sum(s.cpo) OVER w AS credits_posted
    FROM sides s
    JOIN expected a ON a.id = s.account_id
    WINDOW w AS (PARTITION BY s.account_id ORDER BY s.seq ROWS UNBOUNDED PRECEDING)
  ),
  new_entries AS (
    INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id,
                                debits_pending, debits_posted, credits_pending, credits_posted, create_time)
    SELECT p_tenant_id, p.account_id, p.account_version, p.transfer_id,
           p.debits_pending, p.debits_posted, p.credits_pending, p.credits_posted, chimera.now_ms()
    FROM postings p
  )
  SELECT sum(r.rank * (r.debits_pending + r.debits_posted * 2::numeric ^ 128 + r.credits_pending * 2::numeric ^ 256
                       + r.credits_posted * 2::numeric ^ 384 + r.account_version * 2::numeric ^ 512))
  INTO checksum
  FROM (
    SELECT l.*, row_number() OVER (ORDER BY l.account_id) AS rank
    FROM (SELECT DISTINCT ON (p.account_id) p.* FROM postings p ORDER BY p.account_id, p.seq DESC) l
  ) r;
  IF checksum IS DISTINCT FROM p_expected_checksum THEN
    RAISE EXCEPTION 'ledger_write_decided_entries: balances % here, % expected by the caller', checksum, p_expected_checksum
      USING ERRCODE = 'internal_error';
  END IF;

  IF true = ANY(p_t_pending) THEN
    INSERT INTO ledger_pending (tenant_id, transfer_id, debit_account_id, credit_account_id, amount, expire_time)
    SELECT t.tenant_id, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.expire_time
    FROM unnest(p_t_ids, p_t_pending) AS n(id, pending)
    CROSS JOIN LATERAL (
      SELECT * FROM ledger_transfers x WHERE x.tenant_id = p_tenant_id AND x.id = n.id LIMIT 1
    ) t
    WHERE n.pending;
  END IF;
  RETURN cardinality(p_t_ids);
END
$$;

-- The part of a decided batch that runs under the locks: lock its accounts, given in id order
-- (the order of ledger_lock_accounts), then move each from the balances and version the batch
-- expected (p_*) to the ones it computed (p_new_*). CH001 if any account holds something else.
CREATE FUNCTION chimera.ledger_settle_balances(
  p_tenant_id uuid,
  p_ids uuid[],
  p_versions bigint[],
  p_debits_pending numeric[],
  p_debits_posted numeric[],
  p_credits_pending numeric[],
  p_credits_posted numeric[],
  p_new_versions bigint[],
  p_new_debits_pending numeric[],
  p_new_debits_posted numeric[],
  p_new_credits_pending numeric[],
  p_new_credits_posted numeric[]
) RETURNS bigint
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  matched bigint;
BEGIN
  -- Locks taken out of order could deadlock with other batches.
  IF p_ids IS DISTINCT FROM (SELECT array_agg(DISTINCT w.id ORDER BY w.id) FROM unnest(p_ids) AS w(id)) THEN
    RAISE EXCEPTION 'ledger_settle_balances: the account ids are not distinct and in order' USING ERRCODE = 'internal_error';
  END IF;
  PERFORM 1 FROM unnest(p_ids) AS w(id)
  CROSS JOIN LATERAL (SELECT 1 FROM ledger_accounts a WHERE a.tenant_id = p_tenant_id AND a.id = w.id FOR UPDATE) AS locked;

  -- Statements of their own from here, so that they see what the transactions they waited for
  -- committed. Every account by primary key, one at a time: joined as sets, the comparisons below
  -- were planned, on an unanalysed table, against all of the tenant's accounts for every row.
  SELECT count(*) INTO matched
  FROM unnest(p_ids, p_versions, p_debits_pending, p_debits_posted, p_credits_pending, p_credits_posted)
       AS e(id, version, debits_pending, debits_posted, credits_pending, credits_posted)
  CROSS JOIN LATERAL (
    SELECT 1 FROM ledger_accounts x
    WHERE x.tenant_id = p_tenant_id AND x.id = e.id AND NOT x.closed AND x.version = e.version
      AND x.debits_pending = e.debits_pending AND x.debits_posted = e.debits_posted
      AND x.credits_pending = e.credits_pending AND x.credits_posted = e.credits_posted
    LIMIT 1
  ) AS same;
  IF matched <> cardinality(p_ids) THEN
    RAISE EXCEPTION 'ledger_settle_balances: % of % accounts hold the balances the batch was decided against', matched, cardinality(p_ids)
      USING ERRCODE = 'CH001';
  END IF;

  -- Each row found by primary key, then updated by its physical address (as in
  -- ledger_write_postings).
  UPDATE ledger_accounts a
  SET debits_pending = e.debits_pending, debits_posted = e.debits_posted,
      credits_pending = e.credits_pending, credits_posted = e.credits_posted, version = e.version
  FROM unnest(p_ids, p_new_versions, p_new_debits_pending, p_new_debits_posted, p_new_credits_pending, p_new_credits_posted)
       AS e(id, version, debits_pending, debits_posted, credits_pending, credits_posted)
  CROSS JOIN LATERAL (
    SELECT x.ctid AS row_id FROM ledger_accounts x WHERE x.tenant_id = p_tenant_id AND x.id = e.id LIMIT 1
  ) r
  WHERE a.ctid = r.row_id;
  RETURN matched;
END
$$;
-- An entry's reference check, one lookup per transfer rather than per entry: a transfer's two
-- entries are checked together.
CREATE OR REPLACE FUNCTION chimera.check_entry_references() RETURNS trigger
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  missing text;
BEGIN
  SELECT format('the transfer %s of accounts %s', n.transfer_id, n.accounts) INTO missing
  FROM (SELECT i.tenant_id, i.transfer_id, array_agg(i.account_id) AS accounts FROM inserted i GROUP BY i.tenant_id, i.transfer_id) n
  LEFT JOIN LATERAL (
    SELECT t.debit_account_id, t.credit_account_id FROM ledger_transfers t
    WHERE t.tenant_id = n.tenant_id AND t.id = n.transfer_id LIMIT 1
  ) t ON true
  WHERE t.debit_account_id IS NULL OR NOT n.accounts <@ ARRAY[t.debit_account_id, t.credit_account_id]
  LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'ledger_entries references a missing row: %', missing USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;

GRANT EXECUTE ON FUNCTION chimera.ledger_write_decided_entries, chimera.ledger_settle_balances TO chimera_app;

-- migrate:down
CREATE OR REPLACE FUNCTION chimera.check_entry_references() RETURNS trigger
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  missing text;
BEGIN
  SELECT format('the transfer %s of account %s', n.transfer_id, n.account_id) INTO missing
  FROM inserted n
  LEFT JOIN LATERAL (
    SELECT t.debit_account_id, t.credit_account_id FROM ledger_transfers t
    WHERE t.tenant_id = n.tenant_id AND t.id = n.transfer_id LIMIT 1
  ) t ON true
  WHERE t.debit_account_id IS NULL OR n.account_id NOT IN (t.debit_account_id, t.credit_account_id)
  LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'ledger_entries references a missing row: %', missing USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;

DROP FUNCTION chimera.ledger_settle_balances;
DROP FUNCTION chimera.ledger_write_decided_entries;
