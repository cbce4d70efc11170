-- migrate:up

-- Double-entry accounts. Balances are numeric(38,0) in the asset's minor units and change only
-- through transfers (a later migration adds transfers and entries). The flag invariants are also
-- CHECK constraints, so no code path can leave an account violating its own flags.
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
);
CREATE INDEX ledger_accounts_list_idx ON ledger_accounts (tenant_id, create_time, id);
CREATE INDEX ledger_accounts_owner_idx ON ledger_accounts (tenant_id, owner_type, owner_id);

ALTER TABLE ledger_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY ledger_accounts_tenant ON ledger_accounts TO chimera_app
  USING (tenant_id = chimera.current_tenant_id())
  WITH CHECK (tenant_id = chimera.current_tenant_id());
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

-- migrate:down
DROP TABLE ledger_accounts;
