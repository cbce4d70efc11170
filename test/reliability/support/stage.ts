// The stage of a reliability run: a PostgreSQL cluster of the run's own (the shared one is never
// restarted), the service as a process of its own on a fixed port, so that a client reaches the
// process started after a kill -9 at the address it already knows, and the faults done to them.
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import pg from 'pg';
import { Health, HealthCheckResponse_ServingStatus as ServingStatus } from '../../../src/gen/proto/grpc/health/v1/health_pb.js';
import { asServiceRole } from '../../support/environment.js';
import { createScratchCluster, freePort, type ScratchCluster } from '../../support/scratch-cluster.js';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process.js';

export const ADMIN_TOKEN = 'reliability-admin-token-0123456789';

export interface Stage {
  baseUrl: string;
  /** The owner's URL of the run's database, for the checks at the end. */
  ownerUrl: string;
  /** pg_terminate_backend on a random half (at least one) of the service's connections: how many. */
  terminateConnections(): Promise<number>;
  /** PostgreSQL stopped (fast: sessions terminated), left down for `downMs`, started again. */
  restartPostgres(downMs: number): Promise<void>;
  /** SIGKILL to the service process, then a new one on the same port. */
  killService(): Promise<void>;
  /** Waits until health answers SERVING, for at most `ms`. */
  untilServing(ms: number): Promise<void>;
  /** What every service process of the run has logged, in order. */
  serviceOutput(): string;
  /** Stops the service (SIGTERM; its exit code) and removes the cluster. */
  close(): Promise<number | null>;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A scratch cluster with database `chimera` and the service serving it with `env` added. */
export async function startStage(env: Record<string, string>): Promise<Stage> {
  const cluster: ScratchCluster = await createScratchCluster();
  let service: ServiceProcess | undefined;
  /** The logs of the processes killed so far. */
  let earlier = '';
  try {
    const ownerUrl = cluster.provision('chimera');
    const port = await freePort();
    const serviceEnv = {
      DATABASE_URL: asServiceRole(ownerUrl),
      CHIMERA_MIGRATION_URL: ownerUrl,
      CHIMERA_ADMIN_TOKEN: ADMIN_TOKEN,
      PORT: String(port),
      // startServiceProcess waits for the `serving` line, which is info.
      LOG_LEVEL: 'info',
      ...env,
    };
    service = await startServiceProcess(serviceEnv);
    const baseUrl = `http://127.0.0.1:${port}`;
    const health = createClient(Health, createGrpcTransport({ baseUrl }));
    const stage: Stage = {
      baseUrl,
      ownerUrl,
      async terminateConnections() {
        const client = new pg.Client({ connectionString: ownerUrl });
        await client.connect();
        try {
          const { rows } = await client.query(
            `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM (
               SELECT pid, row_number() OVER (ORDER BY random()) AS k, count(*) OVER () AS total
               FROM pg_stat_activity WHERE datname = 'chimera' AND usename = $1) s
             WHERE k <= greatest(1, total / 2)`,
            [new URL(serviceEnv.DATABASE_URL).username],
          );
          return rows[0].n as number;
        } finally {
          await client.end();
        }
      },
      async restartPostgres(downMs) {
        cluster.stop();
        await sleep(downMs);
        cluster.start();
      },
      async killService() {
        const old = service!;
        const exited = new Promise((resolve) => old.child.once('exit', resolve));
        old.child.kill('SIGKILL');
        await exited;
        earlier += old.output();
        service = await startServiceProcess(serviceEnv);
      },
      async untilServing(ms) {
        const deadline = Date.now() + ms;
        for (;;) {
          const status = await health.check({}, { timeoutMs: 1_000 }).then((r) => r.status, () => undefined);
          if (status === ServingStatus.SERVING) return;
          if (Date.now() > deadline) throw new Error(`the service did not serve again within ${ms} ms:\n${service!.output().slice(-2_000)}`);
          await sleep(100);
        }
      },
      serviceOutput: () => earlier + service!.output(),
      async close() {
        try {
          return await service!.stop();
        } finally {
          cluster.remove();
        }
      },
    };
    return stage;
  } catch (err) {
    if (service?.alive()) await service.stop();
    cluster.remove();
    throw err;
  }
}

/** The calls the service logged as server faults (`error`), counted by code, and the lines of
 *  those that are not Unavailable (which the faults are expected to cause), for a failed run's
 *  message. */
export function serverFaults(output: string): { byCode: Map<string, number>; unexpected: string[] } {
  const byCode = new Map<string, number>();
  const unexpected: string[] = [];
  for (const line of output.split('\n').filter((l) => l.includes('"level":"error"'))) {
    const code = /"code":"(\w+)"/.exec(line)?.[1] ?? 'none';
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
    if (code !== 'Unavailable') unexpected.push(line);
  }
  return { byCode, unexpected };
}
