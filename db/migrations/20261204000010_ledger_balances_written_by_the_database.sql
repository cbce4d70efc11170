-- migrate:up
-- Fail rather than queue every query behind a lock this migration waits for.
SET LOCAL lock_timeout = '5s';

-- The ledger guarded from its own app role. chimera_app could UPDATE balances with no entry,
-- insert entries, reservations and spend windows of its choosing, and through the decided writer
-- commit entries that no balance ever matched. Now balances, entries, reservations and spend
-- windows are written only by functions that run as chimera_ledger_writer and check what they
-- write against the transfers of the same transaction, and a check at commit proves that every
-- account whose balances or entries changed holds exactly the balances of its latest entry.
-- chimera_app keeps what it needs to decide a batch: reading, locking (its UPDATE on `closed`),
-- closing accounts and inserting transfer rows.

-- The writers the service called become the unchecked halves of checked ones of the same name.
-- lint-allow rename: checked functions of the same names and arguments replace them below, so a release calling the old names keeps working
ALTER FUNCTION chimera.ledger_write_postings RENAME TO ledger_apply_postings;
-- lint-allow rename: as above
ALTER FUNCTION chimera.ledger_settle_balances RENAME TO ledger_move_balances;
REVOKE EXECUTE ON FUNCTION chimera.ledger_apply_postings, chimera.ledger_move_balances,
  chimera.ledger_write_decided_entries FROM PUBLIC, chimera_app;

REVOKE UPDATE (debits_pending, debits_posted, credits_pending, credits_posted, version) ON ledger_accounts FROM chimera_app;
REVOKE INSERT ON ledger_entries FROM chimera_app;
REVOKE INSERT, DELETE ON ledger_pending FROM chimera_app;
REVOKE INSERT, UPDATE ON ledger_spend_windows FROM chimera_app;

GRANT UPDATE (debits_pending, debits_posted, credits_pending, credits_posted, version) ON ledger_accounts TO chimera_ledger_writer;
GRANT SELECT ON ledger_entries TO chimera_ledger_writer;
GRANT DELETE ON ledger_pending TO chimera_ledger_writer;
GRANT SELECT, INSERT, UPDATE ON ledger_spend_windows TO chimera_ledger_writer;
GRANT SELECT, INSERT ON ledger_budget_alerts TO chimera_ledger_writer;
GRANT EXECUTE ON FUNCTION chimera.ledger_apply_postings, chimera.ledger_move_balances,
  chimera.ledger_check_time_bound(), chimera.ledger_time_bound() TO chimera_ledger_writer;
CREATE POLICY ledger_spend_windows_writer ON ledger_spend_windows TO chimera_ledger_writer
  USING (tenant_id = (SELECT chimera.current_tenant_id())) WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()));
CREATE POLICY ledger_budget_alerts_writer ON ledger_budget_alerts TO chimera_ledger_writer
  USING (tenant_id = (SELECT chimera.current_tenant_id())) WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()));

-- A careful batch's write, checked: every posting is a transfer this transaction wrote, moving its
-- own two accounts by exactly what its kind moves (a plain transfer its amount onto the posted
-- balances; a pending one onto the pending balances; a post or void its reservation off them and
-- the posted amount on); each transfer once; the reservations it closes are exactly those its
-- posts and voids resolve; spend windows rise by no more than its new debits on each account and
-- fall by no more than its resolved reservations release. Then ledger_apply_postings computes the
-- entries and balances from the locked balances, as before. Its entries skip the per-statement
-- reference check (chimera.check_entry_references): the lookups here are the same ones, stricter.
CREATE FUNCTION chimera.ledger_write_postings(
  p_tenant_id uuid, p_t_ids uuid[], p_t_debit_ids uuid[], p_t_credit_ids uuid[], p_t_pending boolean[],
  p_t_pending_deltas numeric[], p_t_posted_deltas numeric[], p_expected_checksum numeric, p_resolved_pending_ids uuid[],
  p_s_account_ids uuid[], p_s_window_starts timestamptz[], p_s_deltas numeric[],
  p_r_account_ids uuid[], p_r_window_starts timestamptz[], p_r_amounts numeric[],
  p_a_account_ids uuid[], p_a_window_starts timestamptz[], p_a_spent numeric[], p_a_limits numeric[], p_a_transfer_ids uuid[]
) RETURNS bigint
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
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

-- A decided batch's settling, checked: ledger_move_balances locks the accounts and moves them
-- (CH001 when one holds something else than the batch expected); then, for each account, the
-- batch's first entry (at the version the account held, plus one) must have been written by this
-- transaction and start from exactly the balances the account held, and its entry at the new
-- version must hold exactly the new balances. ledger_write_decided computed every entry in between
-- from the same start, so the balances the account moved to are those its entries say.
CREATE FUNCTION chimera.ledger_settle_balances(
  p_tenant_id uuid, p_ids uuid[], p_versions bigint[],
  p_debits_pending numeric[], p_debits_posted numeric[], p_credits_pending numeric[], p_credits_posted numeric[],
  p_new_versions bigint[], p_new_debits_pending numeric[], p_new_debits_posted numeric[],
  p_new_credits_pending numeric[], p_new_credits_posted numeric[]
) RETURNS bigint
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
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

