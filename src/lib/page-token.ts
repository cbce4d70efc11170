// Opaque keyset page tokens: the last row's (create_time, id) plus a hash of the filters that
// produced the page, so a token cannot be replayed against a different query.
import { createHash } from 'node:crypto';
import type { Violations } from './validate.js';

export interface Cursor {
  afterTime: Date;
  afterId: string;
}

function filterHash(filters: unknown): string {
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 12);
}

export function encodePageToken(last: { create_time: Date; id: string }, filters: unknown): string {
  const payload = { t: last.create_time.toISOString(), i: last.id, f: filterHash(filters) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** Returns null cursor fields for the first page; adds a violation for a bad token. */
export function decodePageToken(v: Violations, field: string, token: string, filters: unknown): Cursor | { afterTime: null; afterId: null } {
  const none = { afterTime: null, afterId: null };
  if (token === '') return none;
  try {
    const payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { t?: unknown; i?: unknown; f?: unknown };
    const afterTime = new Date(String(payload.t));
    if (typeof payload.i !== 'string' || Number.isNaN(afterTime.getTime()) || typeof payload.f !== 'string') {
      throw new Error('malformed');
    }
    if (payload.f !== filterHash(filters)) {
      v.add(field, 'was issued for different filters; start again without a page token');
      return none;
    }
    return { afterTime, afterId: payload.i };
  } catch {
    v.add(field, 'is not a page token this service issued');
    return none;
  }
}

/** Splits a page fetched with limit+1 into the rows to return and the next token. */
export function pageOf<R extends { create_time: Date; id: string }>(rows: R[], pageSize: number, filters: unknown): { rows: R[]; nextPageToken: string } {
  if (rows.length <= pageSize) return { rows, nextPageToken: '' };
  const page = rows.slice(0, pageSize);
  return { rows: page, nextPageToken: encodePageToken(page[page.length - 1], filters) };
}
