// How the service talks to PostgreSQL. Every unit of work starts with one statement that switches
// to an RLS-bound role and sets the tenant, actor, request id and statement timeout, all
// transaction-local. BEGIN and that context statement are sent together with the work's first
// statement(s), and the work may send its last statement together with COMMIT, so neither costs
// a round trip of its own. Reads that may lag (replicaTx, replicaRead) go to the read replica when
// one is configured (read-replica.ts).
import type { Tracer } from '@opentelemetry/api';
import pg from 'pg';
import type { IDatabaseConnection, PreparedQuery } from '@pgtyped/runtime';
import type { Pool } from './pool.js';
import { runPipelined, statementOf, type Statement } from './pipeline.js';
import { setAdminContext, setReadOnly, setTenantContext } from '../gen/sql/platform/session.queries.js';
import { sessionEnded } from './errors.js';
import { resultTypeChanged } from './named-statements.js';
import { traced } from './query-spans.js';
import type { ReadReplica } from './read-replica.js';
import { TenantSlots } from './tenant-slots.js';

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;
const BEGIN: Statement = { text: 'BEGIN', values: [] };

export interface TxScope {
  actor: string;
  requestId: string;
  /** Milliseconds the work may take (from the call's deadline, capped by the default). */
  timeoutMs: number;
}

export interface TenantScope extends TxScope {
  tenantId: string;
}

const COMMIT: Statement = { text: 'COMMIT', values: [] };

/** What a unit of work talks to: pgtyped queries run on it; pipelines save round trips. */
export interface TxClient extends IDatabaseConnection {
  /** Runs statements in one round trip; resolves with each one's rows. */
  pipeline(statements: Statement[]): Promise<Record<string, unknown>[][]>;
  /** Runs the last statements of the transaction together with COMMIT. */
  commitWith(statements: Statement[]): Promise<Record<string, unknown>[][]>;
}

/** A transaction whose BEGIN + context go out with its first statement. */
class Transaction implements TxClient {
  started = false;
  committed = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly opening: Statement[],
    private readonly named: boolean,
    private readonly tracer: Tracer | undefined,
  ) {}

  async query(text: string, values: unknown[]) {
    const [rows] = await this.pipeline([{ text, values }]);
    return { rows, rowCount: rows.length };
  }

  async pipeline(statements: Statement[]): Promise<Record<string, unknown>[][]> {
    if (this.started) return runPipelined(this.client, statements, this.named, this.tracer);
    this.started = true;
    return (await runPipelined(this.client, [...this.opening, ...statements], this.named, this.tracer)).slice(this.opening.length);
  }

  async commitWith(statements: Statement[]): Promise<Record<string, unknown>[][]> {
    const results = await this.pipeline([...statements, COMMIT]);
    this.committed = true;
    return results.slice(0, statements.length);
  }
}

type Work<T> = (client: TxClient) => Promise<T>;

export interface DatabaseOptions {
  /** Parse each statement once per connection (named-statements.ts); never on embedded PGlite. */
  namedStatements?: boolean;
  /** Connections one tenant's calls may hold at once (tenant-slots.ts); 0 or unset: no cap. */
  connectionsPerTenant?: number;
  /** A span per statement (query-spans.ts); unset: no tracing, at no cost. */
  tracer?: Tracer;
  /** Where replicaTx and replicaRead run while it serves (DATABASE_READ_URL); unset: the primary. */
  replica?: ReadReplica;
}

/** Where a unit of work runs: a pool, and the slots that cap one tenant's share of it. */
interface Side {
  pool: Pool;
  slots: TenantSlots;
}

/** A transaction: where it runs, what opens it, and how many times it may be tried. */
interface TxPlan {
  side: Side;
  opening: Statement[];
  attempts: number;
}

export class Database {
  private readonly named: boolean;
  private readonly tracer: Tracer | undefined;

  readonly tenantSlots: TenantSlots;

  private readonly primary: Side;

  private readonly replica: ReadReplica | undefined;

  constructor(
    readonly pool: Pool,
    options: DatabaseOptions = {},
  ) {
    this.named = options.namedStatements ?? false;
    this.tracer = options.tracer;
    this.tenantSlots = new TenantSlots(options.connectionsPerTenant ?? 0);
    this.primary = { pool, slots: this.tenantSlots };
    this.replica = options.replica;
  }

  /** Runs `work` in one transaction as chimera_app with the tenant set: RLS confines it to that
   *  tenant's rows. Retried on serialization failures and deadlocks, up to `attempts` in all. */
  async tenantTx<T>(scope: TenantScope, work: Work<T>, attempts = MAX_ATTEMPTS): Promise<T> {
    const plan = { side: this.primary, opening: [BEGIN, await tenantContext(scope)], attempts };
    return this.tenantSlots.run(scope.tenantId, () => this.transaction(scope, plan, work));
  }

  /**
   * tenantTx for reads that may lag behind the caller's own writes: a READ ONLY transaction on the
   * read replica when one is configured and serving, else on the primary. For a read of several
   * statements that must agree (a similarity search and the rows it found).
   */
  async replicaTx<T>(scope: TenantScope, work: Work<T>): Promise<T> {
    const opening = [BEGIN, await READ_ONLY, await tenantContext(scope)];
    const on = (side: Side) => () => side.slots.run(scope.tenantId, () => this.transaction(scope, { side, opening, attempts: MAX_ATTEMPTS }, work));
    return this.replica ? this.replica.run(on(this.replica), on(this.primary)) : on(this.primary)();
  }

