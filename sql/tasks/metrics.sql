/* The queue per task type, across tenants (GET /metrics, as chimera_admin): how many tasks are
   pending, and how long the longest-waiting due one has waited since it fell due. An index-only
   scan of the pending tasks' partial index (tasks_claim_idx), however long the history. */
/* @name taskQueueDepth */
SELECT task_type AS "task_type!",
       count(*)::int AS "pending!",
       extract(epoch FROM now() - min(run_time) FILTER (WHERE run_time <= now()))::float8 AS oldest_due_seconds
FROM tasks
WHERE status = 'PENDING'
GROUP BY task_type;
