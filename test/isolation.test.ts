import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import { testEnv } from './support/environment.js';
import { embedding, expectError, newTenant } from './support/fixtures.js';

describe('tenant isolation', () => {
  it("a second tenant can neither see, list, update, archive nor find by similarity the first tenant's agents", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const { agent } = await a.agents.createAgent({ agent: { handle: 'private', personaEmbedding: embedding(42) } });
    const id = agent!.id;

    const notFound = await expectError(b.agents.getAgent({ id }), Code.NotFound);
    const { agents } = await b.agents.listAgents({ showArchived: true });
    expect(agents).to.deep.equal([]);
    const updateErr = await expectError(
      b.agents.updateAgent({ agent: { id, etag: agent!.etag, displayName: 'pwned' }, updateMask: { paths: ['display_name'] } }),
      Code.NotFound,
    );
    const archiveErr = await expectError(b.agents.archiveAgent({ id }), Code.NotFound);
    const { results } = await b.agents.searchSimilarAgents({ query: { case: 'embedding', value: { values: embedding(42) } } });
    expect(results).to.deep.equal([]);
    await expectError(b.agents.searchSimilarAgents({ query: { case: 'agentId', value: id } }), Code.NotFound);

    // Nothing leaks through errors: the same message as for an id that never existed.
    for (const err of [notFound, updateErr, archiveErr]) expect(err.rawMessage).to.equal(`agent ${id} not found`);
    // And nothing changed.
    expect((await a.agents.getAgent({ id })).agent).to.deep.equal(agent);
  });

  it("a client-chosen id already used by another tenant does not collide or leak", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const { agent } = await a.agents.createAgent({ agent: { handle: 'mine' } });
    const { agent: theirs } = await b.agents.createAgent({ agent: { id: agent!.id, handle: 'theirs' } });
    expect(theirs!.id).to.equal(agent!.id);
    expect((await a.agents.getAgent({ id: agent!.id })).agent!.handle).to.equal('mine');
    expect((await b.agents.getAgent({ id: agent!.id })).agent!.handle).to.equal('theirs');
  });
});

describe('database isolation rules', () => {
  async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await testEnv().pool.query(sql, params)).rows as T[];
  }

  it('every table with a tenant_id column has RLS enabled and forced and a (tenant_id, ...) primary key', async () => {
    const tables = await query<{ table: string; rls: boolean; forced: boolean; pk: string[] | null }>(`
      SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
             (SELECT array_agg(a.attname::text ORDER BY k.ord)
                FROM pg_constraint pk
                CROSS JOIN unnest(pk.conkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = pk.conrelid AND a.attnum = k.attnum
               WHERE pk.conrelid = c.oid AND pk.contype = 'p') AS pk
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)`);
    expect(tables.map((t) => t.table)).to.include.members(['agents', 'api_keys', 'audit_events']);
    for (const t of tables) {
      expect(t.rls, `${t.table} RLS enabled`).to.equal(true);
      expect(t.forced, `${t.table} RLS forced`).to.equal(true);
      expect(t.pk?.[0], `${t.table} primary key leads with tenant_id`).to.equal('tenant_id');
      expect(t.pk?.length, `${t.table} primary key is composite`).to.be.greaterThan(1);
    }
  });

  it('every unique key on a tenant table leads with tenant_id', async () => {
    const uniques = await query<{ index: string; first: string }>(`
      SELECT i.indexrelid::regclass::text AS index, a.attname::text AS first
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
      WHERE n.nspname = 'public' AND i.indisunique
        AND EXISTS (SELECT 1 FROM pg_attribute t WHERE t.attrelid = c.oid AND t.attname = 'tenant_id' AND NOT t.attisdropped)`);
    expect(uniques.length).to.be.greaterThan(0);
    for (const u of uniques) expect(u.first, u.index).to.equal('tenant_id');
  });

  it('tenant tables reference each other only through composite (tenant_id, ...) foreign keys', async () => {
    const fks = await query<{ name: string; columns: string[]; target: string }>(`
      SELECT con.conname AS name, con.confrelid::regclass::text AS target,
             (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`);
    expect(fks.length).to.be.greaterThan(0);
    for (const fk of fks) {
      expect(fk.columns[0], `${fk.name} leads with tenant_id`).to.equal('tenant_id');
      // The only single-column foreign key allowed is the one to the tenants root.
      if (fk.columns.length === 1) expect(fk.target, fk.name).to.equal('tenants');
    }
  });

  it('the app role sees zero rows with no tenant set, even where rows exist', async () => {
    const t = await newTenant();
    await t.agents.createAgent({ agent: { handle: 'hidden' } });
    const client = await testEnv().pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('role', 'chimera_app', true)");
      for (const table of ['agents', 'api_keys', 'audit_events', 'tenants']) {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
        expect(rows[0].n, table).to.equal(0);
      }
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    const { rows } = await testEnv().pool.query('SELECT count(*)::int AS n FROM agents WHERE tenant_id = $1', [t.tenant.id]);
    expect(rows[0].n).to.equal(1);
  });

  it("the app role cannot write a row into another tenant, even naming it explicitly", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const client = await testEnv().pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('role', 'chimera_app', true), set_config('app.tenant_id', $1, true)", [a.tenant.id]);
      let error: { code?: string } | undefined;
      try {
        await client.query("INSERT INTO agents (tenant_id, handle, create_fingerprint) VALUES ($1, 'intruder', '\\x00')", [b.tenant.id]);
      } catch (err) {
        error = err as { code?: string };
      }
      expect(error?.code).to.equal('42501');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('audit_events is append-only, even for its owner', async () => {
    const t = await newTenant();
    await t.agents.createAgent({ agent: { handle: 'trail' } });
    for (const statement of ['UPDATE audit_events SET actor = $2 WHERE tenant_id = $1', 'DELETE FROM audit_events WHERE tenant_id = $1']) {
      let error: { code?: string } | undefined;
      try {
        await testEnv().pool.query(statement, statement.includes('$2') ? [t.tenant.id, 'forger'] : [t.tenant.id]);
      } catch (err) {
        error = err as { code?: string };
      }
      expect(error?.code, statement).to.equal('42501');
    }
    let truncateError: { code?: string } | undefined;
    try {
      await testEnv().pool.query('TRUNCATE audit_events');
    } catch (err) {
      truncateError = err as { code?: string };
    }
    expect(truncateError?.code).to.equal('42501');
    const { rows } = await testEnv().pool.query(
      "SELECT has_table_privilege('chimera_app', 'audit_events', 'UPDATE') AS u, has_table_privilege('chimera_app', 'audit_events', 'DELETE') AS d",
    );
    expect(rows[0]).to.deep.equal({ u: false, d: false });
  });
});
