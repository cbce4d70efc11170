// A span per SQL statement, under the span of the call that sent it (src/observability/tracing.ts).
// Spans are made here, where every statement passes (pipeline.ts, tx.ts), rather than in each
// handler. A span is named after the statement's pgtyped query (`getAgent`, `setTenantContext`),
// never its parameters. The statements of one pipeline share a round trip: each span starts when
// the round trip does and ends when its own result (or its error) arrives.
import { readdirSync } from 'node:fs';
import { context, SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { PreparedQuery } from '@pgtyped/runtime';
import { statementOf, type Statement } from './pipeline.js';

const GENERATED = new URL('../gen/sql/', import.meta.url);
/** Texts seen that are no generated query's (BEGIN, COMMIT): named by their first word, and kept
 *  apart in a bounded map. */
const MAX_OTHER_TEXTS = 100;

const byText = new Map<string, string>();
const otherTexts = new Map<string, string>();
let loading: Promise<void> | undefined;

/** Learns the name of every generated query from the text it sends; once per process, and only
 *  when tracing (the server awaits it before serving with a tracer). */
export function loadStatementNames(): Promise<void> {
  loading ??= (async () => {
    for (const dir of readdirSync(GENERATED, { withFileTypes: true })) {
      if (!dir.isDirectory()) continue;
      for (const file of readdirSync(new URL(`${dir.name}/`, GENERATED))) {
        if (!/\.queries\.[jt]s$/.test(file)) continue;
        const module = (await import(new URL(`${dir.name}/${file}`, GENERATED).href)) as Record<string, unknown>;
        for (const [name, query] of Object.entries(module)) {
          if (!isPreparedQuery(query)) continue;
          // Every parameter is a scalar (pgtyped.config.json): any value gives the text sent.
          const params = Object.fromEntries(irOf(query).params.map((p) => [p.name, 'x']));
          const { text } = await statementOf(query, params);
          byText.set(text, name);
        }
      }
    }
  })();
  return loading;
}

/** pgtyped's PreparedQuery, recognised by its shape: its package ships CommonJS and ESM builds,
 *  and a module loaded through the other one has another class. */
function isPreparedQuery(value: unknown): value is PreparedQuery<Record<string, unknown>, unknown> {
  return typeof value === 'object' && value !== null && 'queryIR' in value && typeof (value as { run?: unknown }).run === 'function';
}

function irOf(query: PreparedQuery<Record<string, unknown>, unknown>): { params: Array<{ name: string }> } {
  return (query as unknown as { queryIR: { params: Array<{ name: string }> } }).queryIR;
}

export function statementName(text: string): string {
  const known = byText.get(text) ?? otherTexts.get(text);
  if (known) return known;
  const name = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  if (otherTexts.size < MAX_OTHER_TEXTS) otherTexts.set(text, name);
  return name;
}

/** The spans of one pipelined round trip, made as its results arrive. */
export class PipelineSpans {
  private readonly parent: Context = context.active();
  private readonly start = performance.timeOrigin + performance.now();

  constructor(
    private readonly tracer: Tracer,
    private readonly statements: readonly Statement[],
  ) {}

  /** Statement `index` answered. */
  completed(index: number): void {
    this.span(index)?.end();
  }

  /** Statement `index` failed (the ones after it did not run, and get no span). */
  failed(index: number, err: Error & { code?: string }): void {
    const span = this.span(index);
    if (!span) return;
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.code ?? 'error' });
    if (err.code) span.setAttribute('db.response.status_code', err.code);
    span.end();
  }

  private span(index: number) {
    const statement = this.statements[index];
    if (!statement) return undefined;
    return startSpan(this.tracer, statement.text, this.parent, this.start);
  }
}

/** Runs one plain statement (`COMMIT`, `ROLLBACK`) in a span of its own. */
export async function traced<T>(tracer: Tracer | undefined, text: string, run: () => Promise<T>): Promise<T> {
  if (!tracer) return run();
  const span = startSpan(tracer, text, context.active());
  try {
    return await run();
  } catch (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as { code?: string }).code ?? 'error' });
    throw err;
  } finally {
    span.end();
  }
}

function startSpan(tracer: Tracer, text: string, parent: Context, startTime?: number): Span {
  const name = statementName(text);
  return tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime, attributes: { 'db.system': 'postgresql', 'db.system.name': 'postgresql', 'db.operation.name': name } }, parent);
}
