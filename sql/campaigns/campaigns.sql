/* A repeated id returns no row (the handler then compares fingerprints). */
/* @name insertCampaign */
INSERT INTO campaigns (tenant_id, id, name, goal_description, target_platforms, priority, budget_account_id,
                       start_time, end_time, metadata, create_fingerprint)
VALUES (:tenantId!, :id!, :name!, :goalDescription!, :targetPlatforms!::text[], :priority!, :budgetAccountId::uuid,
        :startTime::timestamptz, :endTime::timestamptz, :metadata!, :createFingerprint!)
ON CONFLICT (tenant_id, id) DO NOTHING
RETURNING *;

/* @name getCampaign */
SELECT * FROM campaigns WHERE tenant_id = :tenantId! AND id = :id!;

/* @name listCampaigns */
SELECT * FROM campaigns
WHERE tenant_id = :tenantId!
  AND (:status::text IS NULL OR status = :status)
  AND (:afterTime::timestamptz IS NULL OR (create_time, id) > (:afterTime, :afterId::uuid))
ORDER BY create_time, id
LIMIT :limit!;

/* Applies the fields whose set flag is true, only when :expectedVersion is null or current and
   the campaign has not finished. */
/* @name updateCampaign */
UPDATE campaigns SET
  name              = CASE WHEN :setName!::boolean            THEN :name!::text                 ELSE name END,
  goal_description  = CASE WHEN :setGoal!::boolean            THEN :goalDescription!::text      ELSE goal_description END,
  target_platforms  = CASE WHEN :setPlatforms!::boolean       THEN :targetPlatforms!::text[]    ELSE target_platforms END,
  priority          = CASE WHEN :setPriority!::boolean        THEN :priority!::smallint         ELSE priority END,
  budget_account_id = CASE WHEN :setBudgetAccount!::boolean   THEN :budgetAccountId::uuid       ELSE budget_account_id END,
  start_time        = CASE WHEN :setStartTime!::boolean       THEN :startTime::timestamptz      ELSE start_time END,
  end_time          = CASE WHEN :setEndTime!::boolean         THEN :endTime::timestamptz        ELSE end_time END,
  metadata          = CASE WHEN :setMetadata!::boolean        THEN :metadata!::jsonb            ELSE metadata END,
  version           = version + 1,
  update_time       = now()
WHERE tenant_id = :tenantId! AND id = :id!
  AND status NOT IN ('COMPLETED', 'FAILED')
  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
RETURNING *;

/* Moves a campaign to :to from one of :from, when :expectedVersion is null or current. */
/* @name transitionCampaign */
UPDATE campaigns SET status = :to!::text, version = version + 1, update_time = now()
WHERE tenant_id = :tenantId! AND id = :id!
  AND status = ANY(:from!::text[])
  AND (:expectedVersion::bigint IS NULL OR version = :expectedVersion)
RETURNING *;

/* Serialises the tenant's activations until the transaction ends: the count below and the
   activation after it cannot interleave with another activation's. */
/* @name lockActivations */
SELECT true AS "locked!" FROM (SELECT pg_advisory_xact_lock(hashtextextended('chimera.campaign_activation:' || :tenantId!::text, 0))) AS l;

/* How many of the tenant's campaigns are ACTIVE, and how many may be. */
/* @name activeCampaigns */
SELECT (SELECT count(*) FROM campaigns WHERE tenant_id = :tenantId! AND status = 'ACTIVE') AS "active!",
       coalesce((SELECT nullif((settings ->> 'max_active_campaigns')::int, 0) FROM tenants WHERE id = :tenantId!), 10) AS "max_active!";

/* The budget account, if it is one of the tenant's ledger accounts. */
/* @name getBudgetAccount */
SELECT id AS "id!" FROM ledger_accounts WHERE tenant_id = :tenantId! AND id = :id!;
