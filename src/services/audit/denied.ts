// Refused calls leave a trace in the caller's tenant's audit trail (and so in its chain): a call
// refused for a missing scope, and a call answered NotFound for a resource that exists in another
// tenant. The database writes both events (chimera.record_denied_call and
// chimera.record_other_tenant_miss, SECURITY DEFINER): the service cannot write audit rows itself.
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import type { Database } from '../../db/tx.js';
import { ErrorInfoSchema } from '../../gen/proto/google/rpc/error_details_pb.js';
import { recordDeniedCall, recordOtherTenantMiss } from '../../gen/sql/audit/denied.queries.js';
import type { Logger } from '../../lib/log.js';
import { callerKey, requestIdKey, type Caller } from '../../server/context.js';

export interface DeniedCall {
  caller: Caller;
  /** service/method, e.g. chimera.agents.v1.AgentService/CreateAgent. */
  method: string;
  reason: string;
  scope: string;
  requestId: string;
}

function scopeOf(caller: Caller, requestId: string) {
  return { tenantId: caller.tenantId, actor: `api_key:${caller.keyId}`, requestId, timeoutMs: 5_000 };
}

/** Records a refused call; a failure to record is logged, and never changes the caller's answer. */
export function deniedCallRecorder(db: Database, log: Logger): (call: DeniedCall) => Promise<void> {
  return async ({ caller, method, reason, scope, requestId }) => {
    try {
      await db.tenantTx(scopeOf(caller, requestId), (client) => recordDeniedCall.run({ method, reason, scope }, client));
    } catch (err) {
      log.error('a refused call could not be audited', { method, reason, error: err instanceof Error ? err.message : String(err) });
    }
  };
}

export interface OtherTenantMissOptions {
  /** Lookups waiting at most; more are dropped (and counted in a log line), so a flood of misses
   *  cannot queue work without bound. */
  maxQueued: number;
  /** Lookups running at once: each holds a database connection. */
  concurrency: number;
}

export const DEFAULT_OTHER_TENANT_MISS_OPTIONS: OtherTenantMissOptions = { maxQueued: 1_000, concurrency: 2 };

/**
 * An interceptor that, after a tenant call is answered NotFound for a resource, looks in the
 * background whether the resource exists in another tenant, and if so audits the call in the
 * caller's tenant (reason OTHER_TENANT_RESOURCE). The caller's answer never waits for the lookup,
 * so its timing cannot tell the two cases apart.
 */
export function otherTenantMissAuditing(db: Database, log: Logger, options: OtherTenantMissOptions = DEFAULT_OTHER_TENANT_MISS_OPTIONS): Interceptor {
  const queue: Array<() => Promise<unknown>> = [];
  let running = 0;
  let dropped = 0;
  const pump = () => {
    while (running < options.concurrency && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      void job()
        .catch((err) => log.error('a call naming another tenant\'s resource could not be audited', { error: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          running--;
          pump();
        });
    }
  };
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (err) {
      const caller = req.contextValues.get(callerKey);
      const info = caller && err instanceof ConnectError && err.code === Code.NotFound ? err.findDetails(ErrorInfoSchema)[0] : undefined;
      const resourceType = info?.metadata.resource_type;
      const resourceId = info?.metadata.resource_id;
      if (caller && resourceType && resourceId) {
        if (queue.length >= options.maxQueued) {
          if (dropped++ % 1_000 === 0) log.warn('other-tenant lookups dropped: too many queued', { dropped });
        } else {
          const method = `${req.service.typeName}/${req.method.name}`;
          const requestId = req.contextValues.get(requestIdKey);
          queue.push(() => db.tenantTx(scopeOf(caller, requestId), (client) => recordOtherTenantMiss.run({ method, resourceType, resourceId }, client)));
          pump();
        }
      }
      throw err;
    }
  };
}
