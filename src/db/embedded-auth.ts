// The embedded database's password check. PGlite trusts whoever connects and makes them superuser,
// so the socket server runs the start of the protocol itself: it refuses SSL, reads the startup
// message, asks for a cleartext password (the socket is loopback only) and compares it with the one
// generated for this run. Only then does PGlite see the connection, starting from the same
// startup message.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { errorResponse } from './embedded-queue.js';

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** A startup message or password this long is not one a client sends. */
const MAX_MESSAGE = 10_000;
const AUTH_CLEARTEXT = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]); // 'R', length 8, code 3

/** A password for one run of the embedded database, safe in a URL. */
export function newEmbeddedPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** Reads whole protocol messages off a socket until detached. */
class MessageReader {
  private buffered = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private failed: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    this.wake?.();
  };
  private readonly onEnd = () => {
    this.failed = new Error('the connection closed during authentication');
    this.wake?.();
  };

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData);
    socket.on('close', this.onEnd);
  }

  /** A message of `headerBytes` (1 with a type byte, 0 without) before its int32 length. */
  async next(headerBytes: 0 | 1): Promise<Buffer> {
    for (;;) {
      if (this.failed) throw this.failed;
      if (this.buffered.length >= headerBytes + 4) {
        const length = headerBytes + this.buffered.readInt32BE(headerBytes);
        if (length < headerBytes + 4 || length > MAX_MESSAGE) throw new Error('malformed message during authentication');
        if (this.buffered.length >= length) {
          const message = this.buffered.subarray(0, length);
          this.buffered = this.buffered.subarray(length);
          return message;
        }
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Stops reading (the socket stays paused) and returns what was read past the last message. */
  detach(): Buffer {
    this.socket.pause();
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onEnd);
    return this.buffered;
  }
}

function sameSecret(given: Buffer, expected: string): boolean {
  const digest = (b: Buffer) => createHash('sha256').update(b).digest();
  return timingSafeEqual(digest(given), digest(Buffer.from(expected)));
}

/**
 * Runs the connection's authentication. Resolves with the bytes PGlite must see first (the startup
 * message and whatever followed it) once the password matched; with undefined when the connection
 * was refused (and is being closed). The socket is left paused.
 */
export async function authenticate(socket: Socket, password: string, timeoutMs = 10_000): Promise<Buffer | undefined> {
  const reader = new MessageReader(socket);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const refuse = (code: string, message: string) => {
    socket.end(errorResponse('FATAL', code, message));
    return undefined;
  };
  try {
    let startup = await reader.next(0);
    while (startup.length === 8 && [SSL_REQUEST, GSS_REQUEST].includes(startup.readInt32BE(4))) {
      socket.write('N');
      startup = await reader.next(0);
    }
    const code = startup.readInt32BE(4);
    if (code === CANCEL_REQUEST) return refuse('0A000', 'cancel requests are not supported by the embedded database');
    if (code !== PROTOCOL_3) return refuse('08P01', 'unsupported frontend protocol');
    socket.write(AUTH_CLEARTEXT);
    const reply = await reader.next(1);
    // 'p': the password, NUL-terminated.
    const given = reply[0] === 0x70 ? reply.subarray(5, reply.length - 1) : Buffer.alloc(0);
    if (!sameSecret(given, password)) return refuse('28P01', 'password authentication failed (the embedded database takes only the password in its URL)');
    return Buffer.concat([startup, reader.detach()]);
  } catch {
    socket.destroy();
    return undefined;
  } finally {
    clearTimeout(timer);
    reader.detach();
  }
}
