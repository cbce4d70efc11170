-- The hand-written batch baseline of bench/ledger.ts: the least a 1,000-transfer double-entry batch
-- must do in PostgreSQL, written directly in SQL. 1,000 accounts with posted balances and a
-- version; transfers with a primary key; entries with each account's balances after a posting.
DROP TABLE IF EXISTS hb_entries, hb_transfers, hb_accounts;
CREATE TABLE hb_accounts (
  id             integer       PRIMARY KEY,
  debits_posted  numeric(38,0) NOT NULL DEFAULT 0,
  credits_posted numeric(38,0) NOT NULL DEFAULT 0,
  version        bigint        NOT NULL DEFAULT 0
) WITH (fillfactor = 70);
INSERT INTO hb_accounts (id) SELECT generate_series(0, 999);
CREATE TABLE hb_transfers (
  id                uuid          PRIMARY KEY,
  debit_account_id  integer       NOT NULL,
  credit_account_id integer       NOT NULL,
  amount            numeric(38,0) NOT NULL,
  create_time       timestamptz   NOT NULL DEFAULT now()
);
CREATE TABLE hb_entries (
  account_id     integer       NOT NULL,
  version        bigint        NOT NULL,
  transfer_id    uuid          NOT NULL,
  debits_posted  numeric(38,0) NOT NULL,
  credits_posted numeric(38,0) NOT NULL,
  PRIMARY KEY (account_id, version)
);
