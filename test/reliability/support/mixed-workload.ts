// The mixed workload of the soak and the shutdown runs: gRPC clients of one tenant creating,
// reading and listing agents, creating, claiming and completing tasks, moving money between
// ledger accounts and searching agents by similarity. Every write carries a client-chosen id, so
// that what was acknowledged can be looked up in the database afterwards.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import type { DescService } from '@bufbuild/protobuf';
import { AgentService } from '../../../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { CreateTransferResult, LedgerService, OwnerType } from '../../../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { TaskOutcomeResult, TaskPriority, TaskService, TaskType } from '../../../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { TenantService } from '../../../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { embedding } from '../../support/fixtures.js';

export type WriteKind = 'agent' | 'task' | 'transfer';

export interface MixedWorkload {
  tenantId: string;
  /** Calls answered OK, in all. */
  completed(): number;
  /** Failed calls by code name. */
  errors: Map<string, number>;
  /** A few failures with their messages, for the report. */
  samples: string[];
  /** Ids of the writes that were acknowledged, by kind. */
  acknowledged: Record<WriteKind, string[]>;
  /** Calls that failed, with their code names and messages (writes and reads). */
  failedCalls: Array<{ op: string; code: string; message: string }>;
  /** Stops the clients; resolves once every call in flight has been answered. */
  stop(): Promise<void>;
}

export interface WorkloadOptions {
  clients: number;
  callTimeoutMs: number;
}

function clientOf<S extends DescService>(service: S, baseUrl: string, token: string): Client<S> {
  const transport = createGrpcTransport({ baseUrl, interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))] });
  return createClient(service, transport);
}

/** A tenant (all scopes) with two agents that have embeddings and two ledger accounts. */
export async function prepareTenant(baseUrl: string, adminToken: string) {
  const admin = clientOf(TenantService, baseUrl, adminToken);
  const { tenant } = await admin.createTenant({ tenant: { name: `mixed-${randomUUID().slice(0, 8)}` } });
  const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['*'], description: 'mixed workload' });
  const agents = clientOf(AgentService, baseUrl, secret);
  const seeds: string[] = [];
  for (const axis of [1, 2]) {
    const { agent } = await agents.createAgent({ agent: { handle: `seed_${axis}_${randomUUID().slice(0, 8)}`, persona: { name: 'Nova' }, personaEmbedding: embedding(axis, 0.1) } });
    seeds.push(agent!.id);
  }
  const accounts = [randomUUID(), randomUUID()];
  await clientOf(LedgerService, baseUrl, secret).createAccounts({
    accounts: [
      { id: accounts[0], asset: 'USDC', assetScale: 6, owner: { type: OwnerType.TENANT_TREASURY } },
      { id: accounts[1], asset: 'USDC', assetScale: 6, owner: { type: OwnerType.EXTERNAL, id: 'ads' } },
    ],
  });
  return { tenantId: tenant!.id, apiKey: secret, seeds, accounts };
}

export function startMixedWorkload(baseUrl: string, tenant: Awaited<ReturnType<typeof prepareTenant>>, opts: WorkloadOptions): MixedWorkload {
  let done = 0;
  let stopping = false;
  const errors = new Map<string, number>();
  const samples: string[] = [];
  const failedCalls: MixedWorkload['failedCalls'] = [];
  const acknowledged: Record<WriteKind, string[]> = { agent: [], task: [], transfer: [] };
  const timeoutMs = opts.callTimeoutMs;

  const loops = Array.from({ length: opts.clients }, async (_, slot) => {
    const agents = clientOf(AgentService, baseUrl, tenant.apiKey);
    const tasks = clientOf(TaskService, baseUrl, tenant.apiKey);
    const ledger = clientOf(LedgerService, baseUrl, tenant.apiKey);
    const ops: Array<[string, () => Promise<void>]> = [
      ['CreateAgent', async () => {
        const id = randomUUID();
        await agents.createAgent({ agent: { id, handle: `m_${id.slice(0, 13)}`, displayName: 'Mixed', persona: { name: 'Nova', voiceTraits: ['witty'] } } }, { timeoutMs });
        acknowledged.agent.push(id);
      }],
      ['GetAgent', async () => void (await agents.getAgent({ id: tenant.seeds[slot % 2] }, { timeoutMs }))],
      ['ListAgents', async () => void (await agents.listAgents({ pageSize: 20 }, { timeoutMs }))],
      ['CreateTransfers', async () => {
        const id = randomUUID();
        const [from, to] = slot % 2 ? tenant.accounts : [...tenant.accounts].reverse();
        const { results } = await ledger.createTransfers({ transfers: [{ id, debitAccountId: from, creditAccountId: to, amount: '1' }] }, { timeoutMs });
        if (results[0]?.result !== CreateTransferResult.OK) throw new Error(`transfer ${id}: ${CreateTransferResult[results[0]?.result]}`);
        acknowledged.transfer.push(id);
      }],
      ['SearchSimilarAgents', async () => void (await agents.searchSimilarAgents({ query: { case: 'embedding', value: { values: embedding(1 + (slot % 2)) } }, topK: 5 }, { timeoutMs }))],
      ['CreateTasks', async () => {
        const id = randomUUID();
        await tasks.createTasks({ tasks: [{ id, taskType: TaskType.GENERATE_CONTENT, priority: TaskPriority.MEDIUM, agentId: tenant.seeds[0], context: { goalDescription: 'Post about the launch' } }] }, { timeoutMs });
        acknowledged.task.push(id);
      }],
      ['ClaimAndCompleteTasks', async () => {
        const workerId = `mixed-${slot}`;
        const { tasks: claimed } = await tasks.claimTasks({ workerId, taskTypes: [TaskType.GENERATE_CONTENT], maxTasks: 2, leaseDuration: { seconds: 30n } }, { timeoutMs });
        if (claimed.length === 0) return;
        const { outcomes } = await tasks.completeTask({ items: claimed.map((t) => ({ taskId: t.id, stateVersion: t.stateVersion, result: { by: workerId } })) }, { timeoutMs });
        for (const o of outcomes) if (o.result !== TaskOutcomeResult.OK) throw new Error(`completion of ${o.taskId}: ${TaskOutcomeResult[o.result]}`);
      }],
    ];
    for (let i = slot; !stopping; i++) {
      const [op, call] = ops[i % ops.length];
      try {
        await call();
        done++;
      } catch (err) {
        const error = ConnectError.from(err);
        const code = error.code === Code.Unknown && !(err instanceof ConnectError) ? 'client-side check' : Code[error.code];
        errors.set(code, (errors.get(code) ?? 0) + 1);
        failedCalls.push({ op, code, message: error.rawMessage });
        if (samples.length < 10) samples.push(`${op}: ${code}: ${error.rawMessage}`);
        // A refused call is not retried here; a short pause keeps a down server from being spun on.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });

  return {
    tenantId: tenant.tenantId,
    completed: () => done,
    errors,
    samples,
    acknowledged,
    failedCalls,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
