-- migrate:up

-- The foundation every other table stands on: the roles, the chimera schema's platform functions
-- (the transaction's tenant and actor, millisecond times, append-only and tenant protection,
-- auditing), and the tenancy and audit tables.

-- Roles are shared by every database of the server, so they are created only where missing.
-- chimera_app runs every tenant transaction: row-level security applies to it (NOLOGIN, no
-- BYPASSRLS, it owns nothing), and the migrations grant it what it needs. chimera_admin runs the
-- admin plane (TenantService, the API-key lookup); it reaches only tenants, api_keys and
-- audit_events (and reads ledger_pending for the expiry sweeper), through policies written for it.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chimera_app') THEN
    CREATE ROLE chimera_app NOLOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chimera_admin') THEN
    CREATE ROLE chimera_admin NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS chimera;
COMMENT ON SCHEMA chimera IS 'Platform and ledger functions; the tables live in public.';
GRANT USAGE ON SCHEMA public, chimera TO chimera_app, chimera_admin;

-- ---------------------------------------------------------------------------------------------
-- The current tenant, actor and request id, set LOCAL at the start of each transaction.
-- nullif: after a SET LOCAL ends, the setting reads back as '' rather than NULL.
CREATE FUNCTION chimera.current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
COMMENT ON FUNCTION chimera.current_tenant_id() IS
  'The transaction''s tenant (app.tenant_id), which every tenant policy compares tenant_id with; NULL outside a tenant transaction.';

CREATE FUNCTION chimera.current_actor() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(nullif(current_setting('app.actor', true), ''), current_user) $$;

CREATE FUNCTION chimera.current_request_id() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.request_id', true), '') $$;

-- Creation times are kept to the millisecond: they round-trip exactly through the API's
-- timestamps and the (create_time, id) keyset cursors, which pass through JavaScript Dates.
CREATE FUNCTION chimera.now_ms() RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT date_trunc('milliseconds', now()) $$;
COMMENT ON FUNCTION chimera.now_ms() IS
  'now() to the millisecond: creation times round-trip exactly through the API and keyset cursors.';

GRANT EXECUTE ON FUNCTION chimera.current_tenant_id(), chimera.current_actor(), chimera.current_request_id(),
  chimera.now_ms() TO chimera_app, chimera_admin;

-- History tables reject UPDATE, DELETE and TRUNCATE whoever asks, the owner included.
CREATE FUNCTION chimera.reject_history_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
COMMENT ON FUNCTION chimera.reject_history_change() IS
  'BEFORE UPDATE/DELETE (per row) or TRUNCATE (per statement) trigger: the table is append-only (42501).';

-- The standard protection of a tenant table: RLS enabled and forced, one policy for chimera_app
-- confining reads and writes to the transaction's tenant. The tenant is compared with a scalar
-- subquery, not a plain call: as a plain call chimera.current_tenant_id() (a GUC lookup and a
-- uuid parse) runs once for every row a statement writes or filters, 4,000 times for a
-- 1,000-transfer batch (transfers, entries, balances); as a subquery it is an InitPlan, run once
-- per statement, and index conditions still use it. About 3 ms of a 1,000-transfer batch
-- (BENCHMARKS.md). Every tenant policy in this schema is written the same way.
CREATE FUNCTION chimera.protect_tenant_table(t regclass) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY %I ON %s TO chimera_app USING (tenant_id = (SELECT chimera.current_tenant_id())) '
                 'WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()))', replace(t::text, '.', '_') || '_tenant', t);
END
$$;
COMMENT ON FUNCTION chimera.protect_tenant_table(regclass) IS
  'Enables and forces RLS on a table with a tenant_id column and creates its policy <table>_tenant for chimera_app.';

