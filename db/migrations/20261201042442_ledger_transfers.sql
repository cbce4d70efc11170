-- migrate:up

-- Transfers: immutable once written. A pending transfer is resolved by a later transfer that
-- names it in pending_id (post_pending or void_pending); at most one per pending transfer.
CREATE TABLE ledger_transfers (
  tenant_id         uuid          NOT NULL REFERENCES tenants (id),
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
  FOREIGN KEY (tenant_id, debit_account_id) REFERENCES ledger_accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, credit_account_id) REFERENCES ledger_accounts (tenant_id, id),
  FOREIGN KEY (tenant_id, pending_id) REFERENCES ledger_transfers (tenant_id, id),
  CHECK (debit_account_id <> credit_account_id),
  CHECK (num_nonnulls(nullif(pending, false), nullif(post_pending, false), nullif(void_pending, false)) <= 1),
  CHECK ((post_pending OR void_pending) = (pending_id IS NOT NULL)),
  CHECK (pending OR timeout_seconds = 0),
  CHECK ((expire_time IS NOT NULL) = (pending AND timeout_seconds > 0))
);
CREATE UNIQUE INDEX ledger_transfers_external_ref_key ON ledger_transfers (tenant_id, external_ref) WHERE external_ref IS NOT NULL;
CREATE UNIQUE INDEX ledger_transfers_pending_id_key ON ledger_transfers (tenant_id, pending_id) WHERE pending_id IS NOT NULL;
CREATE INDEX ledger_transfers_time_idx ON ledger_transfers (tenant_id, create_time, id);
CREATE INDEX ledger_transfers_debit_idx ON ledger_transfers (tenant_id, debit_account_id, create_time, id);
CREATE INDEX ledger_transfers_credit_idx ON ledger_transfers (tenant_id, credit_account_id, create_time, id);

-- Entries: one per account per posting, with the account's balances and version after it.
CREATE TABLE ledger_entries (
  tenant_id       uuid          NOT NULL REFERENCES tenants (id),
  account_id      uuid          NOT NULL,
  account_version bigint        NOT NULL,
  transfer_id     uuid          NOT NULL,
  debits_pending  numeric(38,0) NOT NULL,
  debits_posted   numeric(38,0) NOT NULL,
  credits_pending numeric(38,0) NOT NULL,
  credits_posted  numeric(38,0) NOT NULL,
  create_time     timestamptz   NOT NULL DEFAULT chimera.now_ms(),
  -- No foreign keys: entries are written only in the statement that writes their transfer and
  -- updates their accounts (writeTransferBatch), and per-row RI checks would dominate batch cost.
  -- tests/ledger-* check that every entry has its transfer and account.
  PRIMARY KEY (tenant_id, account_id, account_version)
);

-- Open reservations: pending transfers not yet posted, voided or swept. Small and hot; rows leave
-- when the reservation is resolved (the transfers themselves stay).
CREATE TABLE ledger_pending (
  tenant_id         uuid          NOT NULL REFERENCES tenants (id),
  transfer_id       uuid          NOT NULL,
  debit_account_id  uuid          NOT NULL,
  credit_account_id uuid          NOT NULL,
  amount            numeric(38,0) NOT NULL,
  expire_time       timestamptz,
  -- Written only together with its pending transfer (see ledger_entries).
  PRIMARY KEY (tenant_id, transfer_id)
);
CREATE INDEX ledger_pending_expiry_idx ON ledger_pending (expire_time) WHERE expire_time IS NOT NULL;
CREATE INDEX ledger_pending_debit_idx ON ledger_pending (tenant_id, debit_account_id) WHERE expire_time IS NOT NULL;
CREATE INDEX ledger_pending_credit_idx ON ledger_pending (tenant_id, credit_account_id) WHERE expire_time IS NOT NULL;

-- The standard protection of a tenant table: RLS enabled and forced, one policy for chimera_app
-- confining reads and writes to the transaction's tenant.
CREATE FUNCTION chimera.protect_tenant_table(t regclass) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY %I ON %s TO chimera_app USING (tenant_id = chimera.current_tenant_id()) '
                 'WITH CHECK (tenant_id = chimera.current_tenant_id())', replace(t::text, '.', '_') || '_tenant', t);
END
$$;

SELECT chimera.protect_tenant_table(t) FROM unnest(ARRAY['ledger_transfers', 'ledger_entries', 'ledger_pending']::regclass[]) AS t;

GRANT SELECT, INSERT ON ledger_transfers, ledger_entries TO chimera_app;
GRANT SELECT, INSERT, DELETE ON ledger_pending TO chimera_app;
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_transfers, ledger_entries FROM chimera_app;

CREATE TRIGGER ledger_transfers_append_only BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON ledger_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();

-- migrate:down
DROP TABLE ledger_pending;
DROP TABLE ledger_entries;
DROP TABLE ledger_transfers;
DROP FUNCTION chimera.protect_tenant_table(regclass);
