// AuditService and the audit chain: events sealed into one hash chain per tenant, verified from
// the start or from a checkpoint; tampering found at the first bad link; the chain whole under
// concurrent writers; the app role unable to write it; filters, pages, scopes and tenants.
import { randomUUID } from 'node:crypto';
import { Code, type Client } from '@connectrpc/connect';
import { expect } from 'chai';
import { AuditService } from '../src/gen/proto/chimera/audit/v1/audit_pb.js';
import { LedgerService, OwnerType } from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { APPLICATION_SERVICES, policyFor } from '../src/server/routes.js';
import { testEnv } from './support/environment.js';
import { expectError, newTenant, type TestTenant } from './support/fixtures.js';
import { untilResolved } from './support/tasks.js';

/** Waits until every audit event of the tenant is sealed; returns how many there are. */
async function sealed(tenantId: string): Promise<number> {
  return untilResolved(
    async () => {
      const { rows } = await testEnv().pool.query(
        `SELECT count(*)::int AS events, (SELECT count(*)::int FROM audit_chain WHERE tenant_id = $1) AS links FROM audit_events WHERE tenant_id = $1`,
        [tenantId],
      );
      if (rows[0].events !== rows[0].links) throw new Error(`${rows[0].links} of ${rows[0].events} sealed`);
      return rows[0].events as number;
    },
    { timeoutMs: 15_000 },
  );
}

async function agentChanges(t: TestTenant, n: number) {
  const { agent } = await t.agents.createAgent({ agent: { handle: `audited_${randomUUID().slice(0, 8)}` } });
  for (let i = 0; i < n; i++) await t.agents.updateAgent({ agent: { id: agent!.id, displayName: `v${i}` }, updateMask: { paths: ['display_name'] } });
  return agent!.id;
}

