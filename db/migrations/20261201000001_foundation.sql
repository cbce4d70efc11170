-- migrate:up

-- Roles. chimera_app runs every tenant transaction (RLS applies: NOLOGIN, no BYPASSRLS, owns
-- nothing). chimera_admin runs the admin plane (TenantService, API-key lookup); it reaches only
-- tenants, api_keys and audit_events, through policies written for it.
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

CREATE EXTENSION IF NOT EXISTS vector;

CREATE SCHEMA IF NOT EXISTS chimera;
GRANT USAGE ON SCHEMA public, chimera TO chimera_app, chimera_admin;

-- The current tenant, actor and request id, set LOCAL at the start of each transaction.
-- nullif: after a SET LOCAL ends, the setting reads back as '' rather than NULL.
CREATE FUNCTION chimera.current_tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

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

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA chimera TO chimera_app, chimera_admin;

-- History tables reject UPDATE, DELETE and TRUNCATE whoever asks.
CREATE FUNCTION chimera.reject_history_change() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

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
CREATE INDEX tenants_create_time_idx ON tenants (create_time, id);

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_own_row ON tenants TO chimera_app
  USING (id = chimera.current_tenant_id());
CREATE POLICY tenants_admin ON tenants TO chimera_admin
  USING (true) WITH CHECK (true);
GRANT SELECT ON tenants TO chimera_app;
GRANT SELECT, INSERT, UPDATE ON tenants TO chimera_admin;

-- ---------------------------------------------------------------------------------------------
-- audit_events: append-only history of every change to tenant data.
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
CREATE INDEX audit_events_resource_idx ON audit_events (tenant_id, resource_type, resource_id, id);

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_events_tenant ON audit_events TO chimera_app
  USING (tenant_id = chimera.current_tenant_id())
  WITH CHECK (tenant_id = chimera.current_tenant_id());
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
-- Columns named in TG_ARGV are left out of before/after (large vectors, secrets' hashes).
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
  VALUES (CASE WHEN TG_TABLE_NAME = 'tenants' THEN row_data ->> 'id' ELSE row_data ->> 'tenant_id' END::uuid, chimera.current_actor(), chimera.current_request_id(),
          TG_OP, TG_TABLE_NAME, row_data ->> 'id', old_row, new_row);
  RETURN NULL;
END
$$;

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
-- Not UNIQUE (every unique key leads with tenant_id); 256-bit random secrets do not collide.
CREATE INDEX api_keys_secret_sha256_idx ON api_keys (secret_sha256);
CREATE INDEX api_keys_list_idx ON api_keys (tenant_id, create_time, id);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY api_keys_tenant ON api_keys TO chimera_app
  USING (tenant_id = chimera.current_tenant_id());
CREATE POLICY api_keys_admin ON api_keys TO chimera_admin
  USING (true) WITH CHECK (true);
GRANT SELECT ON api_keys TO chimera_app;
GRANT SELECT, INSERT, UPDATE ON api_keys TO chimera_admin;

CREATE TRIGGER api_keys_audit
  AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('secret_sha256');

-- ---------------------------------------------------------------------------------------------
-- agents
CREATE TABLE agents (
  tenant_id         uuid        NOT NULL REFERENCES tenants (id),
  id                uuid        NOT NULL DEFAULT gen_random_uuid(),
  handle            text        NOT NULL CHECK (handle ~ '^[A-Za-z0-9_.-]{1,64}$'),
  display_name      text        NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
  status            text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'PAUSED', 'ARCHIVED')),
  persona           jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(persona) = 'object'),
  persona_embedding vector(1536),
  wallet_network    text        NOT NULL DEFAULT '',
  wallet_address    text        NOT NULL DEFAULT '',
  metadata          jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  create_fingerprint bytea      NOT NULL,
  version           bigint      NOT NULL DEFAULT 1,
  create_time       timestamptz NOT NULL DEFAULT chimera.now_ms(),
  update_time       timestamptz NOT NULL DEFAULT now(),
  archive_time      timestamptz,
  PRIMARY KEY (tenant_id, id),
  CHECK ((status = 'ARCHIVED') = (archive_time IS NOT NULL))
);
-- A handle is unique among the tenant's live agents; archiving frees it.
CREATE UNIQUE INDEX agents_live_handle_key ON agents (tenant_id, lower(handle)) WHERE status <> 'ARCHIVED';
CREATE INDEX agents_list_idx ON agents (tenant_id, create_time, id);
CREATE INDEX agents_persona_embedding_idx ON agents USING hnsw (persona_embedding vector_cosine_ops);

ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE agents FORCE ROW LEVEL SECURITY;
CREATE POLICY agents_tenant ON agents TO chimera_app
  USING (tenant_id = chimera.current_tenant_id())
  WITH CHECK (tenant_id = chimera.current_tenant_id());
GRANT SELECT, INSERT, UPDATE ON agents TO chimera_app;

CREATE TRIGGER agents_audit
  AFTER INSERT OR UPDATE OR DELETE ON agents
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('persona_embedding', 'create_fingerprint');

-- migrate:down
DROP TABLE agents;
DROP TABLE api_keys;
DROP FUNCTION chimera.audit_row_change();
DROP TABLE audit_events;
DROP TABLE tenants;
DROP FUNCTION chimera.reject_history_change();
DROP SCHEMA chimera CASCADE;
