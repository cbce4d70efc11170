// The task queue of the reliability run: one tenant's tasks, each with a plan for the workers
// (complete it; fail its first attempt, then complete it; or fail every attempt until it is
// BLOCKED), and worker loops over gRPC that claim with a short lease, work, and complete or fail
// with the fencing token, retrying a call that failed with a retryable code with the same items.
// A worker can be killed: it drops what it holds and a new one takes its place.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { AgentService } from '../../../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { TaskOutcomeResult, TaskPriority, TaskService, TaskType, type Task } from '../../../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { TenantService } from '../../../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { RETRYABLE } from './faults.js';
import { ADMIN_TOKEN, sleep } from './stage.js';

export type Plan = 'complete' | 'flaky' | 'poison';

export interface Queue {
  tenantId: string;
  apiKey: string;
  plans: Map<string, Plan>;
}

function clientOf<S extends Parameters<typeof createClient>[0]>(service: S, baseUrl: string, token: string) {
  return createClient(service, createGrpcTransport({ baseUrl, interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))] }));
}

const duration = (ms: number) => ({ seconds: BigInt(Math.floor(ms / 1_000)), nanos: (ms % 1_000) * 1e6 });

/** A tenant with `count` due tasks (before any fault): 1 in 100 poison, 1 in 10 flaky. */
export async function fillQueue(baseUrl: string, count: number): Promise<Queue> {
  const admin = clientOf(TenantService, baseUrl, ADMIN_TOKEN);
  const { tenant } = await admin.createTenant({ tenant: { name: `queue-${randomUUID().slice(0, 8)}` } });
  const scopes = ['agents:write', 'tasks:read', 'tasks:write', 'tasks:work'];
  const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes, description: 'reliability queue' });
  const { agent } = await clientOf(AgentService, baseUrl, secret).createAgent({ agent: { handle: `queue_${randomUUID().slice(0, 8)}`, persona: { name: 'Nova' } } });
  const tasks = clientOf(TaskService, baseUrl, secret);
  const plans = new Map<string, Plan>();
  for (let start = 0; start < count; start += 1_000) {
    const ids = Array.from({ length: Math.min(1_000, count - start) }, () => randomUUID());
    ids.forEach((id, i) => plans.set(id, (start + i) % 100 === 0 ? 'poison' : (start + i) % 10 === 1 ? 'flaky' : 'complete'));
    await tasks.createTasks({
      tasks: ids.map((id) => ({ id, taskType: TaskType.GENERATE_CONTENT, priority: TaskPriority.MEDIUM, agentId: agent!.id, context: { goalDescription: 'Post about the launch' } })),
    });
  }
  return { tenantId: tenant!.id, apiKey: secret, plans };
}

export interface WorkerFigures {
  claimed: number;
  completed: number;
  failed: number;
  /** Tasks dropped by killed workers while they held their leases. */
  abandoned: number;
  /** Completions and failures refused because the lease had moved on (LEASE_LOST). */
  leaseLost: number;
  /** Calls sent again after a retryable failure. */
  retried: number;
}

export interface Workers {
  figures: WorkerFigures;
  /** Retryable failures by code. */
  errors: Map<string, number>;
  /** The worker each acknowledged completion came from. */
  completedBy: Map<string, string>;
  unexpected: string[];
  /** The next time worker `slot` holds tasks it dies with them: it never answers for them. */
  kill(slot: number): void;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  workers: number;
  batch: number;
  leaseMs: number;
  /** How long a batch takes to work on. */
  workMs: number;
  callTimeoutMs: number;
  giveUpMs: number;
}

