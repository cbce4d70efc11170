// Retries of unary calls that failed in a way the API says is safe to repeat: the very same
// request message is sent again (creates carry their ids, see ids.ts), after an exponential backoff
// with jitter, or after the server's google.rpc.RetryInfo delay, and never past the call's deadline.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { ErrorInfoSchema, RetryInfoSchema } from '../gen/proto/google/rpc/error_details_pb.js';

export interface RetryOptions {
  /** Attempts in all, the first one included (1: no retry). */
  maxAttempts: number;
  /** The backoff before the second attempt; it doubles for each further one. */
  initialBackoffMs: number;
  /** The longest backoff (a server's RetryInfo delay may be longer: it is honoured). */
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 4, initialBackoffMs: 100, maxBackoffMs: 5_000 };

/** Methods where a repeat does a second thing: each attempt issues a new secret or takes new
 *  leases, and a lost answer cannot be recovered by asking again. */
const NOT_REPEATABLE = new Set(['chimera.tenancy.v1.TenantService/CreateApiKey', 'chimera.tenancy.v1.TenantService/RotateApiKey', 'chimera.tasks.v1.TaskService/ClaimTasks']);

/** The wait before retrying after `error`, or undefined when it must not be retried. Aborted is
 *  retried only for CONCURRENT_MODIFICATION (the transaction was rolled back); a stale etag or
 *  state_version would fail the same way again. ResourceExhausted is retried only when the server
 *  said when (rate limits); a message over the size limit carries no RetryInfo. */
export function retryDelay(error: ConnectError, attempt: number, options: RetryOptions, random: () => number = Math.random): number | undefined {
  const backoff = () => {
    const ceiling = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };
  switch (error.code) {
    case Code.Unavailable:
      return backoff();
    case Code.Aborted:
      return error.findDetails(ErrorInfoSchema)[0]?.reason === 'CONCURRENT_MODIFICATION' ? backoff() : undefined;
    case Code.ResourceExhausted: {
      const delay = error.findDetails(RetryInfoSchema)[0]?.retryDelay;
      if (!delay) return undefined;
      const ms = Number(delay.seconds) * 1_000 + Math.ceil(delay.nanos / 1_000_000);
      // A little on top, so that clients refused together do not all come back at once.
      return ms + Math.round(random() * Math.min(ms, options.initialBackoffMs));
    }
    default:
      return undefined;
  }
}

/** The interceptor; the outermost one, so that each attempt runs the others again. */
export function retrying(options: RetryOptions): Interceptor {
  return (next) => async (req) => {
    if (req.stream || options.maxAttempts <= 1 || NOT_REPEATABLE.has(`${req.service.typeName}/${req.method.name}`)) return next(req);
    const deadline = deadlineOf(req.header);
    // One request id for every attempt: the server's log lines of a call's attempts share it.
    if (!req.header.has('x-request-id')) req.header.set('x-request-id', randomUUID());
    for (let attempt = 1; ; attempt++) {
      try {
        return await next(req);
      } catch (err) {
        const error = ConnectError.from(err);
        const wait = attempt < options.maxAttempts ? retryDelay(error, attempt, options) : undefined;
        if (wait === undefined || req.signal.aborted) throw error;
        if (deadline !== undefined && Date.now() + wait >= deadline) throw error;
        await sleep(wait, req.signal);
        if (deadline !== undefined) setRemaining(req.header, deadline - Date.now());
      }
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(ConnectError.from(signal.reason));
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}

// The transport has already written the call's timeout into the headers (gRPC and gRPC-Web:
// grpc-timeout; Connect: connect-timeout-ms); a retry sends what is left of it.
const GRPC_UNITS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 0.001, n: 0.000_001 };

function deadlineOf(header: Headers): number | undefined {
  const connect = header.get('connect-timeout-ms');
  if (connect) return Date.now() + Number(connect);
  const grpc = /^(\d+)([HMSmun])$/.exec(header.get('grpc-timeout') ?? '');
  return grpc ? Date.now() + Number(grpc[1]) * GRPC_UNITS[grpc[2]] : undefined;
}

function setRemaining(header: Headers, ms: number): void {
  const remaining = Math.max(1, Math.floor(ms));
  if (header.has('connect-timeout-ms')) header.set('connect-timeout-ms', String(remaining));
  if (header.has('grpc-timeout')) header.set('grpc-timeout', `${remaining}m`);
}
