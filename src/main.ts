// Entry point: configuration -> database (embedded or DATABASE_URL) -> migrations -> server ->
// signals. `npm start` runs this.
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { ensureDevCredentials, writeAdminTokenFile, type DevCredentials } from './dev/bootstrap.js';
import { EMBEDDED_MAX_CONNECTIONS, startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded.js';
import { applyMigrations, pendingMigrations } from './db/migrate.js';
import { createPool } from './db/pool.js';
import { Database } from './db/tx.js';
import { createLogger } from './lib/log.js';
import { startServer } from './server/server.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);

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

  const pending = await pendingMigrations(pool);
  if (pending.length > 0) {
    if (embedded || config.autoMigrate) {
      log.info('applying migrations', { pending });
      await applyMigrations(embedded ? url : (config.migrationUrl ?? url), (line) => log.info(line));
    } else {
      log.error(
        `the database schema is behind this build (pending migrations: ${pending.join(', ')}); ` +
          'run `npm run migrate` or start with CHIMERA_AUTO_MIGRATE=true',
      );
      await pool.end();
      process.exit(1);
    }
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
    rateLimits: config.rateLimits,
    connectionsPerTenant: config.connectionsPerTenant,
    grpcFastPath: config.grpcFastPath,
    // PGlite's connections share one session, where names parsed by one would collide with another's.
    namedStatements: config.namedStatements && !embedded,
    pageTokenKeys: config.pageTokenKeys,
    limits: config.limits,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal, graceMs: config.shutdownGraceMs });
    await server.shutdown(config.shutdownGraceMs);
    await pool.end();
    await embedded?.stop();
    // An in-memory run's token dies with it.
    if (inMemory && dev) rmSync(dirname(dev.adminTokenFile), { recursive: true, force: true });
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  // Announced only once the signal handlers are in place: whoever waits for this line may stop us.
  log.info('serving', { port: server.port, pid: process.pid, database: embedded ? `embedded (${config.dataDir})` : 'DATABASE_URL' });
  if (dev) printWelcome(server.port, dev, config);
}

function printWelcome(port: number, dev: DevCredentials & { adminTokenFile: string }, config: Config): void {
  const base = `http://localhost:${port}`;
  const where = config.dataDir === 'memory' ? 'in memory (gone when it stops)' : `in ${config.dataDir}/`;
  const lines = [
    '',
    `chimera-core is serving gRPC, gRPC-Web and Connect on ${base} (embedded PostgreSQL, data ${where})`,
    `  dev tenant:   ${dev.tenantId}`,
    `  dev API key:  ${dev.apiKey}`,
    `  admin token:  in ${dev.adminTokenFile} (readable by you alone)`,
    '',
    'Create an agent:',
    `  npx buf curl --http2-prior-knowledge --header 'Authorization: Bearer ${dev.apiKey}' \\`,
    `    --data '{"agent":{"handle":"first_agent","displayName":"First Agent"}}' \\`,
    `    ${base}/chimera.agents.v1.AgentService/CreateAgent`,
    'List every method:',
    `  npx buf curl --http2-prior-knowledge --list-methods ${base}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  console.error('chimera-core failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
