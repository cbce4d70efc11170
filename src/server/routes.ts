// Every service the server exposes, with the policy that authorises each method, and the modules
// they are built into. A newcomer adds an RPC's scope here in the same change as its handler.
import type { ConnectRouter } from '@connectrpc/connect';
import type { DescMessage, DescService } from '@bufbuild/protobuf';
import { AgentService } from '../gen/proto/chimera/agents/v1/agents_pb.js';
import { AuditService } from '../gen/proto/chimera/audit/v1/audit_pb.js';
import { CampaignService } from '../gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import { ContentService } from '../gen/proto/chimera/content/v1/content_pb.js';
import { LedgerService } from '../gen/proto/chimera/ledger/v1/ledger_pb.js';
import { TaskService } from '../gen/proto/chimera/tasks/v1/tasks_pb.js';
import { TenantService } from '../gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { Health } from '../gen/proto/grpc/health/v1/health_pb.js';
import { ServerReflection as ReflectionV1 } from '../gen/proto/grpc/reflection/v1/reflection_pb.js';
import { ServerReflection as ReflectionV1Alpha } from '../gen/proto/grpc/reflection/v1alpha/reflection_pb.js';
import { AGENT_RESPONSES, encodeAgentResponse } from '../services/agents/encoding.js';
import { agentService } from '../services/agents/handler.js';
import { createAuditModule, type AuditOptions } from '../services/audit/module.js';
import { campaignService } from '../services/campaigns/handler.js';
import { contentService } from '../services/content/handler.js';
import { createLedgerModule, type LedgerOptions } from '../services/ledger/module.js';
import { createTaskModule, type TaskOptions } from '../services/tasks/module.js';
import type { ServiceDeps } from '../services/deps.js';
import { statelessModule, type ServiceModule } from '../services/module.js';
import { createTenancyModule, type TenancyOptions } from '../services/tenancy/module.js';
import { healthServiceImpl, type HealthState } from './health.js';
import type { MethodPolicy, PolicyLookup } from './interceptors.js';
import { registerReflection } from './reflection.js';

const read = (scope: string): MethodPolicy => ({ kind: 'tenant', scope });
const write = read;
const ADMIN: MethodPolicy = { kind: 'admin' };

/** Method name (as in the .proto) -> policy, per fully-qualified service name. */
const policies: Record<string, Record<string, MethodPolicy>> = {
  [TenantService.typeName]: Object.fromEntries(TenantService.methods.map((m) => [m.name, ADMIN])),
  [AgentService.typeName]: {
    CreateAgent: write('agents:write'),
    GetAgent: read('agents:read'),
    ListAgents: read('agents:read'),
    UpdateAgent: write('agents:write'),
    ArchiveAgent: write('agents:write'),
    SearchSimilarAgents: read('agents:read'),
  },
  [AuditService.typeName]: {
    ListAuditEvents: read('audit:read'),
    VerifyAuditChain: read('audit:read'),
    GetAuditHead: read('audit:read'),
  },
  [CampaignService.typeName]: {
    CreateCampaign: write('campaigns:write'),
    GetCampaign: read('campaigns:read'),
    ListCampaigns: read('campaigns:read'),
    UpdateCampaign: write('campaigns:write'),
    ActivateCampaign: write('campaigns:write'),
    PauseCampaign: write('campaigns:write'),
    CompleteCampaign: write('campaigns:write'),
    FailCampaign: write('campaigns:write'),
    AddCampaignAgents: write('campaigns:write'),
    RemoveCampaignAgent: write('campaigns:write'),
    ListCampaignAgents: read('campaigns:read'),
    GetCampaignSummary: read('campaigns:read'),
  },
  [ContentService.typeName]: {
    CreateContentAsset: write('content:write'),
    GetContentAsset: read('content:read'),
    ListContentAssets: read('content:read'),
    UpdateContentAsset: write('content:write'),
    PublishContentAsset: write('content:write'),
    ArchiveContentAsset: write('content:write'),
    SearchSimilarContent: read('content:read'),
  },
  [LedgerService.typeName]: {
    CreateAccounts: write('ledger:write'),
    GetAccount: read('ledger:read'),
    ListAccounts: read('ledger:read'),
    CreateTransfers: write('ledger:write'),
    GetTransfer: read('ledger:read'),
    ListTransfers: read('ledger:read'),
    GetAccountBalances: read('ledger:read'),
    SetSpendPolicy: write('ledger:write'),
    ListBudgetAlerts: read('ledger:read'),
  },
  [TaskService.typeName]: {
    CreateTasks: write('tasks:write'),
    GetTask: read('tasks:read'),
    ListTasks: read('tasks:read'),
    ClaimTasks: write('tasks:work'),
    HeartbeatTask: write('tasks:work'),
    CompleteTask: write('tasks:work'),
    FailTask: write('tasks:work'),
    CancelTask: write('tasks:write'),
    ReviewTask: write('tasks:review'),
    ListHumanReviews: read('tasks:read'),
    DecideHumanReview: write('tasks:review'),
    ListTaskEvents: read('tasks:read'),
    WatchTasks: read('tasks:read'),
  },
};

const PUBLIC_SERVICES = new Set([Health.typeName, ReflectionV1.typeName, ReflectionV1Alpha.typeName]);

export const policyFor: PolicyLookup = (service, method) =>
  PUBLIC_SERVICES.has(service) ? { kind: 'public' } : policies[service]?.[method];

/** The application services, in the order reflection lists them (serviceModules builds them). */
export const APPLICATION_SERVICES: DescService[] = [TenantService, AgentService, CampaignService, ContentService, LedgerService, TaskService, AuditService];

export interface ModuleOptions {
  tenancy: TenancyOptions;
  ledger: LedgerOptions;
  tasks: TaskOptions;
  audit: AuditOptions;
}

/** The application services' modules, in the order reflection lists them. */
export function serviceModules(deps: ServiceDeps, options: ModuleOptions): ServiceModule[] {
  return [
    createTenancyModule(deps, options.tenancy),
    statelessModule(AgentService, (router) => router.service(AgentService, agentService(deps))),
    statelessModule(CampaignService, (router) => router.service(CampaignService, campaignService(deps))),
    statelessModule(ContentService, (router) => router.service(ContentService, contentService(deps))),
    createLedgerModule(deps, options.ledger),
    createTaskModule(deps, options.tasks),
    createAuditModule(deps, options.audit),
  ];
}

/** Response types the lean gRPC path encodes by hand (their tests compare them with toBinary). */
export const RESPONSE_ENCODERS = new Map<DescMessage, (message: never) => Uint8Array | undefined>(AGENT_RESPONSES.map((schema) => [schema, encodeAgentResponse]));

/** Every route: the modules' services, health, and reflection over all of them. */
export function routes(modules: ServiceModule[], health: HealthState) {
  return (router: ConnectRouter) => {
    for (const m of modules) m.register(router);
    router.service(Health, healthServiceImpl(health));
    registerReflection(router, [...modules.map((m) => m.service), Health]);
  };
}
