/* The first statement of every tenant transaction: switch to the RLS-bound role and set the
   tenant, actor and request id, all transaction-local (safe behind PgBouncer in transaction mode). */
/* @name setTenantContext */
SELECT
  set_config('role', 'chimera_app', true) AS "role!",
  set_config('app.tenant_id', :tenantId!::text, true) AS "tenant_id!",
  set_config('app.actor', :actor!, true) AS "actor!",
  set_config('app.request_id', :requestId!, true) AS "request_id!",
  set_config('statement_timeout', :statementTimeout!::text, true) AS "statement_timeout!";

/* The admin plane: tenants and API keys, every tenant's. */
/* @name setAdminContext */
SELECT
  set_config('role', 'chimera_admin', true) AS "role!",
  set_config('app.tenant_id', '', true) AS "tenant_id!",
  set_config('app.actor', :actor!, true) AS "actor!",
  set_config('app.request_id', :requestId!, true) AS "request_id!",
  set_config('statement_timeout', :statementTimeout!::text, true) AS "statement_timeout!";

/* @name listAppliedMigrations */
SELECT version AS "version!" FROM schema_migrations ORDER BY version;

/* Sent before the tenant context of every read that may be served by the read replica
   (src/db/read-replica.ts), on the primary as well: such a read cannot write by mistake and then
   fail only where a replica is configured. */
/* @name setReadOnly */
SELECT set_config('transaction_read_only', 'on', true) AS "read_only!";
