// Values the interceptors put on each call for the handlers to read.
import { randomUUID } from 'node:crypto';
import { createContextKey } from '@connectrpc/connect';

/** Who is calling: resolved from the API key by the auth interceptor. */
export interface Caller {
  tenantId: string;
  keyId: string;
  scopes: readonly string[];
}

export const callerKey = createContextKey<Caller | undefined>(undefined, { description: 'authenticated caller' });
export const requestIdKey = createContextKey<string>('', { description: 'request id' });
/** The address of the connection the call came on (http-front.ts, grpc-unary.ts), for the log. */
export const remoteAddressKey = createContextKey<string | undefined>(undefined, { description: 'remote address' });
/** The subject of the client certificate the connection was verified with (mutual TLS, tls.ts). */
export const clientCertificateKey = createContextKey<string | undefined>(undefined, { description: 'client certificate subject' });


const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's x-request-id when it is a sane one (it ends up in logs and headers), else a new id. */
export function requestIdFrom(supplied: string | null | undefined): string {
  return supplied && REQUEST_ID.test(supplied) ? supplied : randomUUID();
}
