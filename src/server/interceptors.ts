// The interceptor chain, outermost first: request id + access log, metrics and trace
// (observability/calls.ts) -> error mapping -> draining -> authentication and scopes. Handlers
// only ever see authenticated, in-scope calls.
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import { toClientError } from '../db/errors.js';
import { apiError } from '../lib/errors.js';
import { hasScope, tokensEqual, type ApiKeyResolver } from './auth.js';
import { callerKey, requestIdKey, type Caller } from './context.js';

/** How a method is authorised. Methods without a policy are refused (fail closed). */
export type MethodPolicy = { kind: 'public' } | { kind: 'admin' } | { kind: 'tenant'; scope: string };
export type PolicyLookup = (service: string, method: string) => MethodPolicy | undefined;

/** Anything that is not already a deliberate ConnectError becomes a safe one, keeping the original
 *  as its cause for the log (observability/calls.ts writes it). */
export function errorMapping(): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (err) {
      throw toClientError(err);
    }
  };
}

/** Counts calls in flight and refuses new ones once the server is draining. Exempt services
 *  (health, reflection) keep answering, so health can report NOT_SERVING while draining. */
export class InFlight {
  private count = 0;
  private draining = false;
  private idle: Array<() => void> = [];

  constructor(private readonly exempt: (service: string) => boolean) {}

  interceptor(): Interceptor {
    return (next) => async (req) => {
      if (this.exempt(req.service.typeName)) return next(req);
      if (this.draining) {
        throw apiError(Code.Unavailable, 'SHUTTING_DOWN', 'the server is shutting down; retry on another instance');
      }
      this.count++;
      try {
        return await next(req);
      } finally {
        this.count--;
        if (this.count === 0) this.idle.splice(0).forEach((resolve) => resolve());
      }
    };
  }

  get active(): number {
    return this.count;
  }

  /** Refuses new calls and resolves when the last in-flight call ends (or after `graceMs`). */
  drain(graceMs: number): Promise<void> {
    this.draining = true;
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Called with every tenant call refused for a missing scope (the audit trail records it). */
export type DeniedCallHook = (call: { caller: Caller; method: string; reason: string; scope: string; requestId: string }) => Promise<void>;

export function authentication(policyFor: PolicyLookup, keys: ApiKeyResolver, adminToken: string | undefined, onDenied: DeniedCallHook = async () => {}): Interceptor {
  return (next) => async (req) => {
    const policy = policyFor(req.service.typeName, req.method.name);
    if (!policy) throw apiError(Code.PermissionDenied, 'METHOD_NOT_ALLOWED', 'this method is not available to any caller');
    if (policy.kind === 'public') return next(req);

    const token = bearerToken(req.header.get('authorization'));
    if (policy.kind === 'admin') {
      if (!adminToken) throw apiError(Code.PermissionDenied, 'ADMIN_DISABLED', 'the admin API is disabled (CHIMERA_ADMIN_TOKEN is not set)');
      if (!token || !tokensEqual(token, adminToken)) throw unauthenticated('the admin token is missing or wrong');
      return next(req);
    }

    if (!token) throw unauthenticated('missing "authorization: Bearer <api key>" header');
    const resolution = await keys.resolve(token, req.contextValues.get(requestIdKey));
    if (!resolution.ok) {
      if (resolution.why === 'TENANT_SUSPENDED') {
        throw apiError(Code.PermissionDenied, 'TENANT_SUSPENDED', 'the tenant of this API key is suspended');
      }
      throw unauthenticated('the API key is unknown, revoked or expired', resolution.why);
    }
    // Known before the scope is checked, so that a refusal's log line names the tenant and key too.
    req.contextValues.set(callerKey, resolution.caller);
    if (!hasScope(resolution.caller, policy.scope)) {
      const method = `${req.service.typeName}/${req.method.name}`;
      await onDenied({ caller: resolution.caller, method, reason: 'MISSING_SCOPE', scope: policy.scope, requestId: req.contextValues.get(requestIdKey) });
      throw apiError(Code.PermissionDenied, 'MISSING_SCOPE', `the API key lacks the scope "${policy.scope}"`, { scope: policy.scope });
    }
    return next(req);
  };
}

function bearerToken(header: string | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

function unauthenticated(message: string, reason = 'UNAUTHENTICATED'): ConnectError {
  return apiError(Code.Unauthenticated, reason, message);
}
