// Traces: a server span per RPC whose parent is the caller's traceparent, and a client span per
// SQL statement under it, named after the statement and carrying none of its parameters. The
// exporter is in memory, set up here as OTEL_* variables would set up a real one.
import { randomUUID } from 'node:crypto';
import { createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { createLogger } from '../src/lib/log.js';
import { startTracing, tracingRequested, type Tracing } from '../src/observability/tracing.js';
import type { RunningServer } from '../src/server/server.js';
import { startExtraServer } from './support/environment.js';
import { newTenant } from './support/fixtures.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

function agentsClient(baseUrl: string, apiKey: string, protocol: 'grpc' | 'connect') {
  const headers: Interceptor = (next) => (req) => {
    req.header.set('authorization', `Bearer ${apiKey}`);
    req.header.set('traceparent', `00-${CALLER_TRACE}-${CALLER_SPAN}-01`);
    return next(req);
  };
  const transport = protocol === 'grpc' ? createGrpcTransport({ baseUrl, interceptors: [headers] }) : createConnectTransport({ baseUrl, httpVersion: '1.1', interceptors: [headers] });
  return createClient(AgentService, transport);
}

/** Spans end after the answer is written: wait until `done` says what is exported is complete. */
async function spansUntil(exporter: InMemorySpanExporter, done: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
  for (let i = 0; i < 100; i++) {
    const spans = exporter.getFinishedSpans();
    if (done(spans)) return spans;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return exporter.getFinishedSpans();
}

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const lines: Array<Record<string, unknown>> = [];
  let tracing: Tracing;
  let server: RunningServer;
  let end: () => Promise<void>;

  before(async () => {
    tracing = (await startTracing({}, { spanProcessors: [new SimpleSpanProcessor(exporter)] }))!;
    const log = createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const extra = await startExtraServer({ log, signals: { tracer: tracing.tracer } });
    server = extra.server;
    end = async () => {
      await extra.server.shutdown(1_000);
      await extra.pool.end();
    };
  });
  after(async () => {
    await end();
    await tracing.shutdown();
  });

  for (const protocol of ['grpc', 'connect'] as const) {
    it(`a GetAgent over ${protocol} is a server span under the caller's traceparent, with its SQL statements under it`, async () => {
      const { apiKey } = await newTenant();
      const agents = agentsClient(`http://127.0.0.1:${server.port}`, apiKey, protocol);
      const { agent } = await agents.createAgent({ agent: { handle: `t_${randomUUID().slice(0, 8)}`, displayName: 'T' } });
      exporter.reset();

      await agents.getAgent({ id: agent!.id });

      const spans = await spansUntil(exporter, (s) => s.some((x) => x.name === 'chimera.agents.v1.AgentService/GetAgent') && s.some((x) => x.name === 'getAgent'));
      const rpc = spans.find((s) => s.name === 'chimera.agents.v1.AgentService/GetAgent');
      expect(rpc, 'the RPC span').to.not.equal(undefined);
      expect(rpc!.kind).to.equal(SpanKind.SERVER);
      expect(rpc!.spanContext().traceId).to.equal(CALLER_TRACE);
      expect(rpc!.parentSpanContext?.spanId).to.equal(CALLER_SPAN);
      expect(rpc!.attributes).to.include({ 'rpc.service': 'chimera.agents.v1.AgentService', 'rpc.method': 'GetAgent', 'rpc.grpc.status_code': 0 });

      const sql = spans.filter((s) => s.attributes['db.system'] === 'postgresql' && s.parentSpanContext?.spanId === rpc!.spanContext().spanId);
      const access = lines.filter((l) => l.msg === 'call' && l.procedure === 'chimera.agents.v1.AgentService/GetAgent').pop();
      expect(access?.traceId, 'the access line names the trace').to.equal(CALLER_TRACE);
      const names = sql.map((s) => s.name);
      expect(names).to.include('getAgent');
      expect(names).to.include('setTenantContext');
      for (const s of sql) {
        expect(s.kind).to.equal(SpanKind.CLIENT);
        expect(s.spanContext().traceId).to.equal(CALLER_TRACE);
        expect(JSON.stringify(s.attributes), 'no parameter in a statement span').to.not.include(agent!.id);
      }
    });
  }

  it('a failing statement marks its span as an error', async () => {
    const { apiKey } = await newTenant();
    const agents = agentsClient(`http://127.0.0.1:${server.port}`, apiKey, 'grpc');
    await agents.createAgent({ agent: { handle: 'twin', displayName: 'A' } });
    exporter.reset();
    await agents.createAgent({ agent: { handle: 'twin', displayName: 'B' } }).catch(() => undefined);
    const spans = await spansUntil(exporter, (s) => s.some((x) => x.name === 'chimera.agents.v1.AgentService/CreateAgent'));
    const failed = spans.filter((s) => s.attributes['db.system'] === 'postgresql' && s.status.code === SpanStatusCode.ERROR);
    expect(failed.map((s) => s.name)).to.include('insertAgent');
    expect(failed.find((s) => s.name === 'insertAgent')!.attributes['db.response.status_code']).to.equal('23505');
  });

  it('the OTEL_* variables turn tracing on, and their absence leaves it off', () => {
    expect(tracingRequested({})).to.equal(false);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'none' })).to.equal(false);
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).to.equal(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).to.equal(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).to.equal(false);
  });
});
