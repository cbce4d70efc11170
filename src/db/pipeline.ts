// Several statements in one round trip: Parse/Bind/Describe/Execute for each, then a single Sync.
// Up to the Sync they form one implicit transaction, so a transaction-local set_config in the first
// statement governs the ones after it. This is what lets a tenant read cost one round trip
// (context + query) instead of four (BEGIN, context, query, COMMIT). Statements are unnamed, and
// parsed every time, unless the caller asks for named ones (named-statements.ts).
import type { Tracer } from '@opentelemetry/api';
import type { IDatabaseConnection, PreparedQuery } from '@pgtyped/runtime';
import type pg from 'pg';
import Result from 'pg/lib/result.js';
import utils from 'pg/lib/utils.js';
import { encodeIfMarked } from './binary-arrays.js';
import { forgetAllNames, resultTypeChanged, statementsOf, type ConnectionStatements, type StatementConnection } from './named-statements.js';
import { PipelineSpans } from './query-spans.js';

export interface Statement {
  text: string;
  values: unknown[];
}

/** The SQL text and bound values a generated pgtyped query would send for `params`. */
export async function statementOf<P>(query: PreparedQuery<P, unknown>, params: P): Promise<Statement> {
  let statement: Statement | undefined;
  const capture: IDatabaseConnection = {
    query: async (text: string, values?: unknown[]) => {
      statement = { text, values: values ?? [] };
      return { rows: [], rowCount: 0 };
    },
  };
  await query.run(params, capture);
  return statement!;
}

interface BackendMessage {
  fields: unknown[];
}

interface FieldDescription {
  name: string;
}

/** The subset of pg's Connection a submittable drives. */
interface Connection extends StatementConnection {
  stream: { cork?(): void; uncork?(): void };
  bind(q: { portal: string; statement: string; values: unknown[]; valueMapper: unknown }): void;
  describe(q: { type: 'P'; name: string }): void;
  execute(q: { portal: string; rows: number }): void;
  sync(): void;
}

interface ParsedResult {
  rows: Record<string, unknown>[];
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): Record<string, unknown>;
  addRow(row: Record<string, unknown>): void;
}

/** A pg "submittable": pg hands it the connection and routes the backend's replies to it. */
class PipelinedStatements {
  private readonly results: ParsedResult[] = [];
  private current: ParsedResult | undefined;
  private settled = false;
  private named: ConnectionStatements | undefined;

  constructor(
    private readonly statements: Statement[],
    private readonly useNames: boolean,
    private readonly callback: (err: Error | undefined, results: ParsedResult[]) => void,
    /** Only when tracing (query-spans.ts). */
    private readonly spans: PipelineSpans | undefined,
  ) {}

  submit(connection: Connection): void {
    connection.stream.cork?.();
    this.named = this.useNames ? statementsOf(connection) : undefined;
    this.named?.begin(connection);
    for (const s of this.statements) {
      let statement = '';
      if (this.named) statement = this.named.use(connection, s.text);
      else connection.parse({ text: s.text, name: '', types: [] });
      // Already prepared (runPipelined): strings, Buffers (binary) or nulls.
      connection.bind({ portal: '', statement, values: s.values, valueMapper: undefined });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: 0 });
    }
    connection.sync();
    connection.stream.uncork?.();
  }

  handleRowDescription(msg: BackendMessage): void {
    this.current = new (Result as unknown as new () => ParsedResult)();
    // Column aliases with pgtyped's nullability hints ("x!", "x?") are named "x" in the rows, as
    // pgtyped's own run() does; renamed here, once per result, rather than in every row.
    for (const field of msg.fields as FieldDescription[]) {
      if (field.name.endsWith('!') || field.name.endsWith('?')) field.name = field.name.slice(0, -1);
    }
    this.current.addFields(msg.fields);
  }

  handleDataRow(msg: BackendMessage): void {
    this.current!.addRow(this.current!.parseRow(msg.fields));
  }

  handleCommandComplete(): void {
    this.results.push(this.current ?? { rows: [] } as unknown as ParsedResult);
    this.current = undefined;
    this.spans?.completed(this.results.length - 1);
  }

  handleEmptyQuery(): void {
    this.handleCommandComplete();
  }

  handleError(err: Error): void {
    if (!this.settled) this.spans?.failed(this.results.length, err);
    this.finish(err);
  }

  handleReadyForQuery(): void {
    this.named?.end();
    this.finish(undefined);
  }

  handlePortalSuspended(): void {
    this.finish(new Error('pipelined statement was suspended'));
  }

  handleCopyInResponse(): void {
    this.finish(new Error('COPY is not supported in a pipeline'));
  }

  handleCopyData(): void {}

  private finish(err: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.callback(err, this.results);
  }
}

/** pg's own conversion, except that arrays marked binary (binary-arrays.ts) are sent in binary,
 *  and other flat arrays of strings, numbers and booleans (columns of a batch that are not marked)
 *  take a faster path to the same text as pg's. */
function prepareValue(value: unknown): unknown {
  if (!Array.isArray(value)) return utils.prepareValue(value);
  return encodeIfMarked(value) ?? flatArrayLiteral(value) ?? utils.prepareValue(value);
}

const NEEDS_ESCAPE = /["\\]/;

/** The array literal pg's arrayString would build (every element quoted, `"` and `\` escaped),
 *  or undefined when an element is of another kind. */
export function flatArrayLiteral(values: unknown[]): string | undefined {
  // Most columns are ids and amounts: strings with nothing to escape, joined in one go.
  if (values.length > 0 && allStrings(values) && !NEEDS_ESCAPE.test(values.join(','))) {
    return `{"${values.join('","')}"}`;
  }
  const parts: string[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (typeof v === 'string') parts[i] = NEEDS_ESCAPE.test(v) ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : `"${v}"`;
    else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') parts[i] = `"${String(v)}"`;
    else return undefined;
  }
  return `{${parts.join(',')}}`;
}

/** Whether every element is a string (a hole in a sparse array is not: pg sends it as NULL). */
function allStrings(values: unknown[]): boolean {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return false;
  return true;
}

/** Runs `statements` in one round trip; resolves with each statement's rows, columns named
 *  without pgtyped's nullability hints. `named`: each text is parsed once per connection
 *  (named-statements.ts); otherwise every statement is unnamed and parsed each time. `tracer`:
 *  a span per statement (query-spans.ts). */
export function runPipelined(client: pg.ClientBase, statements: Statement[], named = false, tracer?: Tracer): Promise<Record<string, unknown>[][]> {
  // Every value is converted before anything is written: a value that cannot be (a malformed id in
  // a binary column) fails this call alone, with the connection untouched. Thrown from inside
  // submit, it would leave pg waiting for a reply to statements it never finished sending.
  let prepared: Statement[];
  try {
    prepared = statements.map((s) => ({ text: s.text, values: s.values.map(prepareValue) }));
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const submittable = new PipelinedStatements(prepared, named, (err, results) => {
      if (!err) return resolve(results.map((r) => r.rows));
      // A migration changed a table under a named statement: every connection parses anew.
      if (named && resultTypeChanged(err)) forgetAllNames();
      reject(err);
    }, tracer && new PipelineSpans(tracer, statements));
    client.query(submittable as unknown as pg.Submittable);
  });
}

