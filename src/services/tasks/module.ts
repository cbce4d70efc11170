// Tasks build themselves: TaskService's handlers, the hub that carries task events between
// handlers, watchers and waiting claims (and, through LISTEN/NOTIFY, between processes), and
// the rescuer of expired leases.
import type { ServiceImpl } from '@connectrpc/connect';
import { TaskService } from '../../gen/proto/chimera/tasks/v1/tasks_pb.js';
import type { ServiceDeps } from '../deps.js';
import type { ServiceModule } from '../module.js';
import { TaskHub } from './hub.js';
import { planningRpcs } from './planning.js';
import { startRescuer } from './rescuer.js';
import { reviewRpcs } from './review.js';
import { watchRpc } from './watch.js';
import { workRpcs } from './work.js';

export interface TaskOptions {
  /** How often expired leases are rescued; 0 disables the rescuer. */
  rescueIntervalMs: number;
  /** Where the hub LISTENs for other processes' task events; undefined: this process only. */
  listenUrl?: string;
  /** How long a finished task keeps its idempotency key. */
  keyRetentionMs: number;
  /** Events a watcher may hold unsent before it is told to list again. */
  maxQueuedWatchEvents: number;
}

export const DEFAULT_TASK_OPTIONS: TaskOptions = { rescueIntervalMs: 1_000, keyRetentionMs: 24 * 3_600_000, maxQueuedWatchEvents: 1_000 };

export function taskService(deps: ServiceDeps, hub: TaskHub, options: TaskOptions): ServiceImpl<typeof TaskService> {
  return {
    ...planningRpcs(deps, hub, { keyRetentionMs: options.keyRetentionMs }),
    ...workRpcs(deps, hub),
    ...reviewRpcs(deps, hub),
    ...watchRpc(deps, hub, { maxQueuedEvents: options.maxQueuedWatchEvents }),
  };
}

export function createTaskModule(deps: ServiceDeps, options: TaskOptions): ServiceModule & { hub: TaskHub } {
  const hub = new TaskHub({ log: deps.log, listenUrl: options.listenUrl });
  let stopRescuer = async () => {};
  return {
    service: TaskService,
    hub,
    register: (router) => router.service(TaskService, taskService(deps, hub, options)),
    start() {
      hub.start();
      if (options.rescueIntervalMs > 0) stopRescuer = startRescuer({ db: deps.db, hub, log: deps.log, intervalMs: options.rescueIntervalMs });
    },
    async stop() {
      await stopRescuer();
      await hub.stop();
    },
  };
}
