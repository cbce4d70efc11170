// Values the interceptors put on each call for the handlers to read.
import { createContextKey } from '@connectrpc/connect';

/** Who is calling: resolved from the API key by the auth interceptor. */
export interface Caller {
  tenantId: string;
  keyId: string;
  scopes: readonly string[];
}

export const callerKey = createContextKey<Caller | undefined>(undefined, { description: 'authenticated caller' });
export const requestIdKey = createContextKey<string>('', { description: 'request id' });

