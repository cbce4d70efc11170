// The lean path's call context (src/server/unary-call.ts) keeps the promises of connect's
// createHandlerContext and invokeUnaryImplementation: a signal that aborts when the call ends, at
// its deadline or when the client goes away, headers and trailers that interceptors set or
// replace, and requests that interceptors replace.
import { EventEmitter } from 'node:events';
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createContextValues, createHandlerContext, createServiceImplSpec, type HandlerContext, type Interceptor } from '@connectrpc/connect';
import { invokeUnaryImplementation } from '@connectrpc/connect/protocol';
import { expect } from 'chai';
import { AgentService, GetAgentRequestSchema, GetAgentResponseSchema } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { UnaryCall, type UnarySpec } from '../src/server/unary-call.js';

const DONE = new ConnectError('the call is complete', Code.Canceled);

function newCall(timeoutMs?: number, response = new EventEmitter()): UnaryCall {
  const call = new UnaryCall(AgentService.method.getAgent, new Headers({ authorization: 'Bearer x' }), 'http://h/p', timeoutMs, 'application/grpc+proto', response);
  call.message = create(GetAgentRequestSchema, { id: 'a' });
  return call;
}

const spec = (impl: (req: { id: string }, ctx: HandlerContext) => Promise<unknown>) =>
  createServiceImplSpec(AgentService, { getAgent: impl as never }).methods.getAgent as UnarySpec;

describe('the lean path call context', () => {
  it('a signal read during the call aborts when the call ends, with the reason it ended', async () => {
    const call = newCall();
    let signal: AbortSignal | undefined;
    const output = await call.invoke(
      spec(async (req, ctx) => {
        signal = ctx.signal;
        expect(signal.aborted).to.equal(false);
        return { agent: { id: req.id } };
      }),
      [],
    );
    expect(output).to.deep.equal(create(GetAgentResponseSchema, { agent: { id: 'a' } }));
    call.end(DONE);
    call.end(new Error('a later reason does not replace the first'));
    expect(signal!.aborted).to.equal(true);
    expect(signal!.reason).to.equal(DONE);
    expect(newCall().signal.aborted, 'made before the end, not yet aborted').to.equal(false);
  });

  it('a signal read after the call ended is born aborted', () => {
    const call = newCall(1_000);
    call.end(DONE);
    expect(call.signal.aborted).to.equal(true);
    expect(call.signal.reason).to.equal(DONE);
  });

  it('aborts at the deadline with DeadlineExceeded, and counts the time left', async () => {
    const call = newCall(30);
    expect(call.timeoutMs()).to.be.within(0, 30);
    expect(newCall().timeoutMs()).to.equal(undefined);
    const signal = call.signal;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(signal.aborted).to.equal(true);
    expect((signal.reason as ConnectError).code).to.equal(Code.DeadlineExceeded);
    expect(newCall(0).signal.aborted, 'a deadline already past').to.equal(true);
  });

  it('aborts with Canceled when the client goes away, and stops listening once the call ends', () => {
    const response = new EventEmitter();
    const call = newCall(undefined, response);
    const signal = call.signal;
    expect(response.listenerCount('close')).to.equal(1);
    response.emit('close');
    expect((signal.reason as ConnectError).code).to.equal(Code.Canceled);
    const other = newCall(undefined, response);
    void other.signal;
    other.end(DONE);
    expect(response.listenerCount('close')).to.equal(0);
  });

  it('runs the interceptors outermost first; what they set or return becomes the call headers and trailers, as with connect', async () => {
    const call = newCall();
    const connectContext = createHandlerContext({
      service: AgentService,
      method: AgentService.method.getAgent,
      protocolName: 'grpc',
      requestMethod: 'POST',
      url: 'http://h/p',
      requestHeader: new Headers({ authorization: 'Bearer x' }),
      responseHeader: { 'content-type': 'application/grpc+proto' },
      responseTrailer: { 'grpc-status': '0' },
      contextValues: createContextValues(),
    });
    const order: string[] = [];
    const interceptors: Interceptor[] = [
      (next) => async (req) => {
        order.push('outer');
        const res = await next(req);
        res.header.set('x-outer', '1');
        return res;
      },
      (next) => async (req) => {
        order.push('inner');
        // A request of its own, and a response with headers and trailers of its own.
        const res = await next({ ...req, header: new Headers({ authorization: 'replaced' }) });
        return { ...res, header: new Headers({ 'x-inner': '2' }), trailer: new Headers({ 'x-trailer': '3' }) };
      },
    ];
    let seen: HandlerContext | undefined;
    const impl = spec(async (_req, ctx) => {
      order.push('impl');
      seen = ctx;
      ctx.responseHeader.set('x-impl', '0');
      return {};
    });
    const ours = await call.invoke(impl, interceptors);
    expect(order).to.deep.equal(['outer', 'inner', 'impl']);
    expect(seen!.requestHeader.get('authorization')).to.equal('replaced');
    expect(seen!.method).to.equal(AgentService.method.getAgent);
    expect(seen!.url).to.equal('http://h/p');
    expect([...call.responseHeader]).to.deep.include.members([['x-inner', '2'], ['x-outer', '1']]);
    expect([...call.responseTrailer]).to.deep.include.members([['x-trailer', '3']]);

    const theirs = await invokeUnaryImplementation(impl, connectContext, call.message as never, interceptors);
    connectContext.abort(DONE);
    expect(ours).to.deep.equal(theirs);
    expect([...call.responseHeader]).to.deep.equal([...connectContext.responseHeader]);
    expect([...call.responseTrailer]).to.deep.equal([...connectContext.responseTrailer]);
  });
});
