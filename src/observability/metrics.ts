// Prometheus metrics, served as text at GET /metrics (http-front.ts). Each server has a registry
// of its own, so that two servers in one process (the tests) never share a count. What moves per
// call (calls, latencies, ledger results) is counted as it happens, in plain numbers kept per
// method; what is a state (the pool, the task queue, the audit chain) is read when scraped.
import type { DescMethod } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Database } from '../db/tx.js';
import { CreateTransferResult, type CreateTransfersResponse } from '../gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { Logger } from '../lib/log.js';
import { DatabaseGauges } from './database-gauges.js';

export interface MetricsOptions {
  pool: pg.Pool;
  /** Where the task queue and the audit chain are read at scrape time (as chimera_admin). */
  db: Database;
  log: Logger;
  /** Node's own metrics (CPU, memory, event loop lag, GC); they start process-wide monitors, so
   *  only the service's one server turns them on (main.ts). Default false. */
  processMetrics?: boolean;
  /** How long the database's answers are reused by later scrapes; default 5 s. */
  databaseCacheMs?: number;
}

/** Few buckets, in seconds: each costs every call a comparison and every scrape a line per method. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];
/** Connect's codes are 1..16; 0 is a success. */
const CODES = 17;

const TRANSFERS_PROCEDURE = 'chimera.ledger.v1.LedgerService/CreateTransfers';

/**
 * One method's call counts by code and its latency histogram, as plain numbers. prom-client's own
 * instruments hash their labels and allocate on every observation, even through a child; here a
 * call costs a few array increments, and the numbers become samples only when scraped
 * (callMetrics below).
 */
export class MethodSignals {
  readonly byCode = new Float64Array(CODES);
  /** Observations per bucket, not cumulative; the last slot counts those above every bound. */
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  count = 0;
  sum = 0;

  constructor(
    readonly procedure: string,
    /** Counts what a successful response says, for the few methods whose results matter. */
    readonly countResponse: ((message: unknown) => void) | undefined,
  ) {}

  /** `code` undefined: the call succeeded. */
  observe(code: Code | undefined, seconds: number): void {
    this.byCode[code ?? 0]++;
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]) bucket++;
    this.buckets[bucket]++;
    this.count++;
    this.sum += seconds;
  }
}

type Sample = { labels: Record<string, string | number>; value: number; metricName?: string };

/** The calls counter and the latency histogram as prom-client metrics (what its registry asks of
 *  a metric: a name, a help text, a type and the samples). */
function callMetrics(methods: () => Iterable<MethodSignals>) {
  const metric = (name: string, help: string, type: 'counter' | 'histogram', samples: () => Sample[]) => ({
    name,
    help,
    type,
    aggregator: 'sum' as const,
    get: async () => ({ name, help, type, aggregator: 'sum' as const, values: samples() }),
  });
  return [
    metric('chimera_rpc_calls_total', 'Calls answered, by method (package.Service/Method) and code.', 'counter', () => {
      const samples: Sample[] = [];
      for (const m of methods()) {
        m.byCode.forEach((value, code) => {
          if (value > 0) samples.push({ labels: { method: m.procedure, code: code === 0 ? 'OK' : Code[code] }, value });
        });
      }
      return samples;
    }),
    metric('chimera_rpc_duration_seconds', 'Time from the call reaching the interceptors to its answer, by method.', 'histogram', () => {
      const samples: Sample[] = [];
      const bucket = 'chimera_rpc_duration_seconds_bucket';
      for (const m of methods()) {
        let cumulative = 0;
        LATENCY_BUCKETS.forEach((le, i) => {
          cumulative += m.buckets[i];
          samples.push({ metricName: bucket, labels: { le, method: m.procedure }, value: cumulative });
        });
        samples.push({ metricName: bucket, labels: { le: '+Inf', method: m.procedure }, value: m.count });
        samples.push({ metricName: 'chimera_rpc_duration_seconds_sum', labels: { method: m.procedure }, value: m.sum });
        samples.push({ metricName: 'chimera_rpc_duration_seconds_count', labels: { method: m.procedure }, value: m.count });
      }
      return samples;
    }),
  ];
}

export class Metrics {
  readonly registry = new Registry();
  private readonly unauthenticatedCalls: Counter<'reason'>;
  private readonly transfers: Counter<'result'>;
  private readonly transferResults: Array<Counter.Internal | undefined> = [];
  private readonly methods = new Map<DescMethod, MethodSignals>();

  constructor(opts: MetricsOptions) {
    const registers = [this.registry];
    for (const metric of callMetrics(() => this.methods.values())) this.registry.registerMetric(metric as never);
    this.unauthenticatedCalls = new Counter({
      name: 'chimera_unauthenticated_calls_total',
      help: 'Calls refused Unauthenticated, by reason (the log line has the remote address).',
      labelNames: ['reason'],
      registers,
    });
    this.transfers = new Counter({ name: 'chimera_ledger_transfers_total', help: 'Transfers answered by CreateTransfers, by result.', labelNames: ['result'], registers });

    const { pool } = opts;
    new Gauge({ name: 'chimera_db_pool_in_use', help: 'Database connections checked out of the pool.', registers, collect() { this.set(pool.totalCount - pool.idleCount); } });
    new Gauge({ name: 'chimera_db_pool_idle', help: 'Open database connections waiting in the pool.', registers, collect() { this.set(pool.idleCount); } });
    new Gauge({ name: 'chimera_db_pool_waiting', help: 'Units of work waiting for a database connection.', registers, collect() { this.set(pool.waitingCount); } });
    new DatabaseGauges(opts.db, opts.log, opts.databaseCacheMs ?? 5_000).register(registers);
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The signals of calls to `method`, made on its first call. */
  method(method: DescMethod): MethodSignals {
    let signals = this.methods.get(method);
    if (!signals) {
      const procedure = `${method.parent.typeName}/${method.name}`;
      const countResponse = procedure === TRANSFERS_PROCEDURE ? (message: unknown) => this.countTransfers(message as CreateTransfersResponse) : undefined;
      signals = new MethodSignals(procedure, countResponse);
      this.methods.set(method, signals);
    }
    return signals;
  }

  unauthenticated(reason: string): void {
    this.unauthenticatedCalls.labels(reason).inc();
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** A batch of up to 8,190 results is counted with one increment per distinct result. */
  private countTransfers(response: CreateTransfersResponse): void {
    const counts = new Map<number, number>();
    for (const entry of response.results) counts.set(entry.result, (counts.get(entry.result) ?? 0) + 1);
    for (const [result, count] of counts) {
      const counter = (this.transferResults[result] ??= this.transfers.labels(CreateTransferResult[result] ?? String(result)));
      counter.inc(count);
    }
  }
}
