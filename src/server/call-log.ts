// The log line of a failed call. Its level says who has to act: a client's mistake is `info` with
// what the client was told; a server fault is `error` with its cause (SQL message, SQLSTATE,
// stack), which no client ever sees (ARCHITECTURE.md §9).
import { Code, type ConnectError } from '@connectrpc/connect';
import { ErrorInfoSchema } from '../gen/proto/google/rpc/error_details_pb.js';
import type { Level, Logger } from '../lib/log.js';

/** Codes that mean the service or its database failed; everything else the caller caused or chose. */
const SERVER_FAULTS = new Set([Code.Internal, Code.Unknown, Code.DataLoss, Code.Unavailable]);

/** `error` for server faults; `warn` for a deadline, which a slow server or a short client deadline
 *  can cause; `info` for the rest. */
export function levelOf(code: Code): Level {
  if (SERVER_FAULTS.has(code)) return 'error';
  return code === Code.DeadlineExceeded ? 'warn' : 'info';
}

export interface CallFields {
  procedure: string;
  requestId: string;
  ms: number;
}

export function logFailedCall(log: Logger, error: ConnectError, call: CallFields): void {
  const level = levelOf(error.code);
  const fields: Record<string, unknown> = {
    ...call,
    code: Code[error.code],
    reason: error.findDetails(ErrorInfoSchema)[0]?.reason,
    clientMessage: error.rawMessage,
  };
  if (level !== 'info') {
    // A mapped error keeps the original (a pg error, a thrown Error) as its cause.
    const cause = (error.cause ?? error) as Partial<Error> & { code?: unknown; detail?: unknown };
    fields.error = cause.message ?? String(cause);
    fields.errorCode = cause.code;
    fields.detail = cause.detail;
    if (level === 'error') fields.stack = cause.stack;
  }
  log[level]('call', fields);
}
