-- migrate:up

-- The careful path of CreateTransfers (lock, read, decide, write) as PL/pgSQL functions, and the
-- time bound every balance change keeps to.
--
-- PostgreSQL caches a function's plans in each session, so these statements are parsed and
-- planned once per connection instead of on every call: under single-transfer load, parsing and
-- planning the unnamed statements took about 40 % of PostgreSQL's CPU (BENCHMARKS.md). Unlike
-- named prepared statements this keeps no state a pooler has to know about, so it stays safe
-- behind PgBouncer in transaction mode (ARCHITECTURE.md). The functions run as the caller
-- (SECURITY INVOKER), under its RLS policies. Their plans are forced generic: left to choose,
-- PostgreSQL keeps building custom plans for array parameters, which is the planning these
-- functions exist to avoid. A generic plan is made once per session, possibly while the tables
-- are still empty, and kept until the next ANALYZE: so every statement here is written as index
-- lookups by (tenant_id, id) or (tenant_id, account), joins as per-row lookups (LATERAL ...
-- LIMIT 1), and sequential scans are turned off inside the functions, so that no statistics,
-- however stale, can choose a plan that reads a whole table or a whole tenant.
-- scripts/ledger-plans.ts prints the plans.

-- ---------------------------------------------------------------------------------------------
-- The time bound. An account's transfers are listed from its entries, in version order
-- (sql/ledger/transfers.sql, listAccountTransfers), and a time range must still seek: a
-- transfer's create_time is its transaction's start, and a transaction that waited for an
-- account's lock has an earlier time than the version before it. So no transaction may change
-- balances more than chimera.ledger_time_bound() (B) after it began (SQLSTATE 40001, which the
-- service retries). Versions are then in time order to within B, and a range is narrowed by
-- binary searches over versions. This relies on the database server's clock not stepping back by
-- more than B. B is a constant, so that the listing's searches and the checks agree.
CREATE FUNCTION chimera.ledger_time_bound() RETURNS interval
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$SELECT '00:00:10'::interval$$;
COMMENT ON FUNCTION chimera.ledger_time_bound() IS
  'B: no transaction changes balances more than this after it began, so account versions are in time order to within B.';

-- Raises 40001 once the transaction is more than B old. Called right after a careful batch takes
-- its locks (sql/ledger/transfers.sql, transactionTime), so that a late batch gives them up before
-- doing its work, and after every UPDATE of ledger_accounts, which no balance change escapes.
CREATE FUNCTION chimera.ledger_check_time_bound() RETURNS boolean
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF clock_timestamp() - now() > chimera.ledger_time_bound() THEN
    RAISE EXCEPTION 'ledger: balances changed % after the transaction began, more than %',
      clock_timestamp() - now(), chimera.ledger_time_bound() USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN true;
END
$$;

CREATE FUNCTION chimera.check_ledger_time_bound() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM chimera.ledger_check_time_bound();
  RETURN NULL;
END
$$;

CREATE TRIGGER ledger_accounts_time_bound AFTER UPDATE ON ledger_accounts
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_ledger_time_bound();
COMMENT ON FUNCTION chimera.ledger_check_time_bound() IS
  'Raises 40001 once the transaction is more than chimera.ledger_time_bound() old; true otherwise.';

-- ---------------------------------------------------------------------------------------------
-- Locks every account a batch touches, in one statement and in id order (so concurrent batches
-- cannot deadlock): the batch's accounts, the accounts of the pending transfers it posts or voids,
-- and the counterparts of expired reservations on those accounts (which the batch voids first).
-- Returns each with its balances and, when it has a spend policy, the policy with the current UTC
-- window (day, or ISO week from Monday), what was debited in it so far and whether its alert was
-- raised. Every account a batch may debit is among the locked ones.
CREATE FUNCTION chimera.ledger_lock_accounts(p_tenant_id uuid, p_account_ids uuid[], p_pending_ids uuid[])
  RETURNS TABLE (id uuid, asset text, debits_must_not_exceed_credits boolean, credits_must_not_exceed_debits boolean,
                 closed boolean, debits_pending numeric, debits_posted numeric, credits_pending numeric,
                 credits_posted numeric, version bigint, spend_window text, spend_limit numeric,
                 alert_ratio_bp integer, approval_threshold numeric, window_start timestamptz,
                 window_debited numeric, window_alerted boolean)
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
#variable_conflict use_column
DECLARE
  wanted uuid[];
