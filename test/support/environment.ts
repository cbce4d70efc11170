// The shared test environment: database, migrated schema, a running server and admin clients.
import { createClient, type Client } from '@connectrpc/connect';
import type { DescService } from '@bufbuild/protobuf';
import pg from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { createPool } from '../../src/db/pool.js';
import { silentLogger, createLogger } from '../../src/lib/log.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server.js';
import { TenantService } from '../../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { createChimeraTransport, type ChimeraClientOptions } from '../../src/client/index.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** Short so revocation and suspension tests need not wait 5 s. */
export const AUTH_CACHE_TTL_MS = 300;
export const LEDGER_SWEEP_MS = 200;
export const TASK_RESCUE_MS = 200;
export const AUDIT_SEAL_MS = 200;
/** The suite's server signs page tokens with these, so a test can make one of its own. */
export const PAGE_TOKEN_KEYS = ['test-page-token-key-0123456789abcdef'];
/** CHIMERA_LEDGER_FAST_PATHS=false runs the suite's server on the ledger's plain path, the
 *  reference its fast paths are checked against (.ci/run runs the ledger suites both ways). */
export const LEDGER_FAST_PATHS = process.env.CHIMERA_LEDGER_FAST_PATHS !== 'false';

export interface TestEnvironment {
  /** True against a real PostgreSQL server; false on embedded PGlite (one shared session). */
  realPostgres: boolean;
  /** Whether the suite's servers use named statements (CHIMERA_NAMED_STATEMENTS, real PostgreSQL only). */
  namedStatements: boolean;
  /** The owner's URL: the tests' own reads and writes. */
  databaseUrl: string;
  /** The owner's URL straight to PostgreSQL: DATABASE_LISTEN_URL when DATABASE_URL goes through
   *  PgBouncer (.ci/run), else databaseUrl. Migrations, LISTEN, and tests that need one session
   *  (named statements, pg_terminate_backend on the service's backends) use it. */
  directUrl: string;
  /** Whether DATABASE_URL goes through a transaction pooler (DATABASE_LISTEN_URL differs from it). */
  pooled: boolean;
  /** What the suite's servers connect with: on a real server the login role chimera_service (no
   *  superuser, no BYPASSRLS, owning nothing), as in production; on PGlite the one user there is. */
  serviceUrl: string;
  /** Superuser/owner pool for assertions on what the database holds (bypasses RLS). */
  pool: pg.Pool;
  server: RunningServer;
  baseUrl: string;
  admin: Client<typeof TenantService>;
}

let env: TestEnvironment | undefined;
/** CHIMERA_NAMED_STATEMENTS=false runs the suite's servers on unnamed statements only, the
 *  reference that named statements are checked against (.ci/run runs the database suites both
 *  ways). Never on embedded PGlite, as in main.ts. */
let namedStatements = false;
let embedded: EmbeddedDatabase | undefined;
let serverPool: pg.Pool | undefined;

export function testEnv(): TestEnvironment {
  if (!env) throw new Error('test environment not started (mocha root hooks did not run)');
  return env;
}

