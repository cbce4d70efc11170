// GET /metrics on the service's own port, HTTP/1.1 or HTTP/2: the Prometheus text format. Open by
// default, as Prometheus expects; with CHIMERA_METRICS_TOKEN it asks for that bearer token.
import { tokensEqual } from '../server/auth.js';
import type { NodeResponse } from '../server/http-errors.js';
import type { NodeRequest } from '../server/listen.js';
import type { Logger } from '../lib/log.js';
import type { Metrics } from './metrics.js';

export const METRICS_PATH = '/metrics';

export interface MetricsEndpoint {
  metrics: Metrics;
  /** The bearer token a scrape must send; undefined: none. */
  token?: string;
}

export function serveMetrics(endpoint: MetricsEndpoint, req: NodeRequest, res: NodeResponse, log: Logger): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'GET /metrics only\n', { allow: 'GET, HEAD' });
  if (endpoint.token !== undefined) {
    const sent = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(req.headers.authorization) ?? '')?.[1];
    if (!sent || !tokensEqual(sent, endpoint.token)) return plain(res, 401, 'the metrics token is missing or wrong\n', { 'www-authenticate': 'Bearer' });
  }
  endpoint.metrics.scrape().then(
    ({ contentType, body }) => {
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? '' : body);
    },
    (err: unknown) => {
      log.error('metrics: the scrape failed', { error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
      plain(res, 500, 'the scrape failed; see the log\n');
    },
  );
}

function plain(res: NodeResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
