// Waiting on what the database shows rather than on the clock: sessions queued behind a lock, or
// any condition, polled until it holds.
import type pg from 'pg';
import { testEnv } from './environment.js';

/** Waits until `n` sessions queue behind `holder`: blocked by it, or by a session that is. */
export async function queued(holder: Pick<pg.ClientBase, 'query'>, n: number): Promise<void> {
  const { rows } = await holder.query('SELECT pg_backend_pid() AS pid');
  for (let i = 0; i < 500; i++) {
    const { rows: blocked } = await testEnv().pool.query('SELECT pid, pg_blocking_pids(pid) AS by FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0');
    const chain = new Set<number>([rows[0].pid as number]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of blocked as Array<{ pid: number; by: number[] }>) {
        if (!chain.has(r.pid) && r.by.some((p) => chain.has(p))) (chain.add(r.pid), (grew = true));
      }
    }
    if (chain.size - 1 >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`fewer than ${n} sessions queued behind the lock`);
}

/** Polls `check` every 10 ms until it holds; fails naming `what` after `ms`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
