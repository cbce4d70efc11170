/* The Judge's verdict on a task in REVIEW at :expectedVersion, routed by the tenant's settings:
   any sensitive topic, or a score from human_review_threshold up to and including
   auto_approve_threshold, goes to HUMAN_REVIEW; above it COMPLETE; below it back to PENDING
   while attempts remain, else REJECTED. */
/* @name reviewTask */
WITH policy AS (
  SELECT coalesce((settings ->> 'auto_approve_threshold')::float8, 0.90) AS auto_approve,
         coalesce((settings ->> 'human_review_threshold')::float8, 0.70) AS human_review
  FROM tenants WHERE id = :tenantId!
), verdict AS (
  SELECT CASE WHEN cardinality(:sensitiveTopics!::text[]) > 0 THEN 'HUMAN_REVIEW'
              WHEN :confidenceScore!::float8 > p.auto_approve THEN 'COMPLETE'
              WHEN :confidenceScore!::float8 >= p.human_review THEN 'HUMAN_REVIEW'
              WHEN t.attempt < t.max_attempts THEN 'PENDING'
              ELSE 'REJECTED' END AS status,
         t.id
  FROM tasks t, policy p
  WHERE t.tenant_id = :tenantId! AND t.id = :id!
)
UPDATE tasks t SET
  status             = v.status,
  run_time           = CASE WHEN v.status = 'PENDING' THEN now() ELSE t.run_time END,
  confidence_score   = :confidenceScore!::float8,
  sensitive_topics   = :sensitiveTopics!::text[],
  finish_time        = CASE WHEN v.status IN ('COMPLETE', 'REJECTED') THEN now() END,
  transition_details = jsonb_build_object('judge_id', :judgeId!::text, 'confidence_score', :confidenceScore!::float8,
                                          'sensitive_topics', to_jsonb(:sensitiveTopics!::text[]), 'notes', :notes!::text),
  state_version      = t.state_version + 1,
  update_time        = now()
FROM verdict v
WHERE t.tenant_id = :tenantId! AND t.id = v.id AND t.status = 'REVIEW' AND t.state_version = :expectedVersion!
RETURNING t.*;

/* The tasks waiting for a human, oldest first. */
/* @name listHumanReviews */
SELECT * FROM tasks
WHERE tenant_id = :tenantId! AND status = 'HUMAN_REVIEW'
  AND (:taskType::text IS NULL OR task_type = :taskType)
  AND (:agentId::uuid IS NULL OR agent_id = :agentId)
  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
ORDER BY create_time, id
LIMIT :limit!;

/* A human's decision on a task in HUMAN_REVIEW. Two decisions at once queue on the row's lock;
   the second then finds the task no longer in HUMAN_REVIEW and changes nothing. */
/* @name decideHumanReview */
UPDATE tasks SET
  status             = CASE WHEN :decision!::text = 'REJECT' THEN 'REJECTED' ELSE 'COMPLETE' END,
  result             = CASE WHEN :decision!::text = 'EDIT' THEN :editedResult::jsonb ELSE result END,
  finish_time        = now(),
  transition_details = jsonb_build_object('decision', :decision!::text, 'reviewer_id', :reviewerId!::text,
                                          'notes', :notes!::text),
  state_version      = state_version + 1,
  update_time        = now()
WHERE tenant_id = :tenantId! AND id = :id! AND status = 'HUMAN_REVIEW'
RETURNING *;

/* Whether a task ever left HUMAN_REVIEW: a decision that finds it elsewhere came too late. */
/* @name leftHumanReview */
SELECT EXISTS (SELECT 1 FROM task_events
               WHERE tenant_id = :tenantId! AND task_id = :id! AND from_status = 'HUMAN_REVIEW') AS "left!";
