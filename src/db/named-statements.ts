// Named statements (docs/adr/0017-named-statements.md): each statement text is parsed once per
// connection, under a name, and afterwards only bound and executed. PostgreSQL then skips parsing
// and analysing it on every call, and its plan cache may skip planning: about half of its CPU for
// a GetAgent. Turned off by CHIMERA_NAMED_STATEMENTS=false, and always off on embedded PGlite,
// where every connection shares one session. Off, every statement is unnamed and parsed each time
// (pipeline.ts), the reference this path is tested against.
//
// A name is recorded only when PostgreSQL answers its Parse with ParseComplete: in a pipeline that
// fails, the Parses after the failing statement are skipped, and those names must be parsed again.
import type { EventEmitter } from 'node:events';
import pg from 'pg';

/** Texts one connection keeps parsed; any further text is sent unnamed, as with the setting off. */
export const MAX_NAMED_PER_CONNECTION = 200;

/** Bumped when a statement's result columns changed after it was parsed (a migration ran); every
 *  connection then closes its names and parses its statements again. */
let generation = 0;

/** What pipeline.ts needs of pg's connection to send Parse and Close. */
export interface StatementConnection extends EventEmitter {
  parse(q: { text: string; name: string; types: unknown[] }): void;
  close(q: { type: 'S'; name: string }): void;
}

/** One connection's named statements. */
export class ConnectionStatements {
  /** text -> name, for texts this connection has parsed. */
  private readonly parsed = new Map<string, string>();
  /** text -> name, for Parses sent in the current pipeline and not yet answered. */
  private readonly pending = new Map<string, string>();
  /** Every Parse of the current pipeline, named or not, in order: ParseComplete answers them so. */
  private readonly awaiting: Array<{ text: string; name: string }> = [];
  private generation = generation;
  private count = 0;

  constructor(connection: EventEmitter) {
    connection.on('parseComplete', () => this.parseComplete());
  }

  /** Starts a pipeline: after a result type change anywhere, this connection's names are closed
   *  (in the same round trip, before anything else) and its statements will be parsed anew. */
  begin(connection: StatementConnection): void {
    this.end();
    if (this.generation === generation) return;
    for (const name of this.parsed.values()) connection.close({ type: 'S', name });
    this.parsed.clear();
    this.generation = generation;
  }

  /** Sends the Parse of `text` unless this connection has parsed it already; returns the name to
   *  bind ('' for the unnamed statement, once the connection has all the names it may keep). */
  use(connection: StatementConnection, text: string): string {
    const name = this.parsed.get(text) ?? this.pending.get(text);
    if (name !== undefined) return name;
    const fresh = this.parsed.size + this.pending.size < MAX_NAMED_PER_CONNECTION ? `chimera_${++this.count}` : '';
    if (fresh !== '') this.pending.set(text, fresh);
    this.awaiting.push({ text, name: fresh });
    connection.parse({ text, name: fresh, types: [] });
    return fresh;
  }

  /** Ends a pipeline (ReadyForQuery): Parses still unanswered were skipped after an error, and a
   *  ParseComplete of some later query that is not ours must not be taken for theirs. */
  end(): void {
    this.pending.clear();
    this.awaiting.length = 0;
  }

  private parseComplete(): void {
    const done = this.awaiting.shift();
    if (!done || done.name === '') return;
    this.pending.delete(done.text);
    this.parsed.set(done.text, done.name);
  }
}

const byConnection = new WeakMap<EventEmitter, ConnectionStatements>();

/** The named statements of pg's `connection`, created on first use. */
export function statementsOf(connection: EventEmitter): ConnectionStatements {
  let statements = byConnection.get(connection);
  if (!statements) byConnection.set(connection, (statements = new ConnectionStatements(connection)));
  return statements;
}

/** Whether `err` is PostgreSQL refusing a statement parsed before its result columns changed
 *  (SQLSTATE 0A000, "cached plan must not change result type"): a migration added, dropped or
 *  retyped a column of a `SELECT *` or `RETURNING *`. Nothing ran; the call may be retried. */
export function resultTypeChanged(err: unknown): boolean {
  return err instanceof pg.DatabaseError && err.code === '0A000' && err.message.includes('cached plan must not change result type');
}

/** Makes every connection close and parse again the statements it has named. */
export function forgetAllNames(): void {
  generation++;
}
