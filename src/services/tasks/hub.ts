// Who hears about task changes, and how. Handlers publish what they changed once their
// transaction has committed; the hub hands it at once to this process's watchers and waiting
// claims, and sends it to the other processes through PostgreSQL NOTIFY on its one dedicated
// LISTEN connection. Publishing never happens inside the tasks' own transactions (a NOTIFY
// serialises the commits of every transaction that sends one), and what is published while a
// NOTIFY is on its way is coalesced into the next one: per tenant, kind and task type.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { notifyTasks } from '../../gen/sql/tasks/notify.queries.js';
import type { Logger } from '../../lib/log.js';

export const CHANNEL = 'chimera_tasks';
/** A signal names at most this many tasks; beyond that it names none ("many: list again"). */
export const MAX_SIGNAL_IDS = 50;

export interface TaskSignal {
  tenantId: string;
  /** available: due PENDING tasks appeared; changed: tasks changed status. */
  kind: 'available' | 'changed';
  taskType: string;
  /** Empty when there were more than MAX_SIGNAL_IDS. */
  taskIds: string[];
  /** How many tasks, when known (0 when more than MAX_SIGNAL_IDS were merged). */
  count: number;
}

export type HubEvent = TaskSignal | { kind: 'resync' };

interface Subscriber {
  tenantId: string;
  /** null: every type. */
  types: ReadonlySet<string> | null;
  /** A waiting claim: an announcement of n due tasks wakes n of them, longest waiting first,
   *  rather than every one (each of which would then look for the same tasks). */
  claims: boolean;
  deliver(event: HubEvent): void;
}

export interface TaskHubOptions {
  log: Logger;
  /** Where to LISTEN (a direct connection, not through a transaction pooler); undefined: this
   *  process only (the embedded database, whose one session every connection shares). */
  listenUrl?: string;
}

export class TaskHub {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  /** Marks this process's notifications, which it has already delivered itself. */
  private readonly origin = randomUUID().slice(0, 8);
  private outbox = new Map<string, TaskSignal>();
  private client: pg.Client | undefined;
  private flushing = false;
  private isStopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> = Promise.resolve();

  constructor(private readonly options: TaskHubOptions) {}

  /** Starts listening (when there is a database to listen on), reconnecting until stopped. */
  start(): void {
    if (this.options.listenUrl) this.connecting = this.connect(0);
  }

