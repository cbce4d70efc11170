// GET /metrics: Prometheus text on the service's port, counting calls by method and code on both
// paths, with the pool, the task queue, the audit chain and the ledger's results.
import { randomUUID } from 'node:crypto';
import * as http2 from 'node:http2';
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { LedgerService } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { RunningServer } from '../src/server/server.js';
import { connectClient, startExtraServer, type Protocol } from './support/environment.js';
import { expectError, newTenant } from './support/fixtures.js';
import { createTask, newTaskTenant } from './support/tasks.js';

/** Every sample of an exposition: `name{labels}` -> value. Throws on a line that is not one. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    samples.set(match[1], Number(match[2]));
  }
  return samples;
}

async function scrape(server: RunningServer, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers });
  expect(res.status).to.equal(200);
  expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

const GET_AGENT = 'chimera.agents.v1.AgentService/GetAgent';
const calls = (samples: Map<string, number>, method: string, code: string) => samples.get(`chimera_rpc_calls_total{method="${method}",code="${code}"}`) ?? 0;

describe('metrics', () => {
  let server: RunningServer;
  let end: () => Promise<void>;
  before(async () => {
    // Gauges read from the database fresh at every scrape, so that each test sees its own rows.
    const extra = await startExtraServer({ signals: { metricsCacheMs: 0 } });
    server = extra.server;
    end = async () => {
      await extra.server.shutdown(1_000);
      await extra.pool.end();
    };
  });
  after(() => end());

  for (const protocol of ['grpc', 'connect-http1-json'] as Protocol[]) {
    it(`a GetAgent over ${protocol} counts once under its method and code, with its latency`, async () => {
      const { apiKey } = await newTenant();
      const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, apiKey, protocol);
      const { agent } = await agents.createAgent({ agent: { handle: `m_${randomUUID().slice(0, 8)}`, displayName: 'M' } });
      const before = await scrape(server);

      await agents.getAgent({ id: agent!.id });
      await expectError(agents.getAgent({ id: randomUUID() }), Code.NotFound);

      const after = await scrape(server);
      expect(calls(after, GET_AGENT, 'OK') - calls(before, GET_AGENT, 'OK')).to.equal(1);
      expect(calls(after, GET_AGENT, 'NotFound') - calls(before, GET_AGENT, 'NotFound')).to.equal(1);
      const count = (s: Map<string, number>) => s.get(`chimera_rpc_duration_seconds_count{method="${GET_AGENT}"}`) ?? 0;
      expect(count(after) - count(before)).to.equal(2);
      expect(after.get(`chimera_rpc_duration_seconds_bucket{le="+Inf",method="${GET_AGENT}"}`)).to.equal(count(after));
    });
  }

  it('the pool, task queue and audit chain gauges are there, the queue counting a pending task', async () => {
    const t = await newTaskTenant();
    await createTask(t);
    const samples = await scrape(server);
    for (const gauge of ['chimera_db_pool_in_use', 'chimera_db_pool_idle', 'chimera_db_pool_waiting', 'chimera_audit_unsealed_events', 'chimera_audit_unsealed_oldest_seconds']) {
      expect(samples.get(gauge), gauge).to.be.a('number');
    }
    expect(samples.get('chimera_task_queue_depth{task_type="GENERATE_CONTENT"}')).to.be.at.least(1);
    expect(samples.get('chimera_task_queue_oldest_due_seconds{task_type="GENERATE_CONTENT"}')).to.be.at.least(0);
  });

  it('an unknown API key is counted by reason, with no address or key among the labels', async () => {
    const before = await scrape(server);
    const stranger = connectClient(AgentService, `http://127.0.0.1:${server.port}`, 'chk_' + 'Z'.repeat(43));
    await expectError(stranger.getAgent({ id: randomUUID() }), Code.Unauthenticated);
    const after = await scrape(server);
    const key = 'chimera_unauthenticated_calls_total{reason="UNKNOWN_KEY"}';
    expect((after.get(key) ?? 0) - (before.get(key) ?? 0)).to.equal(1);
    expect([...after.keys()].filter((k) => k.startsWith('chimera_unauthenticated_calls_total')).join()).to.not.match(/127\.0\.0\.1|chk_/);
  });

  it('CreateTransfers counts each transfer under its result', async () => {
    const t = await newTenant();
    const before = await scrape(server);
    const direct = connectClient(LedgerService, `http://127.0.0.1:${server.port}`, t.apiKey);
    await direct.createTransfers({ transfers: [{ id: randomUUID(), debitAccountId: randomUUID(), creditAccountId: randomUUID(), amount: '1' }] });
    const after = await scrape(server);
    const key = 'chimera_ledger_transfers_total{result="DEBIT_ACCOUNT_NOT_FOUND"}';
    expect((after.get(key) ?? 0) - (before.get(key) ?? 0)).to.equal(1);
  });

  it('answers over HTTP/2 (cleartext) on the same port too', async () => {
    const session = http2.connect(`http://127.0.0.1:${server.port}`);
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':method': 'GET', ':path': '/metrics' });
        let body = '';
        stream.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve(body)).on('error', reject);
      });
      expect(parseExposition(text).get('chimera_db_pool_idle')).to.be.a('number');
    } finally {
      session.close();
    }
  });

  it('with a metrics token, a scrape without it is refused 401', async () => {
    const { server: guarded, pool } = await startExtraServer({ signals: { metricsToken: 'metrics-token-0123456789' } });
    try {
      const refused = await fetch(`http://127.0.0.1:${guarded.port}/metrics`);
      expect(refused.status).to.equal(401);
      const samples = await scrape(guarded, { authorization: 'Bearer metrics-token-0123456789' });
      expect(samples.get('chimera_db_pool_idle')).to.be.a('number');
    } finally {
      await guarded.shutdown(1_000);
      await pool.end();
    }
  });
});
