-- migrate:up

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

-- Debits per account per window: pending and posted, less what was voided, expired or released
-- by a partial post. Maintained by CreateTransfers in the same statement that writes the batch.
CREATE TABLE ledger_spend_windows (
  tenant_id    uuid          NOT NULL REFERENCES tenants (id),
  account_id   uuid          NOT NULL,
  window_start timestamptz   NOT NULL,
  debited      numeric(38,0) NOT NULL CHECK (debited >= 0),
  PRIMARY KEY (tenant_id, account_id, window_start),
  FOREIGN KEY (tenant_id, account_id) REFERENCES ledger_accounts (tenant_id, id)
);

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
CREATE INDEX ledger_budget_alerts_list_idx ON ledger_budget_alerts (tenant_id, create_time, id);

SELECT chimera.protect_tenant_table(t)
FROM unnest(ARRAY['ledger_spend_policies', 'ledger_spend_windows', 'ledger_budget_alerts']::regclass[]) AS t;

GRANT SELECT, INSERT, UPDATE ON ledger_spend_policies, ledger_spend_windows TO chimera_app;
GRANT SELECT, INSERT ON ledger_budget_alerts TO chimera_app;

CREATE TRIGGER ledger_spend_policies_audit AFTER INSERT OR UPDATE ON ledger_spend_policies
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();
CREATE TRIGGER ledger_budget_alerts_audit AFTER INSERT ON ledger_budget_alerts
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();

-- Audit rows of tables keyed by something other than `id` (policies are keyed by account).
CREATE OR REPLACE FUNCTION chimera.audit_row_change() RETURNS trigger
  LANGUAGE plpgsql
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

-- The pending transfer's creation time decides which window its later release belongs to.
ALTER TABLE ledger_pending ADD COLUMN create_time timestamptz NOT NULL DEFAULT chimera.now_ms();

-- The expiry sweeper finds, across tenants, which accounts hold expired reservations; it then
-- voids them tenant by tenant as chimera_app. chimera_admin may read ledger_pending, nothing else.
CREATE POLICY ledger_pending_sweeper ON ledger_pending FOR SELECT TO chimera_admin USING (true);
GRANT SELECT ON ledger_pending TO chimera_admin;

-- migrate:down
REVOKE SELECT ON ledger_pending FROM chimera_admin;
DROP POLICY ledger_pending_sweeper ON ledger_pending;
ALTER TABLE ledger_pending DROP COLUMN create_time;
DROP TABLE ledger_budget_alerts;
DROP TABLE ledger_spend_windows;
DROP TABLE ledger_spend_policies;