export async function startTestEnvironment(): Promise<void> {
  let databaseUrl = process.env.DATABASE_URL;
  const realPostgres = Boolean(databaseUrl);
  if (!databaseUrl) {
    embedded = await startEmbeddedDatabase({ dataDir: 'memory' });
    databaseUrl = embedded.url;
    console.log('  (tests run on embedded PGlite: set DATABASE_URL to run them on a real PostgreSQL server)');
  }
  const directUrl = (realPostgres && process.env.DATABASE_LISTEN_URL) || databaseUrl;
  await applyMigrations(directUrl, () => {});
  const serviceUrl = realPostgres ? asServiceRole(databaseUrl) : databaseUrl;
  namedStatements = realPostgres && process.env.CHIMERA_NAMED_STATEMENTS !== 'false';
  const log = process.env.TEST_LOG ? createLogger('debug') : silentLogger;
  serverPool = createPool(serviceUrl, realPostgres ? 20 : 4, log);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: realPostgres ? 5 : 2 });
  const server = await startServer({
    pool: serverPool,
    log,
    port: 0,
    host: '127.0.0.1',
    adminToken: ADMIN_TOKEN,
    defaultTimeoutMs: 30_000,
    authCacheTtlMs: AUTH_CACHE_TTL_MS,
    ledger: { sweepIntervalMs: LEDGER_SWEEP_MS, fastPaths: LEDGER_FAST_PATHS },
    // PGlite's connections share one session: no LISTEN there (as main.ts).
    tasks: { rescueIntervalMs: TASK_RESCUE_MS, listenUrl: realPostgres ? asServiceRole(directUrl) : undefined },
    audit: { sealIntervalMs: AUDIT_SEAL_MS },
    pageTokenKeys: PAGE_TOKEN_KEYS,
    namedStatements,
  });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  env = {
    realPostgres,
    namedStatements,
    databaseUrl,
    directUrl,
    pooled: directUrl !== databaseUrl,
    serviceUrl,
    pool,
    server,
    baseUrl,
    admin: connectClient(TenantService, baseUrl, ADMIN_TOKEN),
  };
}

/** A second server on the same database (its own small pool), for tests that stop it or start it
 *  with other options. `pool` is the server's: end it after shutting the server down. */
export async function startExtraServer(options: Partial<ServerOptions> = {}): Promise<{ server: RunningServer; pool: pg.Pool }> {
  const pool = createPool(testEnv().serviceUrl, 2, silentLogger);
  const server = await startServer({
    pool,
    log: silentLogger,
    port: 0,
    host: '127.0.0.1',
    adminToken: ADMIN_TOKEN,
    defaultTimeoutMs: 30_000,
    authCacheTtlMs: AUTH_CACHE_TTL_MS,
    namedStatements,
    tasks: { listenUrl: testEnv().realPostgres ? asServiceRole(testEnv().directUrl) : undefined },
    ...options,
  });
  return { server, pool };
}

/** `url` with the service's login role (scripts/provision-postgres.sh creates it) for its user. */
export function asServiceRole(url: string): string {
  const service = new URL(url);
  service.username = process.env.CHIMERA_SERVICE_ROLE ?? 'chimera_service';
  service.password = '';
  return service.toString();
}

export async function stopTestEnvironment(): Promise<void> {
  await env?.server.shutdown(2_000);
  await serverPool?.end();
  await env?.pool.end();
  await embedded?.stop();
  env = undefined;
}

export type Protocol = 'connect-http1-json' | 'connect-http2-binary' | 'grpc';

/** What the suite's clients speak unless a test says otherwise: binary gRPC, as the internal
 *  services do (and so the server's lean unary path). TEST_PROTOCOL=connect-http2-binary runs the
 *  whole suite through connect-node's handler instead. */
const DEFAULT_PROTOCOL: Protocol = (process.env.TEST_PROTOCOL as Protocol | undefined) ?? 'grpc';

/** A client of `service` authenticated with `token`, over the given protocol: chimera-core's own
 *  client transport (src/client), without retries, so that tests see every failure as it came. */
export function connectClient<S extends DescService>(service: S, baseUrl: string, token?: string, protocol: Protocol = DEFAULT_PROTOCOL): Client<S> {
  return createClient(service, createChimeraTransport({ baseUrl, apiKey: token, adminToken: token, retry: false, ...transportOf(protocol) }));
}

/** createChimeraClient's transport options for one of the suite's protocols. */
export function transportOf(protocol: Protocol = DEFAULT_PROTOCOL): Pick<ChimeraClientOptions, 'transport' | 'httpVersion' | 'json'> {
  if (protocol === 'grpc') return { transport: 'grpc' };
  return { transport: 'connect', httpVersion: protocol === 'connect-http1-json' ? '1.1' : '2', json: protocol === 'connect-http1-json' };
}
