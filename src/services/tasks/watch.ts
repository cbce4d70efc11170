// WatchTasks: a stream of the tenant's task events, fed by the hub (which has already coalesced
// them per tenant, kind and type). Each watcher queues what it has not sent yet; a watcher whose
// client reads too slowly for its queue is told to list again (RESYNC) instead of losing events
// without knowing.
import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import type { HandlerContext } from '@connectrpc/connect';
import { TaskType, WatchEventKind, WatchTasksResponseSchema, type WatchTasksRequest, type WatchTasksResponse } from '../../gen/proto/chimera/tasks/v1/tasks_pb.js';
import { Violations } from '../../lib/validate.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import type { HubEvent, TaskHub } from './hub.js';
import { TASK_TYPES } from './mapping.js';
import { storedName } from '../../lib/stored.js';
import { validateTaskType } from './validation.js';

export interface WatchOptions {
  /** Events a watcher may hold unsent before it is told to list again. */
  maxQueuedEvents: number;
}

const KINDS = { available: WatchEventKind.TASKS_AVAILABLE, changed: WatchEventKind.TASKS_CHANGED } as const;

function response(event: HubEvent | { kind: 'started' }): WatchTasksResponse {
  if (event.kind === 'resync' || event.kind === 'started') {
    return create(WatchTasksResponseSchema, { kind: event.kind === 'started' ? WatchEventKind.STARTED : WatchEventKind.RESYNC, eventTime: timestampNow() });
  }
  return create(WatchTasksResponseSchema, { kind: KINDS[event.kind], taskType: TASK_TYPES[event.taskType], taskIds: event.taskIds, eventTime: timestampNow() });
}

/** One watcher's unsent events, in order. */
export class WatchQueue {
  private events: HubEvent[] = [];
  private wake: (() => void) | undefined;

  constructor(private readonly maxQueued: number) {}

  push(event: HubEvent): void {
    if (event.kind === 'resync' || this.events.length >= this.maxQueued) this.events = [{ kind: 'resync' }];
    else this.events.push(event);
    this.wake?.();
  }

  /** The next event; undefined once `signal` aborts. */
  async next(signal: AbortSignal): Promise<HubEvent | undefined> {
    while (this.events.length === 0) {
      if (signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
        signal.addEventListener('abort', done);
      });
    }
    return this.events.shift();
  }
}

export function watchRpc(deps: ServiceDeps, hub: TaskHub, options: WatchOptions) {
  return {
    async *watchTasks(req: WatchTasksRequest, ctx: HandlerContext): AsyncGenerator<WatchTasksResponse> {
      const v = new Violations();
      req.taskTypes.forEach((type, i) => validateTaskType(v, `task_types[${i}]`, type));
      v.throwIfAny();
      const types = req.taskTypes.length === 0 ? null : new Set(req.taskTypes.map((type) => storedName(TaskType, type)!));
      const scope = tenantScope(ctx, deps);
      const queue = new WatchQueue(options.maxQueuedEvents);
      const unsubscribe = hub.subscribe(scope.tenantId, types, (event) => queue.push(event));
      try {
        yield response({ kind: 'started' });
        for (;;) {
          const event = await queue.next(ctx.signal);
          if (!event || hub.stopped) return;
          yield response(event);
        }
      } finally {
        unsubscribe();
      }
    },
  };
}
