/* Releases the idempotency keys given whose tasks finished more than :retentionMs ago, so that
   a new task may take them. */
/* @name releaseExpiredKeys */
UPDATE tasks SET idempotency_key = NULL
WHERE tenant_id = :tenantId! AND idempotency_key = ANY(:keys!::text[])
  AND finish_time < now() - :retentionMs!::bigint * interval '1 millisecond'
RETURNING id AS "id!";

/* The agents among :ids that exist, with their status: tasks may only be created for live ones. */
/* @name getTaskAgents */
SELECT id AS "id!", status AS "status!" FROM agents WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[]);

/* The campaigns among :ids that exist. */
/* @name getTaskCampaigns */
SELECT id AS "id!" FROM campaigns WHERE tenant_id = :tenantId! AND id = ANY(:ids!::uuid[]);

/* Inserts a batch of validated tasks in one statement (run_time NULL means now). Tasks whose id
   or idempotency key is taken are skipped and returned by nothing: the handler compares them
   with what exists. */
/* @name insertTasks */
INSERT INTO tasks (tenant_id, id, task_type, priority, context, campaign_id, agent_id, max_attempts,
                   run_time, requires_review, idempotency_key, create_fingerprint)
SELECT :tenantId!, t.id, t.task_type, t.priority, t.context::jsonb, t.campaign_id, t.agent_id,
       t.max_attempts, coalesce(t.run_time, now()), t.requires_review, t.idempotency_key, t.fingerprint
FROM unnest(:ids!::uuid[], :taskTypes!::text[], :priorities!::smallint[], :contexts!::text[],
            :campaignIds!::uuid[], :agentIds!::uuid[], :maxAttempts!::integer[], :runTimes!::timestamptz[],
            :requiresReview!::boolean[], :idempotencyKeys!::text[], :fingerprints!::bytea[])
     AS t(id, task_type, priority, context, campaign_id, agent_id, max_attempts, run_time,
          requires_review, idempotency_key, fingerprint)
ON CONFLICT DO NOTHING
RETURNING *;

/* The tasks a create may repeat: by id, or by idempotency key. */
/* @name getTasksByIdsOrKeys */
SELECT * FROM tasks
WHERE tenant_id = :tenantId! AND (id = ANY(:ids!::uuid[]) OR idempotency_key = ANY(:keys!::text[]));

/* @name getTask */
SELECT * FROM tasks WHERE tenant_id = :tenantId! AND id = :id!;

/* @name listTasks */
SELECT * FROM tasks
WHERE tenant_id = :tenantId!
  AND (:status::text IS NULL OR status = :status)
  AND (:taskType::text IS NULL OR task_type = :taskType)
  AND (:agentId::uuid IS NULL OR agent_id = :agentId)
  AND (:campaignId::uuid IS NULL OR campaign_id = :campaignId)
  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
ORDER BY create_time, id
LIMIT :limit!;

/* Cancels a task that has not finished, when :expectedVersion is null or current. */
/* @name cancelTask */
UPDATE tasks SET
  status             = 'CANCELLED',
  lease_expire_time  = NULL,
  finish_time        = now(),
  transition_details = jsonb_build_object('reason', :reason!::text),
  state_version      = state_version + 1,
  update_time        = now()
WHERE tenant_id = :tenantId! AND id = :id!
  AND status IN ('PENDING', 'IN_PROGRESS', 'REVIEW', 'HUMAN_REVIEW', 'BLOCKED')
  AND (:expectedVersion::bigint IS NULL OR state_version = :expectedVersion)
RETURNING *;

/* A task's transitions from :afterVersion on, oldest first. */
/* @name listTaskEvents */
SELECT * FROM task_events
WHERE tenant_id = :tenantId! AND task_id = :taskId! AND state_version > :afterVersion!::bigint
ORDER BY state_version
LIMIT :limit!;