-- ---------------------------------------------------------------------------------------------
-- tenants: the root of every key. Not tenant-scoped by a tenant_id column, but still under RLS:
-- chimera_app sees only its own tenant row, chimera_admin sees all.
CREATE TABLE tenants (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status      text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
  settings    jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
  metadata    jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  -- sha256 of the create request, so a repeated create can be told apart from a different one.
  create_fingerprint bytea NOT NULL,
  version     bigint      NOT NULL DEFAULT 1,
  create_time timestamptz NOT NULL DEFAULT chimera.now_ms(),
  update_time timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE tenants IS 'The root of every key; chimera_app sees only its own row, chimera_admin all.';
CREATE INDEX tenants_create_time_idx ON tenants (create_time, id);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_own_row ON tenants TO chimera_app
  USING (id = (SELECT chimera.current_tenant_id()));
CREATE POLICY tenants_admin ON tenants TO chimera_admin
  USING (true) WITH CHECK (true);
GRANT SELECT ON tenants TO chimera_app;
GRANT SELECT, INSERT, UPDATE ON tenants TO chimera_admin;

-- ---------------------------------------------------------------------------------------------
-- audit_events: append-only history of every change to tenant data. Transfers and entries are
-- not audited row by row: they are themselves the ledger's append-only history.
CREATE TABLE audit_events (
  tenant_id     uuid        NOT NULL REFERENCES tenants (id),
  id            bigint      GENERATED ALWAYS AS IDENTITY,
  event_time    timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor         text        NOT NULL,
  request_id    text,
  action        text        NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
  resource_type text        NOT NULL,
  resource_id   text        NOT NULL,
  before        jsonb,
  after         jsonb,
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE audit_events IS 'Append-only history of every change to tenant data, written by chimera.audit_row_change().';
CREATE INDEX audit_events_resource_idx ON audit_events (tenant_id, resource_type, resource_id, id);

SELECT chimera.protect_tenant_table('audit_events');
CREATE POLICY audit_events_admin ON audit_events TO chimera_admin
  USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON audit_events TO chimera_app, chimera_admin;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM chimera_app, chimera_admin;

CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();

-- Attach to any tenant table: AFTER INSERT OR UPDATE OR DELETE ... FOR EACH ROW.
-- Columns named in TG_ARGV are left out of before/after (large vectors, secrets' hashes). An
-- update that changes only those columns is not recorded. The resource id is the row's id, or its
-- account_id for tables keyed by account (spend policies).
CREATE FUNCTION chimera.audit_row_change() RETURNS trigger
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
COMMENT ON FUNCTION chimera.audit_row_change() IS
  'AFTER ... FOR EACH ROW trigger writing audit_events; trigger arguments name columns left out of before/after.';

CREATE TRIGGER tenants_audit
  AFTER INSERT OR UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('create_fingerprint');

-- ---------------------------------------------------------------------------------------------
-- api_keys: bearer secrets, stored as sha256 only. Looked up by hash before the tenant is
-- known, which is why chimera_admin (not chimera_app) does the lookup.
CREATE TABLE api_keys (
  tenant_id     uuid        NOT NULL REFERENCES tenants (id),
  id            uuid        NOT NULL DEFAULT gen_random_uuid(),
  secret_sha256 bytea       NOT NULL CHECK (length(secret_sha256) = 32),
  secret_prefix text        NOT NULL,
  scopes        text[]      NOT NULL CHECK (cardinality(scopes) > 0),
  description   text        NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  create_time   timestamptz NOT NULL DEFAULT chimera.now_ms(),
  expire_time   timestamptz,
  revoke_time   timestamptz,
  PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE api_keys IS 'Bearer secrets, stored as sha256 only; chimera_admin looks them up by hash.';
-- Not UNIQUE (every unique key leads with tenant_id); 256-bit random secrets do not collide.
CREATE INDEX api_keys_secret_sha256_idx ON api_keys (secret_sha256);
CREATE INDEX api_keys_list_idx ON api_keys (tenant_id, create_time, id);

-- chimera_app only reads its tenant's keys (no WITH CHECK: it writes none); chimera_admin
-- creates and revokes them.
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY api_keys_tenant ON api_keys TO chimera_app
  USING (tenant_id = (SELECT chimera.current_tenant_id()));
CREATE POLICY api_keys_admin ON api_keys TO chimera_admin
  USING (true) WITH CHECK (true);
GRANT SELECT ON api_keys TO chimera_app;
GRANT SELECT, INSERT, UPDATE ON api_keys TO chimera_admin;

CREATE TRIGGER api_keys_audit
  AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('secret_sha256');

-- migrate:down
DROP TABLE api_keys;
DROP TRIGGER tenants_audit ON tenants;
DROP FUNCTION chimera.audit_row_change();
DROP TABLE audit_events;
DROP TABLE tenants;
DROP FUNCTION chimera.protect_tenant_table(regclass);
DROP FUNCTION chimera.reject_history_change();
DROP FUNCTION chimera.now_ms();
DROP FUNCTION chimera.current_request_id();
DROP FUNCTION chimera.current_actor();
DROP FUNCTION chimera.current_tenant_id();
REVOKE USAGE ON SCHEMA public FROM chimera_app, chimera_admin;
DROP SCHEMA chimera;
-- The roles stay: other databases of the server share them.
