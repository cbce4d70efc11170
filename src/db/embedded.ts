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
import { mkdirSync, openSync, closeSync, writeSync, readFileSync, unlinkSync, statSync } from 'node:fs';
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';
import { resolve, dirname, basename, join } from 'node:path';
import { hostname } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** postgres://postgres:postgres@127.0.0.1:PORT/postgres?sslmode=disable */
  url: string;
  /** Connections the server accepts; the app pool + dbmate must fit within it. */
  maxConnections: number;
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
/** Warn when other connections have been blocked this long behind one connection. */
const BLOCKED_WARN_MS = 10_000;

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

    server = new EmbeddedServer(db, EMBEDDED_MAX_CONNECTIONS, log);
    const port = await server.listen('127.0.0.1', 0);
    const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
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
    handler.addEventListener('close', forget);
    handler.addEventListener('error', forget);
    handler.attach(socket).catch((err: Error) => {
      forget();
      this.log(`embedded PGlite: could not attach connection: ${err.message}`);
      socket.destroy();
    });
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

// ---------------------------------------------------------------------------
// Message queue shared by all connections (duck-types pglite-socket's
// QueryQueueManager: enqueue / clearQueueForHandler / clearTransactionIfNeeded
// / getQueueLength).

interface QueueItem {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: Error) => void;
  /** internal: reset protocol/transaction state left by a vanished connection */
  reset?: boolean;
}

const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S' Sync
const MSG_TERMINATE = 0x58; // 'X'
const MSG_PARSE = 0x50; // 'P'
const MSG_BIND = 0x42; // 'B'
const MSG_QUERY = 0x51; // 'Q'
const RESP_PARSE_COMPLETE = 0x31; // '1'
const RESP_READY_FOR_QUERY = 0x5a; // 'Z'
const TX_IDLE = 0x49; // 'I'
/**
 * Clients such as lib/pq (dbmate) Parse an unnamed statement, Sync, wait for
 * the Describe answer and only then Bind it in a second round trip. The
 * connection keeps its turn in between, for at most this long.
 */
const UNNAMED_HOLD_MS = 500;

type OwnerReason = 'batch' | 'transaction' | 'unnamed';

class ConnectionQueue {
  private queue: QueueItem[] = [];
  private processing = false;
  private dead = false;
  /** Connection that owns the session: mid-batch, in COPY, in a transaction, or between Parse and Bind. */
  private owner: number | null = null;
  private ownerReason: OwnerReason | null = null;
  private ownerActive = 0;
  private lastWarn = 0;
  private recheck: NodeJS.Timeout | undefined;
  /** Connections that parsed an unnamed statement they have not bound yet. */
  private readonly pendingUnnamed = new Set<number>();

