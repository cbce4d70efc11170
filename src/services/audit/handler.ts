// chimera.audit.v1.AuditService: a tenant's audit trail and its hash chain.
import { create, type JsonObject } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { AuditEventSchema, AuditService } from '../../gen/proto/chimera/audit/v1/audit_pb.js';
import { getAuditHead, getAuditLink, listAuditEvents, verifyAuditChain, type IListAuditEventsResult } from '../../gen/sql/audit/audit.queries.js';
import { jsonBytes } from '../../lib/page-token.js';
import { Violations } from '../../lib/validate.js';
import { tenantScope, type ServiceDeps } from '../deps.js';

const ACTIONS = ['INSERT', 'UPDATE', 'DELETE', 'DENIED'];

function eventFromRow(row: IListAuditEventsResult) {
  return create(AuditEventSchema, {
    id: BigInt(row.id),
    eventTime: timestampFromDate(row.event_time),
    actor: row.actor,
    requestId: row.request_id ?? '',
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    before: (row.before as JsonObject | null) ?? undefined,
    after: (row.after as JsonObject | null) ?? undefined,
    // Not sealed yet: no link (the LEFT JOIN gives NULLs that the generated type does not say).
    seq: row.seq === null ? 0n : BigInt(row.seq),
    hash: row.hash ?? new Uint8Array(),
  });
}

export function auditService(deps: ServiceDeps): ServiceImpl<typeof AuditService> {
  return {
    async listAuditEvents(req, ctx) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      if (req.action && !ACTIONS.includes(req.action)) v.add('action', 'must name a kind of event: insert, update, delete or denied, in capitals');
      const filters = {
        resourceType: v.text('resource_type', req.resourceType, { max: 100 }) || null,
        resourceId: v.text('resource_id', req.resourceId, { max: 200 }) || null,
        actor: v.text('actor', req.actor, { max: 200 }) || null,
        action: req.action || null,
        startTime: req.startTime ? timestampDate(req.startTime).toISOString() : null,
        endTime: req.endTime ? timestampDate(req.endTime).toISOString() : null,
      };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.replicaRead(scope, (client) =>
        listAuditEvents.run({ tenantId: scope.tenantId, ...filters, afterId: cursor.afterId ?? '0', limit: String(pageSize + 1) }, client),
      );
      const page = deps.pageTokens.page(rows, pageSize, filters, { bytesOf: (r) => 400 + jsonBytes(r.before, r.after) });
      return { events: page.rows.map(eventFromRow), nextPageToken: page.nextPageToken };
    },

    async verifyAuditChain(req, ctx) {
      const v = new Violations();
      if (req.afterSeq < 0n) v.add('after_seq', 'must not be negative');
      if (req.afterHash.length !== 0 && req.afterHash.length !== 32) v.add('after_hash', 'must be a 32-byte sha256 hash');
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const tenantId = scope.tenantId;
      return deps.db.tenantTx(scope, async (client) => {
        let previousHash: Buffer = Buffer.alloc(0);
        if (req.afterSeq > 0n) {
          const [link] = await getAuditLink.run({ tenantId, seq: String(req.afterSeq) }, client);
          // The checkpoint itself is gone or changed: the chain breaks there.
          if (!link || (req.afterHash.length > 0 && !link.hash.equals(Buffer.from(req.afterHash)))) {
            return { verified: 0n, headSeq: 0n, headHash: new Uint8Array(), firstBadSeq: req.afterSeq };
          }
          previousHash = link.hash;
        }
        const [result] = await verifyAuditChain.run({ tenantId, fromSeq: String(req.afterSeq + 1n), previousHash }, client);
        const headSeq = result.head_seq === null ? req.afterSeq : BigInt(result.head_seq);
        const [head] = headSeq > 0n ? await getAuditLink.run({ tenantId, seq: String(headSeq) }, client) : [];
        return {
          verified: BigInt(result.verified),
          headSeq,
          headHash: head?.hash ?? new Uint8Array(),
          firstBadSeq: result.first_bad_seq === null ? 0n : BigInt(result.first_bad_seq),
        };
      });
    },

    async getAuditHead(_req, ctx) {
      const scope = tenantScope(ctx, deps);
      const [head] = await deps.db.tenantRead(scope, (client) => getAuditHead.run({ tenantId: scope.tenantId }, client));
      return head ? { seq: BigInt(head.seq), hash: head.hash, sealTime: timestampFromDate(head.seal_time) } : { seq: 0n, hash: new Uint8Array() };
    },
  };
}
