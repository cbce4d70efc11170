import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/db/embedded.js';

describe('embedded database (PGlite over a loopback socket)', function () {
  let db: EmbeddedDatabase;
  let pool: pg.Pool;

  before(async function () {
    this.timeout(60_000); // PGlite runs initdb on every in-memory start (~3-5 s)
    db = await startEmbeddedDatabase({ dataDir: 'memory' });
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });

  after(async function () {
    await pool?.end();
    await db?.stop();
    await db?.stop(); // idempotent
  });

  it('serves a pg connection on 127.0.0.1', async () => {
    expect(db.url).to.match(/^postgres:\/\/[^@]+@127\.0\.0\.1:\d+\/postgres\?sslmode=disable$/);
    expect(db.maxConnections).to.be.at.least(4);
    const { rows } = await pool.query<{ n: number }>('SELECT $1::int + 1 AS n', [41]);
    expect(rows[0].n).to.equal(42);
  });

  it('accepts only the password generated for this run', async () => {
    const url = new URL(db.url);
    expect(url.password).to.have.length.greaterThan(20);
    for (const password of ['postgres', '', url.password.slice(1)]) {
      const wrong = new URL(db.url);
      wrong.password = password;
      const client = new pg.Client({ connectionString: wrong.toString() });
      const err = await client.connect().then(
        () => undefined,
        (e: unknown) => e as pg.DatabaseError,
      );
      await client.end().catch(() => {});
      expect(err?.code, `password ${JSON.stringify(password)}`).to.equal('28P01');
    }
    // The right one still works, and refusals left no connection behind.
    const { rows } = await pool.query<{ n: number }>('SELECT 1 AS n');
    expect(rows[0].n).to.equal(1);
  });

  it('has pgvector', async () => {
    await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
    const { rows } = await pool.query<{ d: number }>(`SELECT '[1,0,0]'::vector <=> '[0,1,0]'::vector AS d`);
    expect(rows[0].d).to.equal(1);
  });

  it('keeps an unfinished extended-protocol batch from being interleaved with other connections', async () => {
    // All connections share one PostgreSQL session, hence one unnamed prepared statement. Connection A
    // Parses and only later Binds/Executes/Syncs (as when a large message arrives in several TCP chunks);
    // B's query must not run in between, or A's Bind would execute B's statement.
    const a = await RawConnection.open(new URL(db.url));
    try {
      // Parse, then Flush: ParseComplete shows the session has A's statement, and A holds it.
      a.send(message('P', cstr(''), cstr('SELECT $1::text AS v'), int16(0)), message('H'));
      await a.until((type) => type === '1');
      let bDone = false;
      const b = pool.query<{ i: number }>('SELECT $1::int AS i', [7]).then((r) => {
        bDone = true;
        return r.rows[0].i;
      });
      // B has arrived and waits for the session (the race is real), and has not run.
      // (A holds an unbound unnamed statement for at most 500 ms: B must queue well within that.)
      for (const deadline = Date.now() + 400; db.waiting() === 0; ) {
        if (Date.now() > deadline) throw new Error('B never queued for the session');
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(bDone, 'B ran inside A’s unfinished batch').to.equal(false);
      const value = Buffer.from('hello');
      a.send(
        message('B', cstr(''), cstr(''), int16(0), int16(1), int32(value.length), value, int16(0)),
        message('E', cstr(''), int32(0)),
        message('S'),
      );
      const reply = await a.untilReady();
      expect(reply.error).to.equal(undefined);
      expect(reply.values).to.deep.equal(['hello']);
      expect(await b).to.equal(7);
    } finally {
      a.close();
    }
  });
});

const cstr = (s: string) => Buffer.from(`${s}\0`);
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
function message(type: string, ...body: Buffer[]): Buffer {
  const payload = Buffer.concat(body);
  return Buffer.concat([Buffer.from(type), int32(payload.length + 4), payload]);
}

/** A bare frontend speaking just enough of the v3 protocol to send a batch in pieces. */
class RawConnection {
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
  }

  static async open(url: URL): Promise<RawConnection> {
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((res, rej) => socket.once('connect', res).once('error', rej));
    const conn = new RawConnection(socket);
    const params = Buffer.concat([cstr('user'), cstr('postgres'), cstr('database'), cstr('postgres'), cstr('')]);
    socket.write(Buffer.concat([int32(params.length + 8), int32(196608), params]));
    await conn.until((type, body) => type === 'R' && body.readInt32BE(0) === 3); // cleartext password, please
    const password = cstr(decodeURIComponent(url.password));
    socket.write(Buffer.concat([Buffer.from('p'), int32(password.length + 4), password]));
    await conn.untilReady();
    return conn;
  }

  send(...messages: Buffer[]): void {
    this.socket.write(Buffer.concat(messages));
  }

  /** Reads messages until one satisfies `done`. */
  async until(done: (type: string, body: Buffer) => boolean): Promise<void> {
    for (;;) {
      while (this.buf.length >= 5 && this.buf.length >= 1 + this.buf.readInt32BE(1)) {
        const type = String.fromCharCode(this.buf[0]);
        const body = this.buf.subarray(5, 1 + this.buf.readInt32BE(1));
        this.buf = this.buf.subarray(1 + this.buf.readInt32BE(1));
        if (done(type, body)) return;
      }
      await new Promise<void>((res) => (this.waiter = res));
    }
  }

  /** Reads messages up to ReadyForQuery; returns DataRow first-column values and any error message. */
  async untilReady(): Promise<{ values: string[]; error?: string }> {
    const values: string[] = [];
    let error: string | undefined;
    for (;;) {
      while (this.buf.length >= 5 && this.buf.length >= 1 + this.buf.readInt32BE(1)) {
        const type = String.fromCharCode(this.buf[0]);
        const len = this.buf.readInt32BE(1);
        const body = this.buf.subarray(5, 1 + len);
        this.buf = this.buf.subarray(1 + len);
        if (type === 'D') values.push(body.subarray(6, 6 + body.readInt32BE(2)).toString());
        if (type === 'E') error = body.toString().replace(/\0/g, ' ');
        if (type === 'Z') return { values, error };
      }
      await new Promise<void>((res) => (this.waiter = res));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
