// A claim that found nothing waits here for work instead of asking again and again: it wakes
// when the hub announces due tasks of its types, when the hub asks everyone to look again, or
// after at most a poll interval, which is how tasks scheduled for later (retries after a backoff)
// are picked up once they fall due.
import type { HubEvent, TaskHub } from './hub.js';

/** The longest a waiting claim sleeps before it looks again on its own. */
export const POLL_MS = 1_000;

export class WorkWaiter {
  private signalled = false;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: () => void;

  /** Subscribes at once: what is announced while the caller's claim runs is not missed. */
  constructor(hub: TaskHub, tenantId: string, types: ReadonlySet<string>) {
    this.unsubscribe = hub.subscribe(
      tenantId,
      types,
      (event: HubEvent) => {
        if (event.kind === 'changed') return;
        this.signalled = true;
        this.wake?.();
      },
      { claims: true },
    );
  }

  /** Resolves when there may be work, after `ms` at most (and at most POLL_MS), or on abort. */
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.signalled || signal.aborted) {
      this.signalled = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, POLL_MS)));
      signal.addEventListener('abort', done);
      this.wake = done;
    });
    this.signalled = false;
  }

  close(): void {
    this.unsubscribe();
    this.wake?.();
  }
}
