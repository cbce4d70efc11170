// Assembles the server: routes + interceptors on one port, and the shutdown sequence.
import type * as http2 from 'node:http2';
import type { Tracer } from '@opentelemetry/api';
import type pg from 'pg';
import { pendingMigrations } from '../db/migrate.js';
import { ReadReplica } from '../db/read-replica.js';
import { loadStatementNames } from '../db/query-spans.js';
import { Database } from '../db/tx.js';
import type { Logger } from '../lib/log.js';
import { PageTokens } from '../lib/page-token.js';
import { encodeProtobufStringsWithBuffer } from '../lib/protobuf-strings.js';
import { callSignals } from '../observability/calls.js';
import { Metrics } from '../observability/metrics.js';
import { ApiKeyResolver } from './auth.js';
import { HealthState } from './health.js';
import { authentication, errorMapping, InFlight } from './interceptors.js';
import { httpFront } from './http-front.js';
import { listen, type ConnectionLimits } from './listen.js';
import type { TlsCredentials } from './tls.js';
import { GrpcUnaryPath } from './grpc-unary.js';
import { DEFAULT_LEDGER_OPTIONS, type LedgerOptions } from '../services/ledger/module.js';
import { DEFAULT_TASK_OPTIONS, type TaskOptions } from '../services/tasks/module.js';
import { DEFAULT_AUDIT_OPTIONS, type AuditOptions } from '../services/audit/module.js';
import { DEFAULT_TENANCY_OPTIONS, type TenancyOptions } from '../services/tenancy/module.js';
import { deniedCallRecorder, otherTenantMissAuditing } from '../services/audit/denied.js';
import { DEFAULT_RATE_LIMITS, rateLimiting, type RateLimits } from './rate-limits.js';
import { policyFor, RESPONSE_ENCODERS, routes, serviceModules } from './routes.js';

export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Logs, metrics and traces (src/observability/). */
export interface SignalOptions {
  /** Successful calls logged at info (the access log); false: at debug. Default true. */
  accessLog?: boolean;
  /** The bearer token GET /metrics asks for; unset: none. */
  metricsToken?: string;
  /** Node's process metrics on /metrics (process-wide monitors: the service's one server only). */
  processMetrics?: boolean;
  /** How long the gauges read from the database are reused by later scrapes; default 5 s. */
  metricsCacheMs?: number;
  /** Traces of calls and statements (observability/tracing.ts); unset: no tracing, at no cost. */
  tracer?: Tracer;
}

export interface ServerOptions {
  pool: pg.Pool;
  /** A read replica's pool (DATABASE_READ_URL) for the reads that may lag: similarity searches,
   *  lists and summaries (db/read-replica.ts). Unset: they go to `pool`. */
  readPool?: pg.Pool;
  log: Logger;
  port: number;
  host: string;
  adminToken: string | undefined;
  defaultTimeoutMs: number;
  authCacheTtlMs: number;
  /** Serve unary binary-gRPC calls on the lean path (grpc-unary.ts); default true. */
  grpcFastPath?: boolean;
  /** Parse each statement once per connection (db/named-statements.ts); default false, the
   *  reference path. Never on embedded PGlite, whose connections share one session. */
  namedStatements?: boolean;
  /** Idle timeout and caps on connections and streams (listen.ts); defaults in DEFAULT_CONNECTION_LIMITS. */
  limits?: Partial<ConnectionLimits>;
  /** TLS on the port, mutual with a client CA (tls.ts, CHIMERA_TLS_*); unset: cleartext. */
  tls?: TlsCredentials;
  /** Page token signing keys, the signing one first (CHIMERA_PAGE_TOKEN_KEYS); none: a random key. */
  pageTokenKeys?: string[];
  /** The ledger's fast paths and sweeper (services/ledger/module.ts); defaults: on, every second. */
  ledger?: Partial<LedgerOptions>;
  /** The task queue's rescuer, hub and limits (services/tasks/module.ts). The hub LISTENs only
   *  with a listenUrl: other processes' task events reach this one only then. */
  tasks?: Partial<TaskOptions>;
  /** Token buckets per tenant and per key (rate-limits.ts); defaults in DEFAULT_RATE_LIMITS. */
  rateLimits?: Partial<RateLimits>;
  /** Connections one tenant's calls may hold at once; default the pool's size less 2. */
  connectionsPerTenant?: number;
  /** The audit chain's sealer (services/audit/module.ts); default every second. */
  audit?: Partial<AuditOptions>;
  /** The access log, GET /metrics and tracing (SignalOptions); defaults: access log on, no token, no tracing. */
  signals?: SignalOptions;
  /** How often keys' last uses are written (services/tenancy/module.ts); default every 30 s. */
  tenancy?: Partial<TenancyOptions>;
}

