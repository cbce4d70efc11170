-- migrate:up

-- The ledger's tables: double-entry accounts, immutable transfers and the entries they post, open
-- reservations, and CFO spend policies with their windows and alerts. Their references are
-- checked once per statement by triggers (below, after the tables) instead of per-row foreign
-- keys. The statements that write them are functions: 20261201000004_ledger_functions.sql (the
-- careful path) and 20261201000005_ledger_decided_writer.sql (batches decided before the lock).

-- chimera_ledger_writer, the role a decided batch's write runs as (chimera.ledger_write_decided).
-- It is created here because the tenant policies of the tables it reads and writes name it; what
-- it may do, and why it can be trusted to skip the entries' reference check, is in
-- 20261201000005_ledger_decided_writer.sql. Roles are shared by every database of the server, so
-- its attributes are set, and its memberships checked, whether or not it existed: it cannot log
-- in, is no superuser, does not bypass row-level security, has no members and belongs to no role.
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

-- ---------------------------------------------------------------------------------------------
-- Accounts. Balances are numeric(38,0) in the asset's minor units and change only through
-- transfers. The flag invariants are also CHECK constraints, so no code path can leave an
-- account violating its own flags. Balance updates leave room on the page (fillfactor 70), so
-- they stay HOT: no new index entries per update.
CREATE TABLE ledger_accounts (
  tenant_id       uuid          NOT NULL REFERENCES tenants (id),
  id              uuid          NOT NULL,
  asset           text          NOT NULL CHECK (asset ~ '^[A-Z0-9]{1,16}$'),
  asset_scale     smallint      NOT NULL CHECK (asset_scale BETWEEN 0 AND 38),
  owner_type      text          NOT NULL CHECK (owner_type IN ('AGENT', 'CAMPAIGN', 'TENANT_TREASURY', 'EXTERNAL')),
  owner_id        text          NOT NULL DEFAULT '' CHECK (length(owner_id) <= 200),
  debits_must_not_exceed_credits boolean NOT NULL DEFAULT false,
  credits_must_not_exceed_debits boolean NOT NULL DEFAULT false,
  closed          boolean       NOT NULL DEFAULT false,
  debits_pending  numeric(38,0) NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
  debits_posted   numeric(38,0) NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
  credits_pending numeric(38,0) NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
  credits_posted  numeric(38,0) NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
  -- Incremented by every posting that touches the account.
  version         bigint        NOT NULL DEFAULT 0,
  wallet_network  text          NOT NULL DEFAULT '',
  wallet_address  text          NOT NULL DEFAULT '',
  metadata        jsonb         NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  create_time     timestamptz   NOT NULL DEFAULT chimera.now_ms(),
  PRIMARY KEY (tenant_id, id),
  CHECK (NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits)),
  CHECK (NOT debits_must_not_exceed_credits OR debits_pending + debits_posted <= credits_posted),
  CHECK (NOT credits_must_not_exceed_debits OR credits_pending + credits_posted <= debits_posted),
  CHECK ((owner_type = 'TENANT_TREASURY') = (owner_id = '')),
  CHECK (owner_type NOT IN ('AGENT', 'CAMPAIGN')
         OR owner_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
) WITH (fillfactor = 70);
COMMENT ON TABLE ledger_accounts IS 'Double-entry accounts; balances change only through transfers, and an account is closed, never deleted.';
COMMENT ON COLUMN ledger_accounts.version IS 'Incremented by every posting; the account_version of its latest entry.';
CREATE INDEX ledger_accounts_list_idx ON ledger_accounts (tenant_id, create_time, id);
CREATE INDEX ledger_accounts_owner_idx ON ledger_accounts (tenant_id, owner_type, owner_id);

ALTER TABLE ledger_accounts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY ledger_accounts_tenant ON ledger_accounts TO chimera_app, chimera_ledger_writer
  USING (tenant_id = (SELECT chimera.current_tenant_id())) WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()));
