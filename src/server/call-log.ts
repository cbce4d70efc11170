// The log line of a call: the access log. A successful call's line is `info` (or `debug` with
// CHIMERA_ACCESS_LOG=false). A failed call's level says who has to act: a client's mistake is
// `info` with what the client was told; a server fault is `error` with its cause (SQL message,
// SQLSTATE, stack), which no client ever sees (ARCHITECTURE.md §9).
import { Code, type ConnectError } from '@connectrpc/connect';
import { ErrorInfoSchema } from '../gen/proto/google/rpc/error_details_pb.js';
import type { Level, Logger } from '../lib/log.js';

/** Codes that mean the service or its database failed; everything else the caller caused or chose. */
export const SERVER_FAULTS = new Set([Code.Internal, Code.Unknown, Code.DataLoss, Code.Unavailable]);

/** `error` for server faults; `warn` for a deadline, which a slow server or a short client deadline
 *  can cause; `info` for the rest. */
export function levelOf(code: Code): Level {
  if (SERVER_FAULTS.has(code)) return 'error';
  return code === Code.DeadlineExceeded ? 'warn' : 'info';
}

export interface CallFields {
  procedure: string;
  /** `ok`, or the code's name (set by the functions below). */
  code?: string;
  requestId: string;
  ms: number;
  /** Who called, once authenticated: never the key itself. */
  tenantId?: string;
  keyId?: string;
  remoteAddress?: string;
  /** The verified client certificate's subject (mutual TLS). */
  clientCertificate?: string;
  /** The call's trace, when tracing. */
  traceId?: string;
  /** Lines of this remote address's unauthenticated calls left out since its last one. */
  suppressed?: number;
}

/** The line of a successful call. */
export function logCall(log: Logger, level: Level, call: CallFields): void {
  call.code = 'ok';
  log[level]('call', call as unknown as Record<string, unknown>);
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
