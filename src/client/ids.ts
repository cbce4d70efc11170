// Creates are idempotent by their client-chosen id (docs/api.md): a create sent without one gets
// one here, before the first attempt, so that a retry repeats the same create instead of making a
// second resource. The ledger's batches are left alone: an empty account or transfer id is a
// result of its own there (..._ID_MUST_NOT_BE_EMPTY), and the caller must choose those ids.
import { randomUUID } from 'node:crypto';
import type { Interceptor } from '@connectrpc/connect';

interface WithId {
  id: string;
}

type Fill = (message: Record<string, unknown>) => void;

const one =
  (field: string): Fill =>
  (message) => {
    const resource = message[field] as WithId | undefined;
    if (resource && !resource.id) resource.id = randomUUID();
  };

/** The creates that take an optional id, by procedure. */
const FILLS: Record<string, Fill> = {
  'chimera.tenancy.v1.TenantService/CreateTenant': one('tenant'),
  'chimera.agents.v1.AgentService/CreateAgent': one('agent'),
  'chimera.campaigns.v1.CampaignService/CreateCampaign': one('campaign'),
  'chimera.content.v1.ContentService/CreateContentAsset': one('asset'),
  // A task with an idempotency_key is already recognised by it; an id chosen here would make a
  // later create under the same key look like a different task.
  'chimera.tasks.v1.TaskService/CreateTasks': (message) => {
    for (const task of message.tasks as Array<WithId & { idempotencyKey: string }>) {
      if (!task.id && !task.idempotencyKey) task.id = randomUUID();
    }
  },
};

/** Gives creates without an id one of their own. The request message is the caller's when they
 *  passed a message rather than a plain object, so they can read the id chosen. */
export function choosingIds(): Interceptor {
  return (next) => (req) => {
    const fill = req.stream ? undefined : FILLS[`${req.service.typeName}/${req.method.name}`];
    if (fill && !req.stream) fill(req.message as unknown as Record<string, unknown>);
    return next(req);
  };
}