export function startWorkers(queue: Queue, baseUrl: string, opts: WorkerOptions): Workers {
  const figures: WorkerFigures = { claimed: 0, completed: 0, failed: 0, abandoned: 0, leaseLost: 0, retried: 0 };
  const errors = new Map<string, number>();
  const completedBy = new Map<string, string>();
  const unexpected: string[] = [];
  const doomed = new Set<number>();
  let stopping = false;

  /** The call's answer, retried with the same request; undefined when it failed otherwise. */
  async function retrying<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    const started = Date.now();
    for (let calls = 1; ; calls++) {
      try {
        return await call();
      } catch (err) {
        const code = Code[ConnectError.from(err).code];
        if (!RETRYABLE.has(code)) return void unexpected.push(`${what}: ${code}: ${ConnectError.from(err).rawMessage}`);
        errors.set(code, (errors.get(code) ?? 0) + 1);
        if (Date.now() - started > opts.giveUpMs) return void unexpected.push(`${what}: unanswered after ${calls} calls`);
        figures.retried++;
        await sleep(Math.min(1_000, 20 * 2 ** Math.min(calls, 6)) * (0.5 + Math.random()));
      }
    }
  }

  async function finish(workerId: string, tasks: Client<typeof TaskService>, claimed: Task[]) {
    const plans = claimed.map((t) => queue.plans.get(t.id)!);
    const failing = claimed.filter((t, i) => plans[i] === 'poison' || (plans[i] === 'flaky' && t.attempt === 1));
    const completing = claimed.filter((t) => !failing.includes(t));
    const timeoutMs = opts.callTimeoutMs;
    if (completing.length > 0) {
      const items = completing.map((t) => ({ taskId: t.id, stateVersion: t.stateVersion, result: { by: workerId } }));
      const answer = await retrying(`completion by ${workerId}`, () => tasks.completeTask({ items }, { timeoutMs }));
      for (const o of answer?.outcomes ?? []) {
        if (o.result === TaskOutcomeResult.LEASE_LOST) figures.leaseLost++;
        else if (o.result !== TaskOutcomeResult.OK) unexpected.push(`completion of ${o.taskId}: ${TaskOutcomeResult[o.result]}`);
        else if (completedBy.has(o.taskId)) unexpected.push(`${o.taskId} completed twice: by ${completedBy.get(o.taskId)} and ${workerId}`);
        else (completedBy.set(o.taskId, workerId), figures.completed++);
      }
    }
    if (failing.length > 0) {
      const items = failing.map((t) => ({ taskId: t.id, stateVersion: t.stateVersion, error: `simulated failure of attempt ${t.attempt} (${queue.plans.get(t.id)})` }));
      const answer = await retrying(`failure by ${workerId}`, () => tasks.failTask({ items }, { timeoutMs }));
      for (const o of answer?.outcomes ?? []) {
        if (o.result === TaskOutcomeResult.LEASE_LOST) figures.leaseLost++;
        else if (o.result !== TaskOutcomeResult.OK) unexpected.push(`failure of ${o.taskId}: ${TaskOutcomeResult[o.result]}`);
        else figures.failed++;
      }
    }
  }

  const loops = Array.from({ length: opts.workers }, async (_, slot) => {
    const tasks = clientOf(TaskService, baseUrl, queue.apiKey);
    for (let generation = 0; !stopping; ) {
      const workerId = `worker-${slot}.${generation}`;
      const request = { workerId, taskTypes: [TaskType.GENERATE_CONTENT], maxTasks: opts.batch, leaseDuration: duration(opts.leaseMs), wait: duration(1_000) };
      const claimed = (await retrying(`claim by ${workerId}`, () => tasks.claimTasks(request, { timeoutMs: opts.callTimeoutMs })))?.tasks ?? [];
      if (claimed.length === 0) continue;
      figures.claimed += claimed.length;
      await sleep(opts.workMs);
      if (doomed.delete(slot)) {
        figures.abandoned += claimed.length;
        generation++;
        continue;
      }
      await finish(workerId, tasks, claimed);
    }
  });

  return {
    figures,
    errors,
    completedBy,
    unexpected,
    kill: (slot) => void doomed.add(slot),
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
