-- migrate:up

-- Batches decided before their accounts are locked (src/services/ledger/decided-batches.ts). The
-- service remembers each account's balances as its own last batch left them, decides the next
-- batch against those, and writes everything but the new balances before it takes any lock, in
-- one call: chimera.ledger_write_decided writes the transfers (ledger_insert_transfers), then the
-- entries and reservations (ledger_write_decided_entries). Only ledger_settle_balances runs under
-- the account locks, up to the COMMIT: it checks that every account still holds exactly the
-- balances the batch was decided against, and moves them to the ones it computed. When they
-- differ (another instance or an earlier batch that did not commit moved them), it raises
-- SQLSTATE CH001 and the whole transaction is rolled back; the service then runs the batch the
-- careful way (lock, read, decide, write: 20261201000004_ledger_functions.sql).

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

  -- As in ledger_write_postings, but the movements are added to the expected balances.
  WITH expected AS (
    SELECT * FROM unnest(p_a_ids, p_a_versions, p_a_debits_pending, p_a_debits_posted, p_a_credits_pending, p_a_credits_posted)
      AS a(id, version, debits_pending, debits_posted, credits_pending, credits_posted)
  ),
  postings AS MATERIALIZED (
    SELECT m.account_id, m.transfer_id, m.seq, a.version + m.versions AS account_version,
           a.debits_pending + m.debits_pending AS debits_pending, a.debits_posted + m.debits_posted AS debits_posted,
           a.credits_pending + m.credits_pending AS credits_pending, a.credits_posted + m.credits_posted AS credits_posted
    FROM chimera.ledger_movements(p_t_ids, p_t_debit_ids, p_t_credit_ids, p_t_pending_deltas, p_t_posted_deltas) m
    JOIN expected a ON a.id = m.account_id
  ),
  new_entries AS (
    INSERT INTO ledger_entries (tenant_id, account_id, account_version, transfer_id,
                                debits_pending, debits_posted, credits_pending, credits_posted, create_time)
    SELECT p_tenant_id, p.account_id, p.account_version, p.transfer_id,
           p.debits_pending, p.debits_posted, p.credits_pending, p.credits_posted, chimera.now_ms()
    FROM postings p
  )
  -- The checksum of each account's balances after its last posting, which ledger_settle_balances
  -- stores under the locks.
  SELECT sum(chimera.ledger_balances_checksum(r.rank, r.debits_pending, r.debits_posted, r.credits_pending,
                                              r.credits_posted, r.account_version))
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
    SELECT * FROM chimera.ledger_new_reservations(p_tenant_id, p_t_ids, p_t_pending);
  END IF;
  RETURN cardinality(p_t_ids);
END
$$;

-- The part of a decided batch that runs under the locks: lock its accounts, given in id order
-- (the order of ledger_lock_accounts), and move each from the balances and version the batch
-- expected (p_*) to the ones it computed (p_new_*); CH001 if any account holds something else.
-- Each account is found once: locked, compared with what the batch expects, and remembered by its
-- physical address for the update. A row locked FOR UPDATE is returned as the transaction it
-- waited for left it, so the comparison sees that commit.
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
GRANT EXECUTE ON FUNCTION chimera.ledger_write_decided_entries, chimera.ledger_settle_balances TO chimera_app;
COMMENT ON FUNCTION chimera.ledger_write_decided_entries IS
  'A decided batch''s entries from the balances its accounts are expected to hold, and its reservations; CH001 when it must run carefully.';
COMMENT ON FUNCTION chimera.ledger_settle_balances IS
  'Under the locks: moves each account from the expected balances to the computed ones; CH001 if any holds something else.';

