/**
 * Embedded default database: PGlite (PostgreSQL 18 compiled to WASM) with the
 * pgvector extension, served over TCP on a loopback port so that the ordinary
 * `pg` Pool and the `dbmate` CLI can talk to it like a real server. Used when
 * no DATABASE_URL is configured.
 *
 * Rules every caller must respect (PGlite is ONE backend, multiplexed):
 *  - All connections share ONE PostgreSQL session. Only transaction-local
 *    state is safe: `SET LOCAL`, `set_config(..., true)`, `SET LOCAL ROLE`.
 *    Never use session-level `SET`/`SET ROLE`/`set_config(..., false)`, temp
 *    tables, session advisory locks, LISTEN, or NAMED prepared statements
 *    (pg's `{ name: ... }` queries): they leak into / collide with every
 *    other connection.
 *  - While one connection has a transaction open, every other connection's
 *    statements wait (forever; there is no timeout) until it commits or rolls
 *    back. Never run a query on another pool connection while holding a
 *    transaction open on a client: that deadlocks the process.
 *    Opening a new connection also waits while a transaction is open.
 *  - The pool's `max` must be <= `maxConnections` (extra connections are
 *    refused with SQLSTATE 53300). Leave >= 2 free while dbmate runs.
 *  - PGlite logs in as a superuser; use SET LOCAL ROLE to get RLS enforced.
 *  - PGlite executes synchronously on this process's main thread: a query
 *    blocks the event loop for its whole duration. statement_timeout is not
 *    enforced and cancel requests are ignored, so a runaway query cannot be
 *    stopped. PGlite runs with fsync off (-F): durable across process
 *    crashes, not across OS crashes / power loss.
 *
 * Why not PGLiteSocketServer: its multiplexer (pglite-socket 0.2.17) switches
 * connections between individual protocol messages whenever the session is
 * not inside an explicit transaction block. When a client's Parse/Bind/
 * Execute/Sync batch arrives in more than one TCP chunk (large parameters),
 * another connection's Parse replaces the unnamed prepared statement and the
 * first client's Bind executes the *other* statement with its parameters
 * (measured: INSERTs silently reported as SELECT and lost). It also wedges
 * forever if PGlite ever throws. The queue below keeps a connection's turn
 * until PGlite answers ReadyForQuery with status Idle, i.e. a whole
 * extended-protocol batch, COPY, or transaction runs without interleaving,
 * and (briefly) while a client has Parsed an unnamed statement it will Bind
 * in a second round trip (lib/pq, used by dbmate, does this).
 * The package's PGLiteSocketHandler is still used for wire framing.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket, type AddressInfo } from 'node:net';
import { resolve, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import { authenticate, newEmbeddedPassword } from './embedded-auth.js';
import { acquireDirLock, safeRead } from './embedded-lock.js';
import { ConnectionQueue, errorResponse } from './embedded-queue.js';

export interface EmbeddedDatabase {
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres?sslmode=disable: the password is made
   *  for this run, and the socket refuses any other. */
  url: string;
  /** Connections the server accepts; the app pool + dbmate must fit within it. */
  maxConnections: number;
  /** Messages from connections waiting for the one session (another holds it). */
  waiting(): number;
  /** Close the listener, all connections and PGlite (flushing data to disk). Idempotent; never hangs. */
  stop(): Promise<void>;
}

export interface StartEmbeddedDatabaseOptions {
  /** 'memory' for an in-memory database, otherwise a directory (created if missing). */
  dataDir: string | 'memory';
  log?: (msg: string) => void;
}

/**
 * Socket connections accepted. dbmate 2.28 (up / rollback / status) holds at
 * most 2 at once (measured); main.ts reserves 4 for it and the app pool gets
 * the rest. All connections share one backend, so more connections buy no
 * parallelism, only queueing.
 */
export const EMBEDDED_MAX_CONNECTIONS = 10;

const STOP_STEP_TIMEOUT_MS = 5_000;

