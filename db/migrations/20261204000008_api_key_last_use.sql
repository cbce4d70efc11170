-- migrate:up
-- Fail rather than queue every query behind a lock this migration waits for.
SET LOCAL lock_timeout = '5s';

-- When each API key was last used, to find keys that can be retired. The service records uses in
-- memory and writes them in batches (src/services/tenancy/key-uses.ts), so the value may lag by
-- up to CHIMERA_KEY_USE_FLUSH_MS and a crash loses the uses not yet written.
ALTER TABLE api_keys ADD COLUMN last_use_time timestamptz;
COMMENT ON COLUMN api_keys.last_use_time IS
  'Latest successful authentication with the key, written in batches: up to the flush interval late.';

-- A use is not a change of the key: leaving last_use_time out of the audit trail keeps the flushes
-- from writing an audit event per key every interval (an update of only hidden columns is skipped).
DROP TRIGGER api_keys_audit ON api_keys;
CREATE TRIGGER api_keys_audit
  AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('secret_sha256', 'last_use_time');

-- migrate:down
DROP TRIGGER api_keys_audit ON api_keys;
CREATE TRIGGER api_keys_audit
  AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('secret_sha256');
ALTER TABLE api_keys DROP COLUMN last_use_time;
