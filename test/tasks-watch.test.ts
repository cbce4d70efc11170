// WatchTasks and the hub behind it: events of the caller's tenant and types only, coalesced;
// across processes through LISTEN/NOTIFY; RESYNC when a watcher falls behind or the hub loses
// its connection, and events again once it has reconnected.
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import { expect } from 'chai';
import { TaskService, TaskType, WatchEventKind, type WatchTasksResponse } from '../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { WatchQueue } from '../src/services/tasks/watch.js';
import { connectClient, startExtraServer, testEnv } from './support/environment.js';
import { expectError } from './support/fixtures.js';
import { claimOne, createTask, newTaskTenant, taskFor, untilResolved, type TaskTenant } from './support/tasks.js';

/** A running watch: the events received so far, and a way to wait for one. */
interface Watch {
  events: WatchTasksResponse[];
  /** Resolves with the first event from index `from` on (default 0: any received) that `match` accepts. */
  next(match: (e: WatchTasksResponse) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<WatchTasksResponse>;
  error: () => unknown;
  close(): void;
}

async function watch(client: Client<typeof TaskService>, taskTypes: TaskType[] = []): Promise<Watch> {
  const abort = new AbortController();
  const events: WatchTasksResponse[] = [];
  let failure: unknown;
  let notify = () => {};
  void (async () => {
    try {
      for await (const event of client.watchTasks({ taskTypes }, { signal: abort.signal })) {
        events.push(event);
        notify();
      }
    } catch (err) {
      failure = err;
      notify();
    }
  })();
  const w: Watch = {
    events,
    error: () => failure,
    close: () => abort.abort(),
    async next(match, { from = 0, timeoutMs = 5_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.slice(from).find(match);
        if (found) return found;
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => WatchEventKind[e.kind]).join(', ')}`);
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
  await w.next((e) => e.kind === WatchEventKind.STARTED, { from: 0 });
  return w;
}

const kind = (k: WatchEventKind, type?: TaskType) => (e: WatchTasksResponse) => e.kind === k && (type === undefined || e.taskType === type);

describe('TaskService: WatchTasks', () => {
  let t: TaskTenant;
  const open: Watch[] = [];
  beforeEach(async () => {
    t = await newTaskTenant();
  });
  afterEach(() => open.splice(0).forEach((w) => w.close()));

  it('pushes the tenant\'s events of the watched types: due tasks, then their changes', async () => {
    const all = await watch(t.tasks);
    const trends = await watch(t.tasks, [TaskType.FETCH_TRENDS]);
    const stranger = await watch((await newTaskTenant()).tasks);
    open.push(all, trends, stranger);
    const task = await createTask(t);
    const available = await all.next(kind(WatchEventKind.TASKS_AVAILABLE));
    expect(available.taskType).to.equal(TaskType.GENERATE_CONTENT);
    expect(available.taskIds).to.deep.equal([task.id]);
    // The creation is a change too; the claim's change comes after it.
    await all.next(kind(WatchEventKind.TASKS_CHANGED));
    const from = all.events.length;
    await claimOne(t);
    const changed = await all.next(kind(WatchEventKind.TASKS_CHANGED), { from });
    expect(changed.taskIds).to.deep.equal([task.id]);
    // A task of the watched type reaches the other watcher; nothing of the above reached it or
    // the other tenant's.
    const trend = await createTask(t, { taskType: TaskType.FETCH_TRENDS });
    expect((await trends.next(kind(WatchEventKind.TASKS_AVAILABLE))).taskIds).to.deep.equal([trend.id]);
    expect(trends.events.filter((e) => e.taskType === TaskType.GENERATE_CONTENT)).to.have.length(0);
    expect(stranger.events.map((e) => e.kind)).to.deep.equal([WatchEventKind.STARTED]);
  });

  it('coalesces: a batch of 200 tasks is one event that names none of them (list them)', async () => {
    const w = await watch(t.tasks);
    open.push(w);
    await t.tasks.createTasks({ tasks: Array.from({ length: 200 }, () => taskFor(t)) });
    await w.next(kind(WatchEventKind.TASKS_CHANGED));
    const available = await w.next(kind(WatchEventKind.TASKS_AVAILABLE));
    expect(available.taskIds).to.deep.equal([]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(w.events.length, 'a handful of events, not one per task').to.be.at.most(3);
  });

  it('refuses unknown types, keys without tasks:read, and calls without a key', async () => {
    const err = await watch(t.tasks, [99 as TaskType]).catch((e: unknown) => e);
    expect(ConnectError.from(err).code).to.equal(Code.InvalidArgument);
    const worker = await newTaskTenant({ scopes: ['tasks:work'] });
    expect(ConnectError.from(await watch(worker.tasks).catch((e: unknown) => e)).code).to.equal(Code.PermissionDenied);
    const anonymous = connectClient(TaskService, testEnv().baseUrl);
    await expectError(watch(anonymous), Code.Unauthenticated);
  });
});

describe('TaskService: the hub across processes', () => {
  it('a watcher and a waiting claim on another server hear of a task created here', async function () {
    if (!testEnv().realPostgres) this.skip(); // embedded PGlite: one process, no LISTEN
    const t = await newTaskTenant();
    const { server, pool } = await startExtraServer();
    try {
      const there = connectClient(TaskService, `http://127.0.0.1:${server.port}`, t.apiKey);
      const w = await watch(there);
      const claim = there.claimTasks({ workerId: 'far', taskTypes: [TaskType.GENERATE_CONTENT], wait: { seconds: 10n, nanos: 0 } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const created = Date.now();
      const task = await createTask(t);
      expect((await w.next(kind(WatchEventKind.TASKS_AVAILABLE))).taskIds).to.deep.equal([task.id]);
      expect((await claim).tasks.map((x) => x.id)).to.deep.equal([task.id]);
      expect(Date.now() - created, 'woken by the notification, not by a poll').to.be.below(900);
      w.close();
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('after its LISTEN connection is cut, the hub tells its watchers to list again, reconnects and delivers again', async function () {
    if (!testEnv().realPostgres) this.skip();
    const t = await newTaskTenant();
    const { server, pool } = await startExtraServer();
    try {
      const there = connectClient(TaskService, `http://127.0.0.1:${server.port}`, t.apiKey);
      const w = await watch(there);
      const from = w.events.length;
      // Both servers' hubs are cut; the suite's own reconnects as well.
      await testEnv().pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'chimera-core tasks'`);
      await w.next(kind(WatchEventKind.RESYNC), { from });
      // Tasks created here reach the watcher there once its hub listens again.
      await untilResolved(
        async () => {
          const task = await createTask(t);
          const seen = await w.next((e) => e.kind === WatchEventKind.TASKS_AVAILABLE && e.taskIds.includes(task.id), { timeoutMs: 500 });
          return seen;
        },
        { timeoutMs: 10_000 },
      );
      expect(w.error(), 'the watch itself survived').to.equal(undefined);
      const task = await createTask(t);
      expect((await there.getTask({ id: task.id })).task!.id, 'the server there serves on').to.equal(task.id);
      w.close();
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });
});

describe('WatchQueue', () => {
  const signal = (i: number) => ({ tenantId: 't', kind: 'available' as const, taskType: 'GENERATE_CONTENT', taskIds: [String(i)], count: 1 });

  it('a watcher whose client reads too slowly is told to list again instead of losing events silently', async () => {
    const queue = new WatchQueue(3);
    for (let i = 0; i < 5; i++) queue.push(signal(i));
    const never = new AbortController().signal;
    // The first three filled the queue; the fourth replaced them by RESYNC; the fifth follows it.
    expect(await queue.next(never)).to.deep.equal({ kind: 'resync' });
    expect(await queue.next(never)).to.deep.equal(signal(4));
  });

  it('a RESYNC replaces what is queued; next() ends when the watch is cancelled', async () => {
    const queue = new WatchQueue(10);
    queue.push(signal(1));
    queue.push({ kind: 'resync' });
    const abort = new AbortController();
    expect(await queue.next(abort.signal)).to.deep.equal({ kind: 'resync' });
    const waiting = queue.next(abort.signal);
    abort.abort();
    expect(await waiting).to.equal(undefined);
  });
});
