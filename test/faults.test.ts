// Database faults under load, against the service running as a process of its own: every service
// connection terminated at once, then PostgreSQL itself stopped and started again (on a cluster of
// the test's own). The process must live through both, fail the calls caught in them with a
// retryable code, serve again within seconds, and leave the ledger whole.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { expect } from 'chai';
import pg from 'pg';
import { CreateTransferResult as R, LedgerService, OwnerType } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from '../src/gen/proto/grpc/health/v1/health_pb.js';
import { asServiceRole, testEnv } from './support/environment.js';
import { assertLedgerInvariants } from './support/ledger.js';
import { createScratchCluster, postgresBinaries, type ScratchCluster } from './support/scratch-cluster.js';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';

const ADMIN = 'faults-admin-token-0123456789';
const CLIENTS = 8;

function clientOf<S extends Parameters<typeof createClient>[0]>(service: S, port: number, token?: string) {
  return createClient(
    service,
    createGrpcTransport({
      baseUrl: `http://127.0.0.1:${port}`,
      interceptors: token ? [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))] : [],
    }),
  );
}

/** A tenant with a treasury and CLIENTS wallets on the service at `port`. */
async function ledgerTenant(port: number) {
  const admin = clientOf(TenantService, port, ADMIN);
  const { tenant } = await admin.createTenant({ tenant: { name: `faults-${randomUUID().slice(0, 8)}` } });
  const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['*'] });
  const ledger = clientOf(LedgerService, port, secret);
  const [treasury, ...wallets] = Array.from({ length: CLIENTS + 1 }, () => randomUUID());
  await ledger.createAccounts({
    accounts: [treasury, ...wallets].map((id) => ({ id, asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'faults' } })),
  });
  return { tenantId: tenant!.id, ledger, treasury, wallets };
}

/** CLIENTS loops of one-transfer calls until stopped: the acknowledged ids and every error's code. */
function transferLoad(ledger: Client<typeof LedgerService>, treasury: string, wallets: string[]) {
  const acknowledged: string[] = [];
  const errors = new Map<string, number>();
  let stopping = false;
  const loops = wallets.map(async (wallet) => {
    while (!stopping) {
      const id = randomUUID();
      try {
        const { results } = await ledger.createTransfers({ transfers: [{ id, debitAccountId: treasury, creditAccountId: wallet, amount: '1' }] });
        if (results[0].result === R.OK) acknowledged.push(id);
      } catch (err) {
        const code = Code[ConnectError.from(err).code];
        errors.set(code, (errors.get(code) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  return {
    acknowledged,
    errors,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/** Polls `check` until it holds, for at most `ms`. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const serving = (port: number) => async () => (await clientOf(Health, port).check({})).status === ServingStatus.SERVING;

/** The process lives, serves a transfer again, holds every acknowledged transfer once, and the
 *  ledger's invariants hold; then it stops cleanly. */
async function expectRecovered(service: ServiceProcess, databaseUrl: string, load: ReturnType<typeof transferLoad>, tenant: Awaited<ReturnType<typeof ledgerTenant>>) {
  expect(service.alive(), service.output().slice(-2_000)).to.equal(true);
  expect([...load.errors.keys()], 'every failed call is retryable').to.satisfy((codes: string[]) => codes.every((c) => c === 'Unavailable'));
  await within(10_000, 'a transfer succeeds again', async () => {
    const { results } = await tenant.ledger.createTransfers({ transfers: [{ id: randomUUID(), debitAccountId: tenant.treasury, creditAccountId: tenant.wallets[0], amount: '1' }] });
    return results[0].result === R.OK;
  });
  await within(5_000, 'health is SERVING', serving(service.port));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM ledger_transfers WHERE tenant_id = $1 AND id = ANY($2)', [tenant.tenantId, load.acknowledged]);
    expect(rows[0].n, 'every acknowledged transfer is stored').to.equal(load.acknowledged.length);
    await assertLedgerInvariants(tenant.tenantId, pool);
  } finally {
    await pool.end();
  }
  expect(await service.stop()).to.equal(0);
}

describe('database faults under load', function () {
  this.timeout(120_000);
  before(function () {
    if (!testEnv().realPostgres) {
      console.log('    skipped: needs a real PostgreSQL server (embedded PGlite cannot be restarted under a running service); set DATABASE_URL');
      this.skip();
    }
  });

  it('every service connection terminated at once: the process lives, the calls caught fail Unavailable, and it serves again', async () => {
    const name = `chimera_faults_${randomUUID().slice(0, 8)}`;
    const url = new URL(testEnv().databaseUrl);
    url.pathname = `/${name}`;
    await testEnv().pool.query(`CREATE DATABASE ${name}`);
    let service: ServiceProcess | undefined;
    try {
      service = await startServiceProcess({ DATABASE_URL: asServiceRole(url.toString()), CHIMERA_MIGRATION_URL: url.toString(), CHIMERA_ADMIN_TOKEN: ADMIN });
      const tenant = await ledgerTenant(service.port);
      const load = transferLoad(tenant.ledger, tenant.treasury, tenant.wallets);
      await within(5_000, 'the load is running', async () => load.acknowledged.length > 50);
      let terminated = 0;
      for (let round = 0; round < 3; round++) {
        const { rows } = await testEnv().pool.query('SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        terminated += rows[0].n as number;
        await new Promise((r) => setTimeout(r, 300));
      }
      const before = load.acknowledged.length;
      await within(5_000, 'transfers are acknowledged again', async () => load.acknowledged.length > before + 50);
      await load.stop();
      expect(terminated, 'connections were terminated').to.be.greaterThan(0);
      await expectRecovered(service, url.toString(), load, tenant);
    } finally {
      if (service?.alive()) await service.stop();
      await testEnv().pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('PostgreSQL stopped and started again: health goes NOT_SERVING and calls fail Unavailable while it is down, then it serves again without a restart', async function () {
    if (!postgresBinaries()) {
      console.log('      skipped: no initdb/pg_ctl here (pg_config --bindir) to run a cluster of the test\'s own');
      this.skip();
    }
    let cluster: ScratchCluster | undefined;
    let service: ServiceProcess | undefined;
    try {
      cluster = await createScratchCluster();
      const url = cluster.provision('chimera');
      service = await startServiceProcess({ DATABASE_URL: asServiceRole(url), CHIMERA_MIGRATION_URL: url, CHIMERA_ADMIN_TOKEN: ADMIN });
      const tenant = await ledgerTenant(service.port);
      const load = transferLoad(tenant.ledger, tenant.treasury, tenant.wallets);
      await within(5_000, 'the load is running', async () => load.acknowledged.length > 50);
      cluster.stop();
      await within(5_000, 'health is NOT_SERVING', async () => !(await serving(service!.port)()));
      const failed = load.errors.get('Unavailable') ?? 0;
      await within(5_000, 'calls fail Unavailable', async () => (load.errors.get('Unavailable') ?? 0) > failed);
      cluster.start();
      const before = load.acknowledged.length;
      await within(15_000, 'transfers are acknowledged again', async () => load.acknowledged.length > before + 50);
      await load.stop();
      await expectRecovered(service, url, load, tenant);
    } finally {
      if (service?.alive()) await service.stop();
      cluster?.remove();
    }
  });
});
