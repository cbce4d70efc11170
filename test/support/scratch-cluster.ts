// A PostgreSQL cluster of the test's own (initdb on a temporary directory and port), for tests that
// stop or restart the server: the shared one is never disturbed. Uses the binaries of the server
// DATABASE_URL names; as root, it runs them as the postgres user, as PostgreSQL requires.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/DB?sslmode=disable */
  url(database: string): string;
  /** Runs scripts/provision-postgres.sh against it (roles, database, pgvector): the owner's URL. */
  provision(database: string): string;
  start(): void;
  stop(): void;
  /** Stops with `-m fast` (sessions are terminated) and starts again. */
  restart(): void;
  /** Stops it and removes its directory. */
  remove(): void;
  /** A streaming replica of it (pg_basebackup into a directory of its own, another port), started
   *  and hot standby: it serves reads of what it has replayed. */
  replica(): Promise<ScratchCluster>;
}

/** The directory of pg_ctl and initdb, or undefined when this machine has none. */
export function postgresBinaries(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    return existsSync(join(dir, 'initdb')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function createScratchCluster(): Promise<ScratchCluster> {
  return startCluster((run, data) => run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']));
}

type Run = (tool: string, args: string[]) => void;

/** A cluster in a new temporary directory on a free port, its data directory made by `create`.
 *  initdb's pg_hba.conf trusts replication connections from 127.0.0.1, and wal_level is replica,
 *  so that pg_basebackup can copy it. */
async function startCluster(create: (run: Run, data: string) => void): Promise<ScratchCluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('no PostgreSQL binaries (pg_config --bindir) on this machine');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'chimera-cluster-'));
  const data = join(dir, 'data');
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  const run = (tool: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : join(bin, tool), asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args, { stdio: 'pipe' });
  const port = await freePort();
  create(run, data);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c wal_level=replica`;
  const ctl = (...args: string[]) => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', ...args]);
  const cluster: ScratchCluster = {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}?sslmode=disable`,
    provision: (database) =>
      execFileSync('bash', ['scripts/provision-postgres.sh'], {
        encoding: 'utf8',
        env: { ...process.env, PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', CHIMERA_DB_NAME: database },
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim(),
    start: () => ctl('start'),
    stop: () => ctl('stop', '-m', 'fast'),
    restart: () => ctl('restart', '-m', 'fast'),
    remove() {
      try {
        ctl('stop', '-m', 'immediate');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
    // -R writes standby.signal and primary_conninfo; -X stream copies the WAL the copy needs.
    replica: () => startCluster((copy, replicaData) => copy('pg_basebackup', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-D', replicaData, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'])),
  };
  cluster.start();
  return cluster;
}

