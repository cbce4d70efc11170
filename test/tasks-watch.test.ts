// WatchTasks and the hub behind it: STARTED first, then events of the caller's tenant and types
// only, coalesced per tenant, kind and type; across processes through LISTEN/NOTIFY (a watcher and
// a waiting claim on another server); RESYNC when the hub loses its LISTEN connection, and events
// again once it has reconnected; the watch queue's overflow; refused calls.
//
// Absence is asserted with fences, not sleeps: the hub hands each published signal to every
// subscriber of the process in publish order, and each watch stream is ordered, so once a watcher
// has received a later event of its own, anything published before it that it would have been
// sent has already arrived.
import { Code, type Client } from '@connectrpc/connect';
import { expect } from 'chai';
import pg from 'pg';
import { TaskService, TaskType, WatchEventKind, type WatchTasksResponse } from '../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { CHANNEL, MAX_SIGNAL_IDS } from '../src/services/tasks/hub.js';
import { POLL_MS } from '../src/services/tasks/waiter.js';
import { WatchQueue } from '../src/services/tasks/watch.js';
import { connectClient, startExtraServer, testEnv } from './support/environment.js';
import { expectError, violatedFields } from './support/fixtures.js';
import { createTask, claimOne, newTaskTenant, taskFor, untilResolved, type TaskTenant } from './support/tasks.js';

const { STARTED, TASKS_AVAILABLE, TASKS_CHANGED, RESYNC } = WatchEventKind;
/** The application_name of a hub's LISTEN connection (hub.ts). */
const HUB_CONNECTION = 'chimera-core tasks';

/** A running watch: what it has received so far, and a way to wait for what it must receive. */
interface Watch {
  events: WatchTasksResponse[];
  /** The first event from index `from` on that `match` accepts; throws after `timeoutMs`. */
  next(match: (e: WatchTasksResponse) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<WatchTasksResponse>;
  /** The error the stream ended with, if it did. */
  failure(): unknown;
  close(): void;
}

const open: Watch[] = [];

/** Starts a watch and waits for its first event, which must be STARTED. */
async function watch(client: Client<typeof TaskService>, taskTypes: TaskType[] = []): Promise<Watch> {
  const abort = new AbortController();
  const events: WatchTasksResponse[] = [];
  const waiting = new Set<() => void>();
  const wakeAll = () => waiting.forEach((wake) => wake());
  let failure: unknown;
  void (async () => {
    try {
      for await (const event of client.watchTasks({ taskTypes }, { signal: abort.signal })) {
        events.push(event);
        wakeAll();
      }
    } catch (err) {
      if (!abort.signal.aborted) failure = err;
      wakeAll();
    }
  })();
  const w: Watch = {
    events,
    failure: () => failure,
    close: () => abort.abort(),
    async next(match, { from = 0, timeoutMs = 5_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.slice(from).find(match);
        if (found) return found;
        if (failure) throw failure;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; received ${events.map(show).join(', ')}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, left);
          function done() {
            clearTimeout(timer);
            waiting.delete(done);
            resolve();
          }
          waiting.add(done);
        });
      }
    },
  };
  open.push(w);
  await w.next(() => true);
  expect(events[0].kind, 'the first event').to.equal(STARTED);
  return w;
}

/** An event, for messages: kind, and type and number of ids when it has them. */
const show = (e: WatchTasksResponse) => `${WatchEventKind[e.kind]}${e.taskType ? `(${TaskType[e.taskType]}: ${e.taskIds.length} ids)` : ''}`;

const event = (kind: WatchEventKind, taskType?: TaskType, taskId?: string) => (e: WatchTasksResponse) =>
  e.kind === kind && (taskType === undefined || e.taskType === taskType) && (taskId === undefined || e.taskIds.includes(taskId));

