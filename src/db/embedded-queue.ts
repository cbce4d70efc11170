// The message queue every connection to the embedded database shares: PGlite is one backend, so
// a connection keeps its turn until a whole extended-protocol batch, COPY or transaction has run
// (see embedded.ts for why pglite-socket's own multiplexer is not used).
import type { PGlite } from '@electric-sql/pglite';

/** Warn when other connections have been blocked this long behind one connection. */
const BLOCKED_WARN_MS = 10_000;

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

export class ConnectionQueue {
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
export function errorResponse(severity: string, code: string, message: string): Buffer {
  const fields = Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${message}\0\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0, 'ascii');
  header.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([header, fields]);
}
