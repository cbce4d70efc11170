// Building blocks for the task queue's tests: a tenant with an agent and a TaskService client,
// and tasks made from a few defaults.
import { randomUUID } from 'node:crypto';
import type { Client } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { TaskPriority, TaskService, TaskType, type Task, type TaskSchema } from '../../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { AgentService } from '../../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { connectClient, testEnv } from './environment.js';
import { newTenant, type TestTenant } from './fixtures.js';

export interface TaskTenant extends TestTenant {
  tasks: Client<typeof TaskService>;
  agentId: string;
}

/** A tenant with one agent. With `scopes`, its clients use a key with only those scopes. */
export async function newTaskTenant(opts: { scopes?: string[] } = {}): Promise<TaskTenant> {
  const t = await newTenant();
  const { agent } = await t.agents.createAgent({ agent: { handle: `agent_${randomUUID().slice(0, 8)}`, persona: { name: 'Nova' } } });
  if (!opts.scopes) return { ...t, tasks: t.client(TaskService), agentId: agent!.id };
  const { secret } = await testEnv().admin.createApiKey({ tenantId: t.tenant.id, scopes: opts.scopes, description: 'restricted test key' });
  const client: TestTenant['client'] = (service, protocol) => connectClient(service, testEnv().baseUrl, secret, protocol);
  return { ...t, apiKey: secret, agents: client(AgentService), client, tasks: client(TaskService), agentId: agent!.id };
}

export type NewTask = MessageInitShape<typeof TaskSchema>;

/** A task for `t`'s agent: GENERATE_CONTENT, due now, unless `overrides` say otherwise. */
export function taskFor(t: { agentId: string }, overrides: NewTask = {}): NewTask {
  return {
    taskType: TaskType.GENERATE_CONTENT,
    priority: TaskPriority.MEDIUM,
    context: { goalDescription: 'Post about the launch', personaConstraints: ['upbeat'], requiredResources: ['image'] },
    agentId: t.agentId,
    ...overrides,
  } as NewTask;
}

export async function createTask(t: TaskTenant, overrides: NewTask = {}): Promise<Task> {
  const { tasks } = await t.tasks.createTasks({ tasks: [taskFor(t, overrides)] });
  return tasks[0];
}

/** Claims one task of any type for `workerId` (which must exist). */
export async function claimOne(t: TaskTenant, workerId = 'worker-1', leaseMs?: number): Promise<Task> {
  const { tasks } = await t.tasks.claimTasks({
    workerId,
    taskTypes: [TaskType.GENERATE_CONTENT, TaskType.REPLY_COMMENT, TaskType.EXECUTE_TRANSACTION, TaskType.FETCH_TRENDS],
    leaseDuration: leaseMs === undefined ? undefined : { seconds: BigInt(Math.floor(leaseMs / 1000)), nanos: (leaseMs % 1000) * 1e6 },
  });
  if (tasks.length !== 1) throw new Error(`expected to claim one task, got ${tasks.length}`);
  return tasks[0];
}

/** A task brought to REVIEW: created with requires_review, claimed and completed. */
export async function taskInReview(t: TaskTenant, overrides: NewTask = {}): Promise<Task> {
  const created = await createTask(t, { requiresReview: true, ...overrides });
  const claimed = await claimOne(t);
  if (claimed.id !== created.id) throw new Error('claimed another task than the one created');
  const { task } = await t.tasks.completeTask({ taskId: claimed.id, stateVersion: claimed.stateVersion, result: { text: 'draft' } });
  return task!;
}

/** Retries `attempt` until it resolves (it throws while what it waits for has not happened). */
export async function untilResolved<T>(attempt: () => Promise<T>, options: { timeoutMs: number }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