  /** tenantRead for reads that may lag behind the caller's own writes (lists, summaries): each
   *  query read-only, on the read replica when one is configured and serving, else on the primary. */
  async replicaRead<T>(scope: TenantScope, work: (connection: IDatabaseConnection) => Promise<T>): Promise<T> {
    const opening = [await READ_ONLY, await tenantContext(scope)];
    const on = (side: Side) => () => side.slots.run(scope.tenantId, () => this.readOn(side.pool, opening, work));
    return this.replica ? this.replica.run(on(this.replica), on(this.primary)) : on(this.primary)();
  }

  /** Runs `work` in one transaction as chimera_admin: tenants and API keys of every tenant. */
  async adminTx<T>(scope: TxScope, work: Work<T>): Promise<T> {
    const context = await statementOf(setAdminContext, {
      actor: scope.actor,
      requestId: scope.requestId,
      statementTimeout: timeoutSetting(scope),
    });
    return this.transaction(scope, { side: this.primary, opening: [BEGIN, context], attempts: MAX_ATTEMPTS }, work);
  }

  /**
   * For reads that need no transaction around them: every query `work` sends runs in its own
   * implicit transaction, pipelined behind the tenant context — one round trip per query. Two
   * queries may see different snapshots; use tenantTx when they must agree.
   */
  async tenantRead<T>(scope: TenantScope, work: (connection: IDatabaseConnection) => Promise<T>): Promise<T> {
    const opening = [await tenantContext(scope)];
    return this.tenantSlots.run(scope.tenantId, () => this.readOn(this.pool, opening, work));
  }

  private async readOn<T>(pool: Pool, opening: Statement[], work: (connection: IDatabaseConnection) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const { named, tracer } = this;
    let broken = false;
    try {
      return await work({
        async query(text: string, values: unknown[]) {
          const statements = [...opening, { text, values }];
          const results = await runPipelined(client, statements, named, tracer).catch((err: unknown) => {
            // Nothing ran: a migration changed the columns under a named statement, and every
            // connection now parses its statements anew.
            if (resultTypeChanged(err)) return runPipelined(client, statements, named, tracer);
            throw err;
          });
          const rows = results[results.length - 1] ?? [];
          return { rows, rowCount: rows.length };
        },
      });
    } catch (err) {
      broken = sessionEnded(err);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Writes that are one statement each, in one round trip apiece: every query `work` sends runs in
   * its own implicit transaction pipelined behind the tenant context (as tenantRead's do), which
   * commits when the statement succeeds. Not retried: for statements that need no retry (a claim
   * with SKIP LOCKED, a fenced completion).
   */
  async tenantStatements<T>(scope: TenantScope, work: (connection: IDatabaseConnection) => Promise<T>): Promise<T> {
    return this.tenantRead(scope, work);
  }

  private async transaction<T>(scope: TxScope, plan: TxPlan, work: Work<T>): Promise<T> {
    const deadline = Date.now() + scope.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(plan, work);
      } catch (err) {
        // After a result type change (resultTypeChanged), the next attempt parses its statements anew.
        const retry = attempt < plan.attempts && (RETRYABLE.has(sqlState(err) ?? '') || resultTypeChanged(err));
        const backoff = Math.random() * 10 * 2 ** attempt;
        if (!retry || Date.now() + backoff >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  }

  private async once<T>(plan: TxPlan, work: Work<T>): Promise<T> {
    const client = await plan.side.pool.connect();
    const tx = new Transaction(client, plan.opening, this.named, this.tracer);
    let broken = false;
    try {
      const result = await work(tx);
      if (tx.started && !tx.committed) await traced(this.tracer, 'COMMIT', () => client.query('COMMIT'));
      return result;
    } catch (err) {
      broken = sessionEnded(err);
      if (tx.started && !broken) {
        try {
          await traced(this.tracer, 'ROLLBACK', () => client.query('ROLLBACK'));
        } catch {
          broken = true; // the connection is gone or confused: do not return it to the pool
        }
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

/** The SQL text of `query`, derived once. `order` names its parameters in the order of the values
 *  that go with the text (pgtyped numbers them as they first appear); checked here. */
async function fixedText<P>(query: PreparedQuery<P, unknown>, order: Array<keyof P & string>): Promise<string> {
  const marks = order.map((key) => `:${key}`);
  const { text, values } = await statementOf(query, Object.fromEntries(order.map((key, i) => [key, marks[i]])) as P);
  if (values.join() !== marks.join()) throw new Error(`the parameters of ${text} are not in the order ${order.join(', ')}`);
  return text;
}

const READ_ONLY = statementOf(setReadOnly, undefined);

/** Built from pgtyped's representation on every call, the tenant context cost 6-7 µs. */
const TENANT_CONTEXT = fixedText(setTenantContext, ['tenantId', 'actor', 'requestId', 'statementTimeout']);

export async function tenantContext(scope: TenantScope): Promise<Statement> {
  return { text: await TENANT_CONTEXT, values: [scope.tenantId, scope.actor, scope.requestId, timeoutSetting(scope)] };
}

function timeoutSetting(scope: TxScope): string {
  return String(Math.max(1, Math.floor(scope.timeoutMs)));
}

export function sqlState(err: unknown): string | undefined {
  return err instanceof pg.DatabaseError ? err.code : undefined;
}
