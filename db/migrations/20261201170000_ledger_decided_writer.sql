-- migrate:up

-- A decided batch's write (chimera.ledger_write_decided) runs as its own role,
-- chimera_ledger_writer, and the entries it inserts skip the statement-level reference check
-- (chimera.check_entry_references). The check probes, for every entry, the transfer it names; the
-- function derives every entry from the transfers it inserts in the same call (the same ids and
-- accounts, the same tenant), so for its rows the probes can only confirm what the function did.
-- They were the largest single cost of a batch of 8,000 transfers (BENCHMARKS.md). Every other
-- writer, the service's careful path and anyone with INSERT included, is still checked.
--
-- chimera_ledger_writer cannot log in, is no superuser, does not bypass row-level security, has no
-- members and belongs to no role: the only way to act as it is to call the function, which owns
-- nothing else, and which only chimera_app may call. Roles are shared by every database of the
-- server, so these attributes are set, and the memberships checked, whether or not the role
-- existed. Row-level security applies to it as to chimera_app (the same tenant policies).
-- The function pins its search_path (and nobody but the owner may create objects in public, where
-- one could otherwise shadow a function it calls), and refuses to run as anyone else or as a role
-- that bypasses row-level security, so that a copy of the schema restored without owners fails
-- instead of running as a superuser. The transfers' own check (that their accounts exist) still
-- runs for its rows. The skip relies on the bodies of the functions it calls
-- (chimera.ledger_insert_transfers, chimera.ledger_write_decided_entries): a change to them must
-- keep every entry derived from the transfers inserted in the same call.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chimera_ledger_writer') THEN
    CREATE ROLE chimera_ledger_writer NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;
ALTER ROLE chimera_ledger_writer NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION NOINHERIT;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_auth_members m
             WHERE m.roleid = 'chimera_ledger_writer'::regrole OR m.member = 'chimera_ledger_writer'::regrole) THEN
    RAISE EXCEPTION 'chimera_ledger_writer must have no members and belong to no role';
  END IF;
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public, chimera TO chimera_ledger_writer;
GRANT SELECT, INSERT ON ledger_transfers, ledger_pending TO chimera_ledger_writer;
GRANT INSERT ON ledger_entries TO chimera_ledger_writer;
GRANT SELECT ON ledger_accounts, ledger_spend_policies TO chimera_ledger_writer;
-- What it calls, and what the policies and reference checks it meets call.
GRANT EXECUTE ON FUNCTION chimera.ledger_insert_transfers(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[]),
  chimera.ledger_write_decided_entries(uuid, uuid[], uuid[], uuid[], boolean[], numeric[], numeric[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric),
  chimera.existing_accounts(uuid, uuid[]), chimera.existing_transfers(uuid, uuid[]),
  chimera.current_tenant_id(), chimera.now_ms()
  TO chimera_ledger_writer;
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

ALTER FUNCTION chimera.ledger_write_decided(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric) OWNER TO chimera_ledger_writer;
REVOKE EXECUTE ON FUNCTION chimera.ledger_write_decided(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric) FROM PUBLIC;
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
GRANT EXECUTE ON FUNCTION chimera.ledger_write_decided(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric) TO PUBLIC;
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
REVOKE EXECUTE ON FUNCTION chimera.ledger_insert_transfers(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[]),
  chimera.ledger_write_decided_entries(uuid, uuid[], uuid[], uuid[], boolean[], numeric[], numeric[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric),
  chimera.existing_accounts(uuid, uuid[]), chimera.existing_transfers(uuid, uuid[]),
  chimera.current_tenant_id(), chimera.now_ms()
  FROM chimera_ledger_writer;
REVOKE USAGE ON SCHEMA public, chimera FROM chimera_ledger_writer;
