/* Chains the events committed since the last pass (run as chimera_admin by the audit module). */
/* @name sealAuditEvents */
SELECT chimera.seal_audit_events() AS "sealed!";

/* The tenant's audit events, oldest first, with their place in the chain when sealed. */
/* @name listAuditEvents */
SELECT e.id, e.event_time AS create_time, e.event_time, e.actor, e.request_id, e.action, e.resource_type,
       e.resource_id, e.before, e.after, c.seq, c.hash
FROM audit_events e
LEFT JOIN audit_chain c ON c.tenant_id = e.tenant_id AND c.event_id = e.id
WHERE e.tenant_id = :tenantId!
  AND (:resourceType::text IS NULL OR e.resource_type = :resourceType)
  AND (:resourceId::text IS NULL OR e.resource_id = :resourceId)
  AND (:actor::text IS NULL OR e.actor = :actor)
  AND (:action::text IS NULL OR e.action = :action)
  AND (:startTime::timestamptz IS NULL OR e.event_time >= :startTime)
  AND (:endTime::timestamptz IS NULL OR e.event_time < :endTime)
  AND e.id > :afterId!::bigint
ORDER BY e.id
LIMIT :limit!;

/* The last link of the tenant's chain. */
/* @name getAuditHead */
SELECT seq AS "seq!", hash AS "hash!", seal_time AS "seal_time!" FROM audit_chain
WHERE tenant_id = :tenantId! ORDER BY seq DESC LIMIT 1;

/* The hash of link :seq (the checkpoint a verification starts after). */
/* @name getAuditLink */
SELECT hash AS "hash!" FROM audit_chain WHERE tenant_id = :tenantId! AND seq = :seq!;

/* Recomputes the tenant's chain from link :fromSeq on, the link before it hashing to
   :previousHash (empty before the first): how many links were checked, the last one, and the
   first whose event is missing or changed, whose hash does not follow, or that leaves a gap. */
/* @name verifyAuditChain */
WITH links AS (
  SELECT c.seq, c.hash, e AS ev,
         lag(c.seq) OVER w AS previous_seq,
         coalesce(lag(c.hash) OVER w, :previousHash!::bytea) AS previous_hash
  FROM audit_chain c
  LEFT JOIN audit_events e ON e.tenant_id = c.tenant_id AND e.id = c.event_id
  WHERE c.tenant_id = :tenantId! AND c.seq >= :fromSeq!::bigint
  WINDOW w AS (ORDER BY c.seq)
)
SELECT count(*) AS "verified!",
       max(seq) AS head_seq,
       min(seq) FILTER (WHERE (ev).id IS NULL
                           OR seq <> coalesce(previous_seq + 1, :fromSeq!::bigint)
                           OR hash <> sha256(previous_hash || chimera.audit_event_bytes(seq, ev))) AS first_bad_seq
FROM links;
