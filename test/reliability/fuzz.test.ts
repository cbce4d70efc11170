// Property-based requests to every unary RPC through Connect JSON: bodies derived from each
// method's input descriptor (support/arbitraries.ts), valid, at the boundaries, and of the wrong
// types. No answer may be Internal, Unknown or DataLoss, or anything but a Connect error; no error
// may carry SQL or a stack; and a refused call must leave the tenant's rows as they were.
// RELIABILITY_FUZZ_RUNS sets the number of requests (spread evenly over the methods) and
// RELIABILITY_FUZZ_SEED replays a run.
import { randomUUID } from 'node:crypto';
import type { DescMethod, DescService } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { expect } from 'chai';
import fc from 'fast-check';
import { LedgerService, OwnerType } from '../../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { TaskPriority, TaskService, TaskType } from '../../src/gen/proto/chimera/tasks/v1/tasks_pb.js';
import { TenantService } from '../../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { APPLICATION_SERVICES } from '../../src/server/routes.js';
import { ADMIN_TOKEN, testEnv } from '../support/environment.js';
import { assertNoInternalsLeak, embedding, newTenant } from '../support/fixtures.js';
import { IdPool, requestBody } from './support/arbitraries.js';
import { changedCounts, connectJson, RowCounts } from './support/fuzz-calls.js';
import { report } from './support/report.js';

const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 1_000);
const SEED = Number(process.env.RELIABILITY_FUZZ_SEED ?? Date.now() % 2 ** 31);
const FORBIDDEN = new Set(['internal', 'unknown', 'data_loss']);

interface Target {
  service: DescService;
  method: DescMethod;
  token: string;
  tenantId: string;
  ids: IdPool;
}

/** The error with the API's own qualified names (`chimera.tasks.v1.Task.idempotency_key`, as the
 *  JSON decoder names a field it cannot read) left out, as assertNoInternalsLeak leaves out the
 *  fields of violations: they are the schema clients compile against, not the database's. */
function withoutProtoNames(error: ConnectError): ConnectError {
  const copy = new ConnectError(error.rawMessage.replace(/\bchimera(\.\w+)+/g, '<proto name>'), error.code);
  copy.details.push(...error.details);
  return copy;
}

/** A tenant with all scopes and a few rows the requests can name. */
async function seededTenant(): Promise<{ tenantId: string; apiKey: string; ids: IdPool }> {
  const t = await newTenant();
  const ids = new IdPool();
  const { agent } = await t.agents.createAgent({ agent: { handle: `fuzz_${randomUUID().slice(0, 8)}`, persona: { name: 'Nova' }, personaEmbedding: embedding(3) } });
  ids.add(agent!.id);
  const accounts = [randomUUID(), randomUUID()];
  await t.client(LedgerService).createAccounts({
    accounts: accounts.map((id, i) => ({ id, asset: 'USDC', assetScale: 6, owner: i === 0 ? { type: OwnerType.TENANT_TREASURY } : { type: OwnerType.AGENT, id: agent!.id } })),
  });
  accounts.forEach((id) => ids.add(id));
  const { tasks } = await t.client(TaskService).createTasks({ tasks: [{ taskType: TaskType.GENERATE_CONTENT, priority: TaskPriority.MEDIUM, agentId: agent!.id, context: { goalDescription: 'Post about the launch' } }] });
  ids.add(tasks[0].id);
  return { tenantId: t.tenant.id, apiKey: t.apiKey, ids };
}

describe('reliability: property-based requests to every RPC', function () {
  this.timeout(RUNS * 200 + 60_000);

  it(`answers ${RUNS} generated requests over Connect JSON without Internal, Unknown, DataLoss or leaked internals, and refused calls change no rows`, async () => {
    const { baseUrl, pool } = testEnv();
    const tenant = await seededTenant();
    // Administrative calls act on a tenant of their own and never name the other (ListTenants
    // would hand it over), so that they cannot suspend it or revoke its key.
    const adminSide = await newTenant();
    const adminIds = new IdPool([tenant.tenantId]);
    adminIds.add(adminSide.tenant.id);
    const targets: Target[] = APPLICATION_SERVICES.flatMap((service) =>
      service.methods
        .filter((m) => m.methodKind === 'unary')
        .map((method) =>
          service === TenantService
            ? { service, method, token: ADMIN_TOKEN, tenantId: adminSide.tenant.id, ids: adminIds }
            : { service, method, token: tenant.apiKey, tenantId: tenant.tenantId, ids: tenant.ids },
        ),
    );
    const perMethod = Math.ceil(RUNS / targets.length);
    const counts = new RowCounts(pool);
    const codes = new Map<string, number>();
    let sent = 0;
    const started = Date.now();

    for (const target of targets) {
      const path = `/${target.service.typeName}/${target.method.name}`;
      let before = await counts.of(target.tenantId);
      // Built per method, so that it picks from the ids the methods before it made.
      const property = fc.asyncProperty(requestBody(target.method.input, target.ids), async (body) => {
        const answer = await connectJson(baseUrl, path, target.token, body);
        sent++;
        codes.set(answer.code, (codes.get(answer.code) ?? 0) + 1);
        if (process.env.RELIABILITY_FUZZ_TRACE) console.log(answer.code, path, answer.error?.rawMessage ?? '', body.slice(0, 160));
        const what = `${path} ${body.slice(0, 300)}`;
        expect(FORBIDDEN.has(answer.code) || answer.code.startsWith('http'), `${answer.code} (${answer.error?.rawMessage}) for ${what}`).to.equal(false);
        const after = await counts.of(target.tenantId);
        if (answer.error) {
          assertNoInternalsLeak(withoutProtoNames(answer.error));
          expect(changedCounts(before, after), `rows changed by a refused call (${answer.code}) ${what}`).to.deep.equal([]);
        } else {
          target.ids.harvest(answer.body);
        }
        before = after;
      });
      await fc.assert(property, { numRuns: perMethod, seed: SEED, endOnFailure: true });
    }

    const seconds = (Date.now() - started) / 1_000;
    const ok = codes.get('ok') ?? 0;
    report('Fuzzing every RPC (Connect JSON)', {
      requests: sent,
      methods: targets.length,
      seed: SEED,
      'answers by code': [...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', '),
      'requests per second': Math.round(sent / seconds),
    }, `passed: no Internal, Unknown or DataLoss; no leaked internals; ${sent - ok} refused calls changed no rows`);
    expect(sent).to.be.at.least(RUNS);
  });
});
