// Tenancy builds itself: TenantService's handlers (the admin plane) and the flusher that writes
// when API keys were last used (key-uses.ts).
import { TenantService } from '../../gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import type { ServiceDeps } from '../deps.js';
import type { ServiceModule } from '../module.js';
import { startPeriodic } from '../periodic.js';
import { tenantService } from './handler.js';
import { KeyUses } from './key-uses.js';

export interface TenancyOptions {
  /** How often keys' last uses are written; 0 records none. */
  keyUseFlushIntervalMs: number;
}

export const DEFAULT_TENANCY_OPTIONS: TenancyOptions = { keyUseFlushIntervalMs: 30_000 };

export function createTenancyModule(deps: ServiceDeps, options: TenancyOptions): ServiceModule & { keyUses: KeyUses } {
  const keyUses = new KeyUses();
  const flush = async () => {
    const keys = await keyUses.flush(deps.db);
    if (keys > 0) deps.log.debug('recorded api key uses', { keys });
  };
  const enabled = options.keyUseFlushIntervalMs > 0;
  let stopFlusher: (() => Promise<void>) | undefined;
  return {
    service: TenantService,
    keyUses,
    register: (router) => router.service(TenantService, tenantService(deps)),
    keyUsed: enabled ? (caller) => keyUses.record(caller) : undefined,
    start() {
      if (enabled) stopFlusher = startPeriodic({ name: 'api key use flush', intervalMs: options.keyUseFlushIntervalMs, log: deps.log, pass: flush });
    },
    async stop() {
      if (!stopFlusher) return;
      await stopFlusher();
      stopFlusher = undefined;
      // Once more, so that a clean shutdown loses nothing noted before it.
      await flush().catch((err: unknown) => deps.log.warn('api key use flush failed', { error: err instanceof Error ? err.message : String(err) }));
    },
  };
}
