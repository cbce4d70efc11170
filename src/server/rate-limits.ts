// Token buckets per tenant and per API key: a tenant call takes one token from each, and one
// finding a bucket empty is refused ResourceExhausted with google.rpc.RetryInfo saying when a
// token will be there. The defaults let a tenant's workers call continuously; they stop a runaway
// loop from taking the service from everyone else.
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { ErrorInfoSchema, RetryInfoSchema } from '../gen/proto/google/rpc/error_details_pb.js';
import { ERROR_DOMAIN } from '../lib/errors.js';
import { callerKey } from './context.js';

export interface RateLimits {
  /** Calls per second a tenant's keys may make together, and the burst above it; 0: no limit. */
  tenantPerSecond: number;
  tenantBurst: number;
  /** Calls per second one API key may make, and the burst above it; 0: no limit. */
  keyPerSecond: number;
  keyBurst: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { tenantPerSecond: 20_000, tenantBurst: 40_000, keyPerSecond: 10_000, keyBurst: 20_000 };

/** Buckets not touched for this long are forgotten (they would be full again anyway). */
const IDLE_MS = 60_000;

class Buckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes a token: 0 when there was one, else the milliseconds until there will be. */
  take(id: string, now: number): number {
    if (this.perSecond <= 0) return 0;
    if (this.buckets.size > 100_000) this.forgetIdle(now);
    const b = this.buckets.get(id) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) * this.perSecond) / 1000);
    b.at = now;
    this.buckets.set(id, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * 1000) / this.perSecond);
  }

  private forgetIdle(now: number): void {
    for (const [id, b] of this.buckets) if (now - b.at > IDLE_MS) this.buckets.delete(id);
  }
}

/** The interceptor, after authentication: admin and public calls are not limited. */
export function rateLimiting(limits: RateLimits): Interceptor {
  const tenants = new Buckets(limits.tenantPerSecond, limits.tenantBurst);
  const keys = new Buckets(limits.keyPerSecond, limits.keyBurst);
  return (next) => async (req) => {
    const caller = req.contextValues.get(callerKey);
    if (!caller) return next(req);
    const now = Date.now();
    const waitKey = keys.take(caller.keyId, now);
    const waitTenant = waitKey > 0 ? 0 : tenants.take(caller.tenantId, now);
    const wait = Math.max(waitKey, waitTenant);
    if (wait > 0) {
      const which = waitKey > 0 ? 'API key' : 'tenant';
      throw new ConnectError(`too many calls for this ${which}; retry in ${wait} ms`, Code.ResourceExhausted, undefined, [
        { desc: ErrorInfoSchema, value: { reason: waitKey > 0 ? 'KEY_RATE_LIMITED' : 'TENANT_RATE_LIMITED', domain: ERROR_DOMAIN, metadata: {} } },
        { desc: RetryInfoSchema, value: { retryDelay: durationFromMs(wait) } },
      ]);
    }
    return next(req);
  };
}
