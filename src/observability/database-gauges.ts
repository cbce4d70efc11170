// Gauges read from the database when GET /metrics is scraped: the task queue per type and the
// audit chain's lag. The two queries (sql/tasks/metrics.sql, sql/audit/metrics.sql) read only
// partial or recent index ranges, run as chimera_admin, and their answer is reused for a few
// seconds, so that however often (and however many) Prometheus servers scrape, the database
// sees at most one read per interval.
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/tx.js';
import { TaskType } from '../gen/proto/chimera/tasks/v1/tasks_pb.js';
import { auditSealLag } from '../gen/sql/audit/metrics.queries.js';
import { withoutJit } from '../gen/sql/platform/metrics.queries.js';
import { taskQueueDepth } from '../gen/sql/tasks/metrics.queries.js';
import type { Logger } from '../lib/log.js';

interface Snapshot {
  queue: Array<{ taskType: string; pending: number; oldestDueSeconds: number }>;
  unsealed: number;
  oldestUnsealedSeconds: number;
}

export class DatabaseGauges {
  private cached: { at: number; snapshot: Promise<Snapshot | undefined> } | undefined;
  /** The API's task types and any other seen: a type with no pending task reports 0 rather than
   *  vanishing. The database stores a type by its enum value's name. */
  private readonly taskTypes = new Set<string>(Object.values(TaskType).filter((v): v is string => typeof v === 'string' && v !== 'UNSPECIFIED'));

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly cacheMs: number,
  ) {}

  register(registers: Registry[]): void {
    const read = () => this.snapshot();
    const taskTypes = this.taskTypes;
    // Every known task type is reported, at 0 when none is pending, so a drained queue reads 0.
    const perTaskType = (name: string, help: string, value: (row: Snapshot['queue'][number]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['task_type'],
        registers,
        async collect() {
          const snapshot = await read();
          this.reset();
          if (!snapshot) return;
          for (const type of taskTypes) this.set({ task_type: type }, 0);
          for (const row of snapshot.queue) this.set({ task_type: row.taskType }, value(row));
        },
      });
    perTaskType('chimera_task_queue_depth', 'Pending tasks, by task type (read from the database, cached a few seconds).', (row) => row.pending);
    perTaskType(
      'chimera_task_queue_oldest_due_seconds',
      'How long the longest-waiting due pending task has waited since it fell due, by task type.',
      (row) => row.oldestDueSeconds,
    );
    new Gauge({
      name: 'chimera_audit_unsealed_events',
      help: 'Committed audit events not yet chained by the sealer.',
      registers,
      async collect() {
        const snapshot = await read();
        this.reset();
        if (snapshot) this.set(snapshot.unsealed);
      },
    });
    new Gauge({
      name: 'chimera_audit_unsealed_oldest_seconds',
      help: 'Age of the oldest audit event not yet chained (0: none).',
      registers,
      async collect() {
        const snapshot = await read();
        this.reset();
        if (snapshot) this.set(snapshot.oldestUnsealedSeconds);
      },
    });
  }

  /** The database's answer, at most `cacheMs` old; undefined (the gauges left out of the scrape)
   *  when the database could not answer, which the log says once per interval. */
  private snapshot(): Promise<Snapshot | undefined> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.cacheMs) return this.cached.snapshot;
    const snapshot = this.read().catch((err: unknown) => {
      this.log.warn('metrics: reading the task queue and audit lag failed', { error: err instanceof Error ? err.message : String(err) });
      return undefined;
    });
    this.cached = { at: now, snapshot };
    return snapshot;
  }

  private async read(): Promise<Snapshot> {
    const { queue, lag } = await this.db.adminTx({ actor: 'metrics', requestId: 'metrics', timeoutMs: 2_000 }, async (client) => {
      await withoutJit.run(undefined, client);
      return { queue: await taskQueueDepth.run(undefined, client), lag: await auditSealLag.run(undefined, client) };
    });
    for (const row of queue) this.taskTypes.add(row.task_type);
    return {
      queue: queue.map((row) => ({ taskType: row.task_type, pending: row.pending, oldestDueSeconds: Math.max(0, row.oldest_due_seconds ?? 0) })),
      unsealed: lag[0]?.unsealed ?? 0,
      oldestUnsealedSeconds: Math.max(0, lag[0]?.oldest_seconds ?? 0),
    };
  }
}