/** Polls `probe` every 50 ms until it returns a value, for at most `ms`. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A second server on the same database (default options: its hub LISTENs there) once its hub is
 *  connected, a client of it for `t`, and the pid of the hub's connection. startServer returns
 *  before the hub has connected, and what is NOTIFYed before it LISTENs never reaches it: this
 *  waits for the connection, not for a while. The pid is the sender of the NOTIFY that a task
 *  created there makes (the hub sends on its LISTEN connection, once it listens): exactly that
 *  server's, however many others (the suite's, other runs') use the database. */
async function listeningServer(t: TaskTenant) {
  const { server, pool } = await startExtraServer();
  const there = connectClient(TaskService, `http://127.0.0.1:${server.port}`, t.apiKey);
  // LISTEN needs a session of its own: straight to PostgreSQL, never through a transaction pooler.
  const listener = new pg.Client({ connectionString: testEnv().directUrl });
  const senders: number[] = [];
  listener.on('notification', (m) => {
    if (m.payload?.includes(t.tenant.id)) senders.push(m.processId);
  });
  const stop = async () => {
    await server.shutdown(1_000);
    await pool.end();
  };
  try {
    await listener.connect();
    await listener.query(`LISTEN ${CHANNEL}`);
    // Tasks of a type the tests do not watch or claim, until one is heard of.
    const hubPid = await until('the hub there sends', 10_000, async () => {
      if (senders.length === 0) await there.createTasks({ tasks: [taskFor(t, { taskType: TaskType.EXECUTE_TRANSACTION })] });
      return senders[0];
    });
    return { there, hubPid, stop };
  } catch (err) {
    await stop();
    throw err;
  } finally {
    await listener.end();
  }
}

const closeWatches = () => open.splice(0).forEach((w) => w.close());

