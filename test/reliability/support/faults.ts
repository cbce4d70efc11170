// The fault injector of a reliability run: faults in a fixed rotation, one at a time, every
// `everyMs` (jittered by half either way), each followed by a wait until the service serves again,
// so that faults do not pile up into one long outage and every kind recurs at its own rhythm.
import { sleep } from './stage.js';

export interface Fault {
  name: string;
  inject(): Promise<void>;
}

export interface FaultInjector {
  /** How many of each kind were injected so far. */
  counts: Map<string, number>;
  /** Resolves once every fault of the rotation has been injected and recovered from. */
  rotated: Promise<void>;
  /** Ends the rotation; resolves once the fault in progress and its recovery are over. */
  stop(): Promise<void>;
}

export interface FaultOptions {
  faults: Fault[];
  everyMs: number;
  recovered: () => Promise<void>;
  /** Rotations after which the injector rests (default: until stopped). */
  rounds?: number;
}

export function startFaults(opts: FaultOptions): FaultInjector {
  const counts = new Map(opts.faults.map((f) => [f.name, 0]));
  let stopping = false;
  let wake: () => void = () => {};
  const pause = (ms: number) => Promise.race([sleep(ms), new Promise<void>((resolve) => (wake = resolve))]);
  let rotatedNow: () => void = () => {};
  const rotated = new Promise<void>((resolve) => (rotatedNow = resolve));
  const loop = (async () => {
    for (let i = 0; i < (opts.rounds ?? Infinity) * opts.faults.length; i++) {
      await pause(opts.everyMs * (0.5 + Math.random()));
      if (stopping) return;
      const fault = opts.faults[i % opts.faults.length];
      await fault.inject();
      counts.set(fault.name, counts.get(fault.name)! + 1);
      await opts.recovered();
      if (i === opts.faults.length - 1) rotatedNow();
    }
  })();
  // Kept for stop() to throw, so that a failed fault fails the run instead of the process.
  let failure: unknown;
  loop.catch((err: unknown) => (failure = err));
  void loop.then(rotatedNow, rotatedNow);
  return {
    counts,
    rotated,
    async stop() {
      stopping = true;
      wake();
      await loop.catch(() => {});
      if (failure) throw failure;
    },
  };
}

/** Codes a client retries with the same ids: the call may or may not have taken effect. Canceled
 *  too: these clients cancel nothing, and connect-node reports a connection that closed under a
 *  call (the service killed) as Canceled, its HTTP/2 stream reset with CANCEL. */
export const RETRYABLE = new Set(['Unavailable', 'Aborted', 'DeadlineExceeded', 'Canceled']);

/** The run's settings: RELIABILITY_SECONDS (how long the bank's load runs at least, and how long
 *  the queue's drain would take undisturbed), RELIABILITY_TASKS (the queue's size) and
 *  RELIABILITY_FAULT_MS (the mean pause between faults). The defaults are CI's short run. */
export function reliabilitySettings() {
  const number = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  return {
    seconds: number('RELIABILITY_SECONDS', 10),
    tasks: Math.round(number('RELIABILITY_TASKS', 10_000)),
    faultEveryMs: number('RELIABILITY_FAULT_MS', 2_000),
  };
}
