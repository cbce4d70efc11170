// Transactions as the service runs them: one role + tenant + actor statement first, then the work,
// retried a bounded number of times on serialization failures and deadlocks.
import pg from 'pg';
import type { DbClient, Pool } from './pool.js';
import { setAdminContext, setTenantContext } from '../gen/sql/platform/session.queries.js';

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;

export interface TxScope {
  actor: string;
  requestId: string;
  /** Milliseconds the work may take (from the call's deadline, capped by the default). */
  timeoutMs: number;
}

export interface TenantScope extends TxScope {
  tenantId: string;
}

type Work<T> = (client: DbClient) => Promise<T>;

export class Database {
  constructor(readonly pool: Pool) {}

  /** Runs `work` as chimera_app with the tenant set: RLS confines it to that tenant's rows. */
  tenantTx<T>(scope: TenantScope, work: Work<T>): Promise<T> {
    return this.withRetries(scope, async (client) => {
      await setTenantContext.run(
        { tenantId: scope.tenantId, actor: scope.actor, requestId: scope.requestId, statementTimeout: timeout(scope) },
        client,
      );
      return work(client);
    });
  }

  /** Runs `work` as chimera_admin: tenants and API keys of every tenant. */
  adminTx<T>(scope: TxScope, work: Work<T>): Promise<T> {
    return this.withRetries(scope, async (client) => {
      await setAdminContext.run({ actor: scope.actor, requestId: scope.requestId, statementTimeout: timeout(scope) }, client);
      return work(client);
    });
  }

  private async withRetries<T>(scope: TxScope, work: Work<T>): Promise<T> {
    const deadline = Date.now() + scope.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(work);
      } catch (err) {
        const retry = attempt < MAX_ATTEMPTS && RETRYABLE.has(sqlState(err) ?? '');
        const backoff = Math.random() * 10 * 2 ** attempt;
        if (!retry || Date.now() + backoff >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  }

  private async once<T>(work: Work<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone or confused: do not return it to the pool
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

function timeout(scope: TxScope): string {
  return String(Math.max(1, Math.floor(scope.timeoutMs)));
}

export function sqlState(err: unknown): string | undefined {
  return err instanceof pg.DatabaseError ? err.code : undefined;
}
