-- Layout c of bench/ledger-layouts.ts: lb_* with la_*'s two indexes of transfers by account and
-- time.
CREATE INDEX ON lb_transfers (tenant_id, debit_account_id, create_time, id);
CREATE INDEX ON lb_transfers (tenant_id, credit_account_id, create_time, id);
