// What the per-call signals (src/observability/calls.ts) cost a call, without the network or the
// database around them: the outermost interceptor run over a handler that answers at once, in
// the variants an operator can choose. Log lines go to stdout through the service's own pino
// writer: send stdout to /dev/null (the figures go to stderr). Each variant runs in alternating
// rounds; the figures are medians of the rounds of the process's CPU time (user + system, all
// threads: what other load on the machine disturbs least) in microseconds per call, minus the
// bare loop's (the handler called without the interceptor).
//   npx tsx bench/signals.ts [calls per round=200000] [rounds=5] > /dev/null
import { createContextValues, type UnaryRequest, type UnaryResponse } from '@connectrpc/connect';
import { SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import pg from 'pg';
import { Database } from '../src/db/tx.js';
import { AgentService, GetAgentRequestSchema } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { create } from '@bufbuild/protobuf';
import { createLogger, silentLogger, type Level, type Logger } from '../src/lib/log.js';
import { callSignals } from '../src/observability/calls.js';
import { Metrics } from '../src/observability/metrics.js';
import { startTracing } from '../src/observability/tracing.js';
import { callerKey, remoteAddressKey, requestIdFrom, requestIdKey } from '../src/server/context.js';

const calls = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);

const toStdout = (level: Level): Logger => createLogger(level);

const method = AgentService.method.getAgent;
const message = create(GetAgentRequestSchema, { id: '00000000-0000-4000-8000-000000000000' });
const caller = { tenantId: '11111111-1111-4111-8111-111111111111', keyId: '22222222-2222-4222-8222-222222222222', scopes: ['*'] };
const answer = (req: UnaryRequest): UnaryResponse => {
  req.contextValues.set(callerKey, caller);
  return { stream: false, service: AgentService, method, header: new Headers(), trailer: new Headers(), message } as unknown as UnaryResponse;
};
const handler = async (req: UnaryRequest) => answer(req);

function request(): UnaryRequest {
  const contextValues = createContextValues().set(remoteAddressKey, '10.0.0.7');
  return { stream: false, service: AgentService, method, header: new Headers({ 'content-type': 'application/grpc' }), contextValues, message, url: '', requestMethod: 'POST', signal: undefined as never } as unknown as UnaryRequest;
}

const pool = new pg.Pool({ max: 1 });
const db = new Database(pool);
const metrics = () => new Metrics({ pool, db, log: silentLogger });
// Spans are made, ended and handed to an exporter that drops them: the cost in this process.
const dropping: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} };
const tracing = await startTracing({}, { spanProcessors: [new SimpleSpanProcessor(dropping)] });

/** The interceptor these signals replaced: a request id, and a success line at debug (skipped). */
const before = (log: Logger) => async (req: UnaryRequest) => {
  const requestId = requestIdFrom(req.header.get('x-request-id'));
  req.contextValues.set(requestIdKey, requestId);
  const started = performance.now();
  const procedure = `${req.service.typeName}/${req.method.name}`;
  const res = await handler(req);
  res.header.set('x-request-id', requestId);
  log.debug('call', { procedure, requestId, code: 'ok', ms: Math.round(performance.now() - started) });
  return res;
};

const variants: Record<string, (req: UnaryRequest) => Promise<unknown>> = {
  bare: handler,
  'before: request id, success line at debug (skipped)': before(toStdout('info')),
  'metrics, access log off (LOG_LEVEL=info, CHIMERA_ACCESS_LOG=false)': callSignals({ log: toStdout('info'), metrics: metrics(), accessLog: false })(handler as never) as never,
  'metrics + access log at info (the default)': callSignals({ log: toStdout('info'), metrics: metrics(), accessLog: true })(handler as never) as never,
  'metrics + access log + tracing (spans to memory)': callSignals({ log: toStdout('info'), metrics: metrics(), accessLog: true, tracer: tracing!.tracer })(handler as never) as never,
};

async function run(call: (req: UnaryRequest) => Promise<unknown>): Promise<number> {
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i++) await call(request());
  // Let the log writer finish what this round queued, so that its cost lands in this round.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const used = process.cpuUsage(started);
  return (used.user + used.system) / calls;
}

const results = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? Object.keys(variants) : Object.keys(variants).reverse();
  for (const name of order) results.get(name)!.push(await run(variants[name]));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = median(results.get('bare')!);
console.error(`bare loop: ${bare.toFixed(2)} µs of CPU per call (${calls} calls, ${rounds} rounds)`);
for (const [name, us] of results) if (name !== 'bare') console.error(`${name}: +${(median(us) - bare).toFixed(2)} µs of CPU per call`);
await tracing?.shutdown();
await pool.end();