  constructor(
    private readonly db: PGlite,
    private readonly log: (msg: string) => void,
  ) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.dead) return reject(new Error('embedded database is shut down'));
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.pendingUnnamed.delete(handlerId);
    this.queue = this.queue.filter((item) => {
      if (item.handlerId !== handlerId || item.reset) return true;
      item.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  /** Called when a connection goes away: undo any half-finished batch / open transaction it left. */
  clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId || this.dead) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.queue.unshift({
        handlerId,
        message: SYNC,
        onData: () => {},
        resolve: () => resolve(),
        reject: () => resolve(),
        reset: true,
      });
      void this.process();
    });
  }

  shutdown(): void {
    this.dead = true;
    clearTimeout(this.recheck);
    for (const item of this.queue) item.reject(new Error('embedded database is shut down'));
    this.queue = [];
  }

  private next(): QueueItem | undefined {
    if (this.owner !== null) {
      const i = this.queue.findIndex((item) => item.handlerId === this.owner);
      if (i !== -1) return this.queue.splice(i, 1)[0];
      if (this.queue.length === 0) return undefined;
      const waited = Date.now() - this.ownerActive;
      if (this.ownerReason === 'unnamed' && waited >= UNNAMED_HOLD_MS) {
        // It is not coming back for its statement (e.g. a describe-only client); let the others run.
        this.pendingUnnamed.delete(this.owner);
        this.setOwner(null, null);
      } else {
        if (this.ownerReason === 'transaction') this.warnIfBlocked();
        return undefined; // wait for the owner's next message (or its disconnect)
      }
    }
    return this.queue.shift();
  }

  private warnIfBlocked(): void {
    const now = Date.now();
    if (now - this.ownerActive < BLOCKED_WARN_MS || now - this.lastWarn < BLOCKED_WARN_MS) return;
    this.lastWarn = now;
    this.log(
      `embedded PGlite: ${this.queue.length} message(s) from other connections have waited ` +
        `${Math.round((now - this.ownerActive) / 1000)}s for connection #${this.owner}, which holds an open ` +
        `transaction and sends nothing (single-session database: a query on another connection while ` +
        `holding a transaction deadlocks)`,
    );
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        if (this.dead) {
          item.reject(new Error('embedded database is shut down'));
          continue;
        }
        try {
          item.resolve(item.reset ? await this.reset(item) : await this.run(item));
        } catch (err) {
          item.reject(err as Error);
        }
      }
    } finally {
      this.processing = false;
    }
    // Others are blocked behind an owner: re-check later (unnamed-hold expiry, deadlock warning).
    if (this.owner !== null && this.queue.length > 0 && !this.dead && !this.recheck) {
      const delay = this.ownerReason === 'unnamed' ? UNNAMED_HOLD_MS : BLOCKED_WARN_MS;
      this.recheck = setTimeout(() => {
        this.recheck = undefined;
        void this.process();
      }, delay);
      this.recheck.unref();
    }
  }

  private async run(item: QueueItem): Promise<number> {
    const h = item.handlerId;
    const msg = item.message;
    if (msg[0] === MSG_TERMINATE && msg.length === 5) {
      // Client is leaving; PGlite must not see Terminate. Clean up like a disconnect.
      this.pendingUnnamed.delete(h);
      if (this.owner === h) await this.reset(item);
      return 0;
    }
    const scan = new ResponseScanner();
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(msg, {
        onRawData: (data: Uint8Array) => {
          scan.feed(data);
          item.onData(data);
        },
      }),
    );

    if (msg[0] === MSG_PARSE && msg[5] === 0 && scan.parseComplete) this.pendingUnnamed.add(h);
    else if (msg[0] === MSG_BIND && bindsUnnamedStatement(msg)) this.pendingUnnamed.delete(h);
    else if (msg[0] === MSG_QUERY) this.pendingUnnamed.delete(h);

    if (scan.readyStatus === undefined) this.setOwner(h, 'batch'); // mid-batch, COPY, or startup
    else if (scan.readyStatus !== TX_IDLE || this.db.isInTransaction()) this.setOwner(h, 'transaction');
    else if (this.pendingUnnamed.has(h)) this.setOwner(h, 'unnamed');
    else this.setOwner(null, null);
    return scan.bytes;
  }

  /** Finish a half-sent batch (Sync) and roll back an open transaction left by a vanished connection. */
  private async reset(item: QueueItem): Promise<number> {
    this.pendingUnnamed.delete(item.handlerId);
    try {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(SYNC, { onRawData: () => {} }));
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } catch (err) {
      this.log(`embedded PGlite: resetting session after connection #${item.handlerId} left: ${(err as Error).message}`);
    }
    this.setOwner(null, null);
    return 0;
  }

  private setOwner(id: number | null, reason: OwnerReason | null): void {
    this.ownerActive = Date.now();
    this.owner = id;
    this.ownerReason = reason;
  }
}

/** Bind: 'B' int32 len, portal name\0, statement name\0, ... — true if the statement name is empty. */
function bindsUnnamedStatement(msg: Uint8Array): boolean {
  const portalEnd = msg.indexOf(0, 5);
  return portalEnd !== -1 && msg[portalEnd + 1] === 0;
}

/** Follows backend message framing across chunks; remembers ParseComplete and the last ReadyForQuery status. */
class ResponseScanner {
  bytes = 0;
  parseComplete = false;
  /** Status byte of ReadyForQuery if it was the last complete message seen. */
  readyStatus: number | undefined;
  private header = new Uint8Array(5);
  private headerLen = 0;
  private type = 0;
  private remaining = 0;

  feed(data: Uint8Array): void {
    this.bytes += data.length;
    let i = 0;
    while (i < data.length) {
      if (this.remaining === 0 && this.headerLen < 5) {
        this.header[this.headerLen++] = data[i++];
        if (this.headerLen === 5) {
          this.type = this.header[0];
          const len = ((this.header[1] << 24) | (this.header[2] << 16) | (this.header[3] << 8) | this.header[4]) >>> 0;
          this.remaining = Math.max(0, len - 4);
          this.readyStatus = undefined;
          if (this.type === RESP_PARSE_COMPLETE) this.parseComplete = true;
          if (this.remaining === 0) this.headerLen = 0;
        }
        continue;
      }
      const take = Math.min(this.remaining, data.length - i);
      if (this.type === RESP_READY_FOR_QUERY && take > 0) this.readyStatus = data[i];
      i += take;
      this.remaining -= take;
      if (this.remaining === 0) this.headerLen = 0;
    }
  }
}

/** A v3 protocol ErrorResponse message. */
function errorResponse(severity: string, code: string, message: string): Buffer {
  const fields = Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${message}\0\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0, 'ascii');
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}

