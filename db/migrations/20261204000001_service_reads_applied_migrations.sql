-- migrate:up

-- The service logs in as a role with no privileges of its own (a member of chimera_app and
-- chimera_admin that inherits nothing: scripts/provision-postgres.sh). Health and start-up compare
-- the applied migrations with the build's without switching role, so anyone may read which
-- migrations are applied: their versions, nothing else.
GRANT SELECT ON schema_migrations TO PUBLIC;

-- migrate:down

REVOKE SELECT ON schema_migrations FROM PUBLIC;
