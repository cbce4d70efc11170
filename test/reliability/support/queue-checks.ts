// What the queue's database must hold once it has drained, read as the owner: every task
// COMPLETE or BLOCKED, its history (task_events) whole and explaining its end.
import type pg from 'pg';
import type { Plan } from './queue.js';

interface TaskHistory {
  id: string;
  status: string;
  max_attempts: number;
  version: number;
  completions: number;
  claims: number;
  /** Attempts that ended back in PENDING or in BLOCKED. */
  failures: number;
  /** Of those, the ones with no error recorded. */
  unexplained: number;
  rescues: number;
  events: number;
  first: number;
  last: number;
}

/** Tasks of the tenant not yet COMPLETE or BLOCKED (none left: drained). */
export async function openTasks(pool: pg.Pool, tenantId: string): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM tasks WHERE tenant_id = $1 AND status NOT IN ('COMPLETE', 'BLOCKED')`, [tenantId]);
  return rows[0].n as number;
}

async function histories(pool: pg.Pool, tenantId: string): Promise<TaskHistory[]> {
  const { rows } = await pool.query(
    `SELECT t.id, t.status, t.max_attempts, t.state_version::int AS version,
            count(*) FILTER (WHERE e.to_status = 'COMPLETE')::int AS completions,
            count(*) FILTER (WHERE e.to_status = 'IN_PROGRESS')::int AS claims,
            count(*) FILTER (WHERE e.from_status = 'IN_PROGRESS' AND e.to_status IN ('PENDING', 'BLOCKED'))::int AS failures,
            count(*) FILTER (WHERE e.from_status = 'IN_PROGRESS' AND e.to_status IN ('PENDING', 'BLOCKED') AND e.error = '')::int AS unexplained,
            count(*) FILTER (WHERE e.actor = 'task-rescuer')::int AS rescues,
            count(e.task_id)::int AS events, min(e.state_version)::int AS first, max(e.state_version)::int AS last
     FROM tasks t LEFT JOIN task_events e ON e.tenant_id = t.tenant_id AND e.task_id = t.id
     WHERE t.tenant_id = $1 GROUP BY t.tenant_id, t.id`,
    [tenantId],
  );
  return rows as TaskHistory[];
}

/** Checks every task against its history and plan; the problems found, and what happened. */
export async function checkDrained(pool: pg.Pool, tenantId: string, plans: Map<string, Plan>, completedBy: Map<string, string>) {
  const problems: string[] = [];
  const problem = (id: string, what: string) => problems.push(`${id} (${plans.get(id) ?? 'not created'}): ${what}`);
  const found = await histories(pool, tenantId);
  const outcome = { complete: 0, completeFirstAttempt: 0, blocked: 0, blockedPoison: 0, rescues: 0, failures: 0 };
  for (const t of found) {
    outcome.rescues += t.rescues;
    outcome.failures += t.failures;
    if (!plans.has(t.id)) problem(t.id, 'a task nobody created');
    if (t.first !== 1 || t.last !== t.version || t.events !== t.last) problem(t.id, `history has ${t.events} events for versions ${t.first}..${t.last}, the task is at ${t.version}`);
    if (t.unexplained > 0) problem(t.id, `${t.unexplained} failed attempts with no error recorded`);
    if (t.status === 'COMPLETE') {
      outcome.complete++;
      if (t.claims === 1) outcome.completeFirstAttempt++;
      if (t.completions !== 1) problem(t.id, `${t.completions} transitions to COMPLETE`);
      if (t.failures !== t.claims - 1) problem(t.id, `completed on claim ${t.claims} with ${t.failures} failed attempts before it`);
    } else if (t.status === 'BLOCKED') {
      outcome.blocked++;
      if (plans.get(t.id) === 'poison') outcome.blockedPoison++;
      if (t.completions !== 0) problem(t.id, 'BLOCKED after a transition to COMPLETE');
      if (t.claims !== t.max_attempts || t.failures !== t.max_attempts) problem(t.id, `BLOCKED after ${t.claims} claims and ${t.failures} failed attempts of ${t.max_attempts}`);
    } else {
      problem(t.id, `left ${t.status}`);
    }
  }
  const status = new Map(found.map((t) => [t.id, t.status]));
  for (const [id, plan] of plans) {
    if (!status.has(id)) problem(id, 'lost');
    else if (plan === 'poison' && status.get(id) !== 'BLOCKED') problem(id, `${status.get(id)}, not BLOCKED`);
  }
  for (const [id, worker] of completedBy) if (status.get(id) !== 'COMPLETE') problem(id, `${worker}'s completion was acknowledged, but the task is ${status.get(id)}`);
  return { problems, outcome };
}
