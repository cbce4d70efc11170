// What the server is built from. Each service builds itself into a module: its RPCs, and the
// background work it owns (sweepers, rescuers, listeners) with the means to stop it, so that the
// server only starts and stops modules and never knows what runs inside them.
import type { ConnectRouter } from '@connectrpc/connect';
import type { DescService } from '@bufbuild/protobuf';
import type { Caller } from '../server/context.js';

export interface ServiceModule {
  service: DescService;
  /** Registers the service's implementation. */
  register(router: ConnectRouter): void;
  /** Starts the module's background work, if it has any. */
  start(): void;
  /** Stops it; resolves once whatever was running has finished. */
  stop(): Promise<void>;
  /** Told of every call an API key authenticates, if the module wants to know; called on every
   *  call's path, so it must only note the fact in memory. */
  keyUsed?(caller: Caller): void;
}

/** A module with no background work. */
export function statelessModule(service: DescService, register: (router: ConnectRouter) => void): ServiceModule {
  return { service, register, start() {}, stop: async () => {} };
}
