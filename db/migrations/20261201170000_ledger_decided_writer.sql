-- migrate:up

-- A decided batch's write (chimera.ledger_write_decided) runs as its own role,
-- chimera_ledger_writer, and the entries it inserts skip the statement-level reference check
-- (chimera.check_entry_references). The check probes, for every entry, the transfer it names; the
-- function derives every entry from the transfers it inserts in the same call (the same ids and
-- accounts, the same tenant), so for its rows the probes can only confirm what the function did.
-- They were the largest single cost of a batch of 8,000 transfers (BENCHMARKS.md). Every other
-- writer, the service's careful path and anyone with INSERT included, is still checked.
--
-- chimera_ledger_writer cannot log in and is granted to nobody: the only way to act as it is to
-- call the function, which owns nothing else. Row-level security applies to it as to chimera_app
-- (the same tenant policies). The function pins its search_path, and refuses to run as anyone
-- else, so that a copy of the schema restored without owners fails instead of running as a
-- superuser. The transfers' own check (that their accounts exist) still runs for its rows.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chimera_ledger_writer') THEN
    CREATE ROLE chimera_ledger_writer NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public, chimera TO chimera_ledger_writer;
GRANT SELECT, INSERT ON ledger_transfers, ledger_entries, ledger_pending TO chimera_ledger_writer;
GRANT SELECT ON ledger_accounts, ledger_spend_policies TO chimera_ledger_writer;
ALTER POLICY ledger_transfers_tenant ON ledger_transfers TO chimera_app, chimera_ledger_writer;
ALTER POLICY ledger_entries_tenant ON ledger_entries TO chimera_app, chimera_ledger_writer;
ALTER POLICY ledger_pending_tenant ON ledger_pending TO chimera_app, chimera_ledger_writer;
ALTER POLICY ledger_spend_policies_tenant ON ledger_spend_policies TO chimera_app, chimera_ledger_writer;
ALTER POLICY ledger_accounts_tenant ON ledger_accounts TO chimera_app, chimera_ledger_writer;

CREATE OR REPLACE FUNCTION chimera.ledger_write_decided(p_tenant_id uuid, p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_amounts numeric[], p_pending_ids uuid[], p_linked boolean[], p_pending boolean[], p_post_pending boolean[], p_void_pending boolean[], p_timeouts integer[], p_codes integer[], p_external_refs text[], p_metadata text[], p_a_ids uuid[], p_a_versions bigint[], p_a_debits_pending numeric[], p_a_debits_posted numeric[], p_a_credits_pending numeric[], p_a_credits_posted numeric[], p_expected_checksum numeric) RETURNS bigint
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
  pending boolean[];
  pending_deltas numeric[];
  posted_deltas numeric[];
BEGIN
  -- Owned by anyone else (a schema restored without owners, say), it could bypass row-level
  -- security or skip checks meant for other writers: it refuses to run.
  IF current_user <> 'chimera_ledger_writer' THEN
    RAISE EXCEPTION 'ledger_write_decided runs as chimera_ledger_writer, not %', current_user USING ERRCODE = 'insufficient_privilege';
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

ALTER FUNCTION chimera.ledger_write_decided(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric) OWNER TO chimera_ledger_writer;
GRANT EXECUTE ON FUNCTION chimera.ledger_write_decided(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric) TO chimera_app;

CREATE OR REPLACE FUNCTION chimera.check_entry_references() RETURNS trigger
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
  missing text;
BEGIN
  -- Rows inserted as chimera_ledger_writer come from chimera.ledger_write_decided, the role's only
  -- function, which derives every entry from the transfers it inserts in the same call.
  IF current_user = 'chimera_ledger_writer' THEN
    RETURN NULL;
  END IF;
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

-- migrate:down

CREATE OR REPLACE FUNCTION chimera.check_entry_references() RETURNS trigger
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
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

ALTER FUNCTION chimera.ledger_write_decided(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric) OWNER TO CURRENT_USER;
CREATE OR REPLACE FUNCTION chimera.ledger_write_decided(p_tenant_id uuid, p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_amounts numeric[], p_pending_ids uuid[], p_linked boolean[], p_pending boolean[], p_post_pending boolean[], p_void_pending boolean[], p_timeouts integer[], p_codes integer[], p_external_refs text[], p_metadata text[], p_a_ids uuid[], p_a_versions bigint[], p_a_debits_pending numeric[], p_a_debits_posted numeric[], p_a_credits_pending numeric[], p_a_credits_posted numeric[], p_expected_checksum numeric) RETURNS bigint
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
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

ALTER POLICY ledger_transfers_tenant ON ledger_transfers TO chimera_app;
ALTER POLICY ledger_entries_tenant ON ledger_entries TO chimera_app;
ALTER POLICY ledger_pending_tenant ON ledger_pending TO chimera_app;
ALTER POLICY ledger_spend_policies_tenant ON ledger_spend_policies TO chimera_app;
ALTER POLICY ledger_accounts_tenant ON ledger_accounts TO chimera_app;
REVOKE ALL ON ledger_transfers, ledger_entries, ledger_pending, ledger_accounts, ledger_spend_policies FROM chimera_ledger_writer;
REVOKE USAGE ON SCHEMA public, chimera FROM chimera_ledger_writer;
