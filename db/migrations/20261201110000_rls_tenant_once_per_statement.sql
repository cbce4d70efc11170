-- migrate:up

-- Every tenant policy compares tenant_id with the transaction's tenant. Written as a plain call,
-- chimera.current_tenant_id() (a GUC lookup and a uuid parse) runs once per row a statement
-- writes: 4,000 times for a 1,000-transfer batch (transfers, entries, balances). Wrapped in a
-- scalar subquery it becomes an InitPlan, run once per statement; index conditions use it as
-- before. About 3 ms of a 1,000-transfer batch (BENCHMARKS.md). The policies' meaning is unchanged.
DO $$
DECLARE
  p record;
BEGIN
  FOR p IN SELECT tablename, policyname, qual, with_check FROM pg_policies
           WHERE schemaname = 'public' AND qual LIKE '%= chimera.current_tenant_id())' LOOP
    EXECUTE format('ALTER POLICY %I ON %I USING (%s)%s', p.policyname, p.tablename,
                   replace(p.qual, 'chimera.current_tenant_id()', '(SELECT chimera.current_tenant_id())'),
                   CASE WHEN p.with_check IS NULL THEN ''
                        ELSE format(' WITH CHECK (%s)', replace(p.with_check, 'chimera.current_tenant_id()', '(SELECT chimera.current_tenant_id())')) END);
  END LOOP;
END
$$;

-- Tables protected from now on get the same form.
CREATE OR REPLACE FUNCTION chimera.protect_tenant_table(t regclass) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY %I ON %s TO chimera_app USING (tenant_id = (SELECT chimera.current_tenant_id())) '
                 'WITH CHECK (tenant_id = (SELECT chimera.current_tenant_id()))', replace(t::text, '.', '_') || '_tenant', t);
END
$$;

-- migrate:down
CREATE OR REPLACE FUNCTION chimera.protect_tenant_table(t regclass) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY %I ON %s TO chimera_app USING (tenant_id = chimera.current_tenant_id()) '
                 'WITH CHECK (tenant_id = chimera.current_tenant_id())', replace(t::text, '.', '_') || '_tenant', t);
END
$$;

DO $$
DECLARE
  p record;
BEGIN
  FOR p IN SELECT tablename, policyname, qual, with_check FROM pg_policies
           WHERE schemaname = 'public' AND qual LIKE '%= ( SELECT chimera.current_tenant_id() AS current_tenant_id))' LOOP
    EXECUTE format('ALTER POLICY %I ON %I USING (%s)%s', p.policyname, p.tablename,
                   replace(p.qual, '( SELECT chimera.current_tenant_id() AS current_tenant_id)', 'chimera.current_tenant_id()'),
                   CASE WHEN p.with_check IS NULL THEN ''
                        ELSE format(' WITH CHECK (%s)', replace(p.with_check, '( SELECT chimera.current_tenant_id() AS current_tenant_id)', 'chimera.current_tenant_id()')) END);
  END LOOP;
END
$$;
