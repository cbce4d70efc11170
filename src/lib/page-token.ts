// Opaque keyset page tokens: the last row's (create_time, id) and a hash of the filters that
// produced the page, so a token cannot be replayed against a different query, signed with a
// server key (HMAC-SHA256) so that no cursor a client made up ever reaches SQL. Keys rotate: the
// first key signs, every key verifies (CHIMERA_PAGE_TOKEN_KEYS, README).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Violations } from './validate.js';

export interface Cursor {
  afterTime: Date;
  afterId: string;
}

/** What a page's rows may come to, as estimated by the list's `bytesOf`: half the 4 MiB message
 *  limit, for JSON's overhead over the estimate. */
export const MAX_PAGE_BYTES = 2 * 1024 * 1024;

/** Tokens this service issues are far shorter; a longer one is refused unread. */
const MAX_TOKEN_LENGTH = 512;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;
/** What a cursor's id may be: a UUID, or an account version (digits). */
const CURSOR_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9]{1,18})$/;

function filterHash(filters: unknown): string {
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 12);
}

export class PageTokens {
  private readonly keys: Buffer[];

  /** `keys`: the signing key first, then older keys still accepted. None: a random key of this
   *  process (tokens then work only on the instance that issued them, until it restarts). */
  constructor(keys: string[] = []) {
    this.keys = keys.length > 0 ? keys.map((k) => Buffer.from(k)) : [randomBytes(32)];
  }

  encode(last: { create_time: Date; id: string }, filters: unknown): string {
    const payload = Buffer.from(JSON.stringify({ t: last.create_time.toISOString(), i: last.id, f: filterHash(filters) })).toString('base64url');
    return `${payload}.${this.mac(this.keys[0], payload).toString('base64url')}`;
  }

  /** Returns null cursor fields for the first page; adds a violation for a bad token. */
  decode(v: Violations, field: string, token: string, filters: unknown): Cursor | { afterTime: null; afterId: null } {
    const none = { afterTime: null, afterId: null };
    if (token === '') return none;
    const payload = token.length <= MAX_TOKEN_LENGTH && TOKEN_SHAPE.test(token) ? this.verified(token) : undefined;
    const cursor = payload && parse(payload);
    if (!cursor) {
      v.add(field, 'is not a page token this service issued');
      return none;
    }
    if (cursor.f !== filterHash(filters)) {
      v.add(field, 'was issued for different filters; start again without a page token');
      return none;
    }
    return { afterTime: cursor.afterTime, afterId: cursor.afterId };
  }

  /** Splits a page fetched with limit+1 into the rows to return and the next token. With
   *  `bytesOf`, the page also ends before its rows pass MAX_PAGE_BYTES (after one row at least). */
  page<R extends { create_time: Date; id: string }>(
    rows: R[],
    pageSize: number,
    filters: unknown,
    options: { bytesOf?: (row: R) => number } = {},
  ): { rows: R[]; nextPageToken: string } {
    const size = options.bytesOf ? fitting(rows, pageSize, options.bytesOf) : Math.min(rows.length, pageSize);
    if (size === rows.length) return { rows, nextPageToken: '' };
    const page = rows.slice(0, size);
    return { rows: page, nextPageToken: this.encode(page[page.length - 1], filters) };
  }

  private mac(key: Buffer, payload: string): Buffer {
    return createHmac('sha256', key).update(payload).digest().subarray(0, 16);
  }

  /** The payload, if one of the keys signed it. */
  private verified(token: string): string | undefined {
    const [payload, signature] = token.split('.');
    const given = Buffer.from(signature, 'base64url');
    return this.keys.some((key) => timingSafeEqual(this.mac(key, payload), given)) ? payload : undefined;
  }
}

/** How many of the first `max` rows fit in MAX_PAGE_BYTES by `bytesOf` (one at least). */
export function fitting<R>(rows: R[], max: number, bytesOf: (row: R) => number): number {
  let bytes = 0;
  for (let i = 0; i < Math.min(rows.length, max); i++) {
    bytes += bytesOf(rows[i]);
    if (bytes > MAX_PAGE_BYTES && i > 0) return i;
  }
  return Math.min(rows.length, max);
}

/** A row's JSON size, near enough for a page's budget: its fields' JSON text. */
export function jsonBytes(...values: unknown[]): number {
  return values.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : (JSON.stringify(v)?.length ?? 0)), 0);
}

function parse(payload: string): (Cursor & { f: string }) | undefined {
  try {
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { t?: unknown; i?: unknown; f?: unknown };
    const afterTime = new Date(String(p.t));
    if (typeof p.i !== 'string' || !CURSOR_ID.test(p.i) || Number.isNaN(afterTime.getTime()) || typeof p.f !== 'string') return undefined;
    return { afterTime, afterId: p.i, f: p.f };
  } catch {
    return undefined;
  }
}