export interface RunningServer {
  port: number;
  health: HealthState;
  /** How many calls the lean unary gRPC path has served (the rest went through connect-node). */
  grpcFastPathCalls(): number;
  /** New connections get these certificates (a port started with `tls` only; SIGHUP in main.ts). */
  reloadTls(credentials: TlsCredentials): void;
  /** Health NOT_SERVING, refuse new calls, let in-flight ones finish (bounded), close the port. */
  shutdown(graceMs: number): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  encodeProtobufStringsWithBuffer();
  // One tenant's calls may hold all but a few of the pool's connections (tenant-slots.ts).
  const connectionsPerTenant = opts.connectionsPerTenant ?? Math.max(1, (opts.pool.options.max ?? 10) - 2);
  const replica = opts.readPool
    ? new ReadReplica(opts.readPool, { log: opts.log, connectionsPerTenant: Math.max(1, (opts.readPool.options.max ?? 10) - 2) })
    : undefined;
  const tracer = opts.signals?.tracer;
  if (tracer) await loadStatementNames();
  const db = new Database(opts.pool, { namedStatements: opts.namedStatements, connectionsPerTenant, replica, tracer });
  const metrics = new Metrics({ pool: opts.pool, db, log: opts.log, processMetrics: opts.signals?.processMetrics, databaseCacheMs: opts.signals?.metricsCacheMs });
  const modules = serviceModules({ db, log: opts.log, defaultTimeoutMs: opts.defaultTimeoutMs, pageTokens: new PageTokens(opts.pageTokenKeys) }, {
    tenancy: { ...DEFAULT_TENANCY_OPTIONS, ...opts.tenancy },
    ledger: { ...DEFAULT_LEDGER_OPTIONS, ...opts.ledger },
    tasks: { ...DEFAULT_TASK_OPTIONS, ...opts.tasks },
    audit: { ...DEFAULT_AUDIT_OPTIONS, ...opts.audit },
  });
  const health = new HealthState(
    async () => (await pendingMigrations(opts.pool)).length === 0,
    modules.map((m) => m.service.typeName),
  );
  const keyObservers = modules.flatMap((m) => (m.keyUsed ? [m.keyUsed.bind(m)] : []));
  const keys = new ApiKeyResolver(db, { ttlMs: opts.authCacheTtlMs, onUse: (caller) => keyObservers.forEach((observe) => observe(caller)) });
  const inFlight = new InFlight((service) => policyFor(service, '')?.kind === 'public');
  const interceptors = [
    callSignals({ log: opts.log, metrics, tracer, accessLog: opts.signals?.accessLog ?? true }),
    errorMapping(),
    inFlight.interceptor(),
    authentication(policyFor, keys, opts.adminToken, deniedCallRecorder(db, opts.log)),
    rateLimiting({ ...DEFAULT_RATE_LIMITS, ...opts.rateLimits }),
    otherTenantMissAuditing(db, opts.log),
  ];
  const unary = new GrpcUnaryPath({ interceptors, readMaxBytes: MAX_MESSAGE_BYTES, writeMaxBytes: MAX_MESSAGE_BYTES, log: opts.log, metrics, encoders: RESPONSE_ENCODERS });
  const serviceRoutes = routes(modules, health);
  const fastPath = opts.grpcFastPath ?? true;
  const handler = httpFront({
    routes: (router) => serviceRoutes(unary.recording(router)),
    router: { interceptors, readMaxBytes: MAX_MESSAGE_BYTES, writeMaxBytes: MAX_MESSAGE_BYTES },
    log: opts.log,
    metrics: { metrics, token: opts.signals?.metricsToken },
    fastPath: (req, res) =>
      fastPath && req.httpVersionMajor === 2 && unary.handle(req as http2.Http2ServerRequest, res as http2.Http2ServerResponse),
  });
  const listener = await listen(handler, { port: opts.port, host: opts.host, log: opts.log, limits: opts.limits, tls: opts.tls });
  for (const m of modules) m.start();

  return {
    port: listener.port,
    health,
    grpcFastPathCalls: () => unary.served,
    reloadTls: (credentials) => listener.reloadTls(credentials),
    async shutdown(graceMs) {
      health.setDraining();
      await Promise.all(modules.map((m) => m.stop()));
      const started = Date.now();
      await inFlight.drain(graceMs);
      await listener.close(Math.max(0, graceMs - (Date.now() - started)));
    },
  };
}
