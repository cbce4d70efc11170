// OpenTelemetry traces: a server span per RPC, its parent the caller's W3C traceparent, and a
// client span per SQL statement under it (src/db/query-spans.ts). The SDK starts only when the
// standard variables ask for an exporter (OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT);
// otherwise nothing of it is even loaded, and the server's per-call code sees no tracer and skips
// every step.
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export const TRACER_NAME = 'chimera-core';

export interface Tracing {
  tracer: Tracer;
  /** Flushes the spans not yet exported and unregisters the SDK. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Span processors to use instead of the exporters the OTEL_* variables name (tests). */
  spanProcessors?: SpanProcessor[];
}

/** Whether the environment asks for traces: an exporter named (other than `none`) or an OTLP endpoint. */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (exporters.length > 0) return !exporters.every((s) => s === 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the OpenTelemetry SDK for traces alone (no metrics or logs exporters: metrics are
 * Prometheus's, logs stdout's) when the environment asks for it or span processors are given;
 * undefined otherwise. The SDK reads the rest of OTEL_* itself (endpoint, headers, sampler,
 * OTEL_SERVICE_NAME, resource attributes).
 */
export async function startTracing(env: NodeJS.ProcessEnv, options: TracingOptions = {}): Promise<Tracing | undefined> {
  if (!options.spanProcessors && !tracingRequested(env)) return undefined;
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'chimera-core',
    spanProcessors: options.spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new W3CTraceContextPropagator(),
    autoDetectResources: !options.spanProcessors,
  });
  sdk.start();
  return {
    tracer: trace.getTracer(TRACER_NAME),
    async shutdown() {
      await sdk.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

const W3C = new W3CTraceContextPropagator();

const HEADERS: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/** An RPC's server span, child of the caller's `traceparent` when it sent a valid one. */
export function startRpcSpan(tracer: Tracer, procedure: string, headers: Headers): { span: Span; context: Context } {
  const parent = W3C.extract(context.active(), headers, HEADERS);
  const slash = procedure.indexOf('/');
  const span = tracer.startSpan(
    procedure,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'rpc.system': rpcSystem(headers.get('content-type')),
        'rpc.service': procedure.slice(0, slash),
        'rpc.method': procedure.slice(slash + 1),
      },
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/** Ends an RPC span with its outcome: `code` 0 is OK; server faults mark the span as an error. */
export function endRpcSpan(span: Span, code: number, codeName: string, fields: { tenantId?: string; serverFault: boolean }): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== 0) span.setAttribute('rpc.connect_rpc.error_code', codeName);
  if (fields.tenantId) span.setAttribute('chimera.tenant_id', fields.tenantId);
  if (fields.serverFault) span.setStatus({ code: SpanStatusCode.ERROR, message: codeName });
  span.end();
}

function rpcSystem(contentType: string | null): string {
  return contentType?.startsWith('application/grpc') ? 'grpc' : 'connect_rpc';
}