-- Accounts are created with zero balances (no INSERT privilege on the balance columns), and only
-- balances, version and the closed flag ever change after creation.
GRANT SELECT ON ledger_accounts TO chimera_app;
GRANT INSERT (tenant_id, id, asset, asset_scale, owner_type, owner_id, debits_must_not_exceed_credits,
              credits_must_not_exceed_debits, closed, wallet_network, wallet_address, metadata)
  ON ledger_accounts TO chimera_app;
GRANT UPDATE (debits_pending, debits_posted, credits_pending, credits_posted, version, closed) ON ledger_accounts TO chimera_app;

-- Creations are audited here; balance movements are recorded by the ledger's own entries.
CREATE TRIGGER ledger_accounts_audit
  AFTER INSERT ON ledger_accounts
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();
-- What the reference checks below rely on: an account is closed, never deleted, whoever asks.
CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON ledger_accounts
  FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();

-- ---------------------------------------------------------------------------------------------
-- Transfers: immutable once written. A pending transfer is resolved by a later transfer that
-- names it in pending_id (post_pending or void_pending); at most one per pending transfer.
-- An account's transfers are listed from its entries (keyed by account and version), so no index
-- leads with an account: each would cost every transfer two more index entries, a third of a
-- 1,000-transfer batch (bench/ledger-layouts.ts, BENCHMARKS.md).
CREATE TABLE ledger_transfers (
  tenant_id         uuid          NOT NULL,
  id                uuid          NOT NULL,
  debit_account_id  uuid          NOT NULL,
  credit_account_id uuid          NOT NULL,
  amount            numeric(38,0) NOT NULL CHECK (amount >= 0),
  pending_id        uuid,
  linked            boolean       NOT NULL DEFAULT false,
  pending           boolean       NOT NULL DEFAULT false,
  post_pending      boolean       NOT NULL DEFAULT false,
  void_pending      boolean       NOT NULL DEFAULT false,
  timeout_seconds   integer       NOT NULL DEFAULT 0 CHECK (timeout_seconds >= 0),
  expire_time       timestamptz,
  code              integer       NOT NULL DEFAULT 0,
  external_ref      text CHECK (external_ref <> '' AND length(external_ref) <= 200),
  metadata          jsonb         NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  create_time       timestamptz   NOT NULL DEFAULT chimera.now_ms(),
  PRIMARY KEY (tenant_id, id),
  CHECK (debit_account_id <> credit_account_id),
  CHECK (num_nonnulls(nullif(pending, false), nullif(post_pending, false), nullif(void_pending, false)) <= 1),
  CHECK ((post_pending OR void_pending) = (pending_id IS NOT NULL)),
  CHECK (pending OR timeout_seconds = 0),
  CHECK ((expire_time IS NOT NULL) = (pending AND timeout_seconds > 0))
);
COMMENT ON TABLE ledger_transfers IS 'Immutable transfers; references checked per statement by chimera.check_references_exist().';
CREATE UNIQUE INDEX ledger_transfers_external_ref_key ON ledger_transfers (tenant_id, external_ref) WHERE external_ref IS NOT NULL;
CREATE UNIQUE INDEX ledger_transfers_pending_id_key ON ledger_transfers (tenant_id, pending_id) WHERE pending_id IS NOT NULL;
CREATE INDEX ledger_transfers_time_idx ON ledger_transfers (tenant_id, create_time, id);

-- ---------------------------------------------------------------------------------------------
-- Entries: one per account per posting, with the account's balances and version after it. An
-- account's versions 1 .. version list its transfers in the order they changed its balances.
CREATE TABLE ledger_entries (
  tenant_id       uuid          NOT NULL,
  account_id      uuid          NOT NULL,
  account_version bigint        NOT NULL,
  transfer_id     uuid          NOT NULL,
  debits_pending  numeric(38,0) NOT NULL,
  debits_posted   numeric(38,0) NOT NULL,
  credits_pending numeric(38,0) NOT NULL,
  credits_posted  numeric(38,0) NOT NULL,
  create_time     timestamptz   NOT NULL DEFAULT chimera.now_ms(),
  PRIMARY KEY (tenant_id, account_id, account_version)
);
COMMENT ON TABLE ledger_entries IS 'One row per account per posting: the balances and version after it; references checked by chimera.check_entry_references().';

