-- migrate:up

-- ListTransfers by account reads the account's entries, keyed by (tenant, account, version),
-- instead of two indexes of ledger_transfers by account and time. Those cost every transfer two
-- index entries: a third of a 1,000-transfer batch, in plain SQL as in the service
-- (bench/ledger-layouts.ts, BENCHMARKS.md).
--
-- An account's transfers are then listed in the order they changed its balances. A time range
-- must still seek: a transfer's create_time is its transaction's start, and a transaction that
-- waited for an account's lock has an earlier time than the version before it. So no transaction
-- may change balances more than chimera.ledger_time_bound() (B) after it began (SQLSTATE 40001,
-- which the service retries). Versions are then in time order to within B, and a range is
-- narrowed by binary searches over versions (listAccountTransfers). This relies on the database
-- server's clock not stepping back by more than B.

-- B is 10 s, or more if the history already written is further out of order (transactions could
-- wait for locks up to their statement timeout until now): a constant, so that the listing's
-- searches and the check agree. Balance changes wait until the check below exists, so that none
-- escapes both the measure and the check.
LOCK TABLE ledger_accounts IN SHARE ROW EXCLUSIVE MODE;
DO $$
DECLARE
  disorder interval;
BEGIN
  SELECT max(d) INTO disorder
  FROM (SELECT max(e.create_time) OVER (PARTITION BY e.tenant_id, e.account_id ORDER BY e.account_version
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) - e.create_time AS d
        FROM ledger_entries e) x;
  disorder := greatest(interval '10 seconds', date_trunc('second', disorder) + interval '1 second');
  RAISE NOTICE 'chimera.ledger_time_bound() is %', disorder;
  EXECUTE format('CREATE FUNCTION chimera.ledger_time_bound() RETURNS interval LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                 format('SELECT %L::interval', disorder));
END
$$;

-- Raises 40001 once the transaction is more than B old. Called right after a careful batch takes
-- its locks (sql/ledger/transfers.sql, transactionTime), so that a late batch gives them up before
-- doing its work, and after every UPDATE of ledger_accounts, which no balance change escapes.
CREATE FUNCTION chimera.ledger_check_time_bound() RETURNS boolean
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF clock_timestamp() - now() > chimera.ledger_time_bound() THEN
    RAISE EXCEPTION 'ledger: balances changed % after the transaction began, more than %',
      clock_timestamp() - now(), chimera.ledger_time_bound() USING ERRCODE = 'serialization_failure';
  END IF;
  RETURN true;
END
$$;

CREATE FUNCTION chimera.check_ledger_time_bound() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM chimera.ledger_check_time_bound();
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
DROP FUNCTION chimera.ledger_check_time_bound();
DROP FUNCTION chimera.ledger_time_bound();
