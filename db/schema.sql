
-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: chimera; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA chimera;


--
-- Name: SCHEMA chimera; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA chimera IS 'Platform and ledger functions; the tables live in public.';


--
-- Name: vector; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;


--
-- Name: EXTENSION vector; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION vector IS 'vector data type and ivfflat and hnsw access methods';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: audit_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_events (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    event_time timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    actor text NOT NULL,
    request_id text,
    action text NOT NULL,
    resource_type text NOT NULL,
    resource_id text NOT NULL,
    before jsonb,
    after jsonb,
    txid xid8 DEFAULT pg_current_xact_id() NOT NULL,
    CONSTRAINT audit_events_action_check CHECK ((action = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text, 'DENIED'::text])))
);

ALTER TABLE ONLY public.audit_events FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE audit_events; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.audit_events IS 'Append-only history of every change to tenant data, written by chimera.audit_row_change().';


--
-- Name: audit_event_bytes(bigint, public.audit_events); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.audit_event_bytes(seq bigint, e public.audit_events) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT convert_to(jsonb_build_array(seq, e.id, e.tenant_id, (extract(epoch FROM e.event_time) * 1000000)::bigint,
                                        e.actor, e.request_id, e.action, e.resource_type, e.resource_id, e.before, e.after)::text,
                      'UTF8')
  $$;


--
-- Name: FUNCTION audit_event_bytes(seq bigint, e public.audit_events); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.audit_event_bytes(seq bigint, e public.audit_events) IS 'The canonical encoding of an audit event at position seq of its tenant''s chain.';


--
-- Name: audit_row_change(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.audit_row_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  row_data jsonb := coalesce(new_row, old_row);
  hidden text;
BEGIN
  FOREACH hidden IN ARRAY coalesce(TG_ARGV, '{}'::text[]) LOOP
    old_row := old_row - hidden;
    new_row := new_row - hidden;
  END LOOP;
  IF TG_OP = 'UPDATE' AND old_row = new_row THEN
    RETURN NULL;
  END IF;
  INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, before, after)
  VALUES (CASE WHEN TG_TABLE_NAME = 'tenants' THEN row_data ->> 'id' ELSE row_data ->> 'tenant_id' END::uuid,
          chimera.current_actor(), chimera.current_request_id(), TG_OP, TG_TABLE_NAME,
          coalesce(row_data ->> 'id', row_data ->> 'account_id', ''), old_row, new_row);
  RETURN NULL;
END
$$;


--
-- Name: FUNCTION audit_row_change(); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.audit_row_change() IS 'AFTER ... FOR EACH ROW trigger writing audit_events; trigger arguments name columns left out of before/after.';


--
-- Name: audit_statement_changes(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.audit_statement_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
  -- Columns left out of before/after, as for audit_row_change.
  hidden text[] := coalesce(TG_ARGV, '{}'::text[]);
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, before, after)
    SELECT n.tenant_id, (SELECT chimera.current_actor()), (SELECT chimera.current_request_id()), TG_OP, TG_TABLE_NAME,
           n.id::text, NULL, to_jsonb(n) - hidden
    FROM new_rows n;
  ELSIF TG_OP = 'UPDATE' THEN
    -- An update that changes only hidden columns is not recorded.
    INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, before, after)
    SELECT n.tenant_id, (SELECT chimera.current_actor()), (SELECT chimera.current_request_id()), TG_OP, TG_TABLE_NAME,
           n.id::text, o.row_data, n.row_data
    FROM (SELECT tenant_id, id, to_jsonb(r) - hidden AS row_data FROM new_rows r) n
    JOIN (SELECT tenant_id, id, to_jsonb(r) - hidden AS row_data FROM old_rows r) o ON o.tenant_id = n.tenant_id AND o.id = n.id
    WHERE o.row_data <> n.row_data;
  ELSE
    INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, before, after)
    SELECT o.tenant_id, (SELECT chimera.current_actor()), (SELECT chimera.current_request_id()), TG_OP, TG_TABLE_NAME,
           o.id::text, to_jsonb(o) - hidden, NULL
    FROM old_rows o;
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: FUNCTION audit_statement_changes(); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.audit_statement_changes() IS 'AFTER INSERT / UPDATE / DELETE ... FOR EACH STATEMENT trigger (transition tables new_rows, old_rows) writing audit_events as audit_row_change does; arguments name columns left out.';


