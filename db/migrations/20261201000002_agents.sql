-- migrate:up

-- Agents: a tenant's autonomous actors, with a persona, its embedding for similarity search and a
-- wallet address. Archived, never deleted by the API.

-- pgvector, for persona embeddings. scripts/provision-postgres.sh installs and creates it where
-- creating it needs more than the migrating role may do.
CREATE EXTENSION IF NOT EXISTS vector;

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
  -- sha256 of the create request, so a repeated create can be told apart from a different one.
  create_fingerprint bytea      NOT NULL,
  version           bigint      NOT NULL DEFAULT 1,
  create_time       timestamptz NOT NULL DEFAULT chimera.now_ms(),
  update_time       timestamptz NOT NULL DEFAULT now(),
  archive_time      timestamptz,
  PRIMARY KEY (tenant_id, id),
  CHECK ((status = 'ARCHIVED') = (archive_time IS NOT NULL))
);
COMMENT ON TABLE agents IS 'A tenant''s agents; a live handle is unique per tenant, archiving frees it.';
-- A handle is unique among the tenant's live agents; archiving frees it.
CREATE UNIQUE INDEX agents_live_handle_key ON agents (tenant_id, lower(handle)) WHERE status <> 'ARCHIVED';
CREATE INDEX agents_list_idx ON agents (tenant_id, create_time, id);
CREATE INDEX agents_persona_embedding_idx ON agents USING hnsw (persona_embedding vector_cosine_ops);

SELECT chimera.protect_tenant_table('agents');
GRANT SELECT, INSERT, UPDATE ON agents TO chimera_app;

-- The embedding is left out of the audit rows (large), and so is the fingerprint.
CREATE TRIGGER agents_audit
  AFTER INSERT OR UPDATE OR DELETE ON agents
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('persona_embedding', 'create_fingerprint');

-- migrate:down
DROP TABLE agents;
-- The vector extension stays: scripts/provision-postgres.sh creates it with the database.