describe('TaskService: WatchTasks', () => {
  let t: TaskTenant;
  beforeEach(async () => {
    t = await newTaskTenant();
  });
  afterEach(closeWatches);

  it('sends STARTED first, then the tenant\'s events of the watched types only: a created task is available, a claimed one changed', async () => {
    const other = await newTaskTenant();
    const content = await watch(t.tasks, [TaskType.GENERATE_CONTENT]);
    const trends = await watch(t.tasks, [TaskType.FETCH_TRENDS]);
    const stranger = await watch(other.tasks);
    // (watch() has checked that each stream began with STARTED.)

    const task = await createTask(t);
    const available = await content.next(event(TASKS_AVAILABLE));
    expect(available.taskType).to.equal(TaskType.GENERATE_CONTENT);
    expect(available.taskIds).to.deep.equal([task.id]);
    expect(available.eventTime, 'event_time').to.not.equal(undefined);
    // A creation is a change of status too (none to PENDING), announced with it; the claim's
    // change is looked for after it.
    await content.next(event(TASKS_CHANGED, TaskType.GENERATE_CONTENT, task.id));
    const from = content.events.length;
    await claimOne(t);
    const changed = await content.next(event(TASKS_CHANGED), { from });
    expect(changed.taskType).to.equal(TaskType.GENERATE_CONTENT);
    expect(changed.taskIds).to.deep.equal([task.id]);
    expect(content.events.slice(from).filter((e) => e.kind === TASKS_AVAILABLE), 'a claim makes nothing available').to.have.length(0);

    // Fences: a task of the other type reaches the other watcher, one of the other tenant the
    // stranger; neither had been sent anything before it.
    const trend = await createTask(t, { taskType: TaskType.FETCH_TRENDS });
    await trends.next(event(TASKS_AVAILABLE, TaskType.FETCH_TRENDS, trend.id));
    expect(trends.events.filter((e) => e.taskType !== TaskType.FETCH_TRENDS).map(show)).to.deep.equal(['STARTED']);
    const theirs = await createTask(other);
    await stranger.next(event(TASKS_AVAILABLE, TaskType.GENERATE_CONTENT, theirs.id));
    expect(stranger.events.filter((e) => e.taskIds.includes(task.id) || e.taskIds.includes(trend.id)), 'nothing of the tenant\'s tasks').to.have.length(0);
    expect(stranger.events.filter((e) => !e.taskIds.includes(theirs.id)).map(show)).to.deep.equal(['STARTED']);
  });

  it('coalesces a batch of 200 tasks into one TASKS_AVAILABLE for its type that names none of them (more than 50: list them)', async () => {
    const w = await watch(t.tasks);
    const created = Date.now();
    await t.tasks.createTasks({ tasks: Array.from({ length: 200 }, () => taskFor(t)) });
    // Fence: a later task's event means the batch's events have all arrived; then a little while
    // more (up to 500 ms after the create) in case any came one by one after all.
    const fence = await createTask(t, { taskType: TaskType.FETCH_TRENDS });
    await w.next(event(TASKS_AVAILABLE, TaskType.FETCH_TRENDS, fence.id));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, created + 500 - Date.now())));
    const batch = w.events.filter((e) => e.taskType === TaskType.GENERATE_CONTENT);
    expect(batch.length, `a handful of events, not one per task: ${batch.map(show).join(', ')}`).to.be.at.most(3);
    const available = batch.filter((e) => e.kind === TASKS_AVAILABLE);
    expect(available, 'one TASKS_AVAILABLE').to.have.length(1);
    expect(available[0].taskIds, 'more than 50: no ids').to.deep.equal([]);
    expect(batch.every((e) => e.taskIds.length === 0), 'no event names some of the 200').to.equal(true);
  });

  it('names every task of a batch of 50, the most one event names', async () => {
    const w = await watch(t.tasks, [TaskType.REPLY_COMMENT]);
    const { tasks } = await t.tasks.createTasks({ tasks: Array.from({ length: MAX_SIGNAL_IDS }, () => taskFor(t, { taskType: TaskType.REPLY_COMMENT })) });
    const available = await w.next(event(TASKS_AVAILABLE, TaskType.REPLY_COMMENT));
    expect([...available.taskIds].sort()).to.deep.equal(tasks.map((x) => x.id).sort());
  });

  it('refuses an unknown type (InvalidArgument, when the stream is read), a key without tasks:read and a call without a key', async () => {
    const first = async (client: Client<typeof TaskService>, taskTypes: TaskType[] = []) => {
      // A server stream's error arrives as it is iterated; returning early cancels the stream.
      for await (const e of client.watchTasks({ taskTypes })) return e;
      throw new Error('the stream ended without an event');
    };
    const err = await expectError(first(t.tasks, [99 as TaskType]), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['task_types[0]']);
    const noRead = await newTaskTenant({ scopes: ['tasks:write', 'tasks:work', 'tasks:review'] });
    await expectError(first(noRead.tasks), Code.PermissionDenied);
    await expectError(first(connectClient(TaskService, testEnv().baseUrl)), Code.Unauthenticated);
    // The key that may read is let in.
    expect((await first(t.tasks)).kind).to.equal(STARTED);
  });
});

