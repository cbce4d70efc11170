// The outermost interceptor: gives each call its request id, and leaves its three signals, the
// same on both paths (connect-node's and the lean gRPC path, which run the same interceptors): one
// access log line, the call's count and latency, and, when tracing, its server span with the
// caller's traceparent as parent. Nothing here reads or logs a message, a header other than the
// request id, content type and traceparent, or a credential.
import { Code, ConnectError, type ContextValues, type Interceptor } from '@connectrpc/connect';
import { context, type Tracer } from '@opentelemetry/api';
import { ErrorInfoSchema } from '../gen/proto/google/rpc/error_details_pb.js';
import type { Logger } from '../lib/log.js';
import { logCall, logFailedCall, SERVER_FAULTS, type CallFields } from '../server/call-log.js';
import { callerKey, clientCertificateKey, remoteAddressKey, requestIdFrom, requestIdKey } from '../server/context.js';
import type { Metrics } from './metrics.js';
import { endRpcSpan, startRpcSpan } from './tracing.js';
import { PerAddressLimit } from './per-address-limit.js';

export interface CallSignalsOptions {
  log: Logger;
  metrics: Metrics;
  /** Set only when tracing (tracing.ts); unset, no span is made and no header parsed. */
  tracer?: Tracer;
  /** Successful calls are logged at `info` (the access log); false: at `debug`. */
  accessLog: boolean;
  /** Log lines of Unauthenticated calls per remote address and minute; more are counted and
   *  reported on the next line written. Default 10. */
  unauthenticatedLinesPerMinute?: number;
}

export function callSignals(opts: CallSignalsOptions): Interceptor {
  const { log, metrics, tracer } = opts;
  const successLevel = opts.accessLog ? 'info' : 'debug';
  const unauthenticatedLines = new PerAddressLimit(opts.unauthenticatedLinesPerMinute ?? 10, 60_000);

  return (next) => async (req) => {
    const requestId = requestIdFrom(req.header.get('x-request-id'));
    req.contextValues.set(requestIdKey, requestId);
    const started = performance.now();
    const signals = metrics.method(req.method);
    const traced = tracer ? startRpcSpan(tracer, signals.procedure, req.header) : undefined;
    try {
      const res = traced ? await context.with(traced.context, next, undefined, req) : await next(req);
      res.header.set('x-request-id', requestId);
      const ms = performance.now() - started;
      signals.observe(undefined, ms / 1_000);
      if (signals.countResponse && !res.stream) signals.countResponse(res.message);
      if (traced) endRpcSpan(traced.span, 0, 'ok', { tenantId: req.contextValues.get(callerKey)?.tenantId, serverFault: false });
      if (log.enabled?.(successLevel) !== false) logCall(log, successLevel, callFields(req, signals.procedure, requestId, ms, traced?.span.spanContext().traceId));
      return res;
    } catch (err) {
      const error = ConnectError.from(err);
      error.metadata.set('x-request-id', requestId);
      const ms = performance.now() - started;
      signals.observe(error.code, ms / 1_000);
      const call = callFields(req, signals.procedure, requestId, ms, traced?.span.spanContext().traceId);
      if (traced) endRpcSpan(traced.span, error.code, Code[error.code], { tenantId: call.tenantId, serverFault: SERVER_FAULTS.has(error.code) });
      if (error.code === Code.Unauthenticated) {
        // The one signal of an attempt without a valid credential: no tenant to file it under.
        metrics.unauthenticated(error.findDetails(ErrorInfoSchema)[0]?.reason ?? 'UNAUTHENTICATED');
        const allowed = unauthenticatedLines.take(call.remoteAddress ?? 'unknown');
        if (allowed === false) throw error;
        if (allowed > 0) call.suppressed = allowed;
      }
      logFailedCall(log, error, call);
      throw error;
    }
  };
}

function callFields(req: { contextValues: ContextValues }, procedure: string, requestId: string, ms: number, traceId: string | undefined): CallFields {
  const caller = req.contextValues.get(callerKey);
  return {
    procedure,
    requestId,
    code: undefined,
    ms: Math.round(ms * 100) / 100,
    tenantId: caller?.tenantId,
    keyId: caller?.keyId,
    remoteAddress: req.contextValues.get(remoteAddressKey),
    clientCertificate: req.contextValues.get(clientCertificateKey),
    traceId,
  };
}
