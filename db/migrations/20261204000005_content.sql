-- migrate:up

-- Content: what agents create, its lifecycle, its video metadata and its embedding. The moves
-- between statuses are the service's (src/services/content/lifecycle.ts); the database holds
-- what a published asset must carry.

CREATE TABLE content_assets (
  tenant_id          uuid        NOT NULL,
  id                 uuid        NOT NULL,
  agent_id           uuid        NOT NULL,
  campaign_id        uuid,
  task_id            uuid,
  asset_type         text        NOT NULL CHECK (asset_type IN ('TEXT', 'IMAGE', 'VIDEO', 'AUDIO')),
  platform           text        CHECK (platform IN ('TWITTER', 'INSTAGRAM', 'THREADS', 'TIKTOK', 'YOUTUBE')),
  status             text        NOT NULL DEFAULT 'DRAFT'
    CHECK (status IN ('DRAFT', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'PUBLISHED', 'ARCHIVED')),
  text_content       text        NOT NULL DEFAULT '' CHECK (char_length(text_content) <= 100000),
  storage_url        text        NOT NULL DEFAULT '' CHECK (char_length(storage_url) <= 2000),
  external_id        text        CHECK (char_length(external_id) BETWEEN 1 AND 200),
  disclosure_level   text        CHECK (disclosure_level IN ('AUTOMATED', 'ASSISTED', 'NONE')),
  confidence_score   double precision CHECK (confidence_score BETWEEN 0 AND 1),
  embedding          vector(1536),
  embedding_model    text        NOT NULL DEFAULT '' CHECK (char_length(embedding_model) <= 200),
  metadata           jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  -- sha256 of the create request, so a repeated create can be told apart from a different one.
  create_fingerprint bytea       NOT NULL,
  version            bigint      NOT NULL DEFAULT 1,
  create_time        timestamptz NOT NULL DEFAULT chimera.now_ms(),
  update_time        timestamptz NOT NULL DEFAULT now(),
  publish_time       timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id),
  FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id),
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id),
  -- Published (and, after that, archived) assets say where, when and with which disclosure.
  CHECK ((publish_time IS NOT NULL) = (external_id IS NOT NULL)),
  CHECK (publish_time IS NULL OR (platform IS NOT NULL AND disclosure_level IS NOT NULL)),
  CHECK (status <> 'PUBLISHED' OR publish_time IS NOT NULL)
);
COMMENT ON TABLE content_assets IS 'What agents create; archived, never deleted by the API.';
CREATE INDEX content_assets_list_idx ON content_assets (tenant_id, create_time, id);
-- A campaign's content by status and platform (GetCampaignSummary).
CREATE INDEX content_assets_campaign_idx ON content_assets (tenant_id, campaign_id, status, platform) WHERE campaign_id IS NOT NULL;
-- A post is published once per platform.
CREATE UNIQUE INDEX content_assets_external_id_key ON content_assets (tenant_id, platform, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX content_assets_embedding_idx ON content_assets USING hnsw (embedding vector_cosine_ops);

SELECT chimera.protect_tenant_table('content_assets');
GRANT SELECT, INSERT, UPDATE ON content_assets TO chimera_app;
-- The embedding is left out of the audit rows (large), and so is the fingerprint.
CREATE TRIGGER content_assets_audit
  AFTER INSERT OR UPDATE OR DELETE ON content_assets
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change('embedding', 'create_fingerprint');

-- ---------------------------------------------------------------------------------------------
-- A video asset's metadata: at most one row per asset. `id` names it in the audit trail.
CREATE TABLE content_videos (
  tenant_id       uuid             NOT NULL,
  asset_id        uuid             NOT NULL,
  id              uuid             GENERATED ALWAYS AS (asset_id) STORED,
  duration_ms     bigint           NOT NULL CHECK (duration_ms > 0),
  width           integer          NOT NULL CHECK (width > 0),
  height          integer          NOT NULL CHECK (height > 0),
  frame_rate      double precision NOT NULL CHECK (frame_rate > 0 AND frame_rate <= 1000),
  codec           text             NOT NULL CHECK (char_length(codec) BETWEEN 1 AND 50),
  bitrate_kbps    integer          CHECK (bitrate_kbps > 0),
  file_size_bytes bigint           CHECK (file_size_bytes > 0),
  tier            text             CHECK (tier IN ('TIER1', 'TIER2')),
  thumbnail_url   text             NOT NULL DEFAULT '' CHECK (char_length(thumbnail_url) <= 2000),
  transcript      text             NOT NULL DEFAULT '' CHECK (char_length(transcript) <= 100000),
  topics          text[]           NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, asset_id),
  FOREIGN KEY (tenant_id, asset_id) REFERENCES content_assets (tenant_id, id)
);
COMMENT ON TABLE content_videos IS 'Video metadata, one row for a VIDEO content asset at most.';

SELECT chimera.protect_tenant_table('content_videos');
GRANT SELECT, INSERT, UPDATE ON content_videos TO chimera_app;
CREATE TRIGGER content_videos_audit
  AFTER INSERT OR UPDATE OR DELETE ON content_videos
  FOR EACH ROW EXECUTE FUNCTION chimera.audit_row_change();

-- migrate:down
DROP TABLE content_videos;
DROP TABLE content_assets;
