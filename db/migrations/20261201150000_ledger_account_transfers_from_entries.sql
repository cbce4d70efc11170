-- migrate:up

-- ListTransfers by account reads the account's entries, keyed by (tenant, account, version),
-- instead of two indexes of ledger_transfers by account and time. Those cost every transfer two
-- index entries: a third of a 1,000-transfer batch, in plain SQL as in the service
-- (bench/ledger-layouts.ts, BENCHMARKS.md).
--
-- An account's transfers are then listed in the order they changed its balances. A time range
-- must still seek: a transfer's create_time is its transaction's start, and a transaction that
-- waited for an account's lock has an earlier time than the version before it. So no transaction
-- may change balances more than chimera.ledger_time_bound() after it began (checked after every
-- UPDATE of ledger_accounts; SQLSTATE 40001, so the service retries it). Versions are then in time
-- order to within that bound, and a range is narrowed to the versions between the last one more
-- than the bound before its start and the first one more than the bound after its end.

CREATE FUNCTION chimera.ledger_time_bound() RETURNS interval
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT interval '10 seconds' $$;

CREATE FUNCTION chimera.check_ledger_time_bound() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF clock_timestamp() - now() > chimera.ledger_time_bound() THEN
    RAISE EXCEPTION 'ledger: balances changed % after the transaction began, more than %',
      clock_timestamp() - now(), chimera.ledger_time_bound() USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER ledger_accounts_time_bound AFTER UPDATE ON ledger_accounts
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.check_ledger_time_bound();

DROP INDEX ledger_transfers_debit_idx;
DROP INDEX ledger_transfers_credit_idx;

-- migrate:down
CREATE INDEX ledger_transfers_debit_idx ON ledger_transfers (tenant_id, debit_account_id, create_time, id);
CREATE INDEX ledger_transfers_credit_idx ON ledger_transfers (tenant_id, credit_account_id, create_time, id);
DROP TRIGGER ledger_accounts_time_bound ON ledger_accounts;
DROP FUNCTION chimera.check_ledger_time_bound();
DROP FUNCTION chimera.ledger_time_bound();
