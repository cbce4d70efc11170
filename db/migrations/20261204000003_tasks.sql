-- migrate:up

-- Tasks: the Planner/Worker/Judge queue. A task lives in one row of `tasks` for its whole life;
-- every change of its status is kept as a row of `task_events`, written by a trigger so that no
-- path can skip it. Claims read only the partial index of due PENDING tasks, so their cost does
-- not grow with the finished tasks kept as history.

CREATE TABLE tasks (
  -- The tenant exists: the agent's foreign key, which leads with tenant_id, says so.
  tenant_id          uuid        NOT NULL,
  id                 uuid        NOT NULL,
  task_type          text        NOT NULL
    CHECK (task_type IN ('GENERATE_CONTENT', 'REPLY_COMMENT', 'EXECUTE_TRANSACTION', 'FETCH_TRENDS')),
  -- 1 HIGH, 2 MEDIUM, 3 LOW: claims take the smallest first.
  priority           smallint    NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3),
  status             text        NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING', 'IN_PROGRESS', 'REVIEW', 'HUMAN_REVIEW', 'COMPLETE', 'FAILED', 'BLOCKED',
                      'REJECTED', 'CANCELLED')),
  context            jsonb       NOT NULL CHECK (jsonb_typeof(context) = 'object'),
  -- A plain column until campaigns exist; then a composite foreign key like agent_id's.
  campaign_id        uuid,
  agent_id           uuid        NOT NULL,
  assigned_worker_id text        NOT NULL DEFAULT '',
  attempt            integer     NOT NULL DEFAULT 0,
  max_attempts       integer     NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 100),
  run_time           timestamptz NOT NULL DEFAULT now(),
  lease_expire_time  timestamptz,
  -- Raised by every transition and only by them: a claim's fencing token, the Judge's
  -- expected version, and the number of the transition's event.
  state_version      bigint      NOT NULL DEFAULT 1,
  requires_review    boolean     NOT NULL DEFAULT false,
  result             jsonb       CHECK (jsonb_typeof(result) = 'object'),
  confidence_score   double precision CHECK (confidence_score BETWEEN 0 AND 1),
  sensitive_topics   text[]      NOT NULL DEFAULT '{}',
  last_error         text        NOT NULL DEFAULT '',
  -- Kept while the task runs and a retention period after it finishes, then released.
  idempotency_key    text        CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  -- What the latest transition carried besides the columns (the Judge's notes, the human's
  -- decision, a cancellation's reason): copied into its event.
  transition_details jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(transition_details) = 'object'),
  -- sha256 of the create request, so a repeated create can be told apart from a different one.
  create_fingerprint bytea       NOT NULL,
  create_time        timestamptz NOT NULL DEFAULT chimera.now_ms(),
  update_time        timestamptz NOT NULL DEFAULT now(),
  finish_time        timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id),
  CHECK (attempt BETWEEN 0 AND max_attempts),
  CHECK ((status = 'IN_PROGRESS') = (lease_expire_time IS NOT NULL)),
  CHECK ((status IN ('COMPLETE', 'FAILED', 'REJECTED', 'CANCELLED')) = (finish_time IS NOT NULL))
);
COMMENT ON TABLE tasks IS 'The Planner/Worker/Judge queue: one row per task for its whole life; its transitions are in task_events.';

-- Due work, in claim order. Partial: a task leaves it when claimed and finished tasks never
-- enter it, so claims read only what may be claimed, however long the history.
CREATE INDEX tasks_claim_idx ON tasks (tenant_id, priority, run_time, id) INCLUDE (task_type)
  WHERE status = 'PENDING';
