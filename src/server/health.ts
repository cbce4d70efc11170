// grpc.health.v1.Health, backed by a database probe and a draining flag.
// Protocol: https://github.com/grpc/grpc/blob/master/doc/health-checking.md
import { create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import {
  Health,
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckResponse,
} from '../gen/proto/grpc/health/v1/health_pb.js';

export { ServingStatus };

export interface HealthTuning {
  /** How long a probe result is reused. Default 1000 ms. */
  cacheMs?: number;
  /** A probe that takes longer than this counts as failed. Default 2000 ms. */
  probeTimeoutMs?: number;
  /** How often Watch re-evaluates the status. Default 1000 ms. */
  watchIntervalMs?: number;
}

export class HealthState {
  readonly services: readonly string[];
  readonly watchIntervalMs: number;
  private readonly cacheMs: number;
  private readonly probeTimeoutMs: number;
  private readonly drain = new AbortController();
  private probed: { ok: boolean; at: number } | undefined;
  private inflight: Promise<boolean> | undefined;

  /**
   * @param probe resolves true when the database is reachable and migrated
   * @param services fully-qualified names, e.g. 'chimera.agents.v1.AgentService'
   */
  constructor(
    private readonly probe: () => Promise<boolean>,
    services: readonly string[],
    opts: HealthTuning = {},
  ) {
    this.services = [...services];
    this.cacheMs = opts.cacheMs ?? 1000;
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 2000;
    this.watchIntervalMs = opts.watchIntervalMs ?? 1000;
  }

  /** Report NOT_SERVING from now on, so load balancers stop routing here. */
  setDraining(): void {
    this.drain.abort();
  }

  get draining(): boolean {
    return this.drain.signal.aborted;
  }

  /** Aborts when setDraining() is called. */
  get drainSignal(): AbortSignal {
    return this.drain.signal;
  }

  /** The status of a service ('' is the whole server), undefined if unknown. */
  async status(service: string): Promise<ServingStatus | undefined> {
    if (service !== '' && !this.services.includes(service)) return undefined;
    if (this.draining) return ServingStatus.NOT_SERVING;
    const ok = await this.probeCached();
    // setDraining() may have been called while the probe ran.
    return ok && !this.draining
      ? ServingStatus.SERVING
      : ServingStatus.NOT_SERVING;
  }

  private probeCached(): Promise<boolean> {
    if (this.probed && Date.now() - this.probed.at < this.cacheMs) {
      return Promise.resolve(this.probed.ok);
    }
    this.inflight ??= this.runProbe().then((ok) => {
      this.probed = { ok, at: Date.now() };
      this.inflight = undefined;
      return ok;
    });
    return this.inflight;
  }

  private async runProbe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.probeTimeoutMs);
    });
    try {
      const ok = await Promise.race([this.probe(), timeout]);
      return ok === true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}

export function healthServiceImpl(state: HealthState): ServiceImpl<typeof Health> {
  const response = (status: ServingStatus): HealthCheckResponse =>
    create(HealthCheckResponseSchema, { status });

  return {
    async check(req) {
      const status = await state.status(req.service);
      if (status === undefined) {
        throw new ConnectError(`unknown service ${req.service}`, Code.NotFound);
      }
      return response(status);
    },

    async *watch(req, ctx: HandlerContext) {
      let last: ServingStatus | undefined;
      while (!ctx.signal.aborted) {
        // Unknown services stay open with SERVICE_UNKNOWN, per the protocol.
        const status =
          (await state.status(req.service)) ?? ServingStatus.SERVICE_UNKNOWN;
        if (status !== last) {
          yield response(status);
          last = status;
        }
        if (state.draining) return;
        await sleep(state.watchIntervalMs, ctx.signal, state.drainSignal);
      }
    },

    async list() {
      const names = ['', ...state.services];
      const statuses = await Promise.all(names.map((n) => state.status(n)));
      return {
        statuses: Object.fromEntries(
          names.map((n, i) => [
            n,
            response(statuses[i] ?? ServingStatus.SERVICE_UNKNOWN),
          ]),
        ),
      };
    },
  };
}

/** Resolves after ms, or as soon as any signal aborts. */
function sleep(ms: number, ...signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of signals) {
      if (s.aborted) return done();
      s.addEventListener('abort', done, { once: true });
    }
  });
}