describe('AuditService: the chain', () => {
  let t: TestTenant;
  let audit: Client<typeof AuditService>;
  beforeEach(async () => {
    t = await newTenant();
    audit = t.client(AuditService);
  });

  it('seals every event into one chain per tenant that verifies, from the start and from a checkpoint', async () => {
    await agentChanges(t, 3);
    const events = await sealed(t.tenant.id);
    const head = await audit.getAuditHead({});
    expect(head.seq).to.equal(BigInt(events));
    const all = await audit.verifyAuditChain({});
    expect(all).to.deep.include({ verified: BigInt(events), headSeq: head.seq, firstBadSeq: 0n });
    expect(Buffer.from(all.headHash).equals(Buffer.from(head.hash))).to.equal(true);
    const { events: listed } = await audit.listAuditEvents({});
    expect(listed.map((e) => e.seq).sort((a, b) => Number(a - b))).to.deep.equal(Array.from({ length: events }, (_, i) => BigInt(i + 1)));
    // From a checkpoint the caller kept: the links after it.
    const checkpoint = listed.find((e) => e.seq === 2n)!;
    const rest = await audit.verifyAuditChain({ afterSeq: 2n, afterHash: checkpoint.hash });
    expect(rest).to.deep.include({ verified: BigInt(events - 2), firstBadSeq: 0n });
    const forged = await audit.verifyAuditChain({ afterSeq: 2n, afterHash: new Uint8Array(32) });
    expect(forged.firstBadSeq).to.equal(2n);
  });

  it('names the first bad link when an event is altered or removed behind its back', async function () {
    if (!testEnv().realPostgres) this.skip(); // needs the superuser to disable the append-only triggers
    await agentChanges(t, 4);
    const events = await sealed(t.tenant.id);
    const { rows } = await testEnv().pool.query(`SELECT seq, event_id FROM audit_chain WHERE tenant_id = $1 ORDER BY seq`, [t.tenant.id]);
    const tamper = async (sql: string, eventId: string) => {
      await testEnv().pool.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      try {
        await testEnv().pool.query(sql, [eventId]);
      } finally {
        await testEnv().pool.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      }
    };
    await tamper(`UPDATE audit_events SET after = jsonb_set(after, '{display_name}', '"forged"') WHERE id = $1`, rows[3].event_id);
    expect((await audit.verifyAuditChain({})).firstBadSeq).to.equal(4n);
    await tamper(`DELETE FROM audit_events WHERE id = $1`, rows[1].event_id);
    const after = await audit.verifyAuditChain({});
    expect(after.firstBadSeq).to.equal(2n);
    expect(after.verified).to.equal(BigInt(events));
  });

  it('stays whole under concurrent writers: every event sealed once, the links without gaps', async function () {
    this.timeout(60_000);
    const ledger = t.client(LedgerService);
    await Promise.all([
      ...Array.from({ length: 6 }, () => agentChanges(t, 5)),
      ...Array.from({ length: 6 }, () =>
        ledger.createAccounts({ accounts: Array.from({ length: 20 }, () => ({ id: randomUUID(), asset: 'USDC', assetScale: 6, owner: { type: OwnerType.AGENT, id: randomUUID() } })) }),
      ),
    ]);
    const events = await sealed(t.tenant.id);
    expect(events).to.be.at.least(6 * 6 + 6 * 20);
    expect(await audit.verifyAuditChain({})).to.deep.include({ verified: BigInt(events), firstBadSeq: 0n });
    const { rows } = await testEnv().pool.query(
      `SELECT count(DISTINCT event_id)::int AS distinct_events, max(seq)::int AS max_seq, count(*)::int AS links FROM audit_chain WHERE tenant_id = $1`,
      [t.tenant.id],
    );
    expect(rows[0]).to.deep.equal({ distinct_events: events, max_seq: events, links: events });
  });

  it('the app role can read the chain but not write it, nor rewrite audit events', async function () {
    if (!testEnv().realPostgres) this.skip(); // PGlite: one superuser session, no role switch
    await agentChanges(t, 1);
    await sealed(t.tenant.id);
    for (const statement of [
      `INSERT INTO audit_chain (tenant_id, seq, event_id, hash) VALUES ('${t.tenant.id}', 999, 1, sha256('x'))`,
      `UPDATE audit_chain SET hash = sha256('x') WHERE tenant_id = '${t.tenant.id}'`,
      `DELETE FROM audit_chain WHERE tenant_id = '${t.tenant.id}'`,
      'TRUNCATE audit_chain',
      `UPDATE audit_events SET actor = 'x' WHERE tenant_id = '${t.tenant.id}'`,
      `DELETE FROM audit_events WHERE tenant_id = '${t.tenant.id}'`,
    ]) {
      const client = await testEnv().pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('role', 'chimera_app', true), set_config('app.tenant_id', $1, true)`, [t.tenant.id]);
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM audit_chain`);
        expect(rows[0].n, 'reads its own chain').to.be.above(0);
        let refused = false;
        await client.query(statement).catch(() => (refused = true));
        expect(refused, statement).to.equal(true);
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    }
  });
});

