// TLS on the service's port (CHIMERA_TLS_CERT, CHIMERA_TLS_KEY) and, with a client CA
// (CHIMERA_TLS_CLIENT_CA), mutual TLS. The files are read once at start; a problem with one is a
// ConfigError naming the variable and the file, so the service refuses to start rather than
// failing its first handshake.
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { ConfigError } from '../config.js';

/** Where the PEM files are (the configuration's paths). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** The CA that signs client certificates; set: a client without one is refused. */
  clientCaFile?: string | undefined;
}

/** What the port needs to serve TLS: the PEM contents. */
export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
  clientCa?: Buffer;
}

/** The protocols the port offers in ALPN, preferred first. */
export const ALPN_PROTOCOLS = ['h2', 'http/1.1'];

// A client that connects and never finishes its handshake is dropped after this long.
const HANDSHAKE_TIMEOUT_MS = 10_000;

export function readTlsFiles(files: TlsFiles): TlsCredentials {
  const credentials: TlsCredentials = {
    cert: readPem('CHIMERA_TLS_CERT', files.certFile, 'CERTIFICATE'),
    key: readPem('CHIMERA_TLS_KEY', files.keyFile, 'PRIVATE KEY'),
    clientCa: files.clientCaFile === undefined ? undefined : readPem('CHIMERA_TLS_CLIENT_CA', files.clientCaFile, 'CERTIFICATE'),
  };
  try {
    // Catches a key that does not match the certificate, or an unparsable PEM block, at start.
    tls.createSecureContext(secureContextOptions(credentials));
  } catch (err) {
    const variables = files.clientCaFile === undefined ? 'CHIMERA_TLS_CERT and CHIMERA_TLS_KEY' : 'CHIMERA_TLS_CERT, CHIMERA_TLS_KEY and CHIMERA_TLS_CLIENT_CA';
    throw new ConfigError(`${variables} do not make a usable TLS setup: ${(err as Error).message}`);
  }
  return credentials;
}

function readPem(variable: string, path: string, label: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (err) {
    throw new ConfigError(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  // "PRIVATE KEY" also matches "RSA PRIVATE KEY" and "EC PRIVATE KEY".
  if (!pem.toString('latin1').includes(`${label}-----`)) throw new ConfigError(`${variable}: ${path} holds no PEM ${label}`);
  return pem;
}

/** The part of the TLS setup that a reload replaces (tls.Server.setSecureContext). */
export function secureContextOptions(credentials: TlsCredentials): tls.SecureContextOptions {
  return { cert: credentials.cert, key: credentials.key, ca: credentials.clientCa };
}

/** A TLS server that never listens itself: listen.ts hands it the sockets it accepts, and takes
 *  back each one once its handshake is done ('secureConnection'). */
export function createTlsServer(credentials: TlsCredentials): tls.Server {
  const mutual = credentials.clientCa !== undefined;
  return tls.createServer({
    ...secureContextOptions(credentials),
    ALPNProtocols: ALPN_PROTOCOLS,
    // With a client CA, a client without a certificate it signed fails the handshake.
    requestCert: mutual,
    rejectUnauthorized: mutual,
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  });
}

/** The subject of the client certificate a connection was verified with (mutual TLS), for the
 *  call log; undefined on cleartext and one-way TLS connections. An HTTP/2 request's socket is a
 *  proxy of the TLS socket, not one itself: hence the duck typing. */
export function clientSubject(socket: object): string | undefined {
  const peer = socket as Partial<Pick<tls.TLSSocket, 'authorized' | 'getPeerCertificate'>>;
  if (peer.authorized !== true || !peer.getPeerCertificate) return undefined;
  const subject = peer.getPeerCertificate().subject;
  if (!subject) return undefined;
  // A field that occurs more than once (two OUs) is an array at run time.
  return Object.entries(subject as unknown as Record<string, string | string[]>)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(',');
}

/** What the port speaks, for the startup line. */
export function describeTransport(files: TlsFiles | undefined): string {
  if (!files) return 'cleartext';
  return files.clientCaFile ? 'mutual TLS (client certificates required)' : 'TLS';
}
