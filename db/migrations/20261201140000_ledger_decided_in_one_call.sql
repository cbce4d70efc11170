-- migrate:up

-- A decided batch's unlocked part in one call, and a settle that reads each account once.
--
-- ledger_write_decided writes the transfers (ledger_insert_transfers) and their entries and
-- reservations (ledger_write_decided_entries) from one set of arrays: sent as two statements, the
-- ids and accounts of a 1,000-transfer batch crossed the wire and were parsed twice, and each
-- transfer's movement was sent besides its amount. A decided batch holds only new plain and
-- pending transfers, so the movement follows from the amount and the pending flag.
CREATE FUNCTION chimera.ledger_write_decided(
  p_tenant_id uuid,
  p_ids uuid[],
  p_debit_ids uuid[],
  p_credit_ids uuid[],
  p_amounts numeric[],
  p_pending_ids uuid[],
  p_linked boolean[],
  p_pending boolean[],
  p_post_pending boolean[],
  p_void_pending boolean[],
  p_timeouts integer[],
  p_codes integer[],
  p_external_refs text[],
  p_metadata text[],
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
  pending boolean[];
  pending_deltas numeric[];
  posted_deltas numeric[];
BEGIN
  -- Posting and voiding resolve an earlier transfer: never part of a decided batch.
  IF cardinality(p_pending_ids) > 0 OR true = ANY(p_post_pending) OR true = ANY(p_void_pending) THEN
    RAISE EXCEPTION 'ledger_write_decided: a decided batch holds only new plain and pending transfers' USING ERRCODE = 'internal_error';
  END IF;
  -- An empty p_pending means no transfer is pending (the column's default).
  SELECT array_agg(coalesce(t.pending, false) ORDER BY t.seq),
         array_agg(CASE WHEN t.pending THEN t.amount ELSE 0 END ORDER BY t.seq),
         array_agg(CASE WHEN t.pending THEN 0 ELSE t.amount END ORDER BY t.seq)
  INTO pending, pending_deltas, posted_deltas
  FROM unnest(p_amounts, p_pending) WITH ORDINALITY AS t(amount, pending, seq);

  PERFORM chimera.ledger_insert_transfers(p_tenant_id, p_ids, p_debit_ids, p_credit_ids, p_amounts,
    p_pending_ids, p_linked, p_pending, p_post_pending, p_void_pending, p_timeouts, p_codes,
    p_external_refs, p_metadata);
  RETURN chimera.ledger_write_decided_entries(p_tenant_id, p_ids, p_debit_ids, p_credit_ids, pending,
    pending_deltas, posted_deltas, p_a_ids, p_a_versions, p_a_debits_pending, p_a_debits_posted,
    p_a_credits_pending, p_a_credits_posted, p_expected_checksum);
END
$$;

-- The settle, as before, but each account is found once: locked, compared with what the batch
-- expects, and remembered by its physical address for the update. A row locked FOR UPDATE is
-- returned as the transaction it waited for left it, so the comparison sees that commit.
CREATE OR REPLACE FUNCTION chimera.ledger_settle_balances(
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
  row_ids tid[];
  matched bigint;
  updated bigint;
BEGIN
  -- Locks taken out of order could deadlock with other batches.
  IF p_ids IS DISTINCT FROM (SELECT array_agg(DISTINCT w.id ORDER BY w.id) FROM unnest(p_ids) AS w(id)) THEN
    RAISE EXCEPTION 'ledger_settle_balances: the account ids are not distinct and in order' USING ERRCODE = 'internal_error';
  END IF;
  SELECT array_agg(l.row_id ORDER BY e.seq), count(*) FILTER (WHERE l.same)
  INTO row_ids, matched
  FROM unnest(p_ids, p_versions, p_debits_pending, p_debits_posted, p_credits_pending, p_credits_posted)
       WITH ORDINALITY AS e(id, version, debits_pending, debits_posted, credits_pending, credits_posted, seq)
  CROSS JOIN LATERAL (
    SELECT x.ctid AS row_id,
           (NOT x.closed AND x.version = e.version
            AND x.debits_pending = e.debits_pending AND x.debits_posted = e.debits_posted
            AND x.credits_pending = e.credits_pending AND x.credits_posted = e.credits_posted) AS same
    FROM ledger_accounts x WHERE x.tenant_id = p_tenant_id AND x.id = e.id
    FOR UPDATE
  ) AS l;
  IF matched <> cardinality(p_ids) THEN
    RAISE EXCEPTION 'ledger_settle_balances: % of % accounts hold the balances the batch was decided against', matched, cardinality(p_ids)
      USING ERRCODE = 'CH001';
  END IF;

  UPDATE ledger_accounts a
  SET debits_pending = e.debits_pending, debits_posted = e.debits_posted,
      credits_pending = e.credits_pending, credits_posted = e.credits_posted, version = e.version
  FROM unnest(row_ids, p_new_versions, p_new_debits_pending, p_new_debits_posted, p_new_credits_pending, p_new_credits_posted)
       AS e(row_id, version, debits_pending, debits_posted, credits_pending, credits_posted)
  WHERE a.ctid = e.row_id;
  -- Every account was locked at that address, so none can have moved; a miss would leave the
  -- entries without their balances.
  GET DIAGNOSTICS updated = ROW_COUNT;
  IF updated <> cardinality(p_ids) THEN
    RAISE EXCEPTION 'ledger_settle_balances: % of % accounts updated', updated, cardinality(p_ids) USING ERRCODE = 'internal_error';
  END IF;
  RETURN matched;
END
$$;

GRANT EXECUTE ON FUNCTION chimera.ledger_write_decided TO chimera_app;

-- migrate:down
CREATE OR REPLACE FUNCTION chimera.ledger_settle_balances(
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

DROP FUNCTION chimera.ledger_write_decided;
