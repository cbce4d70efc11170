/* A refused call, as an audit event of the caller's tenant (actor and request id from the
   transaction's context). */
/* @name recordDeniedCall */
INSERT INTO audit_events (tenant_id, actor, request_id, action, resource_type, resource_id, after)
VALUES (:tenantId!, chimera.current_actor(), chimera.current_request_id(), 'DENIED', 'rpc', :method!,
        jsonb_build_object('reason', :reason!::text, 'scope', :scope!::text))
RETURNING id AS "id!";
