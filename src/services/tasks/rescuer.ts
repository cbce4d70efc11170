// Returns expired leases to PENDING as failed attempts (BLOCKED when none remains). A worker
// that died, hung or lost its network keeps nothing: its lease runs out, the rescuer raises the
// task's state_version, and the worker's late completion is refused (LEASE_LOST). Safe with many
// instances: each pass takes the expired rows with SKIP LOCKED.
import type { Database } from '../../db/tx.js';
import { findExpiredLeases, rescueExpiredLeases } from '../../gen/sql/tasks/work.queries.js';
import type { Logger } from '../../lib/log.js';
import { startPeriodic } from '../periodic.js';
import { signalsOf, type TaskHub } from './hub.js';

const TENANTS_PER_PASS = 100;
const TASKS_PER_TENANT = 1_000;

/** One pass: the tasks rescued. */
export async function rescueExpiredTasks(db: Database, hub: TaskHub): Promise<number> {
  const scope = { actor: 'task-rescuer', requestId: 'task-rescuer', timeoutMs: 30_000 };
  const tenants = await db.adminTx(scope, (client) => findExpiredLeases.run({ limit: String(TENANTS_PER_PASS) }, client));
  let rescued = 0;
  for (const { tenant_id: tenantId } of tenants) {
    const rows = await db.tenantTx({ ...scope, tenantId }, (client) => rescueExpiredLeases.run({ tenantId, limit: String(TASKS_PER_TENANT) }, client));
    hub.publish(signalsOf(tenantId, rows));
    rescued += rows.length;
  }
  return rescued;
}

export interface RescuerOptions {
  db: Database;
  hub: TaskHub;
  log: Logger;
  intervalMs: number;
}

/** Runs a pass every `intervalMs` until the returned stop function is called. */
export function startRescuer({ db, hub, log, intervalMs }: RescuerOptions): () => Promise<void> {
  return startPeriodic({
    name: 'task rescue',
    intervalMs,
    log,
    pass: async () => {
      const rescued = await rescueExpiredTasks(db, hub);
      if (rescued > 0) log.info('rescued tasks with expired leases', { rescued });
    },
  });
}
