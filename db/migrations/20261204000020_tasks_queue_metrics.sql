-- migrate:up
-- Fail rather than queue every query behind a lock this migration waits for.
SET LOCAL lock_timeout = '5s';

-- GET /metrics reports the task queue's depth per type across tenants, as chimera_admin (the
-- role of every cross-tenant read). It sees of the pending tasks their type and when they fall
-- due, nothing else: no tenant, no context, no result.
CREATE POLICY tasks_queue_metrics ON tasks FOR SELECT TO chimera_admin USING (status = 'PENDING');
GRANT SELECT (task_type, run_time) ON tasks TO chimera_admin;

-- migrate:down
REVOKE SELECT (task_type, run_time) ON tasks FROM chimera_admin;
DROP POLICY tasks_queue_metrics ON tasks;
