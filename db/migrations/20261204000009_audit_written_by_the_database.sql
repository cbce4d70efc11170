-- migrate:up
-- Fail rather than queue every query behind a lock this migration waits for.
SET LOCAL lock_timeout = '5s';

-- Audit events are written only by the database's own functions, never by the service's roles:
-- chimera_app and chimera_admin lose INSERT on audit_events, and the trigger functions that record
-- changes, and the two functions that record refused calls, run as chimera_audit_writer (SECURITY
-- DEFINER). A compromised or buggy service can no longer forge history (an UPDATE or DELETE event
-- that never happened); it can still make the triggers record what it really does, and record a
-- refusal (action DENIED, never anything else) in its own tenant.
--
-- chimera_audit_writer cannot log in, is no superuser, does not bypass row-level security and has
-- no members: the only way to act as it is to call these functions. Each pins its search_path, so
-- that no object the caller creates (in pg_temp, say) can stand in for a table it writes.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chimera_audit_writer') THEN
    CREATE ROLE chimera_audit_writer NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public, chimera TO chimera_audit_writer;
GRANT EXECUTE ON FUNCTION chimera.current_tenant_id(), chimera.current_actor(), chimera.current_request_id()
  TO chimera_audit_writer;
GRANT INSERT ON audit_events TO chimera_audit_writer;
CREATE POLICY audit_events_writer ON audit_events FOR INSERT TO chimera_audit_writer WITH CHECK (true);
REVOKE INSERT ON audit_events FROM chimera_app, chimera_admin;

ALTER FUNCTION chimera.audit_row_change() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION chimera.audit_row_change() OWNER TO chimera_audit_writer;
ALTER FUNCTION chimera.audit_statement_changes() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION chimera.audit_statement_changes() OWNER TO chimera_audit_writer;

-- A call refused for a missing scope: a DENIED event in the transaction's tenant, under its actor
-- and request id. Only the method, a reason code and the missing scope are the caller's to give.
CREATE FUNCTION chimera.record_denied_call(p_method text, p_reason text, p_scope text) RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
BEGIN
  IF p_method !~ '^[A-Za-z0-9_.]{1,200}/[A-Za-z0-9_]{1,100}$' OR p_reason !~ '^[A-Z_]{1,64}$'
     OR p_scope !~ '^[a-z_]{0,64}(:[a-z_]{1,64})?$' THEN
    RAISE EXCEPTION 'record_denied_call: not a method, reason and scope' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, after)
  VALUES (chimera.current_tenant_id(), chimera.current_actor(), chimera.current_request_id(), 'DENIED', 'rpc', p_method,
          jsonb_build_object('reason', p_reason, 'scope', p_scope));
