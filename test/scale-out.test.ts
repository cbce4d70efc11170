// The schema stays ready to distribute with Citus on tenant_id (docs/scale-out.md): every table
// with a tenant_id column leads its primary key, unique constraints and unique indexes with it,
// and every foreign key between such tables leads with it on both sides, so that every key and
// every reference is checked within one tenant's shard. A table without tenant_id must be named
// below with the place it takes in a cluster, and the distribution script in docs/scale-out.md
// must distribute exactly the tenant tables: a new table that is neither fails here.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { testEnv } from './support/environment.js';

/** Tables without tenant_id and what each becomes in a Citus cluster. */
const WITHOUT_TENANT_ID: Record<string, 'distributed on id, colocated with the tenant tables' | 'coordinator only'> = {
  // One row per tenant: its id is the distribution column, so a tenant's row lives with its data
  // and the tenant_id -> tenants (id) foreign keys stay within a shard.
  tenants: 'distributed on id, colocated with the tenant tables',
  // The audit sealer's watermark (one row) and dbmate's bookkeeping.
  audit_seal_state: 'coordinator only',
  schema_migrations: 'coordinator only',
};

interface TableKeys {
  table: string;
  hasTenantId: boolean;
}

interface Key {
  table: string;
  name: string;
  kind: string;
  firstColumn: string | null;
}

interface Reference {
  name: string;
  table: string;
  columns: string[];
  referenced: string;
  referencedColumns: string[];
}

const TABLES = `
SELECT c.relname AS table,
       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS "hasTenantId"
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'chimera') AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY 1`;

// Primary keys, unique constraints and unique indexes (partial and expression ones included), with
// the first column (NULL when the index starts with an expression).
const KEYS = `
SELECT c.relname AS table, i.relname AS name,
       CASE WHEN x.indisprimary THEN 'primary key' ELSE 'unique' END AS kind,
       (SELECT attname FROM pg_attribute WHERE attrelid = x.indrelid AND attnum = x.indkey[0]) AS "firstColumn"
FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'chimera') AND x.indisunique`;

const REFERENCES = `
SELECT co.conname AS name, c.relname AS table, f.relname AS referenced,
       ARRAY(SELECT attname FROM unnest(co.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = co.conrelid AND attnum = k.n ORDER BY k.i)::text[] AS columns,
       ARRAY(SELECT attname FROM unnest(co.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = co.confrelid AND attnum = k.n ORDER BY k.i)::text[] AS "referencedColumns"
FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_class f ON f.oid = co.confrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'chimera') AND co.contype = 'f'`;

describe('the schema is ready to distribute on tenant_id (Citus)', () => {
  let tables: TableKeys[];
  let tenantTables: Set<string>;
  before(async () => {
    tables = (await testEnv().pool.query<TableKeys>(TABLES)).rows;
    tenantTables = new Set(tables.filter((t) => t.hasTenantId).map((t) => t.table));
  });

  it('names every table without tenant_id, and only those, with its place in a cluster', () => {
    const without = tables.filter((t) => !t.hasTenantId).map((t) => t.table);
    expect(without.sort(), 'a table without tenant_id must be added to WITHOUT_TENANT_ID with its place in a cluster, or get tenant_id').to.deep.equal(
      Object.keys(WITHOUT_TENANT_ID).sort(),
    );
  });

  it('every tenant table has a primary key, and it and every unique key lead with tenant_id', async () => {
    const keys = (await testEnv().pool.query<Key>(KEYS)).rows.filter((k) => tenantTables.has(k.table));
    const withPrimaryKey = new Set(keys.filter((k) => k.kind === 'primary key').map((k) => k.table));
    expect([...tenantTables].filter((t) => !withPrimaryKey.has(t)), 'tenant tables without a primary key').to.deep.equal([]);
    const wrong = keys.filter((k) => k.firstColumn !== 'tenant_id').map((k) => `${k.table}: ${k.kind} ${k.name} starts with ${k.firstColumn ?? 'an expression'}`);
    expect(wrong).to.deep.equal([]);
  });

  it('every foreign key between tenant tables leads with tenant_id on both sides; those to tenants are tenant_id -> id', async () => {
    const references = (await testEnv().pool.query<Reference>(REFERENCES)).rows;
    const wrong: string[] = [];
    for (const r of references) {
      const from = tenantTables.has(r.table);
      const to = tenantTables.has(r.referenced);
      const describe = `${r.table} (${r.columns.join(', ')}) -> ${r.referenced} (${r.referencedColumns.join(', ')}) [${r.name}]`;
      if (from && to) {
        if (r.columns[0] !== 'tenant_id' || r.referencedColumns[0] !== 'tenant_id') wrong.push(`does not lead with tenant_id: ${describe}`);
      } else if (from && r.referenced === 'tenants') {
        if (r.columns.join() !== 'tenant_id' || r.referencedColumns.join() !== 'id') wrong.push(`not tenant_id -> tenants (id): ${describe}`);
      } else {
        // Citus checks a reference only within a shard group or towards a reference table.
        wrong.push(`crosses from ${from ? 'a tenant table' : 'a table without tenant_id'} to one it cannot be colocated with: ${describe}`);
      }
    }
    expect(references.length).to.be.greaterThan(10);
    expect(wrong).to.deep.equal([]);
  });

  it('docs/scale-out.md distributes exactly the tenant tables, tenants first, all colocated', () => {
    const doc = readFileSync('docs/scale-out.md', 'utf8');
    const distributed = [...doc.matchAll(/create_distributed_table\('(\w+)', '(\w+)'(.*?)\);/g)];
    expect(distributed[0]?.slice(1, 3), 'tenants is distributed first, on id').to.deep.equal(['tenants', 'id']);
    const rest = distributed.slice(1);
    expect(rest.map((m) => m[1]).sort()).to.deep.equal([...tenantTables].sort());
    for (const m of rest) {
      expect(m[2], m[1]).to.equal('tenant_id');
      expect(m[3], m[1]).to.include("colocate_with => 'tenants'");
    }
  });
});
