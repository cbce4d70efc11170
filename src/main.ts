// Entry point: configuration -> database (embedded or DATABASE_URL) -> migrations -> server ->
// signals. `npm start` runs this.
import cluster from 'node:cluster';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { ensureDevCredentials, writeAdminTokenFile, type DevCredentials } from './dev/bootstrap.js';
import { EMBEDDED_MAX_CONNECTIONS, startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { createPool } from './db/pool.js';
import { Database } from './db/tx.js';
import { createLogger } from './lib/log.js';
import { startTracing } from './observability/tracing.js';
import { startServer } from './server/server.js';
import { describeTransport, readTlsFiles, type TlsCredentials } from './server/tls.js';
import { bringSchemaUpToDate, runPrimary, workerLogger, type ServingMessage } from './workers.js';

async function main(): Promise<void> {
  let config: Config;
  let tls: TlsCredentials | undefined;
  try {
    config = loadConfig();
    tls = config.tls && readTlsFiles(config.tls);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config, createLogger(config.logLevel));
  const log = cluster.worker ? workerLogger(createLogger(config.logLevel), cluster.worker) : createLogger(config.logLevel);
  // Only when OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT asks for it (tracing.ts).
  const tracing = await startTracing(process.env);

  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  const inMemory = config.dataDir === 'memory';
  if (!url) {
    embedded = await startEmbeddedDatabase({
      dataDir: inMemory ? 'memory' : join(resolve(config.dataDir), 'pgdata'),
      log: (msg) => log.info(msg),
    });
    url = embedded.url;
  }

  // Embedded: dbmate holds up to 4 socket connections while it runs, the pool gets the rest.
  const poolMax = embedded ? Math.min(config.poolMax, EMBEDDED_MAX_CONNECTIONS - 4) : config.poolMax;
  const pool = createPool(url, poolMax, log);
  // A replica that does not answer is skipped for a while (read-replica.ts): a short connect
  // timeout keeps the calls that find it down from waiting long.
  const readPool = config.readUrl && !embedded ? createPool(config.readUrl, poolMax, log, { connectTimeoutMs: 2_000 }) : undefined;

  // A worker's primary has already brought the schema up to date.
  const current =
    cluster.isWorker ||
    (await bringSchemaUpToDate({ pool, migrationUrl: embedded ? url : (config.migrationUrl ?? url), autoMigrate: Boolean(embedded) || config.autoMigrate, log }));
  if (!current) {
    await pool.end();
    process.exit(1);
  }

  let adminToken = config.adminToken;
  let dev: (DevCredentials & { adminTokenFile: string }) | undefined;
  if (embedded) {
    const stateDir = inMemory ? undefined : resolve(config.dataDir);
    const credentials = await ensureDevCredentials(new Database(pool), stateDir, adminToken);
    dev = { ...credentials, adminTokenFile: writeAdminTokenFile(stateDir, credentials.adminToken) };
    adminToken = dev.adminToken;
  }

  const server = await startServer({
    pool,
    readPool,
    log,
    port: config.port,
    // The embedded database is for trying the service on this machine: nothing else sees it.
    host: config.host ?? (embedded ? '127.0.0.1' : '0.0.0.0'),
    adminToken,
    defaultTimeoutMs: config.defaultStatementTimeoutMs,
    authCacheTtlMs: config.authCacheTtlMs,
    ledger: { sweepIntervalMs: config.ledgerSweepIntervalMs, fastPaths: config.ledgerFastPaths },
    // The embedded database is one process's: its task events need no LISTEN.
    tasks: { rescueIntervalMs: config.taskRescueIntervalMs, listenUrl: embedded ? undefined : (config.listenUrl ?? url) },
    audit: { sealIntervalMs: config.auditSealIntervalMs },
    tenancy: { keyUseFlushIntervalMs: config.keyUseFlushIntervalMs },
    rateLimits: config.rateLimits,
    connectionsPerTenant: config.connectionsPerTenant,
    grpcFastPath: config.grpcFastPath,
    // PGlite's connections share one session, where names parsed by one would collide with another's.
    namedStatements: config.namedStatements && !embedded,
    pageTokenKeys: config.pageTokenKeys,
    limits: config.limits,
    tls,
    signals: { accessLog: config.accessLog, metricsToken: config.metricsToken, processMetrics: true, tracer: tracing?.tracer },
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal, graceMs: config.shutdownGraceMs });
    await server.shutdown(config.shutdownGraceMs);
    await pool.end();
    await readPool?.end();
    await embedded?.stop();
    await tracing?.shutdown();
    // An in-memory run's token dies with it.
    if (inMemory && dev) rmSync(dirname(dev.adminTokenFile), { recursive: true, force: true });
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Renewed certificates are picked up without a restart; files that do not load leave the old ones.
  const tlsFiles = config.tls;
  if (tlsFiles) {
    process.on('SIGHUP', () => {
      try {
        server.reloadTls(readTlsFiles(tlsFiles));
        log.info('TLS certificates reloaded');
      } catch (err) {
        log.error('TLS certificates not reloaded: the previous ones stay in use', { error: (err as Error).message });
      }
    });
  }
  // A worker whose primary is gone gets no more connections: it drains and exits.
  if (cluster.isWorker) process.on('disconnect', () => void stop('disconnect'));

  // Announced only once the signal handlers are in place: whoever waits for this line may stop us.
  log.info('serving', { port: server.port, pid: process.pid, database: embedded ? `embedded (${config.dataDir})` : 'DATABASE_URL', transport: describeTransport(config.tls) });
  if (cluster.isWorker) process.send?.({ serving: true, port: server.port } satisfies ServingMessage);
  if (dev) printWelcome(server.port, dev, config);
}

function printWelcome(port: number, dev: DevCredentials & { adminTokenFile: string }, config: Config): void {
  const base = `${config.tls ? 'https' : 'http'}://localhost:${port}`;
  // Over TLS, ALPN picks HTTP/2; a certificate from a private CA also needs --cacert.
  const http2 = config.tls ? '--protocol grpc' : '--http2-prior-knowledge';
  const where = config.dataDir === 'memory' ? 'in memory (gone when it stops)' : `in ${config.dataDir}/`;
  const lines = [
    '',
    `chimera-core is serving gRPC, gRPC-Web and Connect on ${base} (embedded PostgreSQL, data ${where})`,
    `  dev tenant:   ${dev.tenantId}`,
    `  dev API key:  ${dev.apiKey}`,
    `  admin token:  in ${dev.adminTokenFile} (readable by you alone)`,
    '',
    'Create an agent:',
    `  npx buf curl ${http2} --header 'Authorization: Bearer ${dev.apiKey}' \\`,
    `    --data '{"agent":{"handle":"first_agent","displayName":"First Agent"}}' \\`,
    `    ${base}/chimera.agents.v1.AgentService/CreateAgent`,
    'List every method:',
    `  npx buf curl ${http2} --list-methods ${base}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  console.error('chimera-core failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
