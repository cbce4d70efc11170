/* A refused call, as an audit event of the caller's tenant (actor and request id from the
   transaction's context); the database writes it (chimera.record_denied_call). */
/* @name recordDeniedCall */
SELECT chimera.record_denied_call(:method!, :reason!, :scope!) AS "recorded";

/* A call answered NotFound for a resource of another tenant: audited in the caller's tenant,
   without naming the other tenant (chimera.record_other_tenant_miss). */
/* @name recordOtherTenantMiss */
SELECT chimera.record_other_tenant_miss(:method!, :resourceType!, :resourceId!) AS "recorded!";
