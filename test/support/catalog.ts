// A fingerprint of a database's schema from the catalogs, for comparing two states of one
// database: every table, column, constraint, index, trigger, policy, function, type and schema in
// `public` and `chimera`, with their privileges, as sorted text lines. Objects of extensions
// (pgvector's) are left out; dbmate's schema_migrations is in (its privileges are a migration's).
import type pg from 'pg';

const SCHEMAS = `n.nspname IN ('public', 'chimera')`;
const NOT_EXTENSION = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

/** An ACL as text with its items sorted (the order GRANTs ran in is no difference), NULL read as
 *  the object kind's default privileges, which a GRANT then its REVOKE leave written out. */
const acl = (column: string, kind?: string, owner?: string) => {
  const value = kind ? `coalesce(${column}, acldefault('${kind}', ${owner}))` : column;
  return `coalesce((SELECT string_agg(item::text, ',' ORDER BY item::text) FROM unnest(${value}) item), '')`;
};

const QUERY = `
SELECT 'schema ' || nspname || ' acl=' || ${acl('nspacl', 'n', 'nspowner')} AS line FROM pg_namespace n WHERE ${SCHEMAS}
UNION ALL
SELECT format('relation %s kind=%s rls=%s force=%s owner=%s acl=%s', c.oid::regclass, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
              pg_get_userbyid(c.relowner), ${acl('c.relacl', 'r', 'c.relowner')})
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT format('column %s.%s #%s %s notnull=%s default=%s identity=%s generated=%s acl=%s', c.oid::regclass, a.attname,
              rank() OVER (PARTITION BY c.oid ORDER BY a.attnum), format_type(a.atttypid, a.atttypmod), a.attnotnull,
              coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''), a.attidentity, a.attgenerated, ${acl('a.attacl')})
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE ${SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND a.attnum > 0 AND NOT a.attisdropped
  AND ${NOT_EXTENSION('pg_class', 'c.oid')}
UNION ALL
SELECT format('constraint %s %s %s', co.conrelid::regclass, co.conname, pg_get_constraintdef(co.oid))
FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
WHERE ${SCHEMAS} AND co.conrelid <> 0
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${SCHEMAS} AND ${NOT_EXTENSION('pg_class', 'i.indrelid')}
UNION ALL
SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' enabled=' || t.tgenabled::text
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${SCHEMAS} AND NOT t.tgisinternal
UNION ALL
SELECT format('policy %s %s cmd=%s permissive=%s roles=%s using=%s check=%s', p.polrelid::regclass, p.polname, p.polcmd, p.polpermissive,
              (SELECT string_agg(CASE r WHEN 0 THEN 'public' ELSE pg_get_userbyid(r) END, ',' ORDER BY r) FROM unnest(p.polroles) r),
              coalesce(pg_get_expr(p.polqual, p.polrelid), ''), coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''))
FROM pg_policy p
UNION ALL
SELECT format('function %s.%s(%s) returns %s definer=%s volatile=%s config=%s owner=%s acl=%s body=%s', n.nspname, p.proname,
              pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), p.prosecdef, p.provolatile,
              coalesce(p.proconfig::text, ''), pg_get_userbyid(p.proowner), ${acl('p.proacl', 'f', 'p.proowner')}, md5(coalesce(p.prosrc, '')))
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE ${SCHEMAS} AND ${NOT_EXTENSION('pg_proc', 'p.oid')}
UNION ALL
SELECT format('type %s.%s kind=%s', n.nspname, t.typname, t.typtype)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE ${SCHEMAS} AND t.typtype IN ('e', 'd', 'c') AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
  AND ${NOT_EXTENSION('pg_type', 't.oid')}`;

export async function schemaFingerprint(client: pg.Client | pg.Pool): Promise<string[]> {
  const { rows } = await client.query<{ line: string }>(QUERY);
  return rows.map((r) => r.line).sort();
}

/** What `after` lacks and what it has that `before` did not, for an assertion's message. */
export function fingerprintDifference(before: string[], after: string[]): string {
  const a = new Set(after);
  const b = new Set(before);
  const missing = before.filter((l) => !a.has(l)).map((l) => `  - ${l}`);
  const extra = after.filter((l) => !b.has(l)).map((l) => `  + ${l}`);
  return [...missing, ...extra].slice(0, 40).join('\n');
}
