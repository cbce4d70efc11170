// The HTTP side of every request, in front of connect-node's protocol handlers. It does what
// connectNodeAdapter does (find the method by path, hand it the request, write its response) and
// also: gives every request an id, echoed in x-request-id; lets the lean unary gRPC path go first;
// and answers with a body that names the problem, and logs, whatever connect-node would refuse
// with a bare HTTP status (unknown path, no Host, wrong HTTP method, missing or unsupported content
// type) or would throw out of the request handler. GET /metrics is answered here too.
import { Code, ConnectError, createConnectRouter, createContextValues, type ConnectRouter, type ConnectRouterOptions } from '@connectrpc/connect';
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from '@connectrpc/connect-node';
import type { UniversalHandler, UniversalServerResponse } from '@connectrpc/connect/protocol';
import type { Logger } from '../lib/log.js';
import { METRICS_PATH, serveMetrics, type MetricsEndpoint } from '../observability/metrics-endpoint.js';
import { clientCertificateKey, remoteAddressKey, requestIdFrom } from './context.js';
import { logMalformed, reclassifyDecodingFailure } from './malformed.js';
import { sendRefusal, type NodeResponse, type Refusal } from './http-errors.js';
import type { NodeHandler, NodeRequest } from './listen.js';
import { clientSubject } from './tls.js';

export interface HttpFrontOptions {
  routes(router: ConnectRouter): void;
  router: Pick<ConnectRouterOptions, 'interceptors' | 'readMaxBytes' | 'writeMaxBytes'>;
  log: Logger;
  /** Serves the request and returns true, or returns false without touching it. */
  fastPath?(req: NodeRequest, res: NodeResponse): boolean;
  /** GET /metrics; unset: that path is refused as any unknown one. */
  metrics?: MetricsEndpoint;
}

const UNARY_TYPES = 'application/json or application/proto (Connect), application/grpc (gRPC) or application/grpc-web';
const STREAM_TYPES = 'application/connect+json or application/connect+proto (Connect), application/grpc (gRPC) or application/grpc-web';

export function httpFront(opts: HttpFrontOptions): NodeHandler {
  const router = createConnectRouter({ acceptCompression: [compressionGzip, compressionBrotli], ...opts.router });
  opts.routes(router);
  const methods = new Map(router.handlers.map((h) => [h.requestPath, h]));

  return (req, res) => {
    const requestId = requestIdFrom(headerValue(req.headers['x-request-id']));
    // The interceptors take the id from the request header: every path then logs the same one.
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '').split('?', 1)[0];
    const refuse = (refusal: Refusal) => {
      opts.log.info('refused', { requestId, status: refusal.status, method: req.method, path, httpVersion: req.httpVersion, problem: refusal.message });
      sendRefusal(res, refusal, requestId);
    };

    const method = methods.get(path);
    if (!method && path === METRICS_PATH && opts.metrics) return serveMetrics(opts.metrics, req, res, opts.log);
    if (!method) {
      return refuse({ status: 404, code: 'unimplemented', message: `no RPC at ${path}; paths are /<package>.<Service>/<Method>` });
    }
    // connect-node builds the request's URL from it and throws when it is missing or empty.
    const authority = 'authority' in req ? req.authority : req.headers.host;
    if (!authority) return refuse({ status: 400, code: 'invalid_argument', message: 'the request has no Host header (or HTTP/2 :authority)' });
    if (opts.fastPath?.(req, res)) return;

    const started = performance.now();
    const procedure = `${method.method.parent.typeName}/${method.method.name}`;
    const remoteAddress = req.socket.remoteAddress;
    const contextValues = createContextValues().set(remoteAddressKey, remoteAddress).set(clientCertificateKey, clientSubject(req.socket));
    method(universalRequestFromNodeRequest(req, res, undefined, contextValues))
      .then((answer) => {
        if (answer.status >= 400 && answer.body === undefined) return refuse(explain(answer, req, path, method));
        const reclassified = reclassifyDecodingFailure(answer, (error) =>
          logMalformed(opts.log, error, { procedure, requestId, started, remoteAddress }, opts.metrics?.metrics.method(method.method)),
        );
        return universalResponseToNodeResponse(reclassified, res);
      })
      .catch((err: unknown) => {
        const error = ConnectError.from(err);
        if (error.code === Code.Aborted) return; // the client went away while the answer was written
        opts.log.error('request failed', { requestId, method: req.method, path, error: error.message, stack: error.stack });
        sendRefusal(res, { status: 500, code: 'internal', message: 'internal error; the x-request-id header identifies it in the logs' }, requestId);
      });
  };
}

/** What a bare status from connect-node's protocol negotiation means for this request. */
function explain(answer: UniversalServerResponse, req: NodeRequest, path: string, method: UniversalHandler): Refusal {
  const headers: Record<string, string> = {};
  answer.header?.forEach((value, key) => (headers[key] = value));
  const streaming = method.method.methodKind !== 'unary';
  switch (answer.status) {
    case 405:
      return {
        status: 405,
        code: 'unimplemented',
        message: `HTTP ${req.method} is not allowed for ${path}; use ${method.allowedMethods.join(' or ')}`,
        headers: { ...headers, allow: method.allowedMethods.join(', ') },
      };
    case 415: {
      const type = headerValue(req.headers['content-type']);
      const problem = type ? `content-type "${type}" is not supported` : 'the request has no content-type';
      return { status: 415, code: 'invalid_argument', message: `${problem} for ${path}; send ${streaming ? STREAM_TYPES : UNARY_TYPES}`, headers };
    }
    case 505:
      return { status: 505, code: 'unimplemented', message: `${path} streams in both directions and needs HTTP/2`, headers };
    default:
      return { status: answer.status, code: 'unknown', message: `the request was refused (HTTP ${answer.status})`, headers };
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