describe('TaskService: the hub across processes', () => {
  beforeEach(function () {
    if (!testEnv().realPostgres) this.skip(); // embedded PGlite: one process, no LISTEN
  });
  afterEach(closeWatches);

  it('a watcher and a waiting claim on another server hear through NOTIFY of a task created on this one', async () => {
    const t = await newTaskTenant();
    const { there, stop } = await listeningServer(t);
    try {
      const w = await watch(there, [TaskType.GENERATE_CONTENT]);
      // The claim must be waiting before the task exists: its first (empty) claim statement has
      // run on the other server's connection (nothing else claims meanwhile).
      const { rows } = await testEnv().pool.query(`SELECT clock_timestamp() AS now`);
      const claim = there.claimTasks({ workerId: 'far', taskTypes: [TaskType.GENERATE_CONTENT], wait: { seconds: 10n, nanos: 0 } });
      await until('the claim has looked once and waits', 5_000, async () => {
        const { rowCount } = await testEnv().pool.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'chimera-core' AND state = 'idle' AND query LIKE 'WITH due AS%' AND query_start >= $1`,
          [rows[0].now],
        );
        return rowCount ? true : undefined;
      });
      const created = Date.now();
      const task = await createTask(t);
      const seen = await w.next(event(TASKS_AVAILABLE));
      expect(seen.taskIds, 'the watcher there').to.deep.equal([task.id]);
      expect((await claim).tasks.map((x) => x.id), 'the claim there').to.deep.equal([task.id]);
      // A waiting claim also looks again every POLL_MS (1 s) on its own; woken by the notification
      // it answers well within half of that.
      expect(Date.now() - created, 'woken by the notification, not by its poll').to.be.below(POLL_MS / 2);
    } finally {
      await stop();
    }
  });

  it('when its LISTEN connection is cut, a server\'s watchers get RESYNC, its hub reconnects and they get events again', async () => {
    const t = await newTaskTenant();
    const { there, hubPid, stop } = await listeningServer(t);
    try {
      const w = await watch(there);
      const from = w.events.length;
      // Only the extra server's connection: the suite's server keeps its own.
      const { rows } = await testEnv().pool.query(
        `SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = $1 AND pid = $2`,
        [HUB_CONNECTION, hubPid],
      );
      expect(rows.map((r) => r.cut)).to.deep.equal([true]);
      await w.next(event(RESYNC), { from });

      // What the suite's server NOTIFYs reaches the watcher there once its hub listens again.
      const created: Array<{ id: string; at: number }> = [];
      await untilResolved(
        async () => {
          const at = w.events.length;
          const task = await createTask(t);
          created.push({ id: task.id, at });
          return w.next(event(TASKS_AVAILABLE, TaskType.GENERATE_CONTENT, task.id), { from, timeoutMs: 300 });
        },
        { timeoutMs: 10_000 },
      );
      // What the watcher missed (created while nobody listened) is followed by a RESYNC, sent
      // once the hub listens again: a client that listed at the first RESYNC lists once more.
      for (const { id, at } of created.filter((c) => !w.events.some(event(TASKS_AVAILABLE, undefined, c.id)))) {
        expect(w.events.slice(at).map(show), `a RESYNC after ${id} was missed`).to.include('RESYNC');
      }
      expect(w.failure(), 'the watch stayed open').to.equal(undefined);
      const { rowCount } = await testEnv().pool.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [hubPid]);
      expect(rowCount, 'the cut connection is gone').to.equal(0);
      // The process is up and serves.
      const task = await createTask(t);
      expect((await there.getTask({ id: task.id })).task!.id).to.equal(task.id);
    } finally {
      await stop();
    }
  });
});

describe('WatchQueue', () => {
  const signal = (i: number) => ({ tenantId: 't', kind: 'available' as const, taskType: 'GENERATE_CONTENT', taskIds: [String(i)], count: 1 });
  /** An aborted signal: next() answers what is queued, or undefined when nothing is. */
  const drained = AbortSignal.abort();

  it('tells a watcher whose client reads too slowly to list again, with one RESYNC in place of what overflowed', async () => {
    const queue = new WatchQueue(3);
    for (let i = 0; i < 5; i++) queue.push(signal(i));
    const never = new AbortController().signal;
    // Three filled the queue; the fourth replaced them by one RESYNC; the fifth queued after it.
    expect(await queue.next(never)).to.deep.equal({ kind: 'resync' });
    expect(await queue.next(never)).to.deep.equal(signal(4));
    expect(await queue.next(drained)).to.equal(undefined);
  });

  it('replaces what is queued by a RESYNC pushed, and ends next() with undefined when the watch is cancelled', async () => {
    const queue = new WatchQueue(10);
    queue.push(signal(1));
    queue.push(signal(2));
    queue.push({ kind: 'resync' });
    expect(await queue.next(drained)).to.deep.equal({ kind: 'resync' });
    expect(await queue.next(drained), 'nothing left behind the RESYNC').to.equal(undefined);

    const abort = new AbortController();
    const waiting = queue.next(abort.signal);
    abort.abort();
    expect(await waiting).to.equal(undefined);
    // An event pushed while one waits is answered at once.
    const next = queue.next(new AbortController().signal);
    queue.push(signal(3));
    expect(await next).to.deep.equal(signal(3));
  });
});
