-- Layout d of bench/ledger-layouts.ts, and the service's (db/migrations/*_ledger_tables.sql): la_*
-- without the two indexes of transfers by account and time (an account's transfers are listed
-- from its entries).
DROP INDEX la_transfers_debit_idx, la_transfers_credit_idx;
