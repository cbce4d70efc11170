// Behaviour that needs two truly concurrent database sessions: a row lock held on one connection
// while the service works on another. Embedded PGlite has a single session, so these are skipped
// there (with the reason printed); CI runs them against PostgreSQL.
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import pg from 'pg';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import { connectClient, startExtraServer, testEnv } from './support/environment.js';
import { expectError, newTenant } from './support/fixtures.js';
import { eventually, queued } from './support/locks.js';


/** Locks one agent row FOR UPDATE on a separate connection until `release()` is called. */
async function lockAgent(id: string): Promise<{ client: pg.Client; release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: testEnv().databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM agents WHERE id = $1 FOR UPDATE', [id]);
  return {
    client,
    async release() {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

describe('@concurrent: deadlines and graceful shutdown', function () {
  before(function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: needs two concurrent database sessions (embedded PGlite has one); set DATABASE_URL');
      this.skip();
    }
  });

  it('a call blocked past its deadline is cancelled in the database and the lock waiter is gone', async () => {
    const t = await newTenant();
    const { agent } = await t.agents.createAgent({ agent: { handle: 'locked' } });
    const lock = await lockAgent(agent!.id);
    try {
      await expectError(
        t.agents.updateAgent({ agent: { id: agent!.id, displayName: 'late' }, updateMask: { paths: ['display_name'] } }, { timeoutMs: 300 }),
        Code.DeadlineExceeded,
      );
      // The database cancels the statement itself (statement_timeout), so no lock waiter is left.
      const waiters = async () =>
        (await testEnv().pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE agents%'")).rows[0].n as number;
      await eventually('the lock waiter is gone', async () => (await waiters()) === 0, 2_000);
    } finally {
      await lock.release();
    }
    expect((await t.agents.getAgent({ id: agent!.id })).agent!.displayName).to.equal('');
  });

  it('shutdown reports NOT_SERVING, lets an in-flight call finish, then refuses new connections', async () => {
    const { server, pool } = await startExtraServer();
    const t = await newTenant();
    const agents = connectClient(AgentService, `http://127.0.0.1:${server.port}`, t.apiKey);
    const { agent } = await agents.createAgent({ agent: { handle: 'inflight' } });
    const lock = await lockAgent(agent!.id);
    const inFlight = agents.updateAgent({ agent: { id: agent!.id, displayName: 'finished' }, updateMask: { paths: ['display_name'] } });
    await queued(lock.client, 1); // the update is now waiting on the row lock
    const shutdown = server.shutdown(10_000);
    const health = connectClient(Health, `http://127.0.0.1:${server.port}`);
    expect((await health.check({})).status).to.equal(ServingStatus.NOT_SERVING);
    await lock.release();
    const { agent: updated } = await inFlight;
    expect(updated!.displayName).to.equal('finished');
    await shutdown;
    await pool.end();
    await expectError(agents.getAgent({ id: agent!.id }), Code.Unavailable);
  });
});
