-- migrate:up

-- chimera.ledger_write_batch wrote a whole batch (transfers, entries, balances) in one call. Since
-- migration 20261201100000 the service writes with ledger_insert_transfers and
-- ledger_write_postings, and the function was kept only for instances of the release before that
-- while a deploy rolled. No release that calls it is left.
DROP FUNCTION chimera.ledger_write_batch;

-- migrate:down
-- As pg_dump wrote it in db/schema.sql (created by migration 20261201063000).
CREATE FUNCTION chimera.ledger_write_batch(p_tenant_id uuid, p_t_ids uuid[], p_t_debit_ids uuid[], p_t_credit_ids uuid[], p_t_amounts numeric[], p_t_pending_ids uuid[], p_t_linked boolean[], p_t_pending boolean[], p_t_post_pending boolean[], p_t_void_pending boolean[], p_t_timeouts integer[], p_t_codes integer[], p_t_external_refs text[], p_t_metadata text[], p_t_pending_deltas numeric[], p_t_posted_deltas numeric[], p_expected_checksum numeric, p_resolved_pending_ids uuid[], p_s_account_ids uuid[], p_s_window_starts timestamp with time zone[], p_s_deltas numeric[], p_r_account_ids uuid[], p_r_window_starts timestamp with time zone[], p_r_amounts numeric[], p_a_account_ids uuid[], p_a_window_starts timestamp with time zone[], p_a_spent numeric[], p_a_limits numeric[], p_a_transfer_ids uuid[]) RETURNS bigint
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
  written bigint;
  checksum numeric;
