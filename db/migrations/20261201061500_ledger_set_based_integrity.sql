-- migrate:up

-- Referential integrity of the ledger's history, checked once per statement instead of once per
-- row. A 1,000-transfer batch fired 5,000 per-row foreign-key triggers (each an SPI query plus a
-- FOR KEY SHARE row lock): 18 ms of a 45 ms write. These triggers check the same references with
-- one set-based query per statement over the rows it inserted (a transition table), and raise
-- foreign_key_violation like a foreign key would. The row locks are not needed: accounts and
-- transfers are never deleted (accounts are closed, not removed; see the triggers below).
ALTER TABLE ledger_transfers
  DROP CONSTRAINT ledger_transfers_tenant_id_fkey,
  DROP CONSTRAINT ledger_transfers_tenant_id_debit_account_id_fkey,
  DROP CONSTRAINT ledger_transfers_tenant_id_credit_account_id_fkey,
  DROP CONSTRAINT ledger_transfers_tenant_id_pending_id_fkey;
ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_tenant_id_fkey;
ALTER TABLE ledger_pending DROP CONSTRAINT ledger_pending_tenant_id_fkey;

-- Each check gathers the referenced ids per tenant into an array and counts how many exist, one
-- primary-key lookup per id. In practice a statement writes one tenant's rows. The plans are cached per
-- session and may be made while the tables are empty, so they are forced to be generic index
-- lookups with sequential scans turned off, whatever the statistics say (a plan that scans
-- ledger_transfers on every insert would grow with the ledger).

-- How many of `ids` exist in the tenant: one primary-key lookup per id.
CREATE FUNCTION chimera.existing_accounts(p_tenant_id uuid, p_ids uuid[]) RETURNS bigint
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
BEGIN
  RETURN (SELECT count(*) FROM unnest(p_ids) AS i(id)
          CROSS JOIN LATERAL (SELECT 1 FROM ledger_accounts a WHERE a.tenant_id = p_tenant_id AND a.id = i.id LIMIT 1) AS found);
END
$$;

CREATE FUNCTION chimera.existing_transfers(p_tenant_id uuid, p_ids uuid[]) RETURNS bigint
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
BEGIN
  RETURN (SELECT count(*) FROM unnest(p_ids) AS i(id)
          CROSS JOIN LATERAL (SELECT 1 FROM ledger_transfers t WHERE t.tenant_id = p_tenant_id AND t.id = i.id LIMIT 1) AS found);
END
$$;
GRANT EXECUTE ON FUNCTION chimera.existing_accounts(uuid, uuid[]), chimera.existing_transfers(uuid, uuid[]) TO chimera_app;

-- A transfer's accounts exist (and therefore its tenant does), and so does the pending transfer
-- it resolves.
CREATE FUNCTION chimera.check_transfer_references() RETURNS trigger
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  missing text;
BEGIN
  SELECT format('one of the accounts %s', r.ids) INTO missing
  FROM (SELECT n.tenant_id, array_agg(DISTINCT x) AS ids
        FROM inserted n, unnest(ARRAY[n.debit_account_id, n.credit_account_id]) AS x
        GROUP BY n.tenant_id) r
  WHERE cardinality(r.ids) <> chimera.existing_accounts(r.tenant_id, r.ids)
  LIMIT 1;
  IF missing IS NULL THEN
    SELECT format('one of the pending transfers %s', r.ids) INTO missing
    FROM (SELECT n.tenant_id, array_agg(DISTINCT n.pending_id) AS ids
          FROM inserted n WHERE n.pending_id IS NOT NULL
          GROUP BY n.tenant_id) r
    WHERE cardinality(r.ids) <> chimera.existing_transfers(r.tenant_id, r.ids)
    LIMIT 1;
  END IF;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'ledger_transfers references a missing row: %', missing USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;

-- An entry's account exists, and so does its transfer.
CREATE FUNCTION chimera.check_entry_references() RETURNS trigger
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  missing text;
BEGIN
  SELECT format('one of the accounts %s', r.ids) INTO missing
  FROM (SELECT n.tenant_id, array_agg(DISTINCT n.account_id) AS ids FROM inserted n GROUP BY n.tenant_id) r
  WHERE cardinality(r.ids) <> chimera.existing_accounts(r.tenant_id, r.ids)
  LIMIT 1;
  IF missing IS NULL THEN
    SELECT format('one of the transfers %s', r.ids) INTO missing
    FROM (SELECT n.tenant_id, array_agg(DISTINCT n.transfer_id) AS ids FROM inserted n GROUP BY n.tenant_id) r
    WHERE cardinality(r.ids) <> chimera.existing_transfers(r.tenant_id, r.ids)
    LIMIT 1;
  END IF;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'ledger_entries references a missing row: %', missing USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;

-- A reservation's transfer exists.
CREATE FUNCTION chimera.check_pending_references() RETURNS trigger
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
  AS $$
DECLARE
  missing text;
BEGIN
  SELECT format('one of the transfers %s', r.ids) INTO missing
  FROM (SELECT n.tenant_id, array_agg(n.transfer_id) AS ids FROM inserted n GROUP BY n.tenant_id) r
  WHERE cardinality(r.ids) <> chimera.existing_transfers(r.tenant_id, r.ids)
  LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'ledger_pending references a missing row: %', missing USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER ledger_transfers_references AFTER INSERT ON ledger_transfers
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_transfer_references();
CREATE TRIGGER ledger_entries_references AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_entry_references();
CREATE TRIGGER ledger_pending_references AFTER INSERT ON ledger_pending
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_pending_references();

-- What the checks rely on: an account is closed, never deleted.
CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON ledger_accounts
  FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();

-- Balance updates leave room on the page, so they stay HOT (no new index entries per update).
ALTER TABLE ledger_accounts SET (fillfactor = 70);

-- migrate:down
ALTER TABLE ledger_accounts RESET (fillfactor);
DROP TRIGGER ledger_accounts_no_truncate ON ledger_accounts;
DROP TRIGGER ledger_accounts_no_delete ON ledger_accounts;
DROP TRIGGER ledger_pending_references ON ledger_pending;
DROP TRIGGER ledger_entries_references ON ledger_entries;
DROP TRIGGER ledger_transfers_references ON ledger_transfers;
DROP FUNCTION chimera.check_pending_references();
DROP FUNCTION chimera.check_entry_references();
DROP FUNCTION chimera.check_transfer_references();
DROP FUNCTION chimera.existing_transfers(uuid, uuid[]);
DROP FUNCTION chimera.existing_accounts(uuid, uuid[]);
ALTER TABLE ledger_pending ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE ledger_entries ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE ledger_transfers
  ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id),
  ADD FOREIGN KEY (tenant_id, debit_account_id) REFERENCES ledger_accounts (tenant_id, id),
  ADD FOREIGN KEY (tenant_id, credit_account_id) REFERENCES ledger_accounts (tenant_id, id),
  ADD FOREIGN KEY (tenant_id, pending_id) REFERENCES ledger_transfers (tenant_id, id);