// ---------------------------------------------------------------------------
// Data directory lock

/**
 * PGlite has no postmaster and takes no lock on its data directory: a second
 * process opening the same directory starts happily and both then write to it
 * with separate buffer caches (corruption). Guard it with `<dataDir>.lock`:
 *  - normally a Unix socket we listen on. A live owner accepts connections
 *    (and tells its pid); a socket file left by a dead process refuses them,
 *    so it is stale and taken over. Immune to pid reuse and hostname changes
 *    (container restarts).
 *  - where that is impossible (Windows, path too long for a socket, a
 *    filesystem without socket files) a pid file, stale if the pid is dead.
 */
async function acquireDirLock(dataDir: string, log: (msg: string) => void): Promise<() => void> {
  const lockPath = join(dirname(dataDir), `${basename(dataDir)}.lock`);
  if (process.platform !== 'win32' && Buffer.byteLength(lockPath) <= 100) {
    const release = await socketLock(dataDir, lockPath, log);
    if (release) return release;
  }
  return pidLock(dataDir, lockPath, log);
}

function inUseError(dataDir: string, lockPath: string, owner: string): Error {
  return new Error(
    `embedded database directory ${dataDir} is already in use (held by ${owner}; lock ${lockPath}). ` +
      `Stop that process, or set DATABASE_URL to use a PostgreSQL server.`,
  );
}

/** Returns a release function, or undefined if a socket lock cannot be used here. */
async function socketLock(
  dataDir: string,
  lockPath: string,
  log: (msg: string) => void,
): Promise<(() => void) | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const server = createServer((s) => s.end(`${process.pid}\n`));
    const err = await new Promise<NodeJS.ErrnoException | undefined>((res) => {
      server.once('error', res);
      server.listen(lockPath, () => res(undefined));
    });
    if (!err) {
      server.unref();
      server.on('error', () => {});
      let released = false;
      return () => {
        if (released) return;
        released = true;
        server.close(); // removes the socket file
      };
    }
    if (err.code !== 'EADDRINUSE') {
      log(`embedded PGlite: socket lock unavailable (${err.code}); using a pid lock file`);
      return undefined;
    }
    const owner = await probeSocket(lockPath);
    if (owner === 'refused') {
      // Either a socket left by a dead process, or a pid file from the fallback lock.
      if (!isSocket(lockPath)) return undefined;
      log(`embedded PGlite: removing stale lock ${lockPath}`);
      try {
        unlinkSync(lockPath);
      } catch {
        /* raced with another starter; retry */
      }
      continue;
    }
    throw inUseError(dataDir, lockPath, owner ? `pid ${owner}` : 'unknown pid');
  }
  throw new Error(`embedded database directory ${dataDir}: could not acquire lock ${lockPath}`);
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/** 'refused' if nobody listens on the socket, else the owner's pid ('' if it did not say). */
function probeSocket(path: string): Promise<string | 'refused'> {
  return new Promise((res) => {
    let data = '';
    const s = connect(path);
    s.setTimeout(2_000, () => s.destroy());
    s.on('data', (d) => (data += d.toString()));
    s.on('error', (e: NodeJS.ErrnoException) =>
      res(e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'ENOTSOCK' ? 'refused' : ''),
    );
    s.on('close', () => res(data.trim()));
  });
}

/** Lock paths this process holds as pid files (so our own pid in a lock is not mistaken for a live owner after pid reuse). */
const heldPidLocks = new Set<string>();

function pidLock(dataDir: string, lockPath: string, log: (msg: string) => void): () => void {
  const me = `${process.pid}\n${hostname()}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const [pidLine = '', host = ''] = safeRead(lockPath).split('\n');
      const pid = Number(pidLine);
      const ours = pid === process.pid && heldPidLocks.has(lockPath);
      const alive = Number.isInteger(pid) && pid > 0 && (ours || (pid !== process.pid && processAlive(pid)));
      if (!alive) {
        log(`embedded PGlite: removing stale lock ${lockPath} (pid ${pidLine || '?'} is not running)`);
        try {
          unlinkSync(lockPath);
        } catch {
          /* raced with another starter; retry */
        }
        continue;
      }
      throw inUseError(dataDir, lockPath, `pid ${pidLine}${host ? ` on ${host}` : ''}`);
    }
    try {
      writeSync(fd, me);
    } finally {
      closeSync(fd);
    }
    heldPidLocks.add(lockPath);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      heldPidLocks.delete(lockPath);
      try {
        if (safeRead(lockPath) === me) unlinkSync(lockPath);
      } catch {
        /* ignore */
      }
    };
  }
  throw new Error(`embedded database directory ${dataDir}: could not acquire lock ${lockPath}`);
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
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