END
$$;
ALTER FUNCTION chimera.record_denied_call(text, text, text) OWNER TO chimera_audit_writer;
REVOKE EXECUTE ON FUNCTION chimera.record_denied_call(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chimera.record_denied_call(text, text, text) TO chimera_app;

-- A call that named a resource it was told does not exist: when the resource exists in another
-- tenant, a DENIED event (reason OTHER_TENANT_RESOURCE) in the caller's tenant, naming the
-- resource but not its tenant. Returns whether it recorded one. Keys lead with tenant_id, so the
-- resource is looked up tenant by tenant (one index probe per tenant); the service calls this after
-- answering, never on the caller's time, so the answer does not reveal what it finds.
CREATE FUNCTION chimera.record_other_tenant_miss(p_method text, p_resource_type text, p_resource_id text) RETURNS boolean
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
DECLARE
  caller uuid := chimera.current_tenant_id();
  wanted uuid;
  elsewhere boolean;
BEGIN
  IF p_method !~ '^[A-Za-z0-9_.]{1,200}/[A-Za-z0-9_]{1,100}$' THEN
    RAISE EXCEPTION 'record_other_tenant_miss: not a method' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_resource_id !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    RETURN false;
  END IF;
  wanted := p_resource_id::uuid;
  elsewhere := CASE p_resource_type
    WHEN 'agent' THEN EXISTS (SELECT 1 FROM tenants t JOIN agents r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'campaign' THEN EXISTS (SELECT 1 FROM tenants t JOIN campaigns r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'task' THEN EXISTS (SELECT 1 FROM tenants t JOIN tasks r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'content asset' THEN EXISTS (SELECT 1 FROM tenants t JOIN content_assets r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'account' THEN EXISTS (SELECT 1 FROM tenants t JOIN ledger_accounts r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'ledger account' THEN EXISTS (SELECT 1 FROM tenants t JOIN ledger_accounts r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    WHEN 'transfer' THEN EXISTS (SELECT 1 FROM tenants t JOIN ledger_transfers r ON r.tenant_id = t.id AND r.id = wanted WHERE t.id <> caller)
    ELSE false
  END;
  IF elsewhere THEN
    INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, after)
    VALUES (caller, chimera.current_actor(), chimera.current_request_id(), 'DENIED', 'rpc', p_method,
            jsonb_build_object('reason', 'OTHER_TENANT_RESOURCE', 'resource_type', p_resource_type, 'resource_id', p_resource_id));
  END IF;
  RETURN elsewhere;
END
$$;
ALTER FUNCTION chimera.record_other_tenant_miss(text, text, text) OWNER TO chimera_audit_writer;
REVOKE EXECUTE ON FUNCTION chimera.record_other_tenant_miss(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chimera.record_other_tenant_miss(text, text, text) TO chimera_app;
-- What the lookup reads: which tenants exist, and the keys of the resources a call can name.
GRANT SELECT (id) ON tenants TO chimera_audit_writer;
GRANT SELECT (tenant_id, id) ON agents, campaigns, tasks, content_assets, ledger_accounts, ledger_transfers TO chimera_audit_writer;
CREATE POLICY tenants_audit_writer ON tenants FOR SELECT TO chimera_audit_writer USING (true);
CREATE POLICY agents_audit_writer ON agents FOR SELECT TO chimera_audit_writer USING (true);
CREATE POLICY campaigns_audit_writer ON campaigns FOR SELECT TO chimera_audit_writer USING (true);
CREATE POLICY tasks_audit_writer ON tasks FOR SELECT TO chimera_audit_writer USING (true);
CREATE POLICY content_assets_audit_writer ON content_assets FOR SELECT TO chimera_audit_writer USING (true);
CREATE POLICY ledger_accounts_audit_writer ON ledger_accounts FOR SELECT TO chimera_audit_writer USING (true);
CREATE POLICY ledger_transfers_audit_writer ON ledger_transfers FOR SELECT TO chimera_audit_writer USING (true);

-- migrate:down
DROP POLICY ledger_transfers_audit_writer ON ledger_transfers;
DROP POLICY ledger_accounts_audit_writer ON ledger_accounts;
DROP POLICY content_assets_audit_writer ON content_assets;
DROP POLICY tasks_audit_writer ON tasks;
DROP POLICY campaigns_audit_writer ON campaigns;
DROP POLICY agents_audit_writer ON agents;
DROP POLICY tenants_audit_writer ON tenants;
REVOKE SELECT (tenant_id, id) ON agents, campaigns, tasks, content_assets, ledger_accounts, ledger_transfers FROM chimera_audit_writer;
REVOKE SELECT (id) ON tenants FROM chimera_audit_writer;
DROP FUNCTION chimera.record_other_tenant_miss(text, text, text);
DROP FUNCTION chimera.record_denied_call(text, text, text);
ALTER FUNCTION chimera.audit_statement_changes() OWNER TO CURRENT_USER;
ALTER FUNCTION chimera.audit_statement_changes() SECURITY INVOKER RESET search_path;
ALTER FUNCTION chimera.audit_row_change() OWNER TO CURRENT_USER;
ALTER FUNCTION chimera.audit_row_change() SECURITY INVOKER RESET search_path;
GRANT INSERT ON audit_events TO chimera_app, chimera_admin;
DROP POLICY audit_events_writer ON audit_events;
REVOKE INSERT ON audit_events FROM chimera_audit_writer;
REVOKE EXECUTE ON FUNCTION chimera.current_tenant_id(), chimera.current_actor(), chimera.current_request_id()
  FROM chimera_audit_writer;
REVOKE USAGE ON SCHEMA public, chimera FROM chimera_audit_writer;
-- chimera_audit_writer stays: other databases of the server share it.
