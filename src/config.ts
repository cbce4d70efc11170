// Environment -> typed configuration, validated once at start.

export interface Config {
  /** Port serving gRPC, gRPC-Web and Connect (HTTP/2 and HTTP/1.1, cleartext or with `tls`). */
  port: number;
  /** Listen address; undefined: 127.0.0.1 for the embedded database, else 0.0.0.0. */
  host: string | undefined;
  /** PEM files for TLS on the port (src/server/tls.ts); with clientCaFile, mutual TLS.
   *  Undefined: cleartext. */
  tls: { certFile: string; keyFile: string; clientCaFile: string | undefined } | undefined;
  /** PostgreSQL URL the service connects with (its login role); undefined: embedded PGlite. */
  databaseUrl: string | undefined;
  /** A read replica's URL (its login role as databaseUrl's) for similarity searches, lists and
   *  summaries (src/db/read-replica.ts); undefined: every read goes to databaseUrl. */
  readUrl: string | undefined;
  /** URL that applies migrations (the schema's owner); undefined: databaseUrl. */
  migrationUrl: string | undefined;
  /** Embedded database directory, or 'memory' for a throwaway run. */
  dataDir: string;
  /** Apply pending migrations at start (DATABASE_URL mode). */
  autoMigrate: boolean;
  /** Server processes sharing the port (node:cluster, src/workers.ts), each with its own pool;
   *  more than 1 needs DATABASE_URL. */
  workers: number;
  /** Bearer token for TenantService; undefined disables the admin plane. */
  adminToken: string | undefined;
  poolMax: number;
  /** Upper bound on a call's statement_timeout when the client sets no deadline. */
  defaultStatementTimeoutMs: number;
  /** How long in-flight calls may run after SIGTERM before connections are cut. */
  shutdownGraceMs: number;
  /** How long a resolved API key is trusted before it is looked up again (revocation delay). */
  authCacheTtlMs: number;
  /** How often expired ledger reservations are voided (0 disables). */
  ledgerSweepIntervalMs: number;
  /** The ledger's fast paths (group commit, decided batches, insert first); false: the plain path. */
  ledgerFastPaths: boolean;
  /** Calls per second and bursts per tenant and per API key (0: no limit). */
  rateLimits: { tenantPerSecond: number; tenantBurst: number; keyPerSecond: number; keyBurst: number };
  /** Database connections one tenant's calls may hold at once; undefined: the pool's size less 2. */
  connectionsPerTenant: number | undefined;
  /** How often committed audit events are chained (0 disables the sealer). */
  auditSealIntervalMs: number;
  /** How often tasks with expired leases are returned to PENDING (0 disables). */
  taskRescueIntervalMs: number;
  /** How often API keys' last uses are written (0: not recorded). */
  keyUseFlushIntervalMs: number;
  /** A direct PostgreSQL URL for the task hub's LISTEN connection (not through a transaction
   *  pooler); undefined: databaseUrl. */
  listenUrl: string | undefined;
  /** Serve unary binary-gRPC calls on the lean path (src/server/grpc-unary.ts). */
  grpcFastPath: boolean;
  /** Parse each statement once per database connection (src/db/named-statements.ts); never on
   *  the embedded database. False: unnamed statements only, for PgBouncer before 1.21. */
  namedStatements: boolean;
  /** Idle timeout and caps on connections and HTTP/2 streams (src/server/listen.ts). */
  limits: { idleTimeoutMs: number; maxConnections: number; maxConcurrentStreams: number };
  /** Page token signing keys: the first signs, all verify. Empty: a random key per process. */
  pageTokenKeys: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** One `info` line per successful call (the access log); false: at `debug` only. */
  accessLog: boolean;
  /** A bearer token GET /metrics requires; undefined: the endpoint is open, as Prometheus expects. */
  metricsToken: string | undefined;
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error, got "${logLevel}"`);
  }
  const adminToken = env.CHIMERA_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('CHIMERA_ADMIN_TOKEN must be at least 16 characters');
  }
  const pageTokenKeys = (env.CHIMERA_PAGE_TOKEN_KEYS ?? '').split(',').filter((k) => k !== '');
  if (pageTokenKeys.some((k) => k.length < 32)) throw new ConfigError('CHIMERA_PAGE_TOKEN_KEYS must be a comma-separated list of keys of at least 32 characters each');
  const workers = integer(env, 'CHIMERA_WORKERS', 1, 1, 256);
  // The embedded database lives inside one process: other processes cannot share it.
  if (workers > 1 && !env.DATABASE_URL) throw new ConfigError('CHIMERA_WORKERS above 1 needs DATABASE_URL: the embedded database serves one process');
  const tls = tlsFiles(env);
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || undefined,
    tls,
    databaseUrl: env.DATABASE_URL || undefined,
    readUrl: env.DATABASE_READ_URL || undefined,
    migrationUrl: env.CHIMERA_MIGRATION_URL || undefined,
    dataDir: env.CHIMERA_DATA || '.chimera',
    autoMigrate: boolean(env, 'CHIMERA_AUTO_MIGRATE', true),
    workers,
    adminToken,
    poolMax: integer(env, 'CHIMERA_POOL_MAX', 20, 1, 1000),
    defaultStatementTimeoutMs: integer(env, 'CHIMERA_STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000),
    shutdownGraceMs: integer(env, 'CHIMERA_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    authCacheTtlMs: integer(env, 'CHIMERA_AUTH_CACHE_TTL_MS', 5_000, 0, 5_000),
    ledgerSweepIntervalMs: integer(env, 'CHIMERA_LEDGER_SWEEP_MS', 1_000, 0, 3_600_000),
    ledgerFastPaths: boolean(env, 'CHIMERA_LEDGER_FAST_PATHS', true),
    taskRescueIntervalMs: integer(env, 'CHIMERA_TASK_RESCUE_MS', 1_000, 0, 3_600_000),
    auditSealIntervalMs: integer(env, 'CHIMERA_AUDIT_SEAL_MS', 1_000, 0, 3_600_000),
    keyUseFlushIntervalMs: integer(env, 'CHIMERA_KEY_USE_FLUSH_MS', 30_000, 0, 3_600_000),
    rateLimits: {
      tenantPerSecond: integer(env, 'CHIMERA_TENANT_CALLS_PER_SECOND', 20_000, 0, 10_000_000),
      tenantBurst: integer(env, 'CHIMERA_TENANT_CALL_BURST', 40_000, 1, 100_000_000),
      keyPerSecond: integer(env, 'CHIMERA_KEY_CALLS_PER_SECOND', 10_000, 0, 10_000_000),
      keyBurst: integer(env, 'CHIMERA_KEY_CALL_BURST', 20_000, 1, 100_000_000),
    },
    connectionsPerTenant: env.CHIMERA_CONNECTIONS_PER_TENANT ? integer(env, 'CHIMERA_CONNECTIONS_PER_TENANT', 0, 0, 1000) : undefined,
    listenUrl: env.DATABASE_LISTEN_URL || undefined,
    grpcFastPath: boolean(env, 'CHIMERA_GRPC_FAST_PATH', true),
    namedStatements: boolean(env, 'CHIMERA_NAMED_STATEMENTS', true),
    pageTokenKeys,
    limits: {
      idleTimeoutMs: integer(env, 'CHIMERA_IDLE_TIMEOUT_MS', 60_000, 1_000, 3_600_000),
      maxConnections: integer(env, 'CHIMERA_MAX_CONNECTIONS', 1_000, 1, 1_000_000),
      maxConcurrentStreams: integer(env, 'CHIMERA_MAX_STREAMS_PER_CONNECTION', 100, 1, 10_000),
    },
    logLevel: logLevel as Config['logLevel'],
    accessLog: boolean(env, 'CHIMERA_ACCESS_LOG', true),
    metricsToken: env.CHIMERA_METRICS_TOKEN || undefined,
  };
}

// A certificate without its key (or the reverse) is a mistake, not a request for cleartext.
function tlsFiles(env: NodeJS.ProcessEnv): Config['tls'] {
  const certFile = env.CHIMERA_TLS_CERT || undefined;
  const keyFile = env.CHIMERA_TLS_KEY || undefined;
  const clientCaFile = env.CHIMERA_TLS_CLIENT_CA || undefined;
  if (certFile && keyFile) return { certFile, keyFile, clientCaFile };
  if (certFile || keyFile) throw new ConfigError('CHIMERA_TLS_CERT and CHIMERA_TLS_KEY go together: set both or neither');
  if (clientCaFile) throw new ConfigError('CHIMERA_TLS_CLIENT_CA needs CHIMERA_TLS_CERT and CHIMERA_TLS_KEY: mutual TLS is TLS with client certificates');
  return undefined;
}
