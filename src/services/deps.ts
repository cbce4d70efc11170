// What every service handler is built from: passed explicitly, no globals.
import type { HandlerContext } from '@connectrpc/connect';
import type { Database, TenantScope, TxScope } from '../db/tx.js';
import type { Logger } from '../lib/log.js';
import type { PageTokens } from '../lib/page-token.js';
import { callerKey, requestIdKey } from '../server/context.js';

export interface ServiceDeps {
  db: Database;
  log: Logger;
  /** Upper bound on statement_timeout when the client sets no (or a longer) deadline. */
  defaultTimeoutMs: number;
  /** Signs and checks the lists' page tokens. */
  pageTokens: PageTokens;
}

function timeoutMs(ctx: HandlerContext, fallback: number): number {
  const remaining = ctx.timeoutMs();
  return remaining === undefined ? fallback : Math.max(1, Math.min(remaining, fallback));
}

/** The transaction scope of an authenticated tenant call. */
export function tenantScope(ctx: HandlerContext, deps: ServiceDeps): TenantScope {
  const caller = ctx.values.get(callerKey);
  if (!caller) throw new Error('a tenant handler was reached without an authenticated caller');
  return {
    tenantId: caller.tenantId,
    actor: `api_key:${caller.keyId}`,
    requestId: ctx.values.get(requestIdKey),
    timeoutMs: timeoutMs(ctx, deps.defaultTimeoutMs),
  };
}

/** The transaction scope of an admin call. */
export function adminScope(ctx: HandlerContext, deps: ServiceDeps): TxScope {
  return { actor: 'admin', requestId: ctx.values.get(requestIdKey), timeoutMs: timeoutMs(ctx, deps.defaultTimeoutMs) };
}
