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