-- ---------------------------------------------------------------------------------------------
-- Open reservations: pending transfers not yet posted, voided or swept. Small and hot; rows leave
-- when the reservation is resolved (the transfers themselves stay). The pending transfer's
-- creation time decides which spend window its later release belongs to.
CREATE TABLE ledger_pending (
  tenant_id         uuid          NOT NULL,
  transfer_id       uuid          NOT NULL,
  debit_account_id  uuid          NOT NULL,
  credit_account_id uuid          NOT NULL,
  amount            numeric(38,0) NOT NULL,
  expire_time       timestamptz,
  create_time       timestamptz   NOT NULL DEFAULT chimera.now_ms(),
  PRIMARY KEY (tenant_id, transfer_id)
);
COMMENT ON TABLE ledger_pending IS 'Open reservations (pending transfers not yet resolved); references checked by chimera.check_references_exist().';
CREATE INDEX ledger_pending_expiry_idx ON ledger_pending (expire_time) WHERE expire_time IS NOT NULL;
CREATE INDEX ledger_pending_debit_idx ON ledger_pending (tenant_id, debit_account_id) WHERE expire_time IS NOT NULL;
CREATE INDEX ledger_pending_credit_idx ON ledger_pending (tenant_id, credit_account_id) WHERE expire_time IS NOT NULL;

-- Row-level security of the history: the decided batch's writer (chimera_ledger_writer) passes
-- the same tenant policies as chimera_app.
ALTER TABLE ledger_transfers ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY ledger_transfers_tenant ON ledger_transfers TO chimera_app, chimera_ledger_writer
  USING (tenant_id = (SELECT chimera.current_tenant_id())) WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()));
ALTER TABLE ledger_entries ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY ledger_entries_tenant ON ledger_entries TO chimera_app, chimera_ledger_writer
  USING (tenant_id = (SELECT chimera.current_tenant_id())) WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()));
ALTER TABLE ledger_pending ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY ledger_pending_tenant ON ledger_pending TO chimera_app, chimera_ledger_writer
  USING (tenant_id = (SELECT chimera.current_tenant_id())) WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()));
-- The expiry sweeper finds, across tenants, which accounts hold expired reservations; it then
-- voids them tenant by tenant as chimera_app. chimera_admin may read ledger_pending, nothing else.
CREATE POLICY ledger_pending_sweeper ON ledger_pending FOR SELECT TO chimera_admin USING (true);

GRANT SELECT, INSERT ON ledger_transfers, ledger_entries TO chimera_app;
GRANT SELECT, INSERT, DELETE ON ledger_pending TO chimera_app;
GRANT SELECT ON ledger_pending TO chimera_admin;
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_transfers, ledger_entries FROM chimera_app;

CREATE TRIGGER ledger_transfers_append_only BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON ledger_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();