BEGIN
  -- The ids first, then lookups by key: as one query, the generic plan joins against all of the
  -- tenant's accounts.
  SELECT array_agg(DISTINCT w.id ORDER BY w.id) INTO wanted
  FROM (
    SELECT unnest(p_account_ids) AS id
    UNION ALL
    SELECT unnest(ARRAY[t.debit_account_id, t.credit_account_id]) FROM ledger_transfers t
    WHERE t.tenant_id = p_tenant_id AND t.id = ANY(p_pending_ids)
    UNION ALL
    SELECT p.credit_account_id FROM ledger_pending p
    WHERE p.tenant_id = p_tenant_id AND p.debit_account_id = ANY(p_account_ids) AND p.expire_time <= now()
    UNION ALL
    SELECT p.debit_account_id FROM ledger_pending p
    WHERE p.tenant_id = p_tenant_id AND p.credit_account_id = ANY(p_account_ids) AND p.expire_time <= now()
  ) w;
  -- One primary-key lookup per id, in id order (the order of `wanted`), locking as it goes.
  PERFORM 1 FROM unnest(wanted) AS w(id)
  CROSS JOIN LATERAL (SELECT 1 FROM ledger_accounts a WHERE a.tenant_id = p_tenant_id AND a.id = w.id FOR UPDATE) AS locked;
  -- Read only once every lock is held, in a statement of its own and so with a fresh snapshot: a
  -- statement that waited for a lock sees the locked rows' new versions but every other table
  -- (spend windows, alerts) as it was when the statement began.
  RETURN QUERY
  SELECT a.id, a.asset, a.debits_must_not_exceed_credits, a.credits_must_not_exceed_debits, a.closed,
         a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted, a.version,
         s.spend_window, s.spend_limit, s.alert_ratio_bp, s.approval_threshold, ws.start,
         coalesce((SELECT w.debited FROM ledger_spend_windows w
                   WHERE w.tenant_id = s.tenant_id AND w.account_id = s.account_id AND w.window_start = ws.start), 0::numeric),
         -- A scalar subquery, not EXISTS: the planner may turn EXISTS into a hash of all the
         -- tenant's alerts.
         coalesce((SELECT true FROM ledger_budget_alerts b
                   WHERE b.tenant_id = s.tenant_id AND b.account_id = s.account_id AND b.window_start = ws.start), false)
  FROM unnest(wanted) AS w(id)
  CROSS JOIN LATERAL (SELECT * FROM ledger_accounts x WHERE x.tenant_id = p_tenant_id AND x.id = w.id LIMIT 1) AS a
  -- LIMIT 1 keeps this a lookup per account (a join would scan all of the tenant's policies).
  LEFT JOIN LATERAL (
    SELECT * FROM ledger_spend_policies p WHERE p.tenant_id = a.tenant_id AND p.account_id = a.id LIMIT 1
  ) s ON true
  LEFT JOIN LATERAL (
    SELECT date_trunc(CASE s.spend_window WHEN 'DAILY' THEN 'day' ELSE 'week' END, now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start
  ) ws ON s.account_id IS NOT NULL
  ORDER BY a.id;
END
$$;

-- Expired reservations on the batch's accounts (or that the batch resolves). Read after the lock:
-- they are voided in the same transaction, before the batch is applied, so an expired
-- reservation never blocks spending and never can be posted.
CREATE FUNCTION chimera.ledger_expired_reservations(p_tenant_id uuid, p_account_ids uuid[], p_pending_ids uuid[])
  RETURNS TABLE (transfer_id uuid, debit_account_id uuid, credit_account_id uuid, amount numeric, create_time timestamptz)
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
BEGIN
  RETURN QUERY
  SELECT p.transfer_id, p.debit_account_id, p.credit_account_id, p.amount, p.create_time
  FROM ledger_pending p
  WHERE p.tenant_id = p_tenant_id AND p.expire_time <= now()
    AND (p.debit_account_id = ANY(p_account_ids) OR p.credit_account_id = ANY(p_account_ids)
         OR p.transfer_id = ANY(p_pending_ids))
  ORDER BY p.transfer_id;
END
$$;
GRANT EXECUTE ON FUNCTION chimera.ledger_lock_accounts, chimera.ledger_expired_reservations TO chimera_app;
COMMENT ON FUNCTION chimera.ledger_lock_accounts IS
  'Locks every account a batch touches, in id order, and returns balances with spend policy and current window.';
COMMENT ON FUNCTION chimera.ledger_expired_reservations IS
  'Expired reservations on the batch''s accounts or that it resolves; voided before the batch is applied.';

-- The transfer rows get a function of their own, so that a large batch can write them before it
-- locks its accounts (careful-write.ts, "insert first"). Two batches over the same accounts
-- serialise on the account locks from the lock to the COMMIT; inserting 1,000 transfer rows
-- (their index entries and the reference trigger) is about a third of that time, and outside the
-- locks it overlaps the other batch's turn instead of adding to it.
--
-- Arrays whose every element is the column's default may be sent empty: multi-argument unnest
-- pads a shorter array with NULLs, which coalesce turns back into the default. Most transfers
-- have no pending id, flags, timeout, code, external ref or metadata, and parsing those 8,000
-- array elements per 1,000 transfers was about a tenth of the write.
CREATE FUNCTION chimera.ledger_insert_transfers(
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
  p_metadata text[]
) RETURNS bigint
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  written bigint;
BEGIN
  INSERT INTO ledger_transfers (tenant_id, id, debit_account_id, credit_account_id, amount, pending_id,
                                linked, pending, post_pending, void_pending, timeout_seconds, expire_time,
                                code, external_ref, metadata, create_time)
  SELECT p_tenant_id, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.pending_id,
         coalesce(t.linked, false), coalesce(t.pending, false), coalesce(t.post_pending, false),
         coalesce(t.void_pending, false), coalesce(t.timeout_seconds, 0),
         CASE WHEN t.pending AND t.timeout_seconds > 0 THEN date_trunc('milliseconds', now() + make_interval(secs => t.timeout_seconds)) END,
         coalesce(t.code, 0), t.external_ref, coalesce(t.metadata::jsonb, '{}'::jsonb), chimera.now_ms()
  FROM unnest(p_ids, p_debit_ids, p_credit_ids, p_amounts, p_pending_ids,
              p_linked, p_pending, p_post_pending, p_void_pending,
              p_timeouts, p_codes, p_external_refs, p_metadata)
       AS t(id, debit_account_id, credit_account_id, amount, pending_id, linked, pending, post_pending,
            void_pending, timeout_seconds, code, external_ref, metadata);
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- What the two writes of a batch's entries share: the careful one (ledger_write_postings, below)
-- and a decided batch's (ledger_write_decided_entries, 20261201000005_ledger_decided_writer.sql).
--
-- They are SQL functions that PostgreSQL inlines into the statements that call them: each caller's
-- cached plan is made from their bodies as if they were written out in it, with the same lookups
-- by key (scripts/ledger-plans.ts). So they have no SET clause and are neither STRICT nor VOLATILE:
-- any of those stops the inlining, and a SQL function that is not inlined is planned again every
-- time the statement calling it runs. In place of a pinned search_path, their bodies are
-- SQL-standard (BEGIN ATOMIC, RETURN), parsed when they are created: every name in them is bound
-- then, so no search_path, the caller's or the SECURITY DEFINER writer's, changes what they read.

-- Each posting of a batch: one per transfer and side, with the transfer's place in the batch (seq),
-- and what the batch has moved on the posting's account up to and including it: how many postings
-- (by how much the account's version moves) and the sums they added to its four balances. A transfer
-- adds what it moves into (or, negative, out of) the pending balances and what it adds to the
-- posted ones to the debit account's debits_* and to the credit account's credits_*. The caller
-- adds these to the account's balances before the batch, wherever it takes them from.
CREATE FUNCTION chimera.ledger_movements(p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[],
                                         p_pending_deltas numeric[], p_posted_deltas numeric[])
  RETURNS TABLE (account_id uuid, transfer_id uuid, seq bigint, versions bigint, debits_pending numeric,
                 debits_posted numeric, credits_pending numeric, credits_posted numeric)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT s.account_id, s.transfer_id, s.seq, row_number() OVER w AS versions,
         sum(s.dp) OVER w AS debits_pending, sum(s.dpo) OVER w AS debits_posted,
         sum(s.cp) OVER w AS credits_pending, sum(s.cpo) OVER w AS credits_posted
  FROM (
    SELECT t.seq, t.id AS transfer_id, t.account_id, t.pending_delta AS dp, t.posted_delta AS dpo,
           0::numeric AS cp, 0::numeric AS cpo
    FROM unnest(p_ids, p_debit_ids, p_pending_deltas, p_posted_deltas)
         WITH ORDINALITY AS t(id, account_id, pending_delta, posted_delta, seq)
    UNION ALL
    SELECT t.seq, t.id, t.account_id, 0, 0, t.pending_delta, t.posted_delta
    FROM unnest(p_ids, p_credit_ids, p_pending_deltas, p_posted_deltas)
         WITH ORDINALITY AS t(id, account_id, pending_delta, posted_delta, seq)
  ) s
  WINDOW w AS (PARTITION BY s.account_id ORDER BY s.seq ROWS UNBOUNDED PRECEDING);
END;

-- One account's part of the checksum both writes compare with the caller's (p_expected_checksum):
-- its five figures after the batch packed into one number (every balance is below 2^128), weighted
-- by the account's rank in id order among the accounts the batch changed. The checksum is the sum
-- over those accounts, so a figure in the wrong column or on the wrong account changes it.
-- state-machine.ts (checksumOf) computes the same.
CREATE FUNCTION chimera.ledger_balances_checksum(p_rank bigint, p_debits_pending numeric, p_debits_posted numeric,
                                                 p_credits_pending numeric, p_credits_posted numeric, p_version bigint)
  RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN p_rank * (p_debits_pending + p_debits_posted * 2::numeric ^ 128 + p_credits_pending * 2::numeric ^ 256
                   + p_credits_posted * 2::numeric ^ 384 + p_version * 2::numeric ^ 512);

-- The reservation (ledger_pending row) each of a batch's transfers marked pending opens, copied
-- from the transfer row already written in the same transaction: one lookup by key per transfer.
-- Its callers insert the rows, and skip the statement when no transfer is pending, as most batches
-- have none. A PL/pgSQL function that inserted them would cache one plan for both callers, which run
-- as different roles (chimera_app, chimera_ledger_writer); the plan depends on the tables' row-level
-- security, so PostgreSQL would plan it again whenever a connection went from one to the other.
-- Inlined, this query is part of each caller's own plan.
CREATE FUNCTION chimera.ledger_new_reservations(p_tenant_id uuid, p_ids uuid[], p_pending boolean[])
  RETURNS TABLE (tenant_id uuid, transfer_id uuid, debit_account_id uuid, credit_account_id uuid,
                 amount numeric, expire_time timestamptz)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT t.tenant_id, t.id, t.debit_account_id, t.credit_account_id, t.amount, t.expire_time
  FROM unnest(p_ids, p_pending) AS n(id, pending)
  CROSS JOIN LATERAL (
    SELECT * FROM ledger_transfers x WHERE x.tenant_id = p_tenant_id AND x.id = n.id LIMIT 1
  ) t
  WHERE n.pending;
END;
GRANT EXECUTE ON FUNCTION chimera.ledger_movements, chimera.ledger_balances_checksum, chimera.ledger_new_reservations TO chimera_app;
COMMENT ON FUNCTION chimera.ledger_movements IS
  'Each posting of a batch with what the batch has moved on its account up to and including it; inlined into the writes.';
COMMENT ON FUNCTION chimera.ledger_balances_checksum IS
  'One account''s part of a batch''s balance checksum (state-machine.ts, checksumOf); inlined into the writes.';
COMMENT ON FUNCTION chimera.ledger_new_reservations IS
  'The reservations a batch''s pending transfers open, from the transfer rows already written; inlined into the writes.';

-- The rest of a careful batch's write: entries, balances (checked against the caller's
-- checksum), reservations, spend windows and alerts. Its transfers are already written, by
-- ledger_insert_transfers in the same transaction. The arrays name, in batch order, each
-- transfer's id, accounts and movement, and which ones open a reservation (empty: none).
--
-- The balances are computed twice and must agree: the state machine in TypeScript computes them
-- to decide every result, and this function computes each entry's running balances and each
-- account's new ones from two numbers per transfer (what it adds to the pending and to the posted
-- balances), starting from the balances locked at the start of the transaction. A bug on either
-- side cannot be stored silently.
CREATE FUNCTION chimera.ledger_write_postings(
  p_tenant_id uuid,
  p_t_ids uuid[],
  p_t_debit_ids uuid[],
  p_t_credit_ids uuid[],
  p_t_pending boolean[],
  p_t_pending_deltas numeric[],
  p_t_posted_deltas numeric[],
  p_expected_checksum numeric,
  p_resolved_pending_ids uuid[],
  p_s_account_ids uuid[],
  p_s_window_starts timestamptz[],
  p_s_deltas numeric[],
  p_r_account_ids uuid[],
  p_r_window_starts timestamptz[],
  p_r_amounts numeric[],
  p_a_account_ids uuid[],
  p_a_window_starts timestamptz[],
  p_a_spent numeric[],
  p_a_limits numeric[],
  p_a_transfer_ids uuid[]
) RETURNS bigint
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  checksum numeric;
BEGIN
  -- Entries and new balances: the running sums of each account's movements (ledger_movements),
  -- in batch order, added to the balances locked at the start of the transaction.
  WITH postings AS MATERIALIZED (
    SELECT m.account_id, m.transfer_id, m.seq, a.version + m.versions AS account_version,
           a.debits_pending + m.debits_pending AS debits_pending, a.debits_posted + m.debits_posted AS debits_posted,
           a.credits_pending + m.credits_pending AS credits_pending, a.credits_posted + m.credits_posted AS credits_posted
    FROM chimera.ledger_movements(p_t_ids, p_t_debit_ids, p_t_credit_ids, p_t_pending_deltas, p_t_posted_deltas) m
    CROSS JOIN LATERAL (
      SELECT * FROM ledger_accounts x WHERE x.tenant_id = p_tenant_id AND x.id = m.account_id LIMIT 1
    ) a
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
  -- The checksum of the balances as stored.
  SELECT sum(chimera.ledger_balances_checksum(r.rank, r.debits_pending, r.debits_posted, r.credits_pending,
                                              r.credits_posted, r.version))
  INTO checksum
  FROM (SELECT u.*, row_number() OVER (ORDER BY u.id) AS rank FROM updated u) r;
  -- The caller computed the same balances to decide every result; both must agree, or nothing is
  -- written (the transaction is aborted before its COMMIT).
  IF checksum IS DISTINCT FROM p_expected_checksum THEN
    RAISE EXCEPTION 'ledger_write_postings: balances % here, % expected by the caller', checksum, p_expected_checksum
      USING ERRCODE = 'internal_error';
  END IF;

  -- The rest is skipped when there is nothing to do (the common case for plain transfers).
  IF true = ANY(p_t_pending) THEN
    INSERT INTO ledger_pending (tenant_id, transfer_id, debit_account_id, credit_account_id, amount, expire_time)
    SELECT * FROM chimera.ledger_new_reservations(p_tenant_id, p_t_ids, p_t_pending);
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

  RETURN cardinality(p_t_ids);
END
$$;
GRANT EXECUTE ON FUNCTION chimera.ledger_insert_transfers, chimera.ledger_write_postings TO chimera_app;
COMMENT ON FUNCTION chimera.ledger_insert_transfers IS
  'Writes a batch''s transfer rows; arrays whose every element is the column default may be empty.';
COMMENT ON FUNCTION chimera.ledger_write_postings IS
  'A careful batch''s entries, balances (checked against p_expected_checksum), reservations, spend windows and alerts.';

-- migrate:down
DROP FUNCTION chimera.ledger_write_postings;
DROP FUNCTION chimera.ledger_new_reservations;
DROP FUNCTION chimera.ledger_balances_checksum;
DROP FUNCTION chimera.ledger_movements;
DROP FUNCTION chimera.ledger_insert_transfers;
DROP FUNCTION chimera.ledger_expired_reservations;
DROP FUNCTION chimera.ledger_lock_accounts;
DROP TRIGGER ledger_accounts_time_bound ON ledger_accounts;
DROP FUNCTION chimera.check_ledger_time_bound();
DROP FUNCTION chimera.ledger_check_time_bound();
DROP FUNCTION chimera.ledger_time_bound();
