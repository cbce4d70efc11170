-- Two table layouts for a 1,000-transfer batch, written in plain SQL (bench/ledger-layouts.ts):
--   la_*: uuid keys led by tenant_id; transfers indexed by id, by time, and by each account and
--         time; one entry row per account per transfer with its balances and version. Without the
--         indexes by account and time (layouts-d.sql) it is the service's layout; with them, the
--         service's before commit 90946ad.
--   lb_*: the same history kept on the transfer row: each transfer holds both accounts' versions
--         and balances after it, indexed by account and version; no entries table.
-- (bench/ledger-layouts.ts also runs lb_* with la_*'s indexes by account and time, and la_*
-- without them.)
-- Both lock the batch's accounts in id order and update their balances. One tenant, 1,000
-- accounts; `n` numbers the accounts so that a batch can pick them at random.
DROP TABLE IF EXISTS la_entries, la_transfers, la_accounts, lb_transfers, lb_accounts;
CREATE TABLE la_accounts (
  tenant_id uuid NOT NULL, id uuid NOT NULL, n integer NOT NULL,
  debits_pending numeric(38,0) NOT NULL DEFAULT 0, debits_posted numeric(38,0) NOT NULL DEFAULT 0,
  credits_pending numeric(38,0) NOT NULL DEFAULT 0, credits_posted numeric(38,0) NOT NULL DEFAULT 0,
  version bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id)
) WITH (fillfactor = 70);
INSERT INTO la_accounts (tenant_id, id, n)
SELECT '00000000-0000-4000-8000-000000000001', gen_random_uuid(), g FROM generate_series(0, 999) g;
CREATE TABLE lb_accounts (LIKE la_accounts INCLUDING ALL) WITH (fillfactor = 70);
INSERT INTO lb_accounts SELECT * FROM la_accounts;

CREATE TABLE la_transfers (
  tenant_id uuid NOT NULL, id uuid NOT NULL, debit_account_id uuid NOT NULL, credit_account_id uuid NOT NULL,
  amount numeric(38,0) NOT NULL, pending boolean NOT NULL DEFAULT false, code integer NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}', create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX la_transfers_debit_idx ON la_transfers (tenant_id, debit_account_id, create_time, id);
CREATE INDEX la_transfers_credit_idx ON la_transfers (tenant_id, credit_account_id, create_time, id);
CREATE INDEX ON la_transfers (tenant_id, create_time, id);
CREATE TABLE la_entries (
  tenant_id uuid NOT NULL, account_id uuid NOT NULL, account_version bigint NOT NULL, transfer_id uuid NOT NULL,
  debits_pending numeric(38,0) NOT NULL, debits_posted numeric(38,0) NOT NULL,
  credits_pending numeric(38,0) NOT NULL, credits_posted numeric(38,0) NOT NULL,
  create_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, account_id, account_version)
);

CREATE TABLE lb_transfers (
  tenant_id uuid NOT NULL, id uuid NOT NULL, debit_account_id uuid NOT NULL, credit_account_id uuid NOT NULL,
  amount numeric(38,0) NOT NULL, pending boolean NOT NULL DEFAULT false, code integer NOT NULL DEFAULT 0,
  metadata jsonb NOT NULL DEFAULT '{}', create_time timestamptz NOT NULL DEFAULT now(),
  debit_version bigint NOT NULL,
  debit_debits_pending numeric(38,0) NOT NULL, debit_debits_posted numeric(38,0) NOT NULL,
  debit_credits_pending numeric(38,0) NOT NULL, debit_credits_posted numeric(38,0) NOT NULL,
  credit_version bigint NOT NULL,
  credit_debits_pending numeric(38,0) NOT NULL, credit_debits_posted numeric(38,0) NOT NULL,
  credit_credits_pending numeric(38,0) NOT NULL, credit_credits_posted numeric(38,0) NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX ON lb_transfers (tenant_id, debit_account_id, debit_version);
CREATE UNIQUE INDEX ON lb_transfers (tenant_id, credit_account_id, credit_version);
CREATE INDEX ON lb_transfers (tenant_id, create_time, id);
