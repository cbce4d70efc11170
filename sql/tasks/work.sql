/* Leases up to :limit due tasks of :taskTypes to a worker: one statement, the oldest of the most
   urgent first, skipping tasks another claim is taking. The rows come back in no particular
   order (the handler sorts them). */
/* @name claimTasks */
WITH due AS (
  SELECT tenant_id, id FROM tasks
  WHERE tenant_id = :tenantId! AND status = 'PENDING' AND run_time <= now()
    AND task_type = ANY(:taskTypes!::text[])
  ORDER BY priority, run_time, id
  LIMIT :limit!
  FOR UPDATE SKIP LOCKED
)
UPDATE tasks t SET
  status             = 'IN_PROGRESS',
  attempt            = t.attempt + 1,
  assigned_worker_id = :workerId!,
  lease_expire_time  = now() + :leaseMs!::bigint * interval '1 millisecond',
  transition_details = '{}',
  state_version      = t.state_version + 1,
  update_time        = now()
FROM due
WHERE t.tenant_id = due.tenant_id AND t.id = due.id
RETURNING t.*;

/* Extends a lease, only for the holder of the current fencing token. */
/* @name heartbeatTask */
UPDATE tasks SET lease_expire_time = now() + :leaseMs!::bigint * interval '1 millisecond'
WHERE tenant_id = :tenantId! AND id = :id! AND status = 'IN_PROGRESS' AND state_version = :stateVersion!
RETURNING lease_expire_time AS "lease_expire_time!";

/* Completes leased tasks whose fencing token is current: to REVIEW when they require review,
   else COMPLETE. Items whose token is stale are returned by nothing. */
/* @name completeTasks */
UPDATE tasks t SET
  status             = CASE WHEN t.requires_review THEN 'REVIEW' ELSE 'COMPLETE' END,
  result             = c.result::jsonb,
  lease_expire_time  = NULL,
  finish_time        = CASE WHEN t.requires_review THEN NULL ELSE now() END,
  transition_details = '{}',
  state_version      = t.state_version + 1,
  update_time        = now()
FROM unnest(:ids!::uuid[], :stateVersions!::bigint[], :results!::text[]) AS c(id, state_version, result)
WHERE t.tenant_id = :tenantId! AND t.id = c.id AND t.state_version = c.state_version
  AND t.status = 'IN_PROGRESS'
RETURNING t.*;

/* Fails leased tasks whose fencing token is current: FAILED when permanent, else back to PENDING
   after the backoff (or the item's retry delay) while attempts remain, else BLOCKED. */
/* @name failTasks */
UPDATE tasks t SET
  status             = CASE WHEN f.permanent THEN 'FAILED'
                            WHEN t.attempt < t.max_attempts THEN 'PENDING'
                            ELSE 'BLOCKED' END,
  run_time           = CASE WHEN NOT f.permanent AND t.attempt < t.max_attempts
                            THEN now() + coalesce(f.retry_delay_ms * interval '1 millisecond', chimera.task_retry_delay(t.attempt))
                            ELSE t.run_time END,
  last_error         = f.error,
  lease_expire_time  = NULL,
  finish_time        = CASE WHEN f.permanent THEN now() END,
  transition_details = '{}',
  state_version      = t.state_version + 1,
  update_time        = now()
FROM unnest(:ids!::uuid[], :stateVersions!::bigint[], :errors!::text[], :permanent!::boolean[],
            :retryDelaysMs!::bigint[]) AS f(id, state_version, error, permanent, retry_delay_ms)
WHERE t.tenant_id = :tenantId! AND t.id = f.id AND t.state_version = f.state_version
  AND t.status = 'IN_PROGRESS'
RETURNING t.*;

/* The state of the tasks a completion, failure or heartbeat named, to say why it did not apply. */
/* @name getTaskStates */
SELECT id AS "id!", status AS "status!", state_version AS "state_version!"
FROM tasks WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[]);

/* Tenants with expired leases (run as chimera_admin, which sees only leased tasks). */
/* @name findExpiredLeases */
SELECT DISTINCT tenant_id AS "tenant_id!" FROM tasks
WHERE status = 'IN_PROGRESS' AND lease_expire_time < now()
LIMIT :limit!;

/* Returns a tenant's expired leases to PENDING as failed attempts (BLOCKED when none remains).
   Raising state_version fences the worker that lost them out. Tasks being completed right now
   are skipped, and looked at again on the next pass. */
/* @name rescueExpiredLeases */
WITH expired AS (
  SELECT tenant_id, id FROM tasks
  WHERE tenant_id = :tenantId! AND status = 'IN_PROGRESS' AND lease_expire_time < now()
  LIMIT :limit!
  FOR UPDATE SKIP LOCKED
)
UPDATE tasks t SET
  status             = CASE WHEN t.attempt < t.max_attempts THEN 'PENDING' ELSE 'BLOCKED' END,
  run_time           = CASE WHEN t.attempt < t.max_attempts THEN now() + chimera.task_retry_delay(t.attempt) ELSE t.run_time END,
  last_error         = 'lease expired at ' || to_char(t.lease_expire_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                       || ' (worker ' || t.assigned_worker_id || ')',
  lease_expire_time  = NULL,
  transition_details = '{}',
  state_version      = t.state_version + 1,
  update_time        = now()
FROM expired
WHERE t.tenant_id = expired.tenant_id AND t.id = expired.id
RETURNING t.*;
