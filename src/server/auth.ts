// Bearer API keys -> tenant + scopes, with a short cache so revocation and suspension take effect
// within the TTL (5 s by default) while a hot key costs no database round trip.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/tx.js';
import { findApiKeyBySecret } from '../gen/sql/tenancy/api_keys.queries.js';
import type { Caller } from './context.js';

export type Resolution =
  | { ok: true; caller: Caller }
  | { ok: false; why: 'UNKNOWN_KEY' | 'KEY_REVOKED' | 'KEY_EXPIRED' | 'TENANT_SUSPENDED' };

interface Key {
  tenantId: string;
  keyId: string;
  scopes: string[];
  expireTime: Date | null;
  revoked: boolean;
  suspended: boolean;
}

interface Entry<T> {
  value: T;
  fetchedAt: number;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** The shape of every secret this service issues (api-key-secret.ts): anything else is refused
 *  before any lookup, so a malformed key costs no database transaction. */
export const API_KEY_SHAPE = /^chk_[A-Za-z0-9_-]{43}$/;

export interface ApiKeyResolverOptions {
  /** How long a lookup's answer is trusted (revocation and suspension delay). */
  ttlMs: number;
  /** Keys that exist (revoked and expired ones too), most recently used kept. Default 10,000. */
  maxKeys?: number;
  /** Well-formed secrets that matched no key, kept apart so that a flood of random secrets
   *  cannot push the valid keys out. Default 10,000. */
  maxUnknown?: number;
  now?: () => number;
  /** Told of every call a key authenticates (the tenancy module records when keys were last used). */
  onUse?: (caller: Caller) => void;
}

/** A map that keeps its `max` most recently set entries. */
class Recent<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(private readonly max: number) {}

  get(key: string, ttlMs: number, now: number): Entry<T> | undefined {
    const entry = this.entries.get(key);
    return entry && now - entry.fetchedAt < ttlMs ? entry : undefined;
  }

  set(key: string, entry: Entry<T>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

export class ApiKeyResolver {
  private readonly keys: Recent<Key>;
  private readonly unknown: Recent<null>;
  /** Lookups in flight, so that concurrent calls with one secret share one, with when they began. */
  private readonly inFlight = new Map<string, { startedAt: number; key: Promise<Key | null> }>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly onUse: (caller: Caller) => void;

  constructor(
    private readonly db: Database,
    options: ApiKeyResolverOptions,
  ) {
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
    this.onUse = options.onUse ?? (() => {});
    this.keys = new Recent(options.maxKeys ?? 10_000);
    this.unknown = new Recent(options.maxUnknown ?? 10_000);
  }

  async resolve(secret: string, requestId: string): Promise<Resolution> {
    if (!API_KEY_SHAPE.test(secret)) return { ok: false, why: 'UNKNOWN_KEY' };
    const key = await this.find(hashSecret(secret).toString('base64'), requestId);
    if (!key) return { ok: false, why: 'UNKNOWN_KEY' };
    if (key.revoked) return { ok: false, why: 'KEY_REVOKED' };
    if (key.expireTime && key.expireTime.getTime() <= this.now()) return { ok: false, why: 'KEY_EXPIRED' };
    if (key.suspended) return { ok: false, why: 'TENANT_SUSPENDED' };
    const caller = { tenantId: key.tenantId, keyId: key.keyId, scopes: key.scopes };
    this.onUse(caller);
    return { ok: true, caller };
  }

  private async find(hash: string, requestId: string): Promise<Key | null> {
    const now = this.now();
    const known = this.keys.get(hash, this.ttlMs, now);
    if (known) return known.value;
    if (this.unknown.get(hash, this.ttlMs, now)) return null;
    let lookup = this.inFlight.get(hash);
    if (!lookup) {
      lookup = { startedAt: now, key: this.lookup(Buffer.from(hash, 'base64'), requestId).finally(() => this.inFlight.delete(hash)) };
      this.inFlight.set(hash, lookup);
    }
    const key = await lookup.key;
    // The answer is as old as the lookup's start, not its end: a revocation that committed while
    // it ran is then still refused within the TTL of that commit.
    const fetchedAt = lookup.startedAt;
    if (key) {
      this.keys.set(hash, { value: key, fetchedAt });
      this.unknown.delete(hash);
    } else {
      this.unknown.set(hash, { value: null, fetchedAt });
      this.keys.delete(hash);
    }
    return key;
  }

  private async lookup(hash: Buffer, requestId: string): Promise<Key | null> {
    const rows = await this.db.adminTx({ actor: 'auth', requestId, timeoutMs: 5_000 }, (client) =>
      findApiKeyBySecret.run({ secretSha256: hash }, client),
    );
    // Looking up by the secret's hash leaks nothing useful through timing: the hash is not
    // controllable towards a stored one.
    const row = rows[0];
    if (!row) return null;
    return {
      tenantId: row.tenant_id,
      keyId: row.key_id,
      scopes: row.scopes,
      expireTime: row.expire_time,
      revoked: row.revoke_time !== null,
      suspended: row.tenant_status !== 'ACTIVE',
    };
  }
}

/** Constant-time comparison for the admin token. */
export function tokensEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export function hasScope(caller: Caller, scope: string): boolean {
  return caller.scopes.includes('*') || caller.scopes.includes(scope);
}