describe('AuditService: refused calls', () => {
  it('a call refused for a missing scope is an audit event of the caller\'s tenant, chained like the rest', async () => {
    const t = await newTenant({ scopes: ['agents:read', 'audit:read'] });
    await expectError(t.agents.createAgent({ agent: { handle: 'not_allowed' } }), Code.PermissionDenied, 'MISSING_SCOPE');
    const audit = t.client(AuditService);
    const { events } = await audit.listAuditEvents({ action: 'DENIED' });
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ resourceType: 'rpc', resourceId: 'chimera.agents.v1.AgentService/CreateAgent' });
    expect(events[0].after).to.deep.equal({ reason: 'MISSING_SCOPE', scope: 'agents:write' });
    expect(events[0].actor).to.match(/^api_key:/);
    expect(events[0].requestId).to.not.equal('');
    await sealed(t.tenant.id);
    expect((await audit.verifyAuditChain({})).firstBadSeq).to.equal(0n);
  });

  it("a call naming another tenant's resource is answered NotFound as for none, and audited in the caller's tenant only", async () => {
    const [t, other] = [await newTenant({ scopes: ['agents:read', 'audit:read'] }), await newTenant()];
    const { agent } = await other.agents.createAgent({ agent: { handle: 'theirs' } });
    const theirs = await expectError(t.agents.getAgent({ id: agent!.id }), Code.NotFound, 'NOT_FOUND');
    const nobodys = await expectError(t.agents.getAgent({ id: randomUUID() }), Code.NotFound, 'NOT_FOUND');
    // The same answer either way, apart from the id it names.
    expect(theirs.rawMessage.replace(agent!.id, '')).to.equal(nobodys.rawMessage.replace(/[0-9a-f-]{36}/, ''));
    const audit = t.client(AuditService);
    // Recorded after the answer: wait for it, then make sure the miss on nobody's id left nothing.
    const events = await untilResolved(async () => {
      const { events } = await audit.listAuditEvents({ action: 'DENIED' });
      if (events.length === 0) throw new Error('not yet audited');
      return events;
    }, { timeoutMs: 5_000 });
    await expectError(t.agents.getAgent({ id: agent!.id }), Code.NotFound, 'NOT_FOUND');
    await untilResolved(async () => {
      if ((await audit.listAuditEvents({ action: 'DENIED' })).events.length < 2) throw new Error('not yet audited');
    }, { timeoutMs: 5_000 });
    const { events: all } = await audit.listAuditEvents({ action: 'DENIED' });
    expect(all).to.have.length(2);
    expect(events[0]).to.deep.include({ resourceType: 'rpc', resourceId: 'chimera.agents.v1.AgentService/GetAgent' });
    expect(events[0].after).to.deep.equal({ reason: 'OTHER_TENANT_RESOURCE', resource_type: 'agent', resource_id: agent!.id });
    expect(JSON.stringify(all.map((e) => e.after))).to.not.include(other.tenant.id);
    const { rows } = await testEnv().pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE tenant_id = $1 AND action = 'DENIED'`, [other.tenant.id]);
    expect(rows[0].n).to.equal(0);
  });
});

describe('AuditService: the scope matrix', () => {
  it('every tenant method refuses a key without its scope, and each refusal is audited', async function () {
    this.timeout(60_000);
    const t = await newTenant({ scopes: ['audit:read'] });
    const refused: string[] = [];
    for (const service of APPLICATION_SERVICES) {
      const client = t.client(service) as unknown as Record<string, (req: object) => unknown>;
      for (const method of service.methods) {
        const policy = policyFor(service.typeName, method.name);
        if (policy?.kind !== 'tenant' || policy.scope === 'audit:read') continue;
        const call = client[method.localName]({});
        // A server stream answers when read.
        const answer = method.methodKind === 'server_streaming' ? (async () => { for await (const _ of call as AsyncIterable<unknown>) void _; })() : (call as Promise<unknown>);
        await expectError(answer, Code.PermissionDenied, 'MISSING_SCOPE');
        refused.push(`${service.typeName}/${method.name}`);
      }
    }
    expect(refused.length).to.be.above(40);
    const audited: string[] = [];
    let pageToken = '';
    do {
      const page = await t.client(AuditService).listAuditEvents({ action: 'DENIED', pageSize: 500, pageToken });
      audited.push(...page.events.map((e) => e.resourceId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(audited.sort()).to.deep.equal(refused.sort());
  });
});

describe('AuditService: reading', () => {
  it('lists the tenant\'s events, filtered and paged; other tenants see none; audit:read is needed', async () => {
    const t = await newTenant();
    const agentId = await agentChanges(t, 2);
    const audit = t.client(AuditService);
    const { events } = await audit.listAuditEvents({ resourceType: 'agents', resourceId: agentId });
    expect(events.map((e) => e.action)).to.deep.equal(['INSERT', 'UPDATE', 'UPDATE']);
    expect(events[2].after).to.deep.include({ display_name: 'v1' });
    expect(events[0].actor).to.match(/^api_key:/);
    const first = await audit.listAuditEvents({ resourceType: 'agents', pageSize: 1 });
    const second = await audit.listAuditEvents({ resourceType: 'agents', pageSize: 1, pageToken: first.nextPageToken });
    expect(second.events[0].id > first.events[0].id).to.equal(true);
    await expectError(audit.listAuditEvents({ pageSize: 1, pageToken: first.nextPageToken }), Code.InvalidArgument);
    await expectError(audit.listAuditEvents({ action: 'MERGE' }), Code.InvalidArgument);
    expect((await audit.listAuditEvents({ action: 'DELETE' })).events).to.have.length(0);

    const other = (await newTenant()).client(AuditService);
    expect((await other.listAuditEvents({ resourceId: agentId })).events).to.have.length(0);
    const reader = await newTenant({ scopes: ['agents:read'] });
    await expectError(reader.client(AuditService).getAuditHead({}), Code.PermissionDenied);
  });
});
