// What the fuzz needs besides its requests: a Connect JSON call over HTTP/1.1 with any body (a
// generated client would refuse to send most of them), its answer as the client library would see
// it, and the row counts of one tenant in every table that has a tenant_id, in one query.
import { Code, ConnectError } from '@connectrpc/connect';
import type pg from 'pg';

export interface Answer {
  /** The Connect code's name (`ok` on success), or `http <status>` when the body is no Connect error. */
  code: string;
  /** The decoded response (on success) or the error, for assertNoInternalsLeak. */
  body?: unknown;
  error?: ConnectError;
}

/** Connect's wire names (`invalid_argument`) to codes. */
const CODES = new Map(
  Object.entries(Code)
    .filter((entry): entry is [string, Code] => typeof entry[1] === 'number')
    .map(([name, code]) => [name.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase()), code]),
);

export async function connectJson(baseUrl: string, path: string, token: string, body: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'connect-protocol-version': '1', authorization: `Bearer ${token}` },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { code: `http ${response.status}` };
  }
  if (response.status === 200) return { code: 'ok', body: parsed };
  const wire = parsed as { code?: string; message?: string; details?: Array<{ type: string; value: string }> };
  const code = wire.code === undefined ? undefined : CODES.get(wire.code);
  if (code === undefined) return { code: `http ${response.status}` };
  // As the Connect client decodes them: findDetails reads these.
  const error = new ConnectError(wire.message ?? '', code);
  error.details.push(...(wire.details ?? []).map((d) => ({ type: d.type, value: new Uint8Array(Buffer.from(d.value, 'base64')) })));
  return { code: wire.code!, error };
}

/** Written by the audit sealer in the background, whatever the call in flight: left out. */
const BACKGROUND_TABLES = ['public.audit_chain'];

/** Counts a tenant's rows in every table with a tenant_id (partitions counted by their parent). */
export class RowCounts {
  private query?: string;

  constructor(private readonly pool: pg.Pool) {}

  private async build(): Promise<string> {
    const { rows } = await this.pool.query<{ name: string }>(`
      SELECT format('%I.%I', n.nspname, c.relname) AS name
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE a.attname = 'tenant_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       ORDER BY 1`);
    const columns = rows.filter((r) => !BACKGROUND_TABLES.includes(r.name)).map((r) => `'${r.name}', (SELECT count(*) FROM ${r.name} WHERE tenant_id = $1)`);
    return `SELECT jsonb_build_object(${columns.join(', ')}) AS counts`;
  }

  async of(tenantId: string): Promise<Record<string, number>> {
    this.query ??= await this.build();
    const { rows } = await this.pool.query<{ counts: Record<string, number> }>(this.query, [tenantId]);
    return rows[0].counts;
  }
}

/** The tables whose counts differ, as `table a -> b`. */
export function changedCounts(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((table) => before[table] !== after[table])
    .map((table) => `${table} ${before[table]} -> ${after[table]}`);
}
