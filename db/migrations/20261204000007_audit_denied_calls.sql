-- migrate:up

-- Calls refused for a missing scope are audited too, in the caller's tenant: an audit event with
-- action DENIED, resource_type 'rpc', the method as resource_id and the reason in `after`.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN ('INSERT', 'UPDATE', 'DELETE', 'DENIED'));

-- migrate:down
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN ('INSERT', 'UPDATE', 'DELETE'));