-- ---------------------------------------------------------------------------------------------
-- The writer. A decided batch's write runs as its own role, chimera_ledger_writer
-- (20261201000003_ledger_tables.sql creates it and names it in the tenant policies), and the
-- entries it inserts skip the statement-level reference check (chimera.check_entry_references).
-- The check probes, for every entry, the transfer it names; the function derives every entry from
-- the transfers it inserts in the same call (the same ids and accounts, the same tenant), so for
-- its rows the probes can only confirm what the function did. They were the largest single cost
-- of a batch of 8,000 transfers (BENCHMARKS.md). Every other writer, the service's careful path
-- and anyone with INSERT included, is still checked.
--
-- chimera_ledger_writer cannot log in, is no superuser, does not bypass row-level security, has no
-- members and belongs to no role: the only way to act as it is to call the function, which owns
-- nothing else, and which only chimera_app may call (not PUBLIC, so not chimera_admin). Row-level
-- security applies to it as to chimera_app (the same tenant policies). The function pins its
-- search_path (and nobody but the owner may create objects in public, where one could otherwise
-- shadow a function it calls), and refuses to run as anyone else or as a role that bypasses
-- row-level security, so that a copy of the schema restored without owners fails instead of
-- running as a superuser. The transfers' own check (that their accounts exist) still runs for its
-- rows. The skip relies on the bodies of the functions it calls (chimera.ledger_insert_transfers,
-- chimera.ledger_write_decided_entries and the chimera.ledger_movements that the entries are made
-- from): a change to them must keep every entry derived from the transfers inserted in the same
-- call. A superuser can still SET ROLE to the writer and insert unchecked entries, as a superuser
-- can disable any trigger.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public, chimera TO chimera_ledger_writer;
GRANT SELECT, INSERT ON ledger_transfers, ledger_pending TO chimera_ledger_writer;
GRANT INSERT ON ledger_entries TO chimera_ledger_writer;
GRANT SELECT ON ledger_accounts, ledger_spend_policies TO chimera_ledger_writer;
-- What it calls, and what the policies and reference checks it meets call. The functions its
-- callees inline (ledger_movements, ledger_balances_checksum, ledger_new_reservations) are granted
-- too: PostgreSQL inlines only a function the caller may execute.
GRANT EXECUTE ON FUNCTION chimera.ledger_insert_transfers, chimera.ledger_write_decided_entries,
  chimera.ledger_movements, chimera.ledger_balances_checksum, chimera.ledger_new_reservations,
  chimera.require_existing, chimera.current_tenant_id, chimera.now_ms
  TO chimera_ledger_writer;

-- A decided batch's unlocked part in one call: the transfers and their entries and reservations
-- from one set of arrays, sent and parsed once. A decided batch holds only new plain and pending
-- transfers, so each transfer's movement follows from its amount and pending flag and is not sent.
-- It checks from its arrays alone that they describe one transfer per element and that the
-- accounts it is given are exactly those the transfers move, each once and in order: the entries
-- are made from these arrays and nothing else checks them.
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
  SECURITY DEFINER
  SET search_path = public, pg_temp
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  pending boolean[];
  pending_deltas numeric[];
  posted_deltas numeric[];
BEGIN
  -- Owned by anyone else (a schema restored without owners, say), or by a writer role that has
  -- come to bypass row-level security, it could write for any tenant or skip checks meant for
  -- other writers: it refuses to run.
  IF current_user <> 'chimera_ledger_writer'
     OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = current_user AND (r.rolsuper OR r.rolbypassrls)) THEN
    RAISE EXCEPTION 'ledger_write_decided runs as chimera_ledger_writer, not %', current_user USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- The entries skip their reference check because they are made from these arrays alone: one
  -- transfer per element, and the accounts exactly those the transfers move, each once, in order.
  IF cardinality(p_debit_ids) IS DISTINCT FROM cardinality(p_ids) OR cardinality(p_credit_ids) IS DISTINCT FROM cardinality(p_ids)
     OR cardinality(p_amounts) IS DISTINCT FROM cardinality(p_ids)
     OR p_a_ids IS DISTINCT FROM (SELECT array_agg(DISTINCT a.id ORDER BY a.id) FROM unnest(p_debit_ids || p_credit_ids) AS a(id)) THEN
    RAISE EXCEPTION 'ledger_write_decided: the transfers and their accounts do not match' USING ERRCODE = 'internal_error';
  END IF;
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
ALTER FUNCTION chimera.ledger_write_decided OWNER TO chimera_ledger_writer;
REVOKE EXECUTE ON FUNCTION chimera.ledger_write_decided FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chimera.ledger_write_decided TO chimera_app;
COMMENT ON FUNCTION chimera.ledger_write_decided IS
  'A decided batch''s transfers, entries and reservations, written as chimera_ledger_writer (whose entries skip the reference check) before any lock.';

-- migrate:down
DROP FUNCTION chimera.ledger_write_decided;
REVOKE EXECUTE ON FUNCTION chimera.ledger_insert_transfers, chimera.ledger_movements, chimera.ledger_balances_checksum,
  chimera.ledger_new_reservations, chimera.require_existing, chimera.current_tenant_id, chimera.now_ms
  FROM chimera_ledger_writer;
REVOKE ALL ON ledger_transfers, ledger_entries, ledger_pending, ledger_accounts, ledger_spend_policies FROM chimera_ledger_writer;
REVOKE USAGE ON SCHEMA public, chimera FROM chimera_ledger_writer;
-- CREATE on schema public stays revoked from PUBLIC (PostgreSQL 15's default).
DROP FUNCTION chimera.ledger_settle_balances;
DROP FUNCTION chimera.ledger_write_decided_entries;