BEGIN
  INSERT INTO ledger_transfers (tenant_id, id, debit_account_id, credit_account_id, amount, pending_id,
                                linked, pending, post_pending, void_pending, timeout_seconds, expire_time,
                                code, external_ref, metadata, create_time)
  SELECT p_tenant_id, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id,
         t.linked, t.pending, t.post_pending, t.void_pending, t.timeout_seconds,
         CASE WHEN t.pending AND t.timeout_seconds > 0 THEN date_trunc('milliseconds', now() + make_interval(secs => t.timeout_seconds)) END,
         t.code, t.external_ref, t.metadata::jsonb, chimera.now_ms()
  FROM unnest(p_t_ids, p_t_debit_ids, p_t_credit_ids, p_t_amounts, p_t_pending_ids,
              p_t_linked, p_t_pending, p_t_post_pending, p_t_void_pending,
              p_t_timeouts, p_t_codes, p_t_external_refs, p_t_metadata)
       AS t(id, debit_account_id, credit_account_id, amount, pending_id, linked, pending, post_pending,
            void_pending, timeout_seconds, code, external_ref, metadata);
  GET DIAGNOSTICS written = ROW_COUNT;

  -- Entries and new balances, computed here from each transfer's movement: what it adds to (or,
  -- negative, takes from) the pending balances and what it adds to the posted ones, the same on the
  -- debit side (debits_*) and the credit side (credits_*). Running sums per account, in batch
  -- order, from the balances locked at the start of the transaction.
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
  postings AS MATERIALIZED (
    SELECT s.account_id, s.transfer_id, s.seq,
           a.version + row_number() OVER w AS account_version,
           a.debits_pending + sum(s.dp) OVER w AS debits_pending,
           a.debits_posted + sum(s.dpo) OVER w AS debits_posted,
           a.credits_pending + sum(s.cp) OVER w AS credits_pending,
           a.credits_posted + sum(s.cpo) OVER w AS credits_posted
    FROM sides s
    CROSS JOIN LATERAL (
      SELECT * FROM ledger_accounts x WHERE x.tenant_id = p_tenant_id AND x.id = s.account_id LIMIT 1
    ) a
    WINDOW w AS (PARTITION BY s.account_id ORDER BY s.seq ROWS UNBOUNDED PRECEDING)
  ),
  new_entries AS (
    INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id,
                                debits_pending, debits_posted, credits_pending, credits_posted, create_time)
    SELECT p_tenant_id, p.account_id, p.account_version, p.transfer_id,
           p.debits_pending, p.debits_posted, p.credits_pending, p.credits_posted, chimera.now_ms()
    FROM postings p
  ),
  updated AS (
    UPDATE ledger_accounts a
    SET debits_pending = l.debits_pending, debits_posted = l.debits_posted,
        credits_pending = l.credits_pending, credits_posted = l.credits_posted, version = l.account_version
    FROM (SELECT DISTINCT ON (p.account_id) p.* FROM postings p ORDER BY p.account_id, p.seq DESC) l
    -- Each row found by primary key, then updated by its physical address: a plain join on id
    -- may be planned, on an unanalysed table, as a hash of all the tenant's accounts.
    CROSS JOIN LATERAL (
      SELECT x.ctid AS row_id FROM ledger_accounts x WHERE x.tenant_id = p_tenant_id AND x.id = l.account_id LIMIT 1
    ) r
    WHERE a.ctid = r.row_id
    RETURNING a.id, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted, a.version
  )
  -- Each account's five figures packed into one number (every balance is below 2^128), weighted by
  -- the account's rank in id order, and summed: a figure in the wrong column or on the wrong
  -- account changes it. create-transfers.ts (balanceChecksum) computes the same.
  SELECT sum(r.rank * (r.debits_pending + r.debits_posted * 2::numeric ^ 128 + r.credits_pending * 2::numeric ^ 256
                       + r.credits_posted * 2::numeric ^ 384 + r.version * 2::numeric ^ 512))
  INTO checksum
  FROM (SELECT u.*, row_number() OVER (ORDER BY u.id) AS rank FROM updated u) r;
  -- The caller computed the same balances to decide every result; both must agree, or nothing is
  -- written (the transaction is aborted before its COMMIT).
  IF checksum IS DISTINCT FROM p_expected_checksum THEN
    RAISE EXCEPTION 'ledger_write_batch: balances % here, % expected by the caller', checksum, p_expected_checksum
      USING ERRCODE = 'internal_error';
  END IF;

  -- The rest is skipped when there is nothing to do (the common case for plain transfers).
  IF true = ANY(p_t_pending) THEN
    INSERT INTO ledger_pending (tenant_id, transfer_id, debit_account_id, credit_account_id, amount, expire_time)
    SELECT t.tenant_id, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.expire_time
    FROM unnest(p_t_ids, p_t_pending) AS n(id, pending)
    CROSS JOIN LATERAL (
      SELECT * FROM ledger_transfers x WHERE x.tenant_id = p_tenant_id AND x.id = n.id LIMIT 1
    ) t
    WHERE n.pending;
  END IF;

  IF cardinality(p_resolved_pending_ids) > 0 THEN
    DELETE FROM ledger_pending WHERE tenant_id = p_tenant_id AND transfer_id = ANY(p_resolved_pending_ids);
  END IF;

  IF cardinality(p_s_account_ids) > 0 THEN
    INSERT INTO ledger_spend_windows AS w (tenant_id, account_id, window_start, debited)
    SELECT p_tenant_id, s.account_id, s.window_start, s.delta
    FROM unnest(p_s_account_ids, p_s_window_starts, p_s_deltas) AS s(account_id, window_start, delta)
    ON CONFLICT (tenant_id, account_id, window_start) DO UPDATE SET debited = w.debited + excluded.debited;
  END IF;

  -- Releases (voids, expiries, partial posts) only lower existing windows. A reservation opened
  -- before its account had a policy was never counted, so a window never goes below zero.
  IF cardinality(p_r_account_ids) > 0 THEN
    UPDATE ledger_spend_windows w SET debited = greatest(w.debited - r.amount, 0)
    FROM unnest(p_r_account_ids, p_r_window_starts, p_r_amounts) AS r(account_id, window_start, amount)
    WHERE w.tenant_id = p_tenant_id AND w.account_id = r.account_id AND w.window_start = r.window_start;
  END IF;

  IF cardinality(p_a_account_ids) > 0 THEN
    INSERT INTO ledger_budget_alerts (tenant_id, account_id, window_start, spent, spend_limit, transfer_id)
    SELECT p_tenant_id, a.account_id, a.window_start, a.spent, a.spend_limit, a.transfer_id
    FROM unnest(p_a_account_ids, p_a_window_starts, p_a_spent, p_a_limits, p_a_transfer_ids)
         AS a(account_id, window_start, spent, spend_limit, transfer_id)
    ON CONFLICT (tenant_id, account_id, window_start) DO NOTHING;
  END IF;

  RETURN written;
END
$$;

GRANT EXECUTE ON FUNCTION chimera.ledger_write_batch TO chimera_app;