-- ---------------------------------------------------------------------------------------------
-- CFO spend policies: a limit on an account's debits per UTC window, an alert ratio, and an
-- approval threshold above which a debit must be pending (approved by posting it).
CREATE TABLE ledger_spend_policies (
  tenant_id          uuid          NOT NULL REFERENCES tenants (id),
  account_id         uuid          NOT NULL,
  spend_window       text          NOT NULL CHECK (spend_window IN ('DAILY', 'WEEKLY')),
  spend_limit        numeric(38,0) NOT NULL CHECK (spend_limit >= 0),
  -- The alert ratio in basis points (0.8 = 8000): money comparisons stay in exact integers.
  alert_ratio_bp     integer       NOT NULL DEFAULT 8000 CHECK (alert_ratio_bp BETWEEN 1 AND 10000),
  approval_threshold numeric(38,0) CHECK (approval_threshold >= 0),
  version            bigint        NOT NULL DEFAULT 1,
  update_time        timestamptz   NOT NULL DEFAULT chimera.now_ms(),
  PRIMARY KEY (tenant_id, account_id),
  FOREIGN KEY (tenant_id, account_id) REFERENCES ledger_accounts (tenant_id, id)
);
COMMENT ON TABLE ledger_spend_policies IS 'CFO spend policies: a debit limit per UTC day or ISO week, an alert ratio and an approval threshold.';
COMMENT ON COLUMN ledger_spend_policies.alert_ratio_bp IS 'The alert ratio in basis points (0.8 = 8000).';

-- Debits per account per window: pending and posted, less what was voided, expired or released
-- by a partial post. Maintained in the same call that writes the batch (ledger_write_postings).
CREATE TABLE ledger_spend_windows (
  tenant_id    uuid          NOT NULL REFERENCES tenants (id),
  account_id   uuid          NOT NULL,
  window_start timestamptz   NOT NULL,
  debited      numeric(38,0) NOT NULL CHECK (debited >= 0),
  PRIMARY KEY (tenant_id, account_id, window_start),
  FOREIGN KEY (tenant_id, account_id) REFERENCES ledger_accounts (tenant_id, id)
);
COMMENT ON TABLE ledger_spend_windows IS 'What each account with a spend policy has debited per window.';

-- One alert per account and window, raised by the transfer that crossed the alert ratio.
CREATE TABLE ledger_budget_alerts (
  tenant_id    uuid          NOT NULL REFERENCES tenants (id),
  id           uuid          NOT NULL DEFAULT gen_random_uuid(),
  account_id   uuid          NOT NULL,
  window_start timestamptz   NOT NULL,
  spent        numeric(38,0) NOT NULL,
  spend_limit  numeric(38,0) NOT NULL,
  transfer_id  uuid          NOT NULL,
  create_time  timestamptz   NOT NULL DEFAULT chimera.now_ms(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, account_id, window_start),
  FOREIGN KEY (tenant_id, account_id) REFERENCES ledger_accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, transfer_id) REFERENCES ledger_transfers (tenant_id, id)
);
COMMENT ON TABLE ledger_budget_alerts IS 'One alert per account and window, raised by the transfer that crossed the alert ratio.';
CREATE INDEX ledger_budget_alerts_list_idx ON ledger_budget_alerts (tenant_id, create_time, id);

-- A decided batch's write reads the policies (it refuses accounts that have one).
ALTER TABLE ledger_spend_policies ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
CREATE POLICY ledger_spend_policies_tenant ON ledger_spend_policies TO chimera_app, chimera_ledger_writer
  USING (tenant_id = (SELECT chimera.current_tenant_id())) WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()));
SELECT chimera.protect_tenant_table(t) FROM unnest(ARRAY['ledger_spend_windows', 'ledger_budget_alerts']::regclass[]) AS t;

GRANT SELECT, INSERT, UPDATE ON ledger_spend_policies, ledger_spend_windows TO chimera_app;
GRANT SELECT, INSERT ON ledger_budget_alerts TO chimera_app;

CREATE TRIGGER ledger_spend_policies_audit AFTER INSERT OR UPDATE ON ledger_spend_policies
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();
CREATE TRIGGER ledger_budget_alerts_audit AFTER INSERT ON ledger_budget_alerts
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();

