// Background work that runs again `intervalMs` after each pass ends (sweepers, rescuers): never
// two passes at once, a failed pass logged and retried on the next tick, and a stop that waits
// for the pass in progress.
import type { Logger } from '../lib/log.js';

export interface PeriodicWork {
  /** Named in the warning a failed pass logs. */
  name: string;
  intervalMs: number;
  log: Logger;
  pass: () => Promise<void>;
}

/** Starts the passes; the returned function stops them and resolves once the last has ended. */
export function startPeriodic({ name, intervalMs, log, pass }: PeriodicWork): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = pass()
      .catch((err: unknown) => log.warn(`${name} failed`, { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  let timer = setTimeout(tick, intervalMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
