// Named statements (src/db/named-statements.ts, docs/adr/0017-named-statements.md) against the
// reference, unnamed statements: the same rows and errors, each text parsed once per connection,
// tenants kept apart on one connection, a failed pipeline leaving the names consistent, and a
// migration that changes a table's columns under a parsed `SELECT *`.
import { expect } from 'chai';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { MAX_NAMED_PER_CONNECTION } from '../src/db/named-statements.js';
import { runPipelined, type Statement } from '../src/db/pipeline.js';
import { Database } from '../src/db/tx.js';
import { getAgent } from '../src/gen/sql/agents/agents.queries.js';
import { asServiceRole, testEnv } from './support/environment.js';
import { newTenant } from './support/fixtures.js';

/** What the connection has named (pg_prepared_statements: this session's statements). */
async function namesOn(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'chimera\\_%' ORDER BY name`);
  return rows.map((r) => r.name);
}

async function outcome(client: pg.PoolClient, statements: Statement[], named: boolean): Promise<unknown> {
  try {
    return { rows: await runPipelined(client, statements, named) };
  } catch (err) {
    const e = err as pg.DatabaseError;
    return { error: e.code, message: e.message };
  }
}

describe('named statements', function () {
  before(function () {
    if (!testEnv().realPostgres) this.skip(); // never on embedded PGlite, whose connections share one session
  });

  let pool: pg.Pool;
  // Names live in a session: straight to PostgreSQL, never through a transaction pooler (PgBouncer
  // before 1.21 would hand the next statement to another server connection).
  beforeEach(() => (pool = new pg.Pool({ connectionString: asServiceRole(testEnv().directUrl), max: 1 })));
  afterEach(() => pool.end());

  it('give the same rows and errors as unnamed statements, call after call, and each text is parsed once per connection', async () => {
    const cases: Statement[][] = [
      [{ text: 'SELECT $1::int + 1 AS "n!", $2::text AS t, NULL::uuid AS "u?"', values: [41, 'x'] }],
      [{ text: 'SELECT g AS n FROM generate_series(1, $1::int) g', values: [3] }, { text: 'SELECT 1 WHERE false', values: [] }],
      [{ text: 'SELECT 1 / $1::int AS q', values: [0] }],
      [{ text: 'SELECT 1 AS a', values: [] }, { text: 'SELEC 2', values: [] }, { text: 'SELECT 3 AS c', values: [] }],
      [{ text: "SELECT set_config('app.actor', $1, true) AS a, current_setting('app.actor') AS b", values: ['me'] }],
    ];
    const unnamed = await pool.connect();
    const unnamedResults = [];
    for (let round = 0; round < 3; round++) for (const c of cases) unnamedResults.push(await outcome(unnamed, c, false));
    expect(await namesOn(unnamed)).to.deep.equal([]);
    unnamed.release(true);

    const named = await pool.connect();
    try {
      const namedResults = [];
      for (let round = 0; round < 3; round++) for (const c of cases) namedResults.push(await outcome(named, c, true));
      expect(namedResults).to.deep.equal(unnamedResults);
      // Six texts parse; `SELEC 2` does not, and `SELECT 3` always follows its failure unsent.
      expect(await namesOn(named)).to.have.length(6);
    } finally {
      named.release(true);
    }
  });

  it('a pipeline that fails leaves its connection naming exactly what PostgreSQL parsed', async () => {
    const client = await pool.connect();
    try {
      const a = { text: 'SELECT 1 AS a', values: [] };
      const fail = { text: 'SELECT 1 / $1::int AS q', values: [0] };
      const b = { text: 'SELECT 2 AS b', values: [] };
      // `a` and the division are parsed, `b` is skipped after the error: the next call must parse
      // `b` and only `b`, or PostgreSQL answers 42P05 (already exists) or 26000 (does not exist).
      await runPipelined(client, [a, fail, b], true).then(() => expect.fail('1 / 0'), (err: pg.DatabaseError) => expect(err.code).to.equal('22012'));
      expect(await runPipelined(client, [a, b], true)).to.deep.equal([[{ a: 1 }], [{ b: 2 }]]);
      expect(await runPipelined(client, [b, b, a], true)).to.deep.equal([[{ b: 2 }], [{ b: 2 }], [{ a: 1 }]]);
      expect(await namesOn(client)).to.have.length(3);
      // A ParseComplete of an ordinary query afterwards is not taken for a skipped Parse of ours.
      await client.query('SELECT $1::int AS x', [1]);
      expect(await runPipelined(client, [{ text: 'SELECT 3 AS c', values: [] }], true)).to.deep.equal([[{ c: 3 }]]);
    } finally {
      client.release(true);
    }
  });

  it(`a connection names at most ${MAX_NAMED_PER_CONNECTION} texts and sends any further ones unnamed`, async () => {
    const client = await pool.connect();
    try {
      for (let i = 0; i < MAX_NAMED_PER_CONNECTION + 5; i++) {
        expect(await runPipelined(client, [{ text: `SELECT ${i} AS i`, values: [] }], true)).to.deep.equal([[{ i }]]);
      }
      expect(await runPipelined(client, [{ text: `SELECT ${MAX_NAMED_PER_CONNECTION + 1} AS i`, values: [] }], true)).to.deep.equal([[{ i: MAX_NAMED_PER_CONNECTION + 1 }]]);
      expect(await namesOn(client)).to.have.length(MAX_NAMED_PER_CONNECTION);
    } finally {
      client.release(true);
    }
  });

  it("one connection, one parsed statement for every caller: each tenant sees its own rows, chimera_admin every tenant's", async () => {
    const db = new Database(pool, { namedStatements: true });
    const [a, b] = [await newTenant(), await newTenant()];
    const { agent: agentA } = await a.agents.createAgent({ agent: { handle: 'named_a' } });
    const { agent: agentB } = await b.agents.createAgent({ agent: { handle: 'named_b' } });
    const scope = (tenantId: string) => ({ tenantId, actor: 'test', requestId: 'test', timeoutMs: 5_000 });
    const everyAgent = 'SELECT handle FROM agents ORDER BY handle';
    const bothTenants = 'SELECT id FROM tenants WHERE id = ANY($1::uuid[])';
    const admin = { actor: 'test', requestId: 'test', timeoutMs: 5_000 };
    for (let round = 0; round < 8; round++) {
      // getAgent by the other tenant's id finds nothing, even filtered by that tenant: RLS decides.
      expect(await db.tenantRead(scope(a.tenant.id), (c) => getAgent.run({ tenantId: b.tenant.id, id: agentB!.id }, c))).to.deep.equal([]);
      expect((await db.tenantRead(scope(a.tenant.id), (c) => getAgent.run({ tenantId: a.tenant.id, id: agentA!.id }, c)))[0].handle).to.equal('named_a');
      expect((await db.tenantTx(scope(b.tenant.id), (c) => getAgent.run({ tenantId: b.tenant.id, id: agentB!.id }, c)))[0].handle).to.equal('named_b');
      expect((await db.tenantRead(scope(b.tenant.id), (c) => c.query(everyAgent, []))).rows).to.deep.equal([{ handle: 'named_b' }]);
      expect((await db.tenantRead(scope(a.tenant.id), (c) => c.query(everyAgent, []))).rows).to.deep.equal([{ handle: 'named_a' }]);
      // The same text under chimera_app and chimera_admin: the plan cache plans it for each role.
      const tenants = (rows: unknown[]) => rows.map((r) => (r as { id: string }).id).sort();
      expect(tenants((await db.tenantRead(scope(a.tenant.id), (c) => c.query(bothTenants, [[a.tenant.id, b.tenant.id]]))).rows)).to.deep.equal([a.tenant.id]);
      expect(tenants((await db.adminTx(admin, (c) => c.query(bothTenants, [[a.tenant.id, b.tenant.id]]))).rows)).to.deep.equal([a.tenant.id, b.tenant.id].sort());
      expect(tenants((await db.tenantTx(scope(b.tenant.id), (c) => c.query(bothTenants, [[a.tenant.id, b.tenant.id]]))).rows)).to.deep.equal([b.tenant.id]);
    }
    const client = await pool.connect();
    try {
      expect(await namesOn(client)).to.have.length.greaterThan(0);
    } finally {
      client.release();
    }
  });

  describe('after a migration changes the columns of a table under a parsed SELECT *', () => {
    const table = 'named_statements_probe';
    before(async () => {
      await testEnv().pool.query(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (id int PRIMARY KEY); INSERT INTO ${table} VALUES (1); GRANT SELECT ON ${table} TO chimera_app`);
    });
    after(() => testEnv().pool.query(`DROP TABLE IF EXISTS ${table}`));

    for (const via of ['tenantRead', 'tenantTx'] as const) {
      it(`${via} answers with the new columns: the refused statement (0A000) is parsed again and the call retried`, async () => {
        const db = new Database(new pg.Pool({ connectionString: asServiceRole(testEnv().directUrl), max: 2 }), { namedStatements: true });
        try {
          const t = await newTenant();
          const scope = { tenantId: t.tenant.id, actor: 'test', requestId: 'test', timeoutMs: 5_000 };
          const read = () => db[via](scope, async (c) => (await c.query(`SELECT * FROM ${table}`, [])).rows);
          // Both connections of the pool parse the statement.
          const before = await Promise.all([read(), read()]);
          expect(before).to.have.length(2);
          const column = `c${Date.now()}`;
          await testEnv().pool.query(`ALTER TABLE ${table} ADD COLUMN ${column} int DEFAULT 7`);
          for (let i = 0; i < 4; i++) expect(await read()).to.deep.equal([{ ...before[0][0], [column]: 7 }]);
          expect(await Promise.all([read(), read()])).to.deep.equal([[{ ...before[0][0], [column]: 7 }], [{ ...before[0][0], [column]: 7 }]]);
        } finally {
          await db.pool.end();
        }
      });
    }
  });

  it('are on unless CHIMERA_NAMED_STATEMENTS=false', () => {
    expect(loadConfig({}).namedStatements).to.equal(true);
    expect(loadConfig({ CHIMERA_NAMED_STATEMENTS: 'false' }).namedStatements).to.equal(false);
    expect(() => loadConfig({ CHIMERA_NAMED_STATEMENTS: 'maybe' })).to.throw('CHIMERA_NAMED_STATEMENTS must be true or false');
  });
});