-- ---------------------------------------------------------------------------------------------
-- Referential integrity of the ledger's history, checked once per statement instead of once per
-- row: transfers, entries and reservations have no foreign keys. A per-row foreign key costs an
-- SPI query and a FOR KEY SHARE row lock for every row: 5,000 of them for a 1,000-transfer batch,
-- 18 ms of a 45 ms write; these statement-level AFTER INSERT triggers check the same references
-- with one set-based query over the rows the statement inserted (a transition table), 4.5 ms
-- (bench/ledger-phases.ts), and raise foreign_key_violation as a foreign key would. The row locks
-- are not needed: accounts and transfers are never deleted (the triggers above refuse it).
--
-- Each check gathers the referenced ids per tenant into an array and counts how many exist, one
-- primary-key lookup per id. In practice a statement writes one tenant's rows. The plans are
-- cached per session and may be made while the tables are empty, so they are forced to be
-- generic index lookups with sequential scans turned off, whatever the statistics say (a plan that
-- scans ledger_transfers on every insert would grow with the ledger).

-- Raises foreign_key_violation, as a foreign key would, unless every one of p_ids (ids of one
-- tenant, each once) is among the tenant's p_kind, 'accounts' or 'transfers': it counts those
-- found, one primary-key lookup per id. p_table names the table whose rows name them. This
-- function and the trigger function below also run inside chimera.ledger_write_decided (SECURITY
-- DEFINER, 20261201000005_ledger_decided_writer.sql), for the rows it inserts: their search_path
-- is pinned as that function's is.
CREATE FUNCTION chimera.require_existing(p_table text, p_kind text, p_tenant_id uuid, p_ids uuid[]) RETURNS void
  LANGUAGE plpgsql
  SET search_path = public, pg_temp
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
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
GRANT EXECUTE ON FUNCTION chimera.require_existing(text, text, uuid, uuid[]) TO chimera_app;

-- A transfer's accounts exist (and therefore its tenant does), and so does the pending transfer it
-- resolves; a reservation's transfer exists. One function for both tables: each gathers, per
-- tenant, the ids its rows name, and chimera.require_existing checks them. Only which columns hold
-- the ids differs between the two, and a statement reads the columns of the one table it is
-- planned for: PL/pgSQL keeps a separate copy of a trigger function, with its own cached plans, for
-- each table it is attached to, so each table's copy plans only its own branch, and nothing is
-- built at run time (EXECUTE), which would be planned on every insert.
CREATE FUNCTION chimera.check_references_exist() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = public, pg_temp
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
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

-- An entry's transfer exists and the entry's account is one of that transfer's two accounts: one
-- lookup per transfer (its entries are checked together). That implies the account exists (a
-- transfer's accounts are checked when it is written, and accounts are never deleted), and it is
-- stricter than a foreign key: an entry cannot name an account its transfer does not move.
-- Entries inserted as chimera_ledger_writer are not looked up: that role's only function,
-- chimera.ledger_write_decided, derives every entry from the transfers it inserts in the same
-- call, so for its rows the lookups could only confirm what it did. For batches of 8,000 transfers
-- they were the largest single cost (20261201000005_ledger_decided_writer.sql says what makes the
-- role trustworthy). Every other writer is checked, the owner included.
CREATE FUNCTION chimera.check_entry_references() RETURNS trigger
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
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

CREATE TRIGGER ledger_transfers_references AFTER INSERT ON ledger_transfers
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_references_exist();
CREATE TRIGGER ledger_entries_references AFTER INSERT ON ledger_entries
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_entry_references();
CREATE TRIGGER ledger_pending_references AFTER INSERT ON ledger_pending
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_references_exist();

-- migrate:down
DROP TABLE ledger_budget_alerts;
DROP TABLE ledger_spend_windows;
DROP TABLE ledger_spend_policies;
DROP TABLE ledger_pending;
DROP TABLE ledger_entries;
DROP TABLE ledger_transfers;
DROP TABLE ledger_accounts;
DROP FUNCTION chimera.check_entry_references();
DROP FUNCTION chimera.check_references_exist();
DROP FUNCTION chimera.require_existing(text, text, uuid, uuid[]);
-- chimera_ledger_writer stays: other databases of the server share it.
