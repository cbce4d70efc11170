// Isolation is PostgreSQL's, not the handlers': the service logs in as a role with no power of its
// own, and every transaction it runs is chimera_app (or chimera_admin) with the caller's tenant and
// the call's statement timeout in force. These fail if the context statement loses its role switch
// or its tenant, or if the service connects as a superuser again.
import { expect } from 'chai';
import pg from 'pg';
import { statementOf } from '../src/db/pipeline.js';
import { Database, tenantContext } from '../src/db/tx.js';
import { setTenantContext } from '../src/gen/sql/platform/session.queries.js';
import { testEnv } from './support/environment.js';
import { newTenant } from './support/fixtures.js';

const PROBE = `SELECT current_user AS role, current_setting('app.tenant_id', true) AS tenant, current_setting('statement_timeout') AS timeout`;

describe('the database guards the tenants', () => {
  let pool: pg.Pool;
  let db: Database;
  before(() => {
    pool = new pg.Pool({ connectionString: testEnv().serviceUrl, max: 2 });
    db = new Database(pool, { namedStatements: testEnv().namedStatements });
  });
  after(() => pool.end());

  it('every tenant transaction and read runs as chimera_app, for the caller, within the call deadline', async () => {
    const t = await newTenant();
    const scope = { tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 1_234 };
    const want = { role: 'chimera_app', tenant: t.tenant.id, timeout: '1234ms' };
    expect((await db.tenantTx(scope, (c) => c.query(PROBE, []))).rows[0]).to.deep.equal(want);
    expect((await db.tenantRead(scope, (c) => c.query(PROBE, []))).rows[0]).to.deep.equal(want);
    const admin = await db.adminTx({ actor: 'test', requestId: 'test', timeoutMs: 1_234 }, (c) => c.query(PROBE, []));
    expect(admin.rows[0]).to.deep.equal({ role: 'chimera_admin', tenant: '', timeout: '1234ms' });
  });

  it("a query with no tenant filter still sees only the caller's rows", async () => {
    const [a, b] = [await newTenant(), await newTenant()];
    await a.agents.createAgent({ agent: { handle: 'a-only' } });
    await b.agents.createAgent({ agent: { handle: 'b-1' } });
    await b.agents.createAgent({ agent: { handle: 'b-2' } });
    const scope = { tenantId: a.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 5_000 };
    const { rows } = await db.tenantRead(scope, (c) => c.query('SELECT handle FROM agents ORDER BY handle', []));
    expect(rows).to.deep.equal([{ handle: 'a-only' }]);
    const { rows: tenants } = await db.tenantRead(scope, (c) => c.query('SELECT id FROM tenants', []));
    expect(tenants).to.deep.equal([{ id: a.tenant.id }]);
  });

  it('the tenant context, its text derived once, is the statement pgtyped builds for the call', async () => {
    const scope = { tenantId: '00000000-0000-4000-8000-000000000001', actor: 'api_key:k', requestId: 'r-1', timeoutMs: 1234.7 };
    expect(await tenantContext(scope)).to.deep.equal(
      await statementOf(setTenantContext, { tenantId: scope.tenantId, actor: scope.actor, requestId: scope.requestId, statementTimeout: '1234' }),
    );
  });

  it('a statement past the deadline is cancelled', async function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: embedded PGlite runs a statement to its end (no statement_timeout); set DATABASE_URL');
      this.skip();
    }
    const t = await newTenant();
    const err = await db
      .tenantTx({ tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 100 }, (c) => c.query('SELECT pg_sleep(2)', []))
      .catch((e: unknown) => e as pg.DatabaseError);
    expect((err as pg.DatabaseError).code).to.equal('57014');
  });

  it('the service logs in as a role that is no superuser, cannot bypass row-level security and owns nothing', async function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: embedded PGlite has a single superuser session; set DATABASE_URL');
      this.skip();
    }
    const { rows } = await pool.query(
      `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb,
              (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) + (SELECT count(*)::int FROM pg_proc WHERE proowner = r.oid) AS owned,
              pg_has_role(r.oid, 'chimera_app', 'MEMBER') AS app
       FROM pg_roles r WHERE rolname = session_user`,
    );
    expect(rows).to.deep.equal([{ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false, owned: 0, app: true }]);
    // Without a transaction's role switch it reads nothing at all.
    for (const table of ['agents', 'tenants', 'api_keys', 'ledger_accounts']) {
      const err = await pool.query(`SELECT count(*) FROM ${table}`).catch((e: unknown) => e as pg.DatabaseError);
      expect((err as pg.DatabaseError).code, table).to.equal('42501');
    }
  });
});
