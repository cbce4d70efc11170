// Building blocks for tests: a fresh tenant with its own key and clients, error assertions and
// direct reads of what the database holds.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import type { DescService } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { AgentService } from '../../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { BadRequestSchema, ErrorInfoSchema } from '../../src/gen/proto/google/rpc/error_details_pb.js';
import type { Tenant } from '../../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import { createChimeraClient, type ChimeraClient } from '../../src/client/index.js';
import { connectClient, testEnv, transportOf, type Protocol } from './environment.js';

export interface TestTenant {
  tenant: Tenant;
  apiKey: string;
  agents: Client<typeof AgentService>;
  /** Every service's client with the tenant's key, in the suite's protocol, without retries. */
  clients: ChimeraClient;
  client<S extends DescService>(service: S, protocol?: Protocol): Client<S>;
}

export async function newTenant(opts: { scopes?: string[]; name?: string } = {}): Promise<TestTenant> {
  const { admin, baseUrl } = testEnv();
  const { tenant } = await admin.createTenant({ tenant: { name: opts.name ?? `test-${randomUUID().slice(0, 8)}` } });
  const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: opts.scopes ?? ['*'], description: 'test key' });
  return {
    tenant: tenant!,
    apiKey: secret,
    agents: connectClient(AgentService, baseUrl, secret),
    clients: createChimeraClient({ baseUrl, apiKey: secret, retry: false, ...transportOf() }),
    client: (service, protocol) => connectClient(service, baseUrl, secret, protocol),
  };
}

/** Awaits a call that must fail with `code` (and `reason`, when given); returns the error. */
export async function expectError(call: Promise<unknown>, code: Code, reason?: string): Promise<ConnectError> {
  let error: ConnectError | undefined;
  try {
    await call;
  } catch (err) {
    error = ConnectError.from(err);
  }
  expect(error, `expected ${Code[code]}, but the call succeeded`).to.not.equal(undefined);
  expect(Code[error!.code], `${error!.message}`).to.equal(Code[code]);
  if (reason) expect(errorReason(error!)).to.equal(reason);
  assertNoInternalsLeak(error!);
  return error!;
}

export function errorReason(err: ConnectError): string | undefined {
  return err.findDetails(ErrorInfoSchema)[0]?.reason;
}

export function violatedFields(err: ConnectError): string[] {
  return err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations.map((v) => v.field));
}

/** No SQL, constraint names, SQLSTATEs or stack frames in what a client sees. */
export function assertNoInternalsLeak(err: ConnectError): void {
  const violations = err.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations);
  // Field names are the API's own (idempotency_key), not the database's: they are left out, the
  // longest first, so that `tasks` does not cut `tasks[0].idempotency_key` short.
  const fields = violations.map((v) => v.field).sort((a, b) => b.length - a.length);
  const message = fields.reduce((text, field) => text.split(field).join('<field>'), err.rawMessage);
  const text = [message, ...violations.map((v) => v.description)].join('\n');
  for (const pattern of [/\bSELECT\b|\bINSERT\b|\bUPDATE \w+ SET\b|\bWHERE\b/, /_key\b|_fkey\b|_pkey\b|_check\b/, /SQLSTATE|\b[0-9A-Z]{5}\b.*error/, /\bat .+\.(ts|js):\d+/, /violates|relation "|column "/]) {
    expect(text, 'error text leaks internals').to.not.match(pattern);
  }
}

/** Rows of `table` for `tenantId`, read as the owner (bypassing RLS) to check what was written. */
export async function countRows(table: string, tenantId: string): Promise<number> {
  const { rows } = await testEnv().pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId]);
  return rows[0].n as number;
}

/** A deterministic unit-ish embedding: mostly `axis`, with a little of `axis + 1`. */
export function embedding(axis: number, tilt = 0): number[] {
  const values = new Array<number>(1536).fill(0);
  values[axis % 1536] = 1;
  values[(axis + 1) % 1536] = tilt;
  return values;
}