--
-- Name: check_entry_references(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.check_entry_references() RETURNS trigger
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


--
-- Name: check_ledger_balances(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.check_ledger_balances() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
  problem text;
BEGIN
  -- The first of the transaction's filings to fire checks them all; the rest find nothing left.
  WITH due AS (
    DELETE FROM ledger_balance_checks c WHERE c.tenant_id = NEW.tenant_id AND c.txid = pg_current_xact_id()
    RETURNING c.account_ids
  )
  SELECT format('account %s holds version %s %s, its latest entry version %s %s', w.id, a.version,
                ARRAY[a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted],
                coalesce(e.account_version, 0), ARRAY[e.debits_pending, e.debits_posted, e.credits_pending, e.credits_posted])
  INTO problem
  FROM (SELECT DISTINCT i AS id FROM due d, unnest(d.account_ids) AS i) w
  CROSS JOIN LATERAL (
    SELECT x.* FROM ledger_accounts x WHERE x.tenant_id = NEW.tenant_id AND x.id = w.id LIMIT 1
  ) a
  LEFT JOIN LATERAL (
    SELECT y.* FROM ledger_entries y WHERE y.tenant_id = NEW.tenant_id AND y.account_id = w.id
    ORDER BY y.account_version DESC LIMIT 1
  ) e ON true
  WHERE (a.version, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
        IS DISTINCT FROM (coalesce(e.account_version, 0), coalesce(e.debits_pending, 0), coalesce(e.debits_posted, 0),
                          coalesce(e.credits_pending, 0), coalesce(e.credits_posted, 0))
  LIMIT 1;
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'ledger: %', problem USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: check_ledger_time_bound(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.check_ledger_time_bound() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  PERFORM chimera.ledger_check_time_bound();
  RETURN NULL;
END
$$;


--
-- Name: check_references_exist(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.check_references_exist() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
    AS $$
BEGIN
  IF TG_TABLE_NAME = 'ledger_transfers' THEN
    PERFORM chimera.require_existing(TG_TABLE_NAME, 'accounts', n.tenant_id, array_agg(DISTINCT x))
    FROM inserted n, unnest(ARRAY[n.debit_account_id, n.credit_account_id]) AS x
    GROUP BY n.tenant_id;
    PERFORM chimera.require_existing(TG_TABLE_NAME, 'transfers', n.tenant_id, array_agg(DISTINCT n.pending_id))
    FROM inserted n WHERE n.pending_id IS NOT NULL
    GROUP BY n.tenant_id;
  ELSE -- ledger_pending
    PERFORM chimera.require_existing(TG_TABLE_NAME, 'transfers', n.tenant_id, array_agg(n.transfer_id))
    FROM inserted n
    GROUP BY n.tenant_id;
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: current_actor(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.current_actor() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(nullif(current_setting('app.actor', true), ''), current_user) $$;


--
-- Name: current_request_id(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.current_request_id() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.request_id', true), '') $$;


--
-- Name: current_tenant_id(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.current_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;


--
-- Name: FUNCTION current_tenant_id(); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.current_tenant_id() IS 'The transaction''s tenant (app.tenant_id), which every tenant policy compares tenant_id with; NULL outside a tenant transaction.';


--
-- Name: file_ledger_balance_check(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.file_ledger_balance_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
  IF TG_TABLE_NAME = 'ledger_entries' THEN
    INSERT INTO ledger_balance_checks (tenant_id, account_ids)
    SELECT c.tenant_id, array_agg(DISTINCT c.account_id) FROM changed c GROUP BY c.tenant_id;
  ELSE -- ledger_accounts
    INSERT INTO ledger_balance_checks (tenant_id, account_ids)
    SELECT c.tenant_id, array_agg(c.id) FROM changed c GROUP BY c.tenant_id;
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: ledger_apply_postings(uuid, uuid[], uuid[], uuid[], boolean[], numeric[], numeric[], numeric, uuid[], uuid[], timestamp with time zone[], numeric[], uuid[], timestamp with time zone[], numeric[], uuid[], timestamp with time zone[], numeric[], numeric[], uuid[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_apply_postings(p_tenant_id uuid, p_t_ids uuid[], p_t_debit_ids uuid[], p_t_credit_ids uuid[], p_t_pending boolean[], p_t_pending_deltas numeric[], p_t_posted_deltas numeric[], p_expected_checksum numeric, p_resolved_pending_ids uuid[], p_s_account_ids uuid[], p_s_window_starts timestamp with time zone[], p_s_deltas numeric[], p_r_account_ids uuid[], p_r_window_starts timestamp with time zone[], p_r_amounts numeric[], p_a_account_ids uuid[], p_a_window_starts timestamp with time zone[], p_a_spent numeric[], p_a_limits numeric[], p_a_transfer_ids uuid[]) RETURNS bigint
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
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


--
-- Name: FUNCTION ledger_apply_postings(p_tenant_id uuid, p_t_ids uuid[], p_t_debit_ids uuid[], p_t_credit_ids uuid[], p_t_pending boolean[], p_t_pending_deltas numeric[], p_t_posted_deltas numeric[], p_expected_checksum numeric, p_resolved_pending_ids uuid[], p_s_account_ids uuid[], p_s_window_starts timestamp with time zone[], p_s_deltas numeric[], p_r_account_ids uuid[], p_r_window_starts timestamp with time zone[], p_r_amounts numeric[], p_a_account_ids uuid[], p_a_window_starts timestamp with time zone[], p_a_spent numeric[], p_a_limits numeric[], p_a_transfer_ids uuid[]); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_apply_postings(p_tenant_id uuid, p_t_ids uuid[], p_t_debit_ids uuid[], p_t_credit_ids uuid[], p_t_pending boolean[], p_t_pending_deltas numeric[], p_t_posted_deltas numeric[], p_expected_checksum numeric, p_resolved_pending_ids uuid[], p_s_account_ids uuid[], p_s_window_starts timestamp with time zone[], p_s_deltas numeric[], p_r_account_ids uuid[], p_r_window_starts timestamp with time zone[], p_r_amounts numeric[], p_a_account_ids uuid[], p_a_window_starts timestamp with time zone[], p_a_spent numeric[], p_a_limits numeric[], p_a_transfer_ids uuid[]) IS 'A careful batch''s entries, balances (checked against p_expected_checksum), reservations, spend windows and alerts.';


--
-- Name: ledger_balances_checksum(bigint, numeric, numeric, numeric, numeric, bigint); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_balances_checksum(p_rank bigint, p_debits_pending numeric, p_debits_posted numeric, p_credits_pending numeric, p_credits_posted numeric, p_version bigint) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((p_rank)::numeric * ((((p_debits_pending + (p_debits_posted * ((2)::numeric ^ (128)::numeric))) + (p_credits_pending * ((2)::numeric ^ (256)::numeric))) + (p_credits_posted * ((2)::numeric ^ (384)::numeric))) + ((p_version)::numeric * ((2)::numeric ^ (512)::numeric))));


--
-- Name: FUNCTION ledger_balances_checksum(p_rank bigint, p_debits_pending numeric, p_debits_posted numeric, p_credits_pending numeric, p_credits_posted numeric, p_version bigint); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_balances_checksum(p_rank bigint, p_debits_pending numeric, p_debits_posted numeric, p_credits_pending numeric, p_credits_posted numeric, p_version bigint) IS 'One account''s part of a batch''s balance checksum (state-machine.ts, checksumOf); inlined into the writes.';


--
-- Name: ledger_check_time_bound(); Type: FUNCTION; Schema: chimera; Owner: -
--

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


--
-- Name: FUNCTION ledger_check_time_bound(); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_check_time_bound() IS 'Raises 40001 once the transaction is more than chimera.ledger_time_bound() old; true otherwise.';


--
-- Name: ledger_expired_reservations(uuid, uuid[], uuid[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_expired_reservations(p_tenant_id uuid, p_account_ids uuid[], p_pending_ids uuid[]) RETURNS TABLE(transfer_id uuid, debit_account_id uuid, credit_account_id uuid, amount numeric, create_time timestamp with time zone)
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
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


--
-- Name: FUNCTION ledger_expired_reservations(p_tenant_id uuid, p_account_ids uuid[], p_pending_ids uuid[]); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_expired_reservations(p_tenant_id uuid, p_account_ids uuid[], p_pending_ids uuid[]) IS 'Expired reservations on the batch''s accounts or that it resolves; voided before the batch is applied.';


--
-- Name: ledger_insert_transfers(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_insert_transfers(p_tenant_id uuid, p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_amounts numeric[], p_pending_ids uuid[], p_linked boolean[], p_pending boolean[], p_post_pending boolean[], p_void_pending boolean[], p_timeouts integer[], p_codes integer[], p_external_refs text[], p_metadata text[]) RETURNS bigint
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
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


--
-- Name: FUNCTION ledger_insert_transfers(p_tenant_id uuid, p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_amounts numeric[], p_pending_ids uuid[], p_linked boolean[], p_pending boolean[], p_post_pending boolean[], p_void_pending boolean[], p_timeouts integer[], p_codes integer[], p_external_refs text[], p_metadata text[]); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_insert_transfers(p_tenant_id uuid, p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_amounts numeric[], p_pending_ids uuid[], p_linked boolean[], p_pending boolean[], p_post_pending boolean[], p_void_pending boolean[], p_timeouts integer[], p_codes integer[], p_external_refs text[], p_metadata text[]) IS 'Writes a batch''s transfer rows; arrays whose every element is the column default may be empty.';


--
-- Name: ledger_lock_accounts(uuid, uuid[], uuid[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_lock_accounts(p_tenant_id uuid, p_account_ids uuid[], p_pending_ids uuid[]) RETURNS TABLE(id uuid, asset text, debits_must_not_exceed_credits boolean, credits_must_not_exceed_debits boolean, closed boolean, debits_pending numeric, debits_posted numeric, credits_pending numeric, credits_posted numeric, version bigint, spend_window text, spend_limit numeric, alert_ratio_bp integer, approval_threshold numeric, window_start timestamp with time zone, window_debited numeric, window_alerted boolean)
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
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


--
-- Name: FUNCTION ledger_lock_accounts(p_tenant_id uuid, p_account_ids uuid[], p_pending_ids uuid[]); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_lock_accounts(p_tenant_id uuid, p_account_ids uuid[], p_pending_ids uuid[]) IS 'Locks every account a batch touches, in id order, and returns balances with spend policy and current window.';


--
-- Name: ledger_move_balances(uuid, uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], bigint[], numeric[], numeric[], numeric[], numeric[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_move_balances(p_tenant_id uuid, p_ids uuid[], p_versions bigint[], p_debits_pending numeric[], p_debits_posted numeric[], p_credits_pending numeric[], p_credits_posted numeric[], p_new_versions bigint[], p_new_debits_pending numeric[], p_new_debits_posted numeric[], p_new_credits_pending numeric[], p_new_credits_posted numeric[]) RETURNS bigint
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
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


--
-- Name: FUNCTION ledger_move_balances(p_tenant_id uuid, p_ids uuid[], p_versions bigint[], p_debits_pending numeric[], p_debits_posted numeric[], p_credits_pending numeric[], p_credits_posted numeric[], p_new_versions bigint[], p_new_debits_pending numeric[], p_new_debits_posted numeric[], p_new_credits_pending numeric[], p_new_credits_posted numeric[]); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_move_balances(p_tenant_id uuid, p_ids uuid[], p_versions bigint[], p_debits_pending numeric[], p_debits_posted numeric[], p_credits_pending numeric[], p_credits_posted numeric[], p_new_versions bigint[], p_new_debits_pending numeric[], p_new_debits_posted numeric[], p_new_credits_pending numeric[], p_new_credits_posted numeric[]) IS 'Under the locks: moves each account from the expected balances to the computed ones; CH001 if any holds something else.';


--
-- Name: ledger_movements(uuid[], uuid[], uuid[], numeric[], numeric[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_movements(p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_pending_deltas numeric[], p_posted_deltas numeric[]) RETURNS TABLE(account_id uuid, transfer_id uuid, seq bigint, versions bigint, debits_pending numeric, debits_posted numeric, credits_pending numeric, credits_posted numeric)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    BEGIN ATOMIC
 SELECT s.account_id,
     s.transfer_id,
     s.seq,
     row_number() OVER w AS versions,
     sum(s.dp) OVER w AS debits_pending,
     sum(s.dpo) OVER w AS debits_posted,
     sum(s.cp) OVER w AS credits_pending,
     sum(s.cpo) OVER w AS credits_posted
    FROM ( SELECT t.seq,
             t.id AS transfer_id,
             t.account_id,
             t.pending_delta AS dp,
             t.posted_delta AS dpo,
             (0)::numeric AS cp,
             (0)::numeric AS cpo
            FROM UNNEST(ledger_movements.p_ids, ledger_movements.p_debit_ids, ledger_movements.p_pending_deltas, ledger_movements.p_posted_deltas) WITH ORDINALITY t(id, account_id, pending_delta, posted_delta, seq)
         UNION ALL
          SELECT t.seq,
             t.id,
             t.account_id,
             0,
             0,
             t.pending_delta,
             t.posted_delta
            FROM UNNEST(ledger_movements.p_ids, ledger_movements.p_credit_ids, ledger_movements.p_pending_deltas, ledger_movements.p_posted_deltas) WITH ORDINALITY t(id, account_id, pending_delta, posted_delta, seq)) s
   WINDOW w AS (PARTITION BY s.account_id ORDER BY s.seq ROWS UNBOUNDED PRECEDING);
END;


--
-- Name: FUNCTION ledger_movements(p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_pending_deltas numeric[], p_posted_deltas numeric[]); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_movements(p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_pending_deltas numeric[], p_posted_deltas numeric[]) IS 'Each posting of a batch with what the batch has moved on its account up to and including it; inlined into the writes.';


--
-- Name: now_ms(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.now_ms() RETURNS timestamp with time zone
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT date_trunc('milliseconds', now()) $$;


--
-- Name: FUNCTION now_ms(); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.now_ms() IS 'now() to the millisecond: creation times round-trip exactly through the API and keyset cursors.';


--
-- Name: ledger_transfers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_transfers (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    debit_account_id uuid NOT NULL,
    credit_account_id uuid NOT NULL,
    amount numeric(38,0) NOT NULL,
    pending_id uuid,
    linked boolean DEFAULT false NOT NULL,
    pending boolean DEFAULT false NOT NULL,
    post_pending boolean DEFAULT false NOT NULL,
    void_pending boolean DEFAULT false NOT NULL,
    timeout_seconds integer DEFAULT 0 NOT NULL,
    expire_time timestamp with time zone,
    code integer DEFAULT 0 NOT NULL,
    external_ref text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL,
    CONSTRAINT ledger_transfers_amount_check CHECK ((amount >= (0)::numeric)),
    CONSTRAINT ledger_transfers_check CHECK ((debit_account_id <> credit_account_id)),
    CONSTRAINT ledger_transfers_check1 CHECK ((num_nonnulls(NULLIF(pending, false), NULLIF(post_pending, false), NULLIF(void_pending, false)) <= 1)),
    CONSTRAINT ledger_transfers_check2 CHECK (((post_pending OR void_pending) = (pending_id IS NOT NULL))),
    CONSTRAINT ledger_transfers_check3 CHECK ((pending OR (timeout_seconds = 0))),
    CONSTRAINT ledger_transfers_check4 CHECK (((expire_time IS NOT NULL) = (pending AND (timeout_seconds > 0)))),
    CONSTRAINT ledger_transfers_external_ref_check CHECK (((external_ref <> ''::text) AND (length(external_ref) <= 200))),
    CONSTRAINT ledger_transfers_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ledger_transfers_timeout_seconds_check CHECK ((timeout_seconds >= 0))
);

ALTER TABLE ONLY public.ledger_transfers FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE ledger_transfers; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.ledger_transfers IS 'Immutable transfers; references checked per statement by chimera.check_references_exist().';


--
-- Name: ledger_new_reservations(uuid, uuid[], boolean[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_new_reservations(p_tenant_id uuid, p_ids uuid[], p_pending boolean[]) RETURNS TABLE(tenant_id uuid, transfer_id uuid, debit_account_id uuid, credit_account_id uuid, amount numeric, expire_time timestamp with time zone)
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT t.tenant_id,
     t.id,
     t.debit_account_id,
     t.credit_account_id,
     t.amount,
     t.expire_time
    FROM (UNNEST(ledger_new_reservations.p_ids, ledger_new_reservations.p_pending) n(id, pending)
      CROSS JOIN LATERAL ( SELECT x.tenant_id,
             x.id,
             x.debit_account_id,
             x.credit_account_id,
             x.amount,
             x.pending_id,
             x.linked,
             x.pending,
             x.post_pending,
             x.void_pending,
             x.timeout_seconds,
             x.expire_time,
             x.code,
             x.external_ref,
             x.metadata,
             x.create_time
            FROM public.ledger_transfers x
           WHERE ((x.tenant_id = ledger_new_reservations.p_tenant_id) AND (x.id = n.id))
          LIMIT 1) t)
   WHERE n.pending;
END;


--
-- Name: FUNCTION ledger_new_reservations(p_tenant_id uuid, p_ids uuid[], p_pending boolean[]); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_new_reservations(p_tenant_id uuid, p_ids uuid[], p_pending boolean[]) IS 'The reservations a batch''s pending transfers open, from the transfer rows already written; inlined into the writes.';


--
-- Name: ledger_require_writer(text); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_require_writer(p_function text) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF current_user <> 'chimera_ledger_writer'
     OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = current_user AND (r.rolsuper OR r.rolbypassrls)) THEN
    RAISE EXCEPTION '% runs as chimera_ledger_writer, not %', p_function, current_user USING ERRCODE = 'insufficient_privilege';
  END IF;
END
$$;


--
-- Name: ledger_settle_balances(uuid, uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], bigint[], numeric[], numeric[], numeric[], numeric[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_settle_balances(p_tenant_id uuid, p_ids uuid[], p_versions bigint[], p_debits_pending numeric[], p_debits_posted numeric[], p_credits_pending numeric[], p_credits_posted numeric[], p_new_versions bigint[], p_new_debits_pending numeric[], p_new_debits_posted numeric[], p_new_credits_pending numeric[], p_new_credits_posted numeric[]) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
  moved bigint;
BEGIN
  PERFORM chimera.ledger_require_writer('ledger_settle_balances');
  moved := chimera.ledger_move_balances(p_tenant_id, p_ids, p_versions, p_debits_pending, p_debits_posted,
    p_credits_pending, p_credits_posted, p_new_versions, p_new_debits_pending, p_new_debits_posted,
    p_new_credits_pending, p_new_credits_posted);
  IF EXISTS (
    SELECT 1
    FROM unnest(p_ids, p_versions, p_debits_pending, p_debits_posted, p_credits_pending, p_credits_posted,
                p_new_versions, p_new_debits_pending, p_new_debits_posted, p_new_credits_pending, p_new_credits_posted)
         AS a(id, version, dp, dpo, cp, cpo, new_version, new_dp, new_dpo, new_cp, new_cpo)
    LEFT JOIN LATERAL (
      SELECT e.xmin = pg_current_xact_id()::xid AS fresh, e.* FROM ledger_entries e
      WHERE e.tenant_id = p_tenant_id AND e.account_id = a.id AND e.account_version = a.version + 1 LIMIT 1
    ) f ON true
    LEFT JOIN LATERAL (
      SELECT x.* FROM ledger_transfers x WHERE x.tenant_id = p_tenant_id AND x.id = f.transfer_id LIMIT 1
    ) t ON true
    LEFT JOIN LATERAL (
      SELECT e.xmin = pg_current_xact_id()::xid AS fresh, e.* FROM ledger_entries e
      WHERE e.tenant_id = p_tenant_id AND e.account_id = a.id AND e.account_version = a.new_version LIMIT 1
    ) l ON true
    WHERE f.fresh IS NOT TRUE OR l.fresh IS NOT TRUE OR t.pending_id IS NOT NULL
       OR (f.debits_pending, f.debits_posted, f.credits_pending, f.credits_posted) IS DISTINCT FROM
          (a.dp + CASE WHEN t.debit_account_id = a.id AND t.pending THEN t.amount ELSE 0 END,
           a.dpo + CASE WHEN t.debit_account_id = a.id AND NOT t.pending THEN t.amount ELSE 0 END,
           a.cp + CASE WHEN t.credit_account_id = a.id AND t.pending THEN t.amount ELSE 0 END,
           a.cpo + CASE WHEN t.credit_account_id = a.id AND NOT t.pending THEN t.amount ELSE 0 END)
       OR (l.debits_pending, l.debits_posted, l.credits_pending, l.credits_posted) IS DISTINCT FROM
          (a.new_dp, a.new_dpo, a.new_cp, a.new_cpo)
  ) THEN
    RAISE EXCEPTION 'ledger_settle_balances: the balances are not those of the batch''s entries' USING ERRCODE = 'internal_error';
  END IF;
  RETURN moved;
END
$$;


--
-- Name: ledger_time_bound(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_time_bound() RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$SELECT '00:00:10'::interval$$;


--
-- Name: FUNCTION ledger_time_bound(); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_time_bound() IS 'B: no transaction changes balances more than this after it began, so account versions are in time order to within B.';


--
-- Name: ledger_write_decided(uuid, uuid[], uuid[], uuid[], numeric[], uuid[], boolean[], boolean[], boolean[], boolean[], integer[], integer[], text[], text[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_write_decided(p_tenant_id uuid, p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_amounts numeric[], p_pending_ids uuid[], p_linked boolean[], p_pending boolean[], p_post_pending boolean[], p_void_pending boolean[], p_timeouts integer[], p_codes integer[], p_external_refs text[], p_metadata text[], p_a_ids uuid[], p_a_versions bigint[], p_a_debits_pending numeric[], p_a_debits_posted numeric[], p_a_credits_pending numeric[], p_a_credits_posted numeric[], p_expected_checksum numeric) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
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


--
-- Name: FUNCTION ledger_write_decided(p_tenant_id uuid, p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_amounts numeric[], p_pending_ids uuid[], p_linked boolean[], p_pending boolean[], p_post_pending boolean[], p_void_pending boolean[], p_timeouts integer[], p_codes integer[], p_external_refs text[], p_metadata text[], p_a_ids uuid[], p_a_versions bigint[], p_a_debits_pending numeric[], p_a_debits_posted numeric[], p_a_credits_pending numeric[], p_a_credits_posted numeric[], p_expected_checksum numeric); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_write_decided(p_tenant_id uuid, p_ids uuid[], p_debit_ids uuid[], p_credit_ids uuid[], p_amounts numeric[], p_pending_ids uuid[], p_linked boolean[], p_pending boolean[], p_post_pending boolean[], p_void_pending boolean[], p_timeouts integer[], p_codes integer[], p_external_refs text[], p_metadata text[], p_a_ids uuid[], p_a_versions bigint[], p_a_debits_pending numeric[], p_a_debits_posted numeric[], p_a_credits_pending numeric[], p_a_credits_posted numeric[], p_expected_checksum numeric) IS 'A decided batch''s transfers, entries and reservations, written as chimera_ledger_writer (whose entries skip the reference check) before any lock.';


--
-- Name: ledger_write_decided_entries(uuid, uuid[], uuid[], uuid[], boolean[], numeric[], numeric[], uuid[], bigint[], numeric[], numeric[], numeric[], numeric[], numeric); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_write_decided_entries(p_tenant_id uuid, p_t_ids uuid[], p_t_debit_ids uuid[], p_t_credit_ids uuid[], p_t_pending boolean[], p_t_pending_deltas numeric[], p_t_posted_deltas numeric[], p_a_ids uuid[], p_a_versions bigint[], p_a_debits_pending numeric[], p_a_debits_posted numeric[], p_a_credits_pending numeric[], p_a_credits_posted numeric[], p_expected_checksum numeric) RETURNS bigint
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
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


--
-- Name: FUNCTION ledger_write_decided_entries(p_tenant_id uuid, p_t_ids uuid[], p_t_debit_ids uuid[], p_t_credit_ids uuid[], p_t_pending boolean[], p_t_pending_deltas numeric[], p_t_posted_deltas numeric[], p_a_ids uuid[], p_a_versions bigint[], p_a_debits_pending numeric[], p_a_debits_posted numeric[], p_a_credits_pending numeric[], p_a_credits_posted numeric[], p_expected_checksum numeric); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.ledger_write_decided_entries(p_tenant_id uuid, p_t_ids uuid[], p_t_debit_ids uuid[], p_t_credit_ids uuid[], p_t_pending boolean[], p_t_pending_deltas numeric[], p_t_posted_deltas numeric[], p_a_ids uuid[], p_a_versions bigint[], p_a_debits_pending numeric[], p_a_debits_posted numeric[], p_a_credits_pending numeric[], p_a_credits_posted numeric[], p_expected_checksum numeric) IS 'A decided batch''s entries from the balances its accounts are expected to hold, and its reservations; CH001 when it must run carefully.';


--
-- Name: ledger_write_postings(uuid, uuid[], uuid[], uuid[], boolean[], numeric[], numeric[], numeric, uuid[], uuid[], timestamp with time zone[], numeric[], uuid[], timestamp with time zone[], numeric[], uuid[], timestamp with time zone[], numeric[], numeric[], uuid[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.ledger_write_postings(p_tenant_id uuid, p_t_ids uuid[], p_t_debit_ids uuid[], p_t_credit_ids uuid[], p_t_pending boolean[], p_t_pending_deltas numeric[], p_t_posted_deltas numeric[], p_expected_checksum numeric, p_resolved_pending_ids uuid[], p_s_account_ids uuid[], p_s_window_starts timestamp with time zone[], p_s_deltas numeric[], p_r_account_ids uuid[], p_r_window_starts timestamp with time zone[], p_r_amounts numeric[], p_a_account_ids uuid[], p_a_window_starts timestamp with time zone[], p_a_spent numeric[], p_a_limits numeric[], p_a_transfer_ids uuid[]) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
  problem text;
BEGIN
  PERFORM chimera.ledger_require_writer('ledger_write_postings');
  WITH t AS MATERIALIZED (
    SELECT m.*, x.xmin = pg_current_xact_id()::xid AS fresh, x.debit_account_id, x.credit_account_id, x.amount,
           x.pending AS is_pending, x.post_pending, x.void_pending, x.pending_id, r.amount AS reserved
    FROM unnest(p_t_ids, p_t_debit_ids, p_t_credit_ids, p_t_pending, p_t_pending_deltas, p_t_posted_deltas)
         AS m(id, debit_id, credit_id, pending, pending_delta, posted_delta)
    LEFT JOIN LATERAL (SELECT x.xmin, x.* FROM ledger_transfers x WHERE x.tenant_id = p_tenant_id AND x.id = m.id LIMIT 1) x ON true
    LEFT JOIN LATERAL (SELECT y.amount FROM ledger_transfers y WHERE y.tenant_id = p_tenant_id AND y.id = x.pending_id LIMIT 1) r ON true
  ),
  spent AS (
    SELECT s.account_id, sum(s.delta) AS total, bool_or(s.delta <= 0) AS nonpositive
    FROM unnest(p_s_account_ids, p_s_deltas) AS s(account_id, delta) GROUP BY s.account_id
  ),
  released AS (
    SELECT s.account_id, sum(s.amount) AS total, bool_or(s.amount <= 0) AS nonpositive
    FROM unnest(p_r_account_ids, p_r_amounts) AS s(account_id, amount) GROUP BY s.account_id
  )
  SELECT CASE
    WHEN (SELECT count(DISTINCT t.id) FROM t) <> cardinality(p_t_ids) THEN 'a transfer is posted twice'
    WHEN EXISTS (
      SELECT 1 FROM t
      WHERE t.debit_account_id IS NULL OR NOT t.fresh
         OR t.debit_account_id <> t.debit_id OR t.credit_account_id <> t.credit_id
         OR coalesce(t.pending, false) <> t.is_pending
         OR (t.pending_id IS NOT NULL AND t.reserved IS NULL)
         OR t.pending_delta <> (CASE WHEN t.is_pending THEN t.amount ELSE 0 END) - coalesce(t.reserved, 0)
         OR t.posted_delta <> (CASE WHEN t.is_pending OR t.void_pending THEN 0 ELSE t.amount END))
      THEN 'a posting is not the movement of a transfer written in this transaction'
    WHEN (SELECT coalesce(array_agg(DISTINCT t.pending_id ORDER BY t.pending_id), '{}') FROM t WHERE t.pending_id IS NOT NULL)
         IS DISTINCT FROM (SELECT coalesce(array_agg(DISTINCT i ORDER BY i), '{}') FROM unnest(p_resolved_pending_ids) AS i)
      THEN 'the reservations closed are not those the batch resolves'
    WHEN EXISTS (
      SELECT 1 FROM spent s
      WHERE s.nonpositive OR s.total > coalesce((SELECT sum(t.amount) FROM t WHERE t.debit_account_id = s.account_id AND t.pending_id IS NULL), 0))
      THEN 'a spend window rises by more than the batch debits'
    WHEN EXISTS (
      SELECT 1 FROM released s
      WHERE s.nonpositive OR s.total > coalesce((SELECT sum(t.reserved - CASE WHEN t.post_pending THEN t.amount ELSE 0 END)
                                                 FROM t WHERE t.debit_account_id = s.account_id AND t.pending_id IS NOT NULL), 0))
      THEN 'a spend window falls by more than the batch releases'
  END INTO problem;
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'ledger_write_postings: %', problem USING ERRCODE = 'internal_error';
  END IF;
  RETURN chimera.ledger_apply_postings(p_tenant_id, p_t_ids, p_t_debit_ids, p_t_credit_ids, p_t_pending,
    p_t_pending_deltas, p_t_posted_deltas, p_expected_checksum, p_resolved_pending_ids,
    p_s_account_ids, p_s_window_starts, p_s_deltas, p_r_account_ids, p_r_window_starts, p_r_amounts,
    p_a_account_ids, p_a_window_starts, p_a_spent, p_a_limits, p_a_transfer_ids);
END
$$;


--
-- Name: protect_tenant_table(regclass); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.protect_tenant_table(t regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY %I ON %s TO chimera_app USING (tenant_id = (SELECT chimera.current_tenant_id())) '
                 'WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()))', replace(t::text, '.', '_') || '_tenant', t);
END
$$;


--
-- Name: FUNCTION protect_tenant_table(t regclass); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.protect_tenant_table(t regclass) IS 'Enables and forces RLS on a table with a tenant_id column and creates its policy <table>_tenant for chimera_app.';


--
-- Name: record_denied_call(text, text, text); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.record_denied_call(p_method text, p_reason text, p_scope text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $_$
BEGIN
  IF p_method !~ '^[A-Za-z0-9_.]{1,200}/[A-Za-z0-9_]{1,100}$' OR p_reason !~ '^[A-Z_]{1,64}$'
     OR p_scope !~ '^[a-z_]{0,64}(:[a-z_]{1,64})?$' THEN
    RAISE EXCEPTION 'record_denied_call: not a method, reason and scope' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, after)
  VALUES (chimera.current_tenant_id(), chimera.current_actor(), chimera.current_request_id(), 'DENIED', 'rpc', p_method,
          jsonb_build_object('reason', p_reason, 'scope', p_scope));
END
$_$;


--
-- Name: record_other_tenant_miss(text, text, text); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.record_other_tenant_miss(p_method text, p_resource_type text, p_resource_id text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $_$
DECLARE
  caller uuid := chimera.current_tenant_id();
  wanted uuid;
  elsewhere boolean;
BEGIN
  IF p_method !~ '^[A-Za-z0-9_.]{1,200}/[A-Za-z0-9_]{1,100}$' THEN
    RAISE EXCEPTION 'record_other_tenant_miss: not a method' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_resource_id !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    RETURN false;
  END IF;
  wanted := p_resource_id::uuid;
  elsewhere := CASE p_resource_type
    WHEN 'agent' THEN EXISTS (SELECT 1 FROM tenants t JOIN agents r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'campaign' THEN EXISTS (SELECT 1 FROM tenants t JOIN campaigns r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'task' THEN EXISTS (SELECT 1 FROM tenants t JOIN tasks r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'content asset' THEN EXISTS (SELECT 1 FROM tenants t JOIN content_assets r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'account' THEN EXISTS (SELECT 1 FROM tenants t JOIN ledger_accounts r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'ledger account' THEN EXISTS (SELECT 1 FROM tenants t JOIN ledger_accounts r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'transfer' THEN EXISTS (SELECT 1 FROM tenants t JOIN ledger_transfers r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    ELSE false
  END;
  IF elsewhere THEN
    INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, after)
    VALUES (caller, chimera.current_actor(), chimera.current_request_id(), 'DENIED', 'rpc', p_method,
            jsonb_build_object('reason', 'OTHER_TENANT_RESOURCE', 'resource_type', p_resource_type, 'resource_id', p_resource_id));
  END IF;
  RETURN elsewhere;
END
$_$;


--
-- Name: record_task_events(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.record_task_events() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_events (tenant_id, task_id, state_version, from_status, to_status, actor, attempt,
                             worker_id, error, details)
    SELECT n.tenant_id, n.id, n.state_version, NULL, n.status, (SELECT chimera.current_actor()), n.attempt,
           n.assigned_worker_id, '', n.transition_details
    FROM new_tasks n;
  ELSE
    INSERT INTO task_events (tenant_id, task_id, state_version, from_status, to_status, actor, attempt,
                             worker_id, error, details)
    SELECT n.tenant_id, n.id, n.state_version, o.status, n.status, (SELECT chimera.current_actor()), n.attempt,
           n.assigned_worker_id,
           CASE WHEN o.status = 'IN_PROGRESS' AND n.status IN ('PENDING', 'BLOCKED', 'FAILED') THEN n.last_error ELSE '' END,
           n.transition_details
    FROM new_tasks n JOIN old_tasks o ON o.tenant_id = n.tenant_id AND o.id = n.id
    WHERE n.state_version <> o.state_version;
  END IF;
  RETURN NULL;
END
$$;


--
-- Name: FUNCTION record_task_events(); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.record_task_events() IS 'AFTER INSERT / UPDATE ... FOR EACH STATEMENT on tasks: one task_events row per created task and per transition.';


--
-- Name: reject_history_change(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.reject_history_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;


--
-- Name: FUNCTION reject_history_change(); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.reject_history_change() IS 'BEFORE UPDATE/DELETE (per row) or TRUNCATE (per statement) trigger: the table is append-only (42501).';


--
-- Name: require_existing(text, text, uuid, uuid[]); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.require_existing(p_table text, p_kind text, p_tenant_id uuid, p_ids uuid[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'public', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
  existing bigint;
BEGIN
  IF p_kind = 'accounts' THEN
    existing := (SELECT count(*) FROM unnest(p_ids) AS i(id)
                 CROSS JOIN LATERAL (SELECT 1 FROM ledger_accounts a WHERE a.tenant_id = p_tenant_id AND a.id = i.id LIMIT 1) AS f);
  ELSE
    existing := (SELECT count(*) FROM unnest(p_ids) AS i(id)
                 CROSS JOIN LATERAL (SELECT 1 FROM ledger_transfers t WHERE t.tenant_id = p_tenant_id AND t.id = i.id LIMIT 1) AS f);
  END IF;
  IF existing <> cardinality(p_ids) THEN
    RAISE EXCEPTION '% references a missing row: one of the % %', p_table, p_kind, p_ids USING ERRCODE = 'foreign_key_violation';
  END IF;
END
$$;


--
-- Name: seal_audit_events(); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.seal_audit_events() RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
  -- Every transaction below this has ended: its events are all visible now, or never will be.
  horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
  floor xid8;
  tenant uuid;
  ev audit_events;
  head_seq bigint;
  head_hash bytea;
  sealed integer := 0;
BEGIN
  SELECT sealed_below INTO floor FROM audit_seal_state FOR UPDATE;
  FOR tenant IN
    SELECT DISTINCT e.tenant_id FROM audit_events e
    WHERE e.txid >= floor
      AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.tenant_id = e.tenant_id AND c.event_id = e.id)
  LOOP
    SELECT c.seq, c.hash INTO head_seq, head_hash FROM audit_chain c WHERE c.tenant_id = tenant ORDER BY c.seq DESC LIMIT 1;
    head_seq := coalesce(head_seq, 0);
    head_hash := coalesce(head_hash, ''::bytea);
    FOR ev IN
      SELECT * FROM audit_events e
      WHERE e.tenant_id = tenant AND e.txid >= floor
        AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.tenant_id = e.tenant_id AND c.event_id = e.id)
      ORDER BY e.id
    LOOP
      head_seq := head_seq + 1;
      head_hash := sha256(head_hash || chimera.audit_event_bytes(head_seq, ev));
      INSERT INTO audit_chain (tenant_id, seq, event_id, hash) VALUES (tenant, head_seq, ev.id, head_hash);
      sealed := sealed + 1;
    END LOOP;
  END LOOP;
  UPDATE audit_seal_state SET sealed_below = horizon;
  RETURN sealed;
END
$$;


--
-- Name: FUNCTION seal_audit_events(); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.seal_audit_events() IS 'Chains every committed, unchained audit event (run by the audit module as chimera_admin).';


--
-- Name: task_retry_delay(integer); Type: FUNCTION; Schema: chimera; Owner: -
--

CREATE FUNCTION chimera.task_retry_delay(attempt integer) RETURNS interval
    LANGUAGE sql
    AS $$ SELECT least(3600, 2 ^ least(greatest(attempt - 1, 0), 12)) * (0.5 + random() / 2) * interval '1 second' $$;


--
-- Name: FUNCTION task_retry_delay(attempt integer); Type: COMMENT; Schema: chimera; Owner: -
--

COMMENT ON FUNCTION chimera.task_retry_delay(attempt integer) IS 'Backoff after failed attempt n: min(2^(n-1) s, 1 h), times a random factor in [0.5, 1).';


--
-- Name: agents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agents (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    handle text NOT NULL,
    display_name text DEFAULT ''::text NOT NULL,
    status text DEFAULT 'ACTIVE'::text NOT NULL,
    persona jsonb DEFAULT '{}'::jsonb NOT NULL,
    persona_embedding public.vector(1536),
    wallet_network text DEFAULT ''::text NOT NULL,
    wallet_address text DEFAULT ''::text NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    create_fingerprint bytea NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL,
    update_time timestamp with time zone DEFAULT now() NOT NULL,
    archive_time timestamp with time zone,
    CONSTRAINT agents_check CHECK (((status = 'ARCHIVED'::text) = (archive_time IS NOT NULL))),
    CONSTRAINT agents_display_name_check CHECK ((length(display_name) <= 200)),
    CONSTRAINT agents_handle_check CHECK ((handle ~ '^[A-Za-z0-9_.-]{1,64}$'::text)),
    CONSTRAINT agents_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT agents_persona_check CHECK ((jsonb_typeof(persona) = 'object'::text)),
    CONSTRAINT agents_status_check CHECK ((status = ANY (ARRAY['ACTIVE'::text, 'PAUSED'::text, 'ARCHIVED'::text])))
);

ALTER TABLE ONLY public.agents FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE agents; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.agents IS 'A tenant''s agents; a live handle is unique per tenant, archiving frees it.';


--
-- Name: api_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_keys (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    secret_sha256 bytea NOT NULL,
    secret_prefix text NOT NULL,
    scopes text[] NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL,
    expire_time timestamp with time zone,
    revoke_time timestamp with time zone,
    last_use_time timestamp with time zone,
    CONSTRAINT api_keys_description_check CHECK ((length(description) <= 500)),
    CONSTRAINT api_keys_scopes_check CHECK ((cardinality(scopes) > 0)),
    CONSTRAINT api_keys_secret_sha256_check CHECK ((length(secret_sha256) = 32))
);

ALTER TABLE ONLY public.api_keys FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE api_keys; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.api_keys IS 'Bearer secrets, stored as sha256 only; chimera_admin looks them up by hash.';


--
-- Name: COLUMN api_keys.last_use_time; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.api_keys.last_use_time IS 'Latest successful authentication with the key, written in batches: up to the flush interval late.';


--
-- Name: audit_chain; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_chain (
    tenant_id uuid NOT NULL,
    seq bigint NOT NULL,
    event_id bigint NOT NULL,
    hash bytea NOT NULL,
    seal_time timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT audit_chain_hash_check CHECK ((length(hash) = 32)),
    CONSTRAINT audit_chain_seq_check CHECK ((seq > 0))
);

ALTER TABLE ONLY public.audit_chain FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE audit_chain; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.audit_chain IS 'Append-only: the hash chain over each tenant''s audit_events, in the order they were sealed.';


--
-- Name: audit_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.audit_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.audit_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: audit_seal_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_seal_state (
    singleton boolean DEFAULT true NOT NULL,
    sealed_below xid8 NOT NULL,
    CONSTRAINT audit_seal_state_singleton_check CHECK (singleton)
);


--
-- Name: campaign_agents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaign_agents (
    tenant_id uuid NOT NULL,
    campaign_id uuid NOT NULL,
    agent_id uuid NOT NULL,
    id text GENERATED ALWAYS AS ((((campaign_id)::text || '/'::text) || (agent_id)::text)) STORED,
    add_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL
);

ALTER TABLE ONLY public.campaign_agents FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE campaign_agents; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.campaign_agents IS 'The agents assigned to each campaign.';


--
-- Name: campaigns; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.campaigns (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    goal_description text NOT NULL,
    target_platforms text[] DEFAULT '{}'::text[] NOT NULL,
    priority smallint DEFAULT 2 NOT NULL,
    status text DEFAULT 'PLANNING'::text NOT NULL,
    budget_account_id uuid,
    start_time timestamp with time zone,
    end_time timestamp with time zone,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    create_fingerprint bytea NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL,
    update_time timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT campaigns_check CHECK ((end_time > start_time)),
    CONSTRAINT campaigns_goal_description_check CHECK (((char_length(goal_description) >= 10) AND (char_length(goal_description) <= 500))),
    CONSTRAINT campaigns_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT campaigns_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT campaigns_priority_check CHECK (((priority >= 1) AND (priority <= 3))),
    CONSTRAINT campaigns_status_check CHECK ((status = ANY (ARRAY['PLANNING'::text, 'ACTIVE'::text, 'PAUSED'::text, 'COMPLETED'::text, 'FAILED'::text]))),
    CONSTRAINT campaigns_target_platforms_check CHECK ((target_platforms <@ ARRAY['TWITTER'::text, 'INSTAGRAM'::text, 'THREADS'::text, 'TIKTOK'::text, 'YOUTUBE'::text]))
);

ALTER TABLE ONLY public.campaigns FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE campaigns; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.campaigns IS 'A tenant''s campaigns; status moves only through CampaignService''s custom methods.';


--
-- Name: content_assets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.content_assets (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    agent_id uuid NOT NULL,
    campaign_id uuid,
    task_id uuid,
    asset_type text NOT NULL,
    platform text,
    status text DEFAULT 'DRAFT'::text NOT NULL,
    text_content text DEFAULT ''::text NOT NULL,
    storage_url text DEFAULT ''::text NOT NULL,
    external_id text,
    disclosure_level text,
    confidence_score double precision,
    embedding public.vector(1536),
    embedding_model text DEFAULT ''::text NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    create_fingerprint bytea NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL,
    update_time timestamp with time zone DEFAULT now() NOT NULL,
    publish_time timestamp with time zone,
    CONSTRAINT content_assets_asset_type_check CHECK ((asset_type = ANY (ARRAY['TEXT'::text, 'IMAGE'::text, 'VIDEO'::text, 'AUDIO'::text]))),
    CONSTRAINT content_assets_check CHECK (((publish_time IS NOT NULL) = (external_id IS NOT NULL))),
    CONSTRAINT content_assets_check1 CHECK (((publish_time IS NULL) OR ((platform IS NOT NULL) AND (disclosure_level IS NOT NULL)))),
    CONSTRAINT content_assets_check2 CHECK (((status <> 'PUBLISHED'::text) OR (publish_time IS NOT NULL))),
    CONSTRAINT content_assets_confidence_score_check CHECK (((confidence_score >= (0)::double precision) AND (confidence_score <= (1)::double precision))),
    CONSTRAINT content_assets_disclosure_level_check CHECK ((disclosure_level = ANY (ARRAY['AUTOMATED'::text, 'ASSISTED'::text, 'NONE'::text]))),
    CONSTRAINT content_assets_embedding_model_check CHECK ((char_length(embedding_model) <= 200)),
    CONSTRAINT content_assets_external_id_check CHECK (((char_length(external_id) >= 1) AND (char_length(external_id) <= 200))),
    CONSTRAINT content_assets_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT content_assets_platform_check CHECK ((platform = ANY (ARRAY['TWITTER'::text, 'INSTAGRAM'::text, 'THREADS'::text, 'TIKTOK'::text, 'YOUTUBE'::text]))),
    CONSTRAINT content_assets_status_check CHECK ((status = ANY (ARRAY['DRAFT'::text, 'IN_REVIEW'::text, 'APPROVED'::text, 'REJECTED'::text, 'PUBLISHED'::text, 'ARCHIVED'::text]))),
    CONSTRAINT content_assets_storage_url_check CHECK ((char_length(storage_url) <= 2000)),
    CONSTRAINT content_assets_text_content_check CHECK ((char_length(text_content) <= 100000))
);

ALTER TABLE ONLY public.content_assets FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE content_assets; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.content_assets IS 'What agents create; archived, never deleted by the API.';


--
-- Name: content_videos; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.content_videos (
    tenant_id uuid NOT NULL,
    asset_id uuid NOT NULL,
    id uuid GENERATED ALWAYS AS (asset_id) STORED,
    duration_ms bigint NOT NULL,
    width integer NOT NULL,
    height integer NOT NULL,
    frame_rate double precision NOT NULL,
    codec text NOT NULL,
    bitrate_kbps integer,
    file_size_bytes bigint,
    tier text,
    thumbnail_url text DEFAULT ''::text NOT NULL,
    transcript text DEFAULT ''::text NOT NULL,
    topics text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT content_videos_bitrate_kbps_check CHECK ((bitrate_kbps > 0)),
    CONSTRAINT content_videos_codec_check CHECK (((char_length(codec) >= 1) AND (char_length(codec) <= 50))),
    CONSTRAINT content_videos_duration_ms_check CHECK ((duration_ms > 0)),
    CONSTRAINT content_videos_file_size_bytes_check CHECK ((file_size_bytes > 0)),
    CONSTRAINT content_videos_frame_rate_check CHECK (((frame_rate > (0)::double precision) AND (frame_rate <= (1000)::double precision))),
    CONSTRAINT content_videos_height_check CHECK ((height > 0)),
    CONSTRAINT content_videos_thumbnail_url_check CHECK ((char_length(thumbnail_url) <= 2000)),
    CONSTRAINT content_videos_tier_check CHECK ((tier = ANY (ARRAY['TIER1'::text, 'TIER2'::text]))),
    CONSTRAINT content_videos_transcript_check CHECK ((char_length(transcript) <= 100000)),
    CONSTRAINT content_videos_width_check CHECK ((width > 0))
);

ALTER TABLE ONLY public.content_videos FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE content_videos; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.content_videos IS 'Video metadata, one row for a VIDEO content asset at most.';


--
-- Name: ledger_accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_accounts (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    asset text NOT NULL,
    asset_scale smallint NOT NULL,
    owner_type text NOT NULL,
    owner_id text DEFAULT ''::text NOT NULL,
    debits_must_not_exceed_credits boolean DEFAULT false NOT NULL,
    credits_must_not_exceed_debits boolean DEFAULT false NOT NULL,
    closed boolean DEFAULT false NOT NULL,
    debits_pending numeric(38,0) DEFAULT 0 NOT NULL,
    debits_posted numeric(38,0) DEFAULT 0 NOT NULL,
    credits_pending numeric(38,0) DEFAULT 0 NOT NULL,
    credits_posted numeric(38,0) DEFAULT 0 NOT NULL,
    version bigint DEFAULT 0 NOT NULL,
    wallet_network text DEFAULT ''::text NOT NULL,
    wallet_address text DEFAULT ''::text NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL,
    CONSTRAINT ledger_accounts_asset_check CHECK ((asset ~ '^[A-Z0-9]{1,16}$'::text)),
    CONSTRAINT ledger_accounts_asset_scale_check CHECK (((asset_scale >= 0) AND (asset_scale <= 38))),
    CONSTRAINT ledger_accounts_check CHECK ((NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits))),
    CONSTRAINT ledger_accounts_check1 CHECK (((NOT debits_must_not_exceed_credits) OR ((debits_pending + debits_posted) <= credits_posted))),
    CONSTRAINT ledger_accounts_check2 CHECK (((NOT credits_must_not_exceed_debits) OR ((credits_pending + credits_posted) <= debits_posted))),
    CONSTRAINT ledger_accounts_check3 CHECK (((owner_type = 'TENANT_TREASURY'::text) = (owner_id = ''::text))),
    CONSTRAINT ledger_accounts_check4 CHECK (((owner_type <> ALL (ARRAY['AGENT'::text, 'CAMPAIGN'::text])) OR (owner_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'::text))),
    CONSTRAINT ledger_accounts_credits_pending_check CHECK ((credits_pending >= (0)::numeric)),
    CONSTRAINT ledger_accounts_credits_posted_check CHECK ((credits_posted >= (0)::numeric)),
    CONSTRAINT ledger_accounts_debits_pending_check CHECK ((debits_pending >= (0)::numeric)),
    CONSTRAINT ledger_accounts_debits_posted_check CHECK ((debits_posted >= (0)::numeric)),
    CONSTRAINT ledger_accounts_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT ledger_accounts_owner_id_check CHECK ((length(owner_id) <= 200)),
    CONSTRAINT ledger_accounts_owner_type_check CHECK ((owner_type = ANY (ARRAY['AGENT'::text, 'CAMPAIGN'::text, 'TENANT_TREASURY'::text, 'EXTERNAL'::text])))
)
WITH (fillfactor='70');

ALTER TABLE ONLY public.ledger_accounts FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE ledger_accounts; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.ledger_accounts IS 'Double-entry accounts; balances change only through transfers, and an account is closed, never deleted.';


--
-- Name: COLUMN ledger_accounts.version; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.ledger_accounts.version IS 'Incremented by every posting; the account_version of its latest entry.';


--
-- Name: ledger_balance_checks; Type: TABLE; Schema: public; Owner: -
--

CREATE UNLOGGED TABLE public.ledger_balance_checks (
    tenant_id uuid NOT NULL,
    id bigint NOT NULL,
    txid xid8 DEFAULT pg_current_xact_id() NOT NULL,
    account_ids uuid[] NOT NULL
);

ALTER TABLE ONLY public.ledger_balance_checks FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE ledger_balance_checks; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.ledger_balance_checks IS 'Accounts whose balances the current transaction changed, checked against their latest entries at commit.';


--
-- Name: ledger_balance_checks_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.ledger_balance_checks ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.ledger_balance_checks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: ledger_budget_alerts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_budget_alerts (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    account_id uuid NOT NULL,
    window_start timestamp with time zone NOT NULL,
    spent numeric(38,0) NOT NULL,
    spend_limit numeric(38,0) NOT NULL,
    transfer_id uuid NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL
);

ALTER TABLE ONLY public.ledger_budget_alerts FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE ledger_budget_alerts; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.ledger_budget_alerts IS 'One alert per account and window, raised by the transfer that crossed the alert ratio.';


--
-- Name: ledger_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_entries (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    account_version bigint NOT NULL,
    transfer_id uuid NOT NULL,
    debits_pending numeric(38,0) NOT NULL,
    debits_posted numeric(38,0) NOT NULL,
    credits_pending numeric(38,0) NOT NULL,
    credits_posted numeric(38,0) NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL
);

ALTER TABLE ONLY public.ledger_entries FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE ledger_entries; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.ledger_entries IS 'One row per account per posting: the balances and version after it; references checked by chimera.check_entry_references().';


--
-- Name: ledger_pending; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_pending (
    tenant_id uuid NOT NULL,
    transfer_id uuid NOT NULL,
    debit_account_id uuid NOT NULL,
    credit_account_id uuid NOT NULL,
    amount numeric(38,0) NOT NULL,
    expire_time timestamp with time zone,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL
);

ALTER TABLE ONLY public.ledger_pending FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE ledger_pending; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.ledger_pending IS 'Open reservations (pending transfers not yet resolved); references checked by chimera.check_references_exist().';


--
-- Name: ledger_spend_policies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_spend_policies (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    spend_window text NOT NULL,
    spend_limit numeric(38,0) NOT NULL,
    alert_ratio_bp integer DEFAULT 8000 NOT NULL,
    approval_threshold numeric(38,0),
    version bigint DEFAULT 1 NOT NULL,
    update_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL,
    CONSTRAINT ledger_spend_policies_alert_ratio_bp_check CHECK (((alert_ratio_bp >= 1) AND (alert_ratio_bp <= 10000))),
    CONSTRAINT ledger_spend_policies_approval_threshold_check CHECK ((approval_threshold >= (0)::numeric)),
    CONSTRAINT ledger_spend_policies_spend_limit_check CHECK ((spend_limit >= (0)::numeric)),
    CONSTRAINT ledger_spend_policies_spend_window_check CHECK ((spend_window = ANY (ARRAY['DAILY'::text, 'WEEKLY'::text])))
);

ALTER TABLE ONLY public.ledger_spend_policies FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE ledger_spend_policies; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.ledger_spend_policies IS 'CFO spend policies: a debit limit per UTC day or ISO week, an alert ratio and an approval threshold.';


--
-- Name: COLUMN ledger_spend_policies.alert_ratio_bp; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.ledger_spend_policies.alert_ratio_bp IS 'The alert ratio in basis points (0.8 = 8000).';


--
-- Name: ledger_spend_windows; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ledger_spend_windows (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    window_start timestamp with time zone NOT NULL,
    debited numeric(38,0) NOT NULL,
    CONSTRAINT ledger_spend_windows_debited_check CHECK ((debited >= (0)::numeric))
);

ALTER TABLE ONLY public.ledger_spend_windows FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE ledger_spend_windows; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.ledger_spend_windows IS 'What each account with a spend policy has debited per window.';


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version character varying NOT NULL
);


--
-- Name: task_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.task_events (
    tenant_id uuid NOT NULL,
    task_id uuid NOT NULL,
    state_version bigint NOT NULL,
    from_status text,
    to_status text NOT NULL,
    actor text NOT NULL,
    attempt integer NOT NULL,
    worker_id text NOT NULL,
    error text NOT NULL,
    details jsonb NOT NULL,
    event_time timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.task_events FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE task_events; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.task_events IS 'Append-only: every transition of every task, numbered by the task''s state_version.';


--
-- Name: tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tasks (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    task_type text NOT NULL,
    priority smallint DEFAULT 2 NOT NULL,
    status text DEFAULT 'PENDING'::text NOT NULL,
    context jsonb NOT NULL,
    campaign_id uuid,
    agent_id uuid NOT NULL,
    assigned_worker_id text DEFAULT ''::text NOT NULL,
    attempt integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 3 NOT NULL,
    run_time timestamp with time zone DEFAULT now() NOT NULL,
    lease_expire_time timestamp with time zone,
    state_version bigint DEFAULT 1 NOT NULL,
    requires_review boolean DEFAULT false NOT NULL,
    result jsonb,
    confidence_score double precision,
    sensitive_topics text[] DEFAULT '{}'::text[] NOT NULL,
    last_error text DEFAULT ''::text NOT NULL,
    idempotency_key text,
    transition_details jsonb DEFAULT '{}'::jsonb NOT NULL,
    create_fingerprint bytea NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL,
    update_time timestamp with time zone DEFAULT now() NOT NULL,
    finish_time timestamp with time zone,
    CONSTRAINT tasks_check CHECK (((attempt >= 0) AND (attempt <= max_attempts))),
    CONSTRAINT tasks_check1 CHECK (((status = 'IN_PROGRESS'::text) = (lease_expire_time IS NOT NULL))),
    CONSTRAINT tasks_check2 CHECK (((status = ANY (ARRAY['COMPLETE'::text, 'FAILED'::text, 'REJECTED'::text, 'CANCELLED'::text])) = (finish_time IS NOT NULL))),
    CONSTRAINT tasks_confidence_score_check CHECK (((confidence_score >= (0)::double precision) AND (confidence_score <= (1)::double precision))),
    CONSTRAINT tasks_context_check CHECK ((jsonb_typeof(context) = 'object'::text)),
    CONSTRAINT tasks_idempotency_key_check CHECK (((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 200))),
    CONSTRAINT tasks_max_attempts_check CHECK (((max_attempts >= 1) AND (max_attempts <= 100))),
    CONSTRAINT tasks_priority_check CHECK (((priority >= 1) AND (priority <= 3))),
    CONSTRAINT tasks_result_check CHECK ((jsonb_typeof(result) = 'object'::text)),
    CONSTRAINT tasks_status_check CHECK ((status = ANY (ARRAY['PENDING'::text, 'IN_PROGRESS'::text, 'REVIEW'::text, 'HUMAN_REVIEW'::text, 'COMPLETE'::text, 'FAILED'::text, 'BLOCKED'::text, 'REJECTED'::text, 'CANCELLED'::text]))),
    CONSTRAINT tasks_task_type_check CHECK ((task_type = ANY (ARRAY['GENERATE_CONTENT'::text, 'REPLY_COMMENT'::text, 'EXECUTE_TRANSACTION'::text, 'FETCH_TRENDS'::text]))),
    CONSTRAINT tasks_transition_details_check CHECK ((jsonb_typeof(transition_details) = 'object'::text))
);

ALTER TABLE ONLY public.tasks FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE tasks; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.tasks IS 'The Planner/Worker/Judge queue: one row per task for its whole life; its transitions are in task_events.';


--
-- Name: tenants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tenants (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    status text DEFAULT 'ACTIVE'::text NOT NULL,
    settings jsonb DEFAULT '{}'::jsonb NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    create_fingerprint bytea NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    create_time timestamp with time zone DEFAULT chimera.now_ms() NOT NULL,
    update_time timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tenants_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT tenants_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT tenants_settings_check CHECK ((jsonb_typeof(settings) = 'object'::text)),
    CONSTRAINT tenants_status_check CHECK ((status = ANY (ARRAY['ACTIVE'::text, 'SUSPENDED'::text])))
);

ALTER TABLE ONLY public.tenants FORCE ROW LEVEL SECURITY;


--
-- Name: TABLE tenants; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.tenants IS 'The root of every key; chimera_app sees only its own row, chimera_admin all.';


--
-- Name: agents agents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: audit_chain audit_chain_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_chain
    ADD CONSTRAINT audit_chain_pkey PRIMARY KEY (tenant_id, seq);


--
-- Name: audit_chain audit_chain_tenant_id_event_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_chain
    ADD CONSTRAINT audit_chain_tenant_id_event_id_key UNIQUE (tenant_id, event_id);


--
-- Name: audit_events audit_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: audit_seal_state audit_seal_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_seal_state
    ADD CONSTRAINT audit_seal_state_pkey PRIMARY KEY (singleton);


--
-- Name: campaign_agents campaign_agents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_agents
    ADD CONSTRAINT campaign_agents_pkey PRIMARY KEY (tenant_id, campaign_id, agent_id);


--
-- Name: campaigns campaigns_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT campaigns_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: content_assets content_assets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.content_assets
    ADD CONSTRAINT content_assets_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: content_videos content_videos_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.content_videos
    ADD CONSTRAINT content_videos_pkey PRIMARY KEY (tenant_id, asset_id);


--
-- Name: ledger_accounts ledger_accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_accounts
    ADD CONSTRAINT ledger_accounts_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: ledger_balance_checks ledger_balance_checks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_balance_checks
    ADD CONSTRAINT ledger_balance_checks_pkey PRIMARY KEY (tenant_id, txid, id);


--
-- Name: ledger_budget_alerts ledger_budget_alerts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_budget_alerts
    ADD CONSTRAINT ledger_budget_alerts_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: ledger_budget_alerts ledger_budget_alerts_tenant_id_account_id_window_start_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_budget_alerts
    ADD CONSTRAINT ledger_budget_alerts_tenant_id_account_id_window_start_key UNIQUE (tenant_id, account_id, window_start);


--
-- Name: ledger_entries ledger_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_entries
    ADD CONSTRAINT ledger_entries_pkey PRIMARY KEY (tenant_id, account_id, account_version);


--
-- Name: ledger_pending ledger_pending_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_pending
    ADD CONSTRAINT ledger_pending_pkey PRIMARY KEY (tenant_id, transfer_id);


--
-- Name: ledger_spend_policies ledger_spend_policies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_spend_policies
    ADD CONSTRAINT ledger_spend_policies_pkey PRIMARY KEY (tenant_id, account_id);


--
-- Name: ledger_spend_windows ledger_spend_windows_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_spend_windows
    ADD CONSTRAINT ledger_spend_windows_pkey PRIMARY KEY (tenant_id, account_id, window_start);


--
-- Name: ledger_transfers ledger_transfers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_transfers
    ADD CONSTRAINT ledger_transfers_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: task_events task_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.task_events
    ADD CONSTRAINT task_events_pkey PRIMARY KEY (tenant_id, task_id, state_version);


--
-- Name: tasks tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);


--
-- Name: agents_list_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX agents_list_idx ON public.agents USING btree (tenant_id, create_time, id);


--
-- Name: agents_live_handle_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX agents_live_handle_key ON public.agents USING btree (tenant_id, lower(handle)) WHERE (status <> 'ARCHIVED'::text);


--
-- Name: agents_persona_embedding_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX agents_persona_embedding_idx ON public.agents USING hnsw (persona_embedding public.vector_cosine_ops);


--
-- Name: api_keys_list_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_keys_list_idx ON public.api_keys USING btree (tenant_id, create_time, id);


--
-- Name: api_keys_secret_sha256_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_keys_secret_sha256_idx ON public.api_keys USING btree (secret_sha256);


--
-- Name: audit_events_resource_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_events_resource_idx ON public.audit_events USING btree (tenant_id, resource_type, resource_id, id);


--
-- Name: audit_events_txid_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_events_txid_idx ON public.audit_events USING btree (txid);


--
-- Name: campaign_agents_agent_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX campaign_agents_agent_idx ON public.campaign_agents USING btree (tenant_id, agent_id);


--
-- Name: campaign_agents_list_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX campaign_agents_list_idx ON public.campaign_agents USING btree (tenant_id, campaign_id, add_time, agent_id);


--
-- Name: campaigns_active_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX campaigns_active_idx ON public.campaigns USING btree (tenant_id) WHERE (status = 'ACTIVE'::text);


--
-- Name: campaigns_list_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX campaigns_list_idx ON public.campaigns USING btree (tenant_id, create_time, id);


--
-- Name: content_assets_campaign_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX content_assets_campaign_idx ON public.content_assets USING btree (tenant_id, campaign_id, status, platform) WHERE (campaign_id IS NOT NULL);


--
-- Name: content_assets_embedding_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX content_assets_embedding_idx ON public.content_assets USING hnsw (embedding public.vector_cosine_ops);


--
-- Name: content_assets_external_id_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX content_assets_external_id_key ON public.content_assets USING btree (tenant_id, platform, external_id) WHERE (external_id IS NOT NULL);


--
-- Name: content_assets_list_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX content_assets_list_idx ON public.content_assets USING btree (tenant_id, create_time, id);


--
-- Name: ledger_accounts_list_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_accounts_list_idx ON public.ledger_accounts USING btree (tenant_id, create_time, id);


--
-- Name: ledger_accounts_owner_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_accounts_owner_idx ON public.ledger_accounts USING btree (tenant_id, owner_type, owner_id);


--
-- Name: ledger_budget_alerts_list_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_budget_alerts_list_idx ON public.ledger_budget_alerts USING btree (tenant_id, create_time, id);


--
-- Name: ledger_pending_credit_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_pending_credit_idx ON public.ledger_pending USING btree (tenant_id, credit_account_id) WHERE (expire_time IS NOT NULL);


--
-- Name: ledger_pending_debit_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_pending_debit_idx ON public.ledger_pending USING btree (tenant_id, debit_account_id) WHERE (expire_time IS NOT NULL);


--
-- Name: ledger_pending_expiry_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_pending_expiry_idx ON public.ledger_pending USING btree (expire_time) WHERE (expire_time IS NOT NULL);


--
-- Name: ledger_transfers_external_ref_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ledger_transfers_external_ref_key ON public.ledger_transfers USING btree (tenant_id, external_ref) WHERE (external_ref IS NOT NULL);


--
-- Name: ledger_transfers_pending_id_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ledger_transfers_pending_id_key ON public.ledger_transfers USING btree (tenant_id, pending_id) WHERE (pending_id IS NOT NULL);


--
-- Name: ledger_transfers_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_transfers_time_idx ON public.ledger_transfers USING btree (tenant_id, create_time, id);


--
-- Name: tasks_campaign_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_campaign_idx ON public.tasks USING btree (tenant_id, campaign_id) INCLUDE (status) WHERE (campaign_id IS NOT NULL);


--
-- Name: tasks_claim_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_claim_idx ON public.tasks USING btree (tenant_id, priority, run_time, id) INCLUDE (task_type) WHERE (status = 'PENDING'::text);


--
-- Name: tasks_human_review_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_human_review_idx ON public.tasks USING btree (tenant_id, create_time, id) WHERE (status = 'HUMAN_REVIEW'::text);


--
-- Name: tasks_idempotency_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX tasks_idempotency_key ON public.tasks USING btree (tenant_id, idempotency_key) WHERE (idempotency_key IS NOT NULL);


--
-- Name: tasks_lease_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_lease_idx ON public.tasks USING btree (lease_expire_time) WHERE (status = 'IN_PROGRESS'::text);


--
-- Name: tasks_list_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tasks_list_idx ON public.tasks USING btree (tenant_id, create_time, id);


--
-- Name: tenants_create_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tenants_create_time_idx ON public.tenants USING btree (create_time, id);


--
-- Name: agents agents_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER agents_audit AFTER INSERT OR DELETE OR UPDATE ON public.agents FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('persona_embedding', 'create_fingerprint');


--
-- Name: api_keys api_keys_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER api_keys_audit AFTER INSERT OR DELETE OR UPDATE ON public.api_keys FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('secret_sha256', 'last_use_time');


--
-- Name: audit_chain audit_chain_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_chain_append_only BEFORE DELETE OR UPDATE ON public.audit_chain FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: audit_chain audit_chain_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON public.audit_chain FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: audit_events audit_events_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_events_append_only BEFORE DELETE OR UPDATE ON public.audit_events FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: audit_events audit_events_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON public.audit_events FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: campaign_agents campaign_agents_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER campaign_agents_audit AFTER INSERT OR DELETE OR UPDATE ON public.campaign_agents FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();


--
-- Name: campaigns campaigns_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER campaigns_audit AFTER INSERT OR DELETE OR UPDATE ON public.campaigns FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('create_fingerprint');


--
-- Name: content_assets content_assets_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER content_assets_audit AFTER INSERT OR DELETE OR UPDATE ON public.content_assets FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('embedding', 'create_fingerprint');


--
-- Name: content_videos content_videos_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER content_videos_audit AFTER INSERT OR DELETE OR UPDATE ON public.content_videos FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();


--
-- Name: ledger_accounts ledger_accounts_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_accounts_audit AFTER INSERT ON public.ledger_accounts FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();


--
-- Name: ledger_accounts ledger_accounts_file_balance_check; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_accounts_file_balance_check AFTER UPDATE ON public.ledger_accounts REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION chimera.file_ledger_balance_check();


--
-- Name: ledger_accounts ledger_accounts_no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON public.ledger_accounts FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: ledger_accounts ledger_accounts_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON public.ledger_accounts FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: ledger_accounts ledger_accounts_time_bound; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_accounts_time_bound AFTER UPDATE ON public.ledger_accounts FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_ledger_time_bound();


--
-- Name: ledger_balance_checks ledger_balance_checks_at_commit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER ledger_balance_checks_at_commit AFTER INSERT ON public.ledger_balance_checks DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION chimera.check_ledger_balances();


--
-- Name: ledger_budget_alerts ledger_budget_alerts_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_budget_alerts_audit AFTER INSERT ON public.ledger_budget_alerts FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();


--
-- Name: ledger_entries ledger_entries_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_entries_append_only BEFORE DELETE OR UPDATE ON public.ledger_entries FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: ledger_entries ledger_entries_file_balance_check; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_entries_file_balance_check AFTER INSERT ON public.ledger_entries REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION chimera.file_ledger_balance_check();


--
-- Name: ledger_entries ledger_entries_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON public.ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: ledger_entries ledger_entries_references; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_entries_references AFTER INSERT ON public.ledger_entries REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_entry_references();


--
-- Name: ledger_pending ledger_pending_references; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_pending_references AFTER INSERT ON public.ledger_pending REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_references_exist();


--
-- Name: ledger_spend_policies ledger_spend_policies_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_spend_policies_audit AFTER INSERT OR UPDATE ON public.ledger_spend_policies FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();


--
-- Name: ledger_transfers ledger_transfers_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_transfers_append_only BEFORE DELETE OR UPDATE ON public.ledger_transfers FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: ledger_transfers ledger_transfers_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON public.ledger_transfers FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: ledger_transfers ledger_transfers_references; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER ledger_transfers_references AFTER INSERT ON public.ledger_transfers REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_references_exist();


--
-- Name: task_events task_events_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER task_events_append_only BEFORE DELETE OR UPDATE ON public.task_events FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: task_events task_events_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER task_events_no_truncate BEFORE TRUNCATE ON public.task_events FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();


--
-- Name: tasks tasks_audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tasks_audit_delete AFTER DELETE ON public.tasks REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION chimera.audit_statement_changes('create_fingerprint', 'lease_expire_time', 'update_time');


--
-- Name: tasks tasks_audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tasks_audit_insert AFTER INSERT ON public.tasks REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chimera.audit_statement_changes('create_fingerprint', 'lease_expire_time', 'update_time');


--
-- Name: tasks tasks_audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tasks_audit_update AFTER UPDATE ON public.tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION chimera.audit_statement_changes('create_fingerprint', 'lease_expire_time', 'update_time');


--
-- Name: tasks tasks_created_events; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tasks_created_events AFTER INSERT ON public.tasks REFERENCING NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION chimera.record_task_events();


--
-- Name: tasks tasks_transition_events; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tasks_transition_events AFTER UPDATE ON public.tasks REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION chimera.record_task_events();


--
-- Name: tenants tenants_audit; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER tenants_audit AFTER INSERT OR UPDATE ON public.tenants FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('create_fingerprint');


--
-- Name: agents agents_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agents
    ADD CONSTRAINT agents_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: api_keys api_keys_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: audit_chain audit_chain_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_chain
    ADD CONSTRAINT audit_chain_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: audit_events audit_events_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_events
    ADD CONSTRAINT audit_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: campaign_agents campaign_agents_tenant_id_agent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_agents
    ADD CONSTRAINT campaign_agents_tenant_id_agent_id_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES public.agents(tenant_id, id);


--
-- Name: campaign_agents campaign_agents_tenant_id_campaign_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaign_agents
    ADD CONSTRAINT campaign_agents_tenant_id_campaign_id_fkey FOREIGN KEY (tenant_id, campaign_id) REFERENCES public.campaigns(tenant_id, id);


--
-- Name: campaigns campaigns_tenant_id_budget_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT campaigns_tenant_id_budget_account_id_fkey FOREIGN KEY (tenant_id, budget_account_id) REFERENCES public.ledger_accounts(tenant_id, id);


--
-- Name: campaigns campaigns_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.campaigns
    ADD CONSTRAINT campaigns_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: content_assets content_assets_tenant_id_agent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.content_assets
    ADD CONSTRAINT content_assets_tenant_id_agent_id_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES public.agents(tenant_id, id);


--
-- Name: content_assets content_assets_tenant_id_campaign_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.content_assets
    ADD CONSTRAINT content_assets_tenant_id_campaign_id_fkey FOREIGN KEY (tenant_id, campaign_id) REFERENCES public.campaigns(tenant_id, id);


--
-- Name: content_assets content_assets_tenant_id_task_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.content_assets
    ADD CONSTRAINT content_assets_tenant_id_task_id_fkey FOREIGN KEY (tenant_id, task_id) REFERENCES public.tasks(tenant_id, id);


--
-- Name: content_videos content_videos_tenant_id_asset_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.content_videos
    ADD CONSTRAINT content_videos_tenant_id_asset_id_fkey FOREIGN KEY (tenant_id, asset_id) REFERENCES public.content_assets(tenant_id, id);


--
-- Name: ledger_accounts ledger_accounts_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_accounts
    ADD CONSTRAINT ledger_accounts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: ledger_budget_alerts ledger_budget_alerts_tenant_id_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_budget_alerts
    ADD CONSTRAINT ledger_budget_alerts_tenant_id_account_id_fkey FOREIGN KEY (tenant_id, account_id) REFERENCES public.ledger_accounts(tenant_id, id);


--
-- Name: ledger_budget_alerts ledger_budget_alerts_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_budget_alerts
    ADD CONSTRAINT ledger_budget_alerts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: ledger_budget_alerts ledger_budget_alerts_tenant_id_transfer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_budget_alerts
    ADD CONSTRAINT ledger_budget_alerts_tenant_id_transfer_id_fkey FOREIGN KEY (tenant_id, transfer_id) REFERENCES public.ledger_transfers(tenant_id, id);


--
-- Name: ledger_spend_policies ledger_spend_policies_tenant_id_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_spend_policies
    ADD CONSTRAINT ledger_spend_policies_tenant_id_account_id_fkey FOREIGN KEY (tenant_id, account_id) REFERENCES public.ledger_accounts(tenant_id, id);


--
-- Name: ledger_spend_policies ledger_spend_policies_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_spend_policies
    ADD CONSTRAINT ledger_spend_policies_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: ledger_spend_windows ledger_spend_windows_tenant_id_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_spend_windows
    ADD CONSTRAINT ledger_spend_windows_tenant_id_account_id_fkey FOREIGN KEY (tenant_id, account_id) REFERENCES public.ledger_accounts(tenant_id, id);


--
-- Name: ledger_spend_windows ledger_spend_windows_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ledger_spend_windows
    ADD CONSTRAINT ledger_spend_windows_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: tasks tasks_tenant_id_agent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_tenant_id_agent_id_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES public.agents(tenant_id, id);


--
-- Name: tasks tasks_tenant_id_campaign_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tasks
    ADD CONSTRAINT tasks_tenant_id_campaign_id_fkey FOREIGN KEY (tenant_id, campaign_id) REFERENCES public.campaigns(tenant_id, id);


--
-- Name: agents; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.agents ENABLE ROW LEVEL SECURITY;

--
-- Name: agents agents_audit_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY agents_audit_writer ON public.agents FOR SELECT TO chimera_audit_writer USING (true);


--
-- Name: agents agents_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY agents_tenant ON public.agents TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: api_keys; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.api_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: api_keys api_keys_admin; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY api_keys_admin ON public.api_keys TO chimera_admin USING (true) WITH CHECK (true);


--
-- Name: api_keys api_keys_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY api_keys_tenant ON public.api_keys TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: audit_chain; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.audit_chain ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_chain audit_chain_sealer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY audit_chain_sealer ON public.audit_chain TO chimera_admin USING (true) WITH CHECK (true);


--
-- Name: audit_chain audit_chain_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY audit_chain_tenant ON public.audit_chain FOR SELECT TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: audit_events; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.audit_events ENABLE ROW LEVEL SECURITY;

--
-- Name: audit_events audit_events_admin; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY audit_events_admin ON public.audit_events TO chimera_admin USING (true) WITH CHECK (true);


--
-- Name: audit_events audit_events_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY audit_events_tenant ON public.audit_events TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: audit_events audit_events_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY audit_events_writer ON public.audit_events FOR INSERT TO chimera_audit_writer WITH CHECK (true);


--
-- Name: campaign_agents; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.campaign_agents ENABLE ROW LEVEL SECURITY;

--
-- Name: campaign_agents campaign_agents_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY campaign_agents_tenant ON public.campaign_agents TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: campaigns; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.campaigns ENABLE ROW LEVEL SECURITY;

--
-- Name: campaigns campaigns_audit_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY campaigns_audit_writer ON public.campaigns FOR SELECT TO chimera_audit_writer USING (true);


--
-- Name: campaigns campaigns_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY campaigns_tenant ON public.campaigns TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: content_assets; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.content_assets ENABLE ROW LEVEL SECURITY;

--
-- Name: content_assets content_assets_audit_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY content_assets_audit_writer ON public.content_assets FOR SELECT TO chimera_audit_writer USING (true);


--
-- Name: content_assets content_assets_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY content_assets_tenant ON public.content_assets TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: content_videos; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.content_videos ENABLE ROW LEVEL SECURITY;

--
-- Name: content_videos content_videos_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY content_videos_tenant ON public.content_videos TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: ledger_accounts; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ledger_accounts ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_accounts ledger_accounts_audit_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_accounts_audit_writer ON public.ledger_accounts FOR SELECT TO chimera_audit_writer USING (true);


--
-- Name: ledger_accounts ledger_accounts_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_accounts_tenant ON public.ledger_accounts TO chimera_app, chimera_ledger_writer USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: ledger_balance_checks; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ledger_balance_checks ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_balance_checks ledger_balance_checks_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_balance_checks_writer ON public.ledger_balance_checks TO chimera_ledger_writer USING (true) WITH CHECK (true);


--
-- Name: ledger_budget_alerts; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ledger_budget_alerts ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_budget_alerts ledger_budget_alerts_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_budget_alerts_tenant ON public.ledger_budget_alerts TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: ledger_budget_alerts ledger_budget_alerts_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_budget_alerts_writer ON public.ledger_budget_alerts TO chimera_ledger_writer USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: ledger_entries; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ledger_entries ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_entries ledger_entries_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_entries_tenant ON public.ledger_entries TO chimera_app, chimera_ledger_writer USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: ledger_pending; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ledger_pending ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_pending ledger_pending_sweeper; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_pending_sweeper ON public.ledger_pending FOR SELECT TO chimera_admin USING (true);


--
-- Name: ledger_pending ledger_pending_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_pending_tenant ON public.ledger_pending TO chimera_app, chimera_ledger_writer USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: ledger_spend_policies; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ledger_spend_policies ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_spend_policies ledger_spend_policies_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_spend_policies_tenant ON public.ledger_spend_policies TO chimera_app, chimera_ledger_writer USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: ledger_spend_windows; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ledger_spend_windows ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_spend_windows ledger_spend_windows_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_spend_windows_tenant ON public.ledger_spend_windows TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: ledger_spend_windows ledger_spend_windows_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_spend_windows_writer ON public.ledger_spend_windows TO chimera_ledger_writer USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: ledger_transfers; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.ledger_transfers ENABLE ROW LEVEL SECURITY;

--
-- Name: ledger_transfers ledger_transfers_audit_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_transfers_audit_writer ON public.ledger_transfers FOR SELECT TO chimera_audit_writer USING (true);


--
-- Name: ledger_transfers ledger_transfers_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY ledger_transfers_tenant ON public.ledger_transfers TO chimera_app, chimera_ledger_writer USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: task_events; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.task_events ENABLE ROW LEVEL SECURITY;

--
-- Name: task_events task_events_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY task_events_tenant ON public.task_events TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: tasks; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tasks ENABLE ROW LEVEL SECURITY;

--
-- Name: tasks tasks_audit_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tasks_audit_writer ON public.tasks FOR SELECT TO chimera_audit_writer USING (true);


--
-- Name: tasks tasks_queue_metrics; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tasks_queue_metrics ON public.tasks FOR SELECT TO chimera_admin USING ((status = 'PENDING'::text));


--
-- Name: tasks tasks_rescuer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tasks_rescuer ON public.tasks FOR SELECT TO chimera_admin USING ((status = 'IN_PROGRESS'::text));


--
-- Name: tasks tasks_tenant; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tasks_tenant ON public.tasks TO chimera_app USING ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id))) WITH CHECK ((tenant_id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- Name: tenants; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.tenants ENABLE ROW LEVEL SECURITY;

--
-- Name: tenants tenants_admin; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenants_admin ON public.tenants TO chimera_admin USING (true) WITH CHECK (true);


--
-- Name: tenants tenants_audit_writer; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenants_audit_writer ON public.tenants FOR SELECT TO chimera_audit_writer USING (true);


--
-- Name: tenants tenants_own_row; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY tenants_own_row ON public.tenants TO chimera_app USING ((id = ( SELECT chimera.current_tenant_id() AS current_tenant_id)));


--
-- PostgreSQL database dump complete
--



--
-- Dbmate schema migrations
--

INSERT INTO public.schema_migrations (version) VALUES
    ('20261201000001'),
    ('20261201000002'),
    ('20261201000003'),
    ('20261201000004'),
    ('20261201000005'),
    ('20261204000001'),
    ('20261204000002'),
    ('20261204000003'),
    ('20261204000004'),
    ('20261204000005'),
    ('20261204000006'),
    ('20261204000007'),
    ('20261204000008'),
    ('20261204000009'),
    ('20261204000010'),
    ('20261204000020');
