// chimera-core as the agents and tasks benchmarks run it: the whole server (startServer, as src/main.ts
// starts it) in a process of its own, started by bench/servers/child.ts with `npm start`'s flags.
import { loadConfig } from '../../src/config.js';
import { createPool } from '../../src/db/pool.js';
import { silentLogger } from '../../src/lib/log.js';
import { startServer } from '../../src/server/server.js';
import { serveAsChild } from './child.js';

export interface CoreConfig {
  url: string;
  poolMax: number;
  /** How long an idle connection stays open (createPool's 30 s unless given). */
  idleTimeoutMs?: number;
  adminToken: string;
}

await serveAsChild<CoreConfig>(async ({ url, poolMax, idleTimeoutMs, adminToken }) => {
  const pool = createPool(url, poolMax, silentLogger);
  if (idleTimeoutMs !== undefined) pool.options.idleTimeoutMillis = idleTimeoutMs;
  // Named statements as npm start has them: on unless CHIMERA_NAMED_STATEMENTS=false.
  const { namedStatements } = loadConfig();
  const server = await startServer({ pool, log: silentLogger, port: 0, host: '127.0.0.1', adminToken, defaultTimeoutMs: 30_000, authCacheTtlMs: 5_000, namedStatements, tasks: { listenUrl: url } });
  return {
    port: server.port,
    close: async () => {
      await server.shutdown(2_000);
      await pool.end();
    },
  };
});