-- The writer's functions refuse to run as anyone else, or as a role that bypasses row-level
-- security (a copy of the schema restored without owners), as ledger_write_decided does.
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
GRANT EXECUTE ON FUNCTION chimera.ledger_require_writer(text) TO chimera_ledger_writer;

ALTER FUNCTION chimera.ledger_write_postings OWNER TO chimera_ledger_writer;
ALTER FUNCTION chimera.ledger_settle_balances OWNER TO chimera_ledger_writer;
REVOKE EXECUTE ON FUNCTION chimera.ledger_write_postings, chimera.ledger_settle_balances FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chimera.ledger_write_postings, chimera.ledger_settle_balances TO chimera_app;

-- ---------------------------------------------------------------------------------------------
-- The check at commit. Every statement that inserts entries or updates accounts files the
-- accounts it touched (one row per statement and tenant); at commit a deferred trigger checks each
-- filed account once: its version and four balances equal its latest entry's (zero and version 0
-- without entries). Unlogged: its rows live only until their transaction ends.
CREATE UNLOGGED TABLE ledger_balance_checks (
  tenant_id   uuid   NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  txid        xid8   NOT NULL DEFAULT pg_current_xact_id(),
  account_ids uuid[] NOT NULL,
  -- The check finds its transaction's rows by key, not among every filing of the tenant that
  -- vacuum has not yet cleared (thousands a second under load).
  PRIMARY KEY (tenant_id, txid, id)
);
COMMENT ON TABLE ledger_balance_checks IS 'Accounts whose balances the current transaction changed, checked against their latest entries at commit.';
ALTER TABLE ledger_balance_checks ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
-- Only the two functions below, as chimera_ledger_writer, ever touch it; a filing names the tenant
-- of the rows that changed, whoever changed them.
CREATE POLICY ledger_balance_checks_writer ON ledger_balance_checks TO chimera_ledger_writer USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, DELETE ON ledger_balance_checks TO chimera_ledger_writer;

CREATE FUNCTION chimera.file_ledger_balance_check() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
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
ALTER FUNCTION chimera.file_ledger_balance_check() OWNER TO chimera_ledger_writer;

CREATE FUNCTION chimera.check_ledger_balances() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
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
ALTER FUNCTION chimera.check_ledger_balances() OWNER TO chimera_ledger_writer;

CREATE TRIGGER ledger_entries_file_balance_check AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION chimera.file_ledger_balance_check();
CREATE TRIGGER ledger_accounts_file_balance_check AFTER UPDATE ON ledger_accounts
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION chimera.file_ledger_balance_check();
CREATE CONSTRAINT TRIGGER ledger_balance_checks_at_commit AFTER INSERT ON ledger_balance_checks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION chimera.check_ledger_balances();

-- migrate:down
DROP TRIGGER ledger_accounts_file_balance_check ON ledger_accounts;
DROP TRIGGER ledger_entries_file_balance_check ON ledger_entries;
DROP TABLE ledger_balance_checks;
DROP FUNCTION chimera.check_ledger_balances();
DROP FUNCTION chimera.file_ledger_balance_check();
DROP FUNCTION chimera.ledger_settle_balances;
DROP FUNCTION chimera.ledger_write_postings;
DROP FUNCTION chimera.ledger_require_writer(text);
DROP POLICY ledger_budget_alerts_writer ON ledger_budget_alerts;
DROP POLICY ledger_spend_windows_writer ON ledger_spend_windows;
REVOKE EXECUTE ON FUNCTION chimera.ledger_apply_postings, chimera.ledger_move_balances,
  chimera.ledger_check_time_bound(), chimera.ledger_time_bound() FROM chimera_ledger_writer;
REVOKE SELECT, INSERT ON ledger_budget_alerts FROM chimera_ledger_writer;
REVOKE SELECT, INSERT, UPDATE ON ledger_spend_windows FROM chimera_ledger_writer;
REVOKE DELETE ON ledger_pending FROM chimera_ledger_writer;
REVOKE SELECT ON ledger_entries FROM chimera_ledger_writer;
REVOKE UPDATE (debits_pending, debits_posted, credits_pending, credits_posted, version) ON ledger_accounts FROM chimera_ledger_writer;
GRANT INSERT, UPDATE ON ledger_spend_windows TO chimera_app;
GRANT INSERT, DELETE ON ledger_pending TO chimera_app;
GRANT INSERT ON ledger_entries TO chimera_app;
GRANT UPDATE (debits_pending, debits_posted, credits_pending, credits_posted, version) ON ledger_accounts TO chimera_app;
ALTER FUNCTION chimera.ledger_move_balances RENAME TO ledger_settle_balances;
ALTER FUNCTION chimera.ledger_apply_postings RENAME TO ledger_write_postings;
GRANT EXECUTE ON FUNCTION chimera.ledger_write_postings, chimera.ledger_settle_balances,
  chimera.ledger_write_decided_entries TO PUBLIC, chimera_app;
