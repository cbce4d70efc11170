// chimera-core's half of the task queue benchmark (bench/tasks.ts): the whole server in a
// process of its own (as npm start runs it), called over gRPC by workers in this process, with
// the workload the peers get: a bulk enqueue, a drain by 8 workers, then tasks trickled at a
// fixed rate to waiting workers; and the claim's cost after a million finished tasks of history.
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import pg from 'pg';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { TaskOutcomeResult, TaskService, TaskType } from '../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { TenantService } from '../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { startServerChild, type ServerChild } from './servers/child.js';

export interface CoreFigures {
  name: string;
  enqueuePerSec: number;
  drainPerSec: number;
  pickupP50Ms: number;
  pickupP99Ms: number;
}

const ADMIN = 'bench-admin-token-0123456789';
const TYPES = [TaskType.GENERATE_CONTENT];

export interface CoreBench {
  /** Enqueue `jobs` in batches of 1,000, then drain with `workers` claiming and completing
   *  `perCall` at a time (1: one task per claim and per completion). */
  drain(opts: { jobs: number; workers: number; perCall: number; profile?: string }): Promise<{ enqueuePerSec: number; drainPerSec: number }>;
  /** `count` tasks created one at a time at `perSec` while `workers` wait in claims. */
  pickup(opts: { count: number; perSec: number; workers: number }): Promise<{ p50Ms: number; p99Ms: number }>;
  /** Adds `count` finished tasks (and their events) to the tenant's history, as the owner. */
  addHistory(count: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startCore(opts: { databaseUrl: string }): Promise<CoreBench> {
  const server: ServerChild = await startServerChild('chimera-core', new URL('./servers/agents-core.ts', import.meta.url), {
    url: opts.databaseUrl,
    poolMax: 20,
    adminToken: ADMIN,
  });
  const transport = (token: string) =>
    createGrpcTransport({
      baseUrl: `http://127.0.0.1:${server.port}`,
      interceptors: [(next) => async (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))],
    });
  const admin = createClient(TenantService, transport(ADMIN));
  const { tenant } = await admin.createTenant({ tenant: { name: 'tasks bench' } });
  const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['*'], description: 'bench' });
  const { agent } = await createClient(AgentService, transport(secret)).createAgent({ agent: { handle: 'bench_agent' } });
  // One HTTP/2 connection per worker, as separate worker processes would have.
  const clients: Client<typeof TaskService>[] = Array.from({ length: 8 }, () => createClient(TaskService, transport(secret)));
  const planner = createClient(TaskService, transport(secret));
  const task = (id?: string) => ({ id, taskType: TaskType.GENERATE_CONTENT, context: { goalDescription: 'no-op' }, agentId: agent!.id });

  return {
    async drain({ jobs, workers, perCall, profile }) {
      const enqueueStart = performance.now();
      for (let done = 0; done < jobs; done += 1_000) {
        await planner.createTasks({ tasks: Array.from({ length: Math.min(1_000, jobs - done) }, () => task()) });
      }
      const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
      let completed = 0;
      if (profile) await server.profileStart();
      const drainStart = performance.now();
      await Promise.all(
        Array.from({ length: workers }, async (_, w) => {
          const client = clients[w % clients.length];
          for (;;) {
            const { tasks } = await client.claimTasks({ workerId: `w${w}`, taskTypes: TYPES, maxTasks: perCall });
            if (tasks.length === 0) return;
            if (perCall === 1) {
              await client.completeTask({ taskId: tasks[0].id, stateVersion: tasks[0].stateVersion, result: {} });
            } else {
              const { outcomes } = await client.completeTask({ items: tasks.map((t) => ({ taskId: t.id, stateVersion: t.stateVersion, result: {} })) });
              if (outcomes.some((o) => o.result !== TaskOutcomeResult.OK)) throw new Error('a completion was refused');
            }
            completed += tasks.length;
          }
        }),
      );
      const drainSeconds = (performance.now() - drainStart) / 1000;
      if (profile) await server.profileStop(profile);
      if (completed !== jobs) throw new Error(`completed ${completed} of ${jobs}`);
      return { enqueuePerSec: jobs / enqueueSeconds, drainPerSec: jobs / drainSeconds };
    },

    async pickup({ count, perSec, workers }) {
      const createdAt = new Map<string, number>();
      const latencies: number[] = [];
      let stop = false;
      const waiting = Array.from({ length: workers }, async (_, w) => {
        const client = clients[w % clients.length];
        while (!stop) {
          const { tasks } = await client.claimTasks({ workerId: `p${w}`, taskTypes: TYPES, maxTasks: 1, wait: { seconds: 2n, nanos: 0 } });
          const now = performance.now();
          for (const t of tasks) {
            latencies.push(now - createdAt.get(t.id)!);
            await client.completeTask({ taskId: t.id, stateVersion: t.stateVersion, result: {} });
          }
        }
      });
      // Give the workers time to be waiting before the first task.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const due = started + (i * 1000) / perSec;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const id = randomUUID();
        createdAt.set(id, performance.now());
        await planner.createTasks({ tasks: [task(id)] });
      }
      while (latencies.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
      stop = true;
      await Promise.all(waiting);
      latencies.sort((a, b) => a - b);
      const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
      return { p50Ms: pct(0.5), p99Ms: pct(0.99) };
    },

    async addHistory(count) {
      const owner = new pg.Client({ connectionString: opts.databaseUrl });
      await owner.connect();
      const step = 250_000;
      for (let from = 0; from < count; from += step) {
        // As the owner with triggers off (session_replication_role): the rows a finished task
        // leaves, its creation and completion events included, written as bulk history.
        await owner.query(
          `BEGIN;
           SET LOCAL session_replication_role = replica;
           WITH t AS (
             INSERT INTO tasks (tenant_id, id, task_type, status, context, agent_id, attempt, state_version, result,
                                create_fingerprint, create_time, update_time, finish_time)
             SELECT $1, gen_random_uuid(), 'GENERATE_CONTENT', 'COMPLETE', '{"goal_description":"old"}', $2, 1, 3, '{}',
                    '\\x00', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day'
             FROM generate_series(1, $3::int)
             RETURNING tenant_id, id)
           INSERT INTO task_events (tenant_id, task_id, state_version, from_status, to_status, actor, attempt, worker_id, error, details)
           SELECT tenant_id, id, v, CASE v WHEN 1 THEN NULL WHEN 2 THEN 'PENDING' ELSE 'IN_PROGRESS' END,
                  CASE v WHEN 1 THEN 'PENDING' WHEN 2 THEN 'IN_PROGRESS' ELSE 'COMPLETE' END, 'history', 1, 'w', '', '{}'
           FROM t, generate_series(1, 3) AS v;
           COMMIT;`.replace(/\$1/g, `'${tenant!.id}'`).replace(/\$2/g, `'${agent!.id}'`).replace(/\$3/g, String(Math.min(step, count - from))),
        );
      }
      await owner.query('VACUUM ANALYZE tasks');
      await owner.query('VACUUM ANALYZE task_events');
      await owner.end();
    },

    async stop() {
      await server.stop();
    },
  };
}
