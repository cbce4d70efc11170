// The audit trail builds itself: AuditService's handlers and the sealer that chains committed
// audit events (migration 20261204000006_audit_chain.sql).
import { AuditService } from '../../gen/proto/chimera/audit/v1/audit_pb.js';
import { sealAuditEvents } from '../../gen/sql/audit/audit.queries.js';
import type { ServiceDeps } from '../deps.js';
import type { ServiceModule } from '../module.js';
import { startPeriodic } from '../periodic.js';
import { auditService } from './handler.js';

export interface AuditOptions {
  /** How often committed events are chained; 0 disables the sealer. */
  sealIntervalMs: number;
}

export const DEFAULT_AUDIT_OPTIONS: AuditOptions = { sealIntervalMs: 1_000 };

/** One pass: the events chained. */
export async function sealAudit(deps: ServiceDeps): Promise<number> {
  const scope = { actor: 'audit-sealer', requestId: 'audit-sealer', timeoutMs: 60_000 };
  const [{ sealed }] = await deps.db.adminTx(scope, (client) => sealAuditEvents.run(undefined, client));
  return sealed;
}

export function createAuditModule(deps: ServiceDeps, options: AuditOptions): ServiceModule {
  let stop = async () => {};
  return {
    service: AuditService,
    register: (router) => router.service(AuditService, auditService(deps)),
    start() {
      if (options.sealIntervalMs > 0) {
        stop = startPeriodic({
          name: 'audit sealing',
          intervalMs: options.sealIntervalMs,
          log: deps.log,
          pass: async () => {
            const sealed = await sealAudit(deps);
            if (sealed > 0) deps.log.debug('sealed audit events', { sealed });
          },
        });
      }
    },
    stop: () => stop(),
  };
}
