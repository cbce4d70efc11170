// chimera-core's TypeScript client: one typed client per service over one transport (one HTTP/2
// connection, or HTTP/1.1 connections for Connect over 1.1), the API key as a bearer token, and
// retries of what is safe to retry (retry.ts). Importing this module starts nothing.
import { createClient, type Client, type Interceptor, type Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { AgentService } from '../gen/proto/chimera/agents/v1/agents_pb.js';
import { AuditService } from '../gen/proto/chimera/audit/v1/audit_pb.js';
import { CampaignService } from '../gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import { ContentService } from '../gen/proto/chimera/content/v1/content_pb.js';
import { LedgerService } from '../gen/proto/chimera/ledger/v1/ledger_pb.js';
import { TaskService } from '../gen/proto/chimera/tasks/v1/tasks_pb.js';
import { TenantService } from '../gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { choosingIds } from './ids.js';
import { DEFAULT_RETRY, retrying, type RetryOptions } from './retry.js';

export { DEFAULT_RETRY, retryDelay, type RetryOptions } from './retry.js';

/** Certificates for an https:// baseUrl (Node's TLS options). */
export interface TlsOptions {
  /** Trusted CA certificates, PEM; the system's when unset. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** A client certificate and its key, PEM, for servers that ask for one. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** The name the server's certificate must carry, when it is not baseUrl's host. */
  servername?: string;
}

export interface ChimeraClientOptions {
  /** The service's address, e.g. `http://localhost:8080` or `https://chimera.example.com`. */
  baseUrl: string;
  /** A tenant's API key (`chk_...`): every service but TenantService. */
  apiKey?: string;
  /** The admin token: TenantService (the `tenants` client) only. */
  adminToken?: string;
  /** `grpc` (default: binary gRPC over HTTP/2), `connect` or `grpc-web`. */
  transport?: 'connect' | 'grpc' | 'grpc-web';
  /** Connect and gRPC-Web only (gRPC is always HTTP/2); default '2'. */
  httpVersion?: '1.1' | '2';
  /** Connect and gRPC-Web only: JSON instead of binary protobuf; default false. */
  json?: boolean;
  /** Retries of retryable failures; false: every call is made once, and creates without an id are
   *  sent without one. Default: DEFAULT_RETRY. */
  retry?: Partial<RetryOptions> | false;
  /** A timeout for calls that do not give their own (`{ timeoutMs }`); default: none. */
  defaultTimeoutMs?: number;
  tls?: TlsOptions;
  /** The caller's own interceptors, run for every attempt. */
  interceptors?: Interceptor[];
}

export interface ChimeraClient {
  agents: Client<typeof AgentService>;
  campaigns: Client<typeof CampaignService>;
  tasks: Client<typeof TaskService>;
  content: Client<typeof ContentService>;
  ledger: Client<typeof LedgerService>;
  audit: Client<typeof AuditService>;
}

export interface ChimeraAdminClient extends ChimeraClient {
  tenants: Client<typeof TenantService>;
}

/** The clients of every service at `baseUrl`; with `adminToken`, TenantService's too. */
export function createChimeraClient(options: ChimeraClientOptions & { adminToken: string }): ChimeraAdminClient;
export function createChimeraClient(options: ChimeraClientOptions): ChimeraClient;
export function createChimeraClient(options: ChimeraClientOptions): ChimeraClient | ChimeraAdminClient {
  const transport = createChimeraTransport(options);
  const clients: ChimeraClient = {
    agents: createClient(AgentService, transport),
    campaigns: createClient(CampaignService, transport),
    tasks: createClient(TaskService, transport),
    content: createClient(ContentService, transport),
    ledger: createClient(LedgerService, transport),
    audit: createClient(AuditService, transport),
  };
  return options.adminToken ? { ...clients, tenants: createClient(TenantService, transport) } : clients;
}

/** The transport createChimeraClient uses, for a client of a service it does not list (health). */
export function createChimeraTransport(options: ChimeraClientOptions): Transport {
  const interceptors: Interceptor[] = [];
  // Ids are chosen for the retries' sake: without retries a create is sent as the caller wrote it.
  if (options.retry !== false) interceptors.push(retrying({ ...DEFAULT_RETRY, ...options.retry }), choosingIds());
  interceptors.push(bearer(options), ...(options.interceptors ?? []));
  const common = { baseUrl: options.baseUrl, interceptors, defaultTimeoutMs: options.defaultTimeoutMs };
  const nodeOptions: TlsOptions | undefined = options.tls ? { ...options.tls } : undefined;
  const useBinaryFormat = !options.json;
  switch (options.transport ?? 'grpc') {
    case 'grpc':
      return createGrpcTransport({ ...common, nodeOptions });
    case 'grpc-web':
      return options.httpVersion === '1.1'
        ? createGrpcWebTransport({ ...common, httpVersion: '1.1', useBinaryFormat, nodeOptions })
        : createGrpcWebTransport({ ...common, httpVersion: '2', useBinaryFormat, nodeOptions });
    case 'connect':
      return options.httpVersion === '1.1'
        ? createConnectTransport({ ...common, httpVersion: '1.1', useBinaryFormat, nodeOptions })
        : createConnectTransport({ ...common, httpVersion: '2', useBinaryFormat, nodeOptions });
  }
}

/** TenantService takes the admin token, every other service the API key. */
function bearer(options: ChimeraClientOptions): Interceptor {
  return (next) => (req) => {
    const token = req.service.typeName === TenantService.typeName ? options.adminToken : options.apiKey;
    if (token) req.header.set('authorization', `Bearer ${token}`);
    return next(req);
  };
}
