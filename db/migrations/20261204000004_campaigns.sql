-- migrate:up

-- Campaigns: a goal pursued by some of the tenant's agents, with an optional budget account in
-- the ledger. The status moves only through CampaignService's custom methods, each an UPDATE
-- that names the statuses it moves from (sql/campaigns/campaigns.sql); the active-campaign limit
-- is checked under a per-tenant advisory lock, so two activations cannot both take the last place.

CREATE TABLE campaigns (
  tenant_id          uuid        NOT NULL REFERENCES tenants (id),
  id                 uuid        NOT NULL,
  name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  goal_description   text        NOT NULL CHECK (char_length(goal_description) BETWEEN 10 AND 500),
  target_platforms   text[]      NOT NULL DEFAULT '{}'
    CHECK (target_platforms <@ ARRAY['TWITTER', 'INSTAGRAM', 'THREADS', 'TIKTOK', 'YOUTUBE']),
  -- 1 HIGH, 2 MEDIUM, 3 LOW.
  priority           smallint    NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3),
  status             text        NOT NULL DEFAULT 'PLANNING'
    CHECK (status IN ('PLANNING', 'ACTIVE', 'PAUSED', 'COMPLETED', 'FAILED')),
  budget_account_id  uuid,
  start_time         timestamptz,
  end_time           timestamptz,
  metadata           jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  -- sha256 of the create request, so a repeated create can be told apart from a different one.
  create_fingerprint bytea       NOT NULL,
  version            bigint      NOT NULL DEFAULT 1,
  create_time        timestamptz NOT NULL DEFAULT chimera.now_ms(),
  update_time        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, budget_account_id) REFERENCES ledger_accounts (tenant_id, id),
  CHECK (end_time > start_time)
);
COMMENT ON TABLE campaigns IS 'A tenant''s campaigns; status moves only through CampaignService''s custom methods.';
CREATE INDEX campaigns_list_idx ON campaigns (tenant_id, create_time, id);
-- The active-campaign limit counts these.
CREATE INDEX campaigns_active_idx ON campaigns (tenant_id) WHERE status = 'ACTIVE';

SELECT chimera.protect_tenant_table('campaigns');
GRANT SELECT, INSERT, UPDATE ON campaigns TO chimera_app;
CREATE TRIGGER campaigns_audit
  AFTER INSERT OR UPDATE OR DELETE ON campaigns
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('create_fingerprint');

-- ---------------------------------------------------------------------------------------------
-- The agents assigned to a campaign. `id` names the pair in the audit trail.
CREATE TABLE campaign_agents (
  tenant_id   uuid        NOT NULL,
  campaign_id uuid        NOT NULL,
  agent_id    uuid        NOT NULL,
  id          text        GENERATED ALWAYS AS (campaign_id::text || '/' || agent_id::text) STORED,
  add_time    timestamptz NOT NULL DEFAULT chimera.now_ms(),
  PRIMARY KEY (tenant_id, campaign_id, agent_id),
  FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);
COMMENT ON TABLE campaign_agents IS 'The agents assigned to each campaign.';
CREATE INDEX campaign_agents_agent_idx ON campaign_agents (tenant_id, agent_id);
CREATE INDEX campaign_agents_list_idx ON campaign_agents (tenant_id, campaign_id, add_time, agent_id);

SELECT chimera.protect_tenant_table('campaign_agents');
GRANT SELECT, INSERT, DELETE ON campaign_agents TO chimera_app;
CREATE TRIGGER campaign_agents_audit
  AFTER INSERT OR UPDATE OR DELETE ON campaign_agents
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();

-- ---------------------------------------------------------------------------------------------
-- A task's campaign, now that campaigns exist; and the index that counts a campaign's tasks.
ALTER TABLE tasks ADD FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id);
CREATE INDEX tasks_campaign_idx ON tasks (tenant_id, campaign_id) INCLUDE (status) WHERE campaign_id IS NOT NULL;

-- migrate:down
DROP INDEX tasks_campaign_idx;
ALTER TABLE tasks DROP CONSTRAINT tasks_tenant_id_campaign_id_fkey;
DROP TABLE campaign_agents;
DROP TABLE campaigns;
