// Database and unexpected errors -> what a client may see (ARCHITECTURE.md §4). SQL text,
// constraint names and stacks stay in the log.
import { Code, ConnectError } from '@connectrpc/connect';
import pg from 'pg';
import { alreadyExists, apiError } from '../lib/errors.js';

/** Unique constraints whose violation has a precise meaning for the client. */
const uniqueViolations: Record<string, () => ConnectError> = {
  agents_live_handle_key: () => alreadyExists('HANDLE_TAKEN', 'another live agent of this tenant already uses this handle'),
};

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/** A ConnectError a client may see; unless `err` already was one, it keeps `err` as its cause. */
export function toClientError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  const mapped = classify(err);
  mapped.cause = err;
  return mapped;
}

function classify(err: unknown): ConnectError {
  if (err instanceof pg.DatabaseError) return fromSqlState(err);
  if (databaseUnavailable(err)) return apiError(Code.Unavailable, 'DATABASE_UNAVAILABLE', 'the database is unavailable; retry later');
  return internal();
}

/** Whether `err` says the database could not serve at all (unreachable, its session ended, no
 *  connection to spare), rather than that a statement failed: a client is told Unavailable. */
export function databaseUnavailable(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) return endsSession(err.code ?? '') || err.code === '53300';
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : '';
  // pg's "Client has encountered a connection error and is not queryable": a statement sent on a
  // client whose connection broke a moment before (the backend terminated, PostgreSQL restarted).
  return (typeof code === 'string' && CONNECTION_ERRORS.has(code)) || /Connection terminated|timeout exceeded when trying to connect|is not queryable/i.test(message);
}

function fromSqlState(err: pg.DatabaseError): ConnectError {
  const state = err.code ?? '';
  if (state === '23505') {
    const specific = err.constraint ? uniqueViolations[err.constraint] : undefined;
    return specific ? specific() : alreadyExists('ALREADY_EXISTS', 'the resource already exists');
  }
  if (state === '23503') return apiError(Code.FailedPrecondition, 'REFERENCE_NOT_FOUND', 'a referenced resource does not exist');
  if (state === '23514' || state === '23502' || state.startsWith('22')) {
    return apiError(Code.InvalidArgument, 'INVALID_VALUE', 'a value is malformed or out of range');
  }
  if (state === '40001' || state === '40P01') {
    return apiError(Code.Aborted, 'CONCURRENT_MODIFICATION', 'the request conflicted with concurrent changes; retry it');
  }
  if (state === '57014') return apiError(Code.DeadlineExceeded, 'DEADLINE_EXCEEDED', 'the request ran past its deadline');
  if (databaseUnavailable(err)) {
    return apiError(Code.Unavailable, 'DATABASE_UNAVAILABLE', 'the database is unavailable; retry later');
  }
  return internal();
}

/** SQLSTATEs after which the server closes the session: a connection exception, or the backend
 *  terminated (administrator command, crash of another backend, shutdown). */
function endsSession(state: string): boolean {
  return state.startsWith('08') || state === '57P01' || state === '57P02' || state === '57P03';
}

/** Whether the server ended the session of the connection that saw `err`: it must not go back to
 *  the pool, even in the moment before its socket closes (the pool itself drops a connection whose
 *  socket has closed). */
export function sessionEnded(err: unknown): boolean {
  return err instanceof pg.DatabaseError && endsSession(err.code ?? '');
}

function internal(): ConnectError {
  return apiError(Code.Internal, 'INTERNAL', 'internal error; the request id in the response headers identifies it in the logs');
}