  /** Once stopped, waiting claims answer at once. */
  get stopped(): boolean {
    return this.isStopped;
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    clearTimeout(this.reconnectTimer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
    for (const set of this.subscribers.values()) for (const s of set) s.deliver({ kind: 'resync' });
    this.subscribers.clear();
  }

  /** Calls `deliver` with every event of the tenant's tasks of `types` until unsubscribed; for
   *  `claims`, with only as many announcements of due tasks as there are tasks for it. */
  subscribe(tenantId: string, types: ReadonlySet<string> | null, deliver: (event: HubEvent) => void, options: { claims: boolean } = { claims: false }): () => void {
    const subscriber: Subscriber = { tenantId, types, claims: options.claims, deliver };
    let set = this.subscribers.get(tenantId);
    if (!set) this.subscribers.set(tenantId, (set = new Set()));
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(tenantId) === set) this.subscribers.delete(tenantId);
    };
  }

  /** Announces committed changes: here at once, to the other processes with the next NOTIFY. */
  publish(signals: TaskSignal[]): void {
    for (const signal of signals) {
      this.deliver(signal);
      if (!this.client) continue;
      const key = `${signal.tenantId} ${signal.kind} ${signal.taskType}`;
      const queued = this.outbox.get(key);
      this.outbox.set(key, queued ? merge(queued, signal) : signal);
    }
    void this.flush();
  }

  private deliver(event: HubEvent): void {
    if (event.kind === 'resync') {
      for (const set of this.subscribers.values()) for (const s of set) s.deliver(event);
      return;
    }
    const set = this.subscribers.get(event.tenantId);
    if (!set) return;
    // 0 means more than MAX_SIGNAL_IDS: wake every waiting claim.
    let claimsToWake = event.kind === 'available' && event.count > 0 ? event.count : Infinity;
    for (const s of [...set]) {
      if (s.types && !s.types.has(event.taskType)) continue;
      if (s.claims) {
        if (event.kind !== 'available' || claimsToWake === 0) continue;
        claimsToWake--;
        // To the back of the line: the next announcement wakes another claim first.
        set.delete(s);
        set.add(s);
      }
      s.deliver(event);
    }
  }

  /** Sends what was published, one NOTIFY round trip at a time. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.outbox.size > 0 && this.client) {
        const signals = [...this.outbox.values()];
        this.outbox = new Map();
        const payloads = signals.map((s) => [this.origin, s.tenantId, s.kind, s.taskType, s.count, s.taskIds.join(',')].join(' '));
        await notifyTasks.run({ channel: CHANNEL, payloads }, this.client);
      }
    } catch (err) {
      // The connection is gone: the reconnect tells every watcher to list again.
      this.options.log.warn('task notifications not sent', { error: (err as Error).message });
      this.outbox.clear();
    } finally {
      this.flushing = false;
    }
  }

  private async connect(attempt: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.listenUrl, application_name: 'chimera-core tasks' });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.received(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      client.removeAllListeners('end');
      client.on('error', () => {});
      await client.end().catch(() => {});
      this.options.log.warn('task notifications unavailable; retrying', { error: (err as Error).message, attempt });
      this.retry(attempt + 1);
      return;
    }
    if (this.isStopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    // What other processes published before this connection listened never reached this one:
    // every watcher here lists again, after the first connection as after a reconnect (a watch
    // may have started before the hub was listening).
    this.deliver({ kind: 'resync' });
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.isStopped) return;
    this.options.log.warn('task notification connection lost; reconnecting', { error: err.message });
    this.deliver({ kind: 'resync' });
    this.retry(1);
  }

  private retry(attempt: number): void {
    if (this.isStopped) return;
    const delay = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
    this.reconnectTimer = setTimeout(() => {
      this.connecting = this.connect(attempt);
    }, delay);
  }

  private received(payload: string): void {
    const [origin, tenantId, kind, taskType, count, ids] = payload.split(' ');
    if (origin === this.origin || (kind !== 'available' && kind !== 'changed') || !tenantId || !taskType) return;
    this.deliver({ tenantId, kind, taskType, count: Number(count) || 0, taskIds: ids ? ids.split(',') : [] });
  }
}

/** Two signals of one tenant, kind and type as one. */
export function merge(a: TaskSignal, b: TaskSignal): TaskSignal {
  const ids = a.count > 0 && b.count > 0 ? [...new Set([...a.taskIds, ...b.taskIds])] : [];
  const named = ids.length > 0 && ids.length <= MAX_SIGNAL_IDS;
  return { ...a, taskIds: named ? ids : [], count: named ? ids.length : 0 };
}

/** The signals of tasks a transaction changed: what changed, and what became due, per type. */
export function signalsOf(tenantId: string, rows: Array<{ id: string; task_type: string; status: string; run_time: Date }>): TaskSignal[] {
  const now = Date.now();
  const groups = new Map<string, TaskSignal>();
  const add = (kind: TaskSignal['kind'], type: string, id: string) => {
    const key = `${kind} ${type}`;
    const signal: TaskSignal = { tenantId, kind, taskType: type, taskIds: [id], count: 1 };
    const seen = groups.get(key);
    groups.set(key, seen ? merge(seen, signal) : signal);
  };
  for (const row of rows) {
    add('changed', row.task_type, row.id);
    if (row.status === 'PENDING' && row.run_time.getTime() <= now) add('available', row.task_type, row.id);
  }
  return [...groups.values()];
}