-- Leases, for the rescuer (across tenants: it finds the tenants, then works in each).
CREATE INDEX tasks_lease_idx ON tasks (lease_expire_time) WHERE status = 'IN_PROGRESS';
CREATE INDEX tasks_list_idx ON tasks (tenant_id, create_time, id);
CREATE INDEX tasks_human_review_idx ON tasks (tenant_id, create_time, id) WHERE status = 'HUMAN_REVIEW';
CREATE UNIQUE INDEX tasks_idempotency_key ON tasks (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

SELECT chimera.protect_tenant_table('tasks');
GRANT SELECT, INSERT, UPDATE ON tasks TO chimera_app;
-- The rescuer finds the tenants with expired leases as chimera_admin: it sees which tasks are
-- leased and until when, nothing else.
CREATE POLICY tasks_rescuer ON tasks FOR SELECT TO chimera_admin USING (status = 'IN_PROGRESS');
GRANT SELECT (tenant_id, status, lease_expire_time) ON tasks TO chimera_admin;

-- Audited per statement (claims and completions come in batches). Heartbeats (lease_expire_time
-- alone) are not audited; the fingerprint is no one's business.
CREATE TRIGGER tasks_audit_insert
  AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.audit_statement_changes('create_fingerprint', 'lease_expire_time', 'update_time');
CREATE TRIGGER tasks_audit_update
  AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.audit_statement_changes('create_fingerprint', 'lease_expire_time', 'update_time');
CREATE TRIGGER tasks_audit_delete
  AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.audit_statement_changes('create_fingerprint', 'lease_expire_time', 'update_time');

-- ---------------------------------------------------------------------------------------------
-- task_events: every transition of every task, append-only. No foreign keys (to tasks, or
-- tenants): only the trigger below writes here, from rows of tasks.
CREATE TABLE task_events (
  tenant_id     uuid        NOT NULL,
  task_id       uuid        NOT NULL,
  -- The task's state_version after the transition.
  state_version bigint      NOT NULL,
  -- NULL for the creation.
  from_status   text,
  to_status     text        NOT NULL,
  actor         text        NOT NULL,
  attempt       integer     NOT NULL,
  worker_id     text        NOT NULL,
  error         text        NOT NULL,
  details       jsonb       NOT NULL,
  event_time    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, task_id, state_version)
);
COMMENT ON TABLE task_events IS 'Append-only: every transition of every task, numbered by the task''s state_version.';

SELECT chimera.protect_tenant_table('task_events');
GRANT SELECT, INSERT ON task_events TO chimera_app;
CREATE TRIGGER task_events_append_only
  BEFORE UPDATE OR DELETE ON task_events
  FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER task_events_no_truncate
  BEFORE TRUNCATE ON task_events
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();

-- One event per created task and per change of state_version, once per statement over its
-- transition tables (a claim or completion of 1,000 tasks is one INSERT here, not 1,000).
-- A failure (IN_PROGRESS back to PENDING, or to BLOCKED or FAILED) carries its error.
CREATE FUNCTION chimera.record_task_events() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO task_events (tenant_id, task_id, state_version, from_status, to_status, actor, attempt,
                             worker_id, error, details)
    SELECT n.tenant_id, n.id, n.state_version, NULL, n.status, (SELECT chimera.current_actor()), n.attempt,
           n.assigned_worker_id, '', n.transition_details
    FROM new_tasks n;
  ELSE
    INSERT INTO task_events (tenant_id, task_id, state_version, from_status, to_status, actor, attempt,
                             worker_id, error, details)
    SELECT n.tenant_id, n.id, n.state_version, o.status, n.status, (SELECT chimera.current_actor()), n.attempt,
           n.assigned_worker_id,
           CASE WHEN o.status = 'IN_PROGRESS' AND n.status IN ('PENDING', 'BLOCKED', 'FAILED') THEN n.last_error ELSE '' END,
           n.transition_details
    FROM new_tasks n JOIN old_tasks o ON o.tenant_id = n.tenant_id AND o.id = n.id
    WHERE n.state_version <> o.state_version;
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION chimera.record_task_events() IS
  'AFTER INSERT / UPDATE ... FOR EACH STATEMENT on tasks: one task_events row per created task and per transition.';

CREATE TRIGGER tasks_created_events
  AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_tasks
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.record_task_events();
CREATE TRIGGER tasks_transition_events
  AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.record_task_events();

-- The delay before a failed attempt's retry: exponential from 1 s, capped at an hour, with
-- "equal jitter" (half fixed, half random) so that tasks failed together do not retry together.
CREATE FUNCTION chimera.task_retry_delay(attempt integer) RETURNS interval
  LANGUAGE sql VOLATILE
  AS $$ SELECT least(3600, 2 ^ least(greatest(attempt - 1, 0), 12)) * (0.5 + random() / 2) * interval '1 second' $$;
COMMENT ON FUNCTION chimera.task_retry_delay(integer) IS
  'Backoff after failed attempt n: min(2^(n-1) s, 1 h), times a random factor in [0.5, 1).';
GRANT EXECUTE ON FUNCTION chimera.task_retry_delay(integer) TO chimera_app;

-- migrate:down
DROP TABLE task_events;
DROP TABLE tasks;
DROP FUNCTION chimera.task_retry_delay(integer);
DROP FUNCTION chimera.record_task_events();