export async function startEmbeddedDatabase(opts: StartEmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const inMemory = opts.dataDir === 'memory';
  const dataDir = inMemory ? undefined : resolve(opts.dataDir);

  let releaseLock: () => void = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = await acquireDirLock(dataDir, log);
  }

  let db: PGlite | undefined;
  let server: EmbeddedServer | undefined;
  try {
    if (dataDir) checkDataDirVersion(dataDir);
    try {
      db = await PGlite.create({
        dataDir: dataDir ?? 'memory://',
        extensions: { vector },
      });
    } catch (err) {
      throw new Error(
        `embedded PGlite failed to start${dataDir ? ` on data directory ${dataDir}` : ''}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector;');

    const password = newEmbeddedPassword();
    server = new EmbeddedServer(db, EMBEDDED_MAX_CONNECTIONS, password, log);
    const port = await server.listen('127.0.0.1', 0);
    const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres?sslmode=disable`;
    log(
      `embedded PGlite ${inMemory ? '(in-memory)' : `at ${dataDir}`} listening on 127.0.0.1:${port} ` +
        `(max ${EMBEDDED_MAX_CONNECTIONS} connections, started in ${Date.now() - started} ms)`,
    );

    let stopping: Promise<void> | undefined;
    const srv = server;
    const pgl = db;
    return {
      url,
      maxConnections: EMBEDDED_MAX_CONNECTIONS,
      waiting: () => srv.waiting(),
      stop() {
        stopping ??= (async () => {
          try {
            await withTimeout(srv.close(), STOP_STEP_TIMEOUT_MS, 'closing connections');
          } catch (err) {
            log(`embedded PGlite: ${(err as Error).message}`);
          }
          try {
            await withTimeout(pgl.close(), STOP_STEP_TIMEOUT_MS, 'PGlite close');
          } catch (err) {
            log(`embedded PGlite: ${(err as Error).message}`);
          } finally {
            releaseLock();
          }
          log('embedded PGlite stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await server?.close().catch(() => {});
    await db?.close().catch(() => {});
    releaseLock();
    throw err;
  }
}

/** This PGlite is PostgreSQL 18; a data directory from another major version cannot be opened. */
const PG_MAJOR = '18';

function checkDataDirVersion(dataDir: string): void {
  const version = safeRead(join(dataDir, 'PG_VERSION')).trim();
  if (version && version !== PG_MAJOR) {
    throw new Error(
      `embedded database directory ${dataDir} holds a PostgreSQL ${version} cluster, but the embedded ` +
        `PGlite is PostgreSQL ${PG_MAJOR}. Move the directory away (its data is not migrated automatically) ` +
        `or set DATABASE_URL.`,
    );
  }
}

// ---------------------------------------------------------------------------
// TCP server

class EmbeddedServer {
  private readonly server: Server;
  private readonly queue: ConnectionQueue;
  private readonly handlers = new Set<PGLiteSocketHandler>();
  private readonly sockets = new Set<Socket>();
  private closing = false;

  constructor(
    db: PGlite,
    private readonly maxConnections: number,
    private readonly password: string,
    private readonly log: (msg: string) => void,
  ) {
    this.queue = new ConnectionQueue(db, log);
    this.server = createServer((socket) => this.onConnection(socket));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolvePort, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.server.on('error', (err) => this.log(`embedded PGlite server error: ${err.message}`));
        resolvePort((this.server.address() as AddressInfo).port);
      });
    });
  }

  private onConnection(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => {}); // handled by the handler; never crash the process
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.handlers.size >= this.maxConnections) {
      socket.end(
        errorResponse(
          'FATAL',
          '53300',
          `sorry, too many clients already (embedded PGlite accepts ${this.maxConnections} connections)`,
        ),
      );
      return;
    }
    const handler = new PGLiteSocketHandler({
      queryQueue: this.queue as unknown as PGLiteSocketHandlerOptions['queryQueue'],
      closeOnDetach: true,
    });
    this.handlers.add(handler);
    const forget = () => this.handlers.delete(handler);
    void authenticate(socket, this.password)
      .then(async (replay) => {
        if (!replay || this.closing) {
          forget();
          if (replay) socket.destroy();
          return;
        }
        handler.addEventListener('close', forget);
        handler.addEventListener('error', forget);
        // PGlite starts the session from the startup message the check read.
        socket.unshift(replay);
        await handler.attach(socket);
        socket.resume();
      })
      .catch((err: Error) => {
        forget();
        this.log(`embedded PGlite: could not attach connection: ${err.message}`);
        socket.destroy();
      });
  }

  waiting(): number {
    return this.queue.getQueueLength();
  }

  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((res) => this.server.close(() => res()));
    // detach() rolls back a transaction left open by the connection.
    await Promise.allSettled([...this.handlers].map((h) => withTimeout(h.detach(true), 2_000, 'detach')));
    this.handlers.clear();
    for (const s of this.sockets) s.destroy();
    await closed;
    this.queue.shutdown();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
