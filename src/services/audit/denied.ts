// Refused calls leave a trace in the caller's tenant's audit trail (and so in its chain): the
// method, the reason and the scope that was missing, under the caller's key as actor.
import type { Database } from '../../db/tx.js';
import { recordDeniedCall } from '../../gen/sql/audit/denied.queries.js';
import type { Logger } from '../../lib/log.js';
import type { Caller } from '../../server/context.js';

export interface DeniedCall {
  caller: Caller;
  /** service/method, e.g. chimera.agents.v1.AgentService/CreateAgent. */
  method: string;
  reason: string;
  scope: string;
  requestId: string;
}

/** Records a refused call; a failure to record is logged, and never changes the caller's answer. */
export function deniedCallRecorder(db: Database, log: Logger): (call: DeniedCall) => Promise<void> {
  return async ({ caller, method, reason, scope, requestId }) => {
    try {
      const tx = { tenantId: caller.tenantId, actor: `api_key:${caller.keyId}`, requestId, timeoutMs: 5_000 };
      await db.tenantTx(tx, (client) => recordDeniedCall.run({ tenantId: caller.tenantId, method, reason, scope }, client));
    } catch (err) {
      log.error('a refused call could not be audited', { method, reason, error: err instanceof Error ? err.message : String(err) });
    }
  };
}
