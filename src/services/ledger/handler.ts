// chimera.ledger.v1.LedgerService: accounts, transfers, balances and CFO spend policies.
import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { AccountBalanceSchema, LedgerService, OwnerType, SpendWindow } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import { listBudgetAlerts, upsertSpendPolicy } from '../../gen/sql/ledger/policies.queries.js';
import { getAccount, listAccounts } from '../../gen/sql/ledger/accounts.queries.js';
import { etagMismatch, invalidArgument, notFound } from '../../lib/errors.js';
import { jsonBytes } from '../../lib/page-token.js';
import { Violations } from '../../lib/validate.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { listBalanceHistory } from '../../gen/sql/ledger/balances.queries.js';
import { getPendingTransfers, listAccountTransfers, listTransfers } from '../../gen/sql/ledger/transfers.queries.js';
import { createAccounts, MAX_BATCH } from './create-accounts.js';
import { AMOUNT, ASSET } from './formats.js';
import type { TransferWriter } from './plain-transfers.js';
import {
  accountFromRow,
  balanceFromAccount,
  balanceFromEntry,
  budgetAlertFromRow,
  ownerTypeToRow,
  pendingStateOf,
  spendPolicyFromRow,
  spendWindowToRow,
  transferFromRow,
} from './mapping.js';

/** A row's size for a page's budget: its client-given metadata, and the rest at most a few hundred bytes. */
const metadataBytes = (row: { metadata: unknown }) => 400 + jsonBytes(row.metadata);

const OWNER_TYPES = [OwnerType.AGENT, OwnerType.CAMPAIGN, OwnerType.TENANT_TREASURY, OwnerType.EXTERNAL] as const;

/** `transfers` applies CreateTransfers' batches: the fast paths or the plain path (module.ts). */
export function ledgerService(deps: ServiceDeps, transfers: TransferWriter): ServiceImpl<typeof LedgerService> {
  return {
    async createAccounts(req, ctx) {
      if (req.accounts.length > MAX_BATCH) {
        throw invalidArgument([{ field: 'accounts', description: `must have at most ${MAX_BATCH} accounts, got ${req.accounts.length}` }]);
      }
      const scope = tenantScope(ctx, deps);
      const results = await deps.db.tenantTx(scope, (client) => createAccounts(client, scope.tenantId, req.accounts));
      return { results: results.map((result, index) => ({ index, id: req.accounts[index].id, result })) };
    },

    async createTransfers(req, ctx) {
      if (req.transfers.length > MAX_BATCH) {
        throw invalidArgument([{ field: 'transfers', description: `must have at most ${MAX_BATCH} transfers, got ${req.transfers.length}` }]);
      }
      const scope = tenantScope(ctx, deps);
      const results = await transfers.submit(scope, req.transfers);
      return { results: results.map((result, index) => ({ index, id: req.transfers[index].id, result })) };
    },

    async getTransfer(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const [row] = await deps.db.tenantRead(scope, (client) => getPendingTransfers.run({ tenantId: scope.tenantId, ids: [id] }, client));
      if (!row) throw notFound('transfer', id);
      return { transfer: transferFromRow(row), pendingState: pendingStateOf(row) };
    },

    async listTransfers(req, ctx) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      const accountId = v.optionalUuid('account_id', req.accountId);
      const startTime = req.startTime ? timestampDate(req.startTime) : null;
      const endTime = req.endTime ? timestampDate(req.endTime) : null;
      if (startTime && endTime && startTime >= endTime) v.add('end_time', 'must be after start_time');
      const filters = { accountId: accountId ?? null, startTime, endTime };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      // An account's transfers are paged by its versions, the others by (create_time, id).
      if (accountId && cursor.afterId !== null && !/^[0-9]{1,18}$/.test(cursor.afterId)) v.add('page_token', 'is not a page token of this listing; start again without one');
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const limit = String(pageSize + 1);
      if (accountId) {
        const rows = await deps.db.replicaRead(scope, (client) =>
          listAccountTransfers.run({ tenantId: scope.tenantId, accountId, startTime, endTime, afterVersion: cursor.afterId, limit }, client),
        );
        const page = deps.pageTokens.page(rows.map((row) => ({ row, create_time: row.create_time, id: row.account_version })), pageSize, filters, {
          bytesOf: (r) => metadataBytes(r.row),
        });
        return { transfers: page.rows.map((r) => transferFromRow(r.row)), nextPageToken: page.nextPageToken };
      }
      const rows = await deps.db.replicaRead(scope, (client) => listTransfers.run({ tenantId: scope.tenantId, startTime, endTime, ...cursor, limit }, client));
      const page = deps.pageTokens.page(rows, pageSize, filters, { bytesOf: metadataBytes });
      return { transfers: page.rows.map(transferFromRow), nextPageToken: page.nextPageToken };
    },

    async getAccountBalances(req, ctx) {
      const v = new Violations();
      const accountId = v.uuid('account_id', req.accountId);
      const pageSize = v.pageSize('page_size', req.pageSize);
      const asOf = req.asOfTime ? timestampDate(req.asOfTime) : null;
      const filters = { accountId, asOf, history: req.history };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      return deps.db.tenantTx(scope, async (client) => {
        const [account] = await getAccount.run({ tenantId: scope.tenantId, id: accountId }, client);
        if (!account) throw notFound('account', accountId);
        const now = new Date();
        const limit = req.history ? pageSize + 1 : 1;
        const entries = await listBalanceHistory.run(
          { tenantId: scope.tenantId, accountId, asOf: asOf ?? now, beforeVersion: cursor.afterId, limit: String(limit) },
          client,
        );
        const firstPage = !cursor.afterId;
        // Before the first posting (or with no postings) the balances are all zero.
        const balance = !firstPage
          ? undefined
          : asOf
            ? entries[0]
              ? balanceFromEntry(entries[0])
              : create(AccountBalanceSchema, { debitsPending: '0', debitsPosted: '0', creditsPending: '0', creditsPosted: '0' })
            : balanceFromAccount(accountFromRow(account), now);
        if (!req.history) return { balance };
        // History pages are keyed by account version, newest first.
        const page = deps.pageTokens.page(entries.map((e) => ({ ...e, id: e.account_version })), pageSize, filters);
        return { balance, history: page.rows.map(balanceFromEntry), nextPageToken: page.nextPageToken };
      });
    },

    async setSpendPolicy(req, ctx) {
      const v = new Violations();
      const p = req.policy;
      if (!p) throw invalidArgument([{ field: 'policy', description: 'is required' }]);
      const accountId = v.uuid('policy.account_id', p.accountId);
      v.enumOf('policy.window', p.window, [SpendWindow.DAILY, SpendWindow.WEEKLY] as const, 'DAILY, WEEKLY');
      if (!AMOUNT.test(p.limit)) v.add('policy.limit', 'must be a decimal integer of at most 38 digits, in minor units');
      const ratio = p.alertRatio === 0 ? 0.8 : p.alertRatio;
      if (!(ratio > 0 && ratio <= 1)) v.add('policy.alert_ratio', 'must be in (0, 1]; 0 means the default 0.8');
      const alertRatioBp = Math.max(1, Math.round(ratio * 10_000));
      if (p.approvalThreshold !== '' && !AMOUNT.test(p.approvalThreshold)) v.add('policy.approval_threshold', 'must be empty or a decimal integer of at most 38 digits');
      const expectedVersion = v.etag('policy.etag', p.etag);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        const [account] = await getAccount.run({ tenantId: scope.tenantId, id: accountId }, client);
        if (!account) throw notFound('account', accountId);
        const [saved] = await upsertSpendPolicy.run(
          {
            tenantId: scope.tenantId,
            accountId,
            spendWindow: spendWindowToRow[p.window]!,
            spendLimit: BigInt(p.limit).toString(),
            alertRatioBp,
            approvalThreshold: p.approvalThreshold === '' ? null : BigInt(p.approvalThreshold).toString(),
            expectedVersion,
          },
          client,
        );
        if (!saved) throw etagMismatch('spend policy', accountId);
        return saved;
      });
      return { policy: spendPolicyFromRow(row) };
    },

    async listBudgetAlerts(req, ctx) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      const accountId = v.optionalUuid('account_id', req.accountId);
      const filters = { accountId: accountId ?? null };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.replicaRead(scope, (client) =>
        listBudgetAlerts.run({ tenantId: scope.tenantId, accountId: filters.accountId, ...cursor, limit: String(pageSize + 1) }, client),
      );
      const page = deps.pageTokens.page(rows, pageSize, filters);
      return { alerts: page.rows.map(budgetAlertFromRow), nextPageToken: page.nextPageToken };
    },

    async getAccount(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const [row] = await deps.db.tenantRead(scope, (client) => getAccount.run({ tenantId: scope.tenantId, id }, client));
      if (!row) throw notFound('account', id);
      return { account: accountFromRow(row) };
    },

    async listAccounts(req, ctx) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      const ownerType = req.owner?.type ? v.enumOf('owner.type', req.owner.type, OWNER_TYPES, 'AGENT, CAMPAIGN, TENANT_TREASURY, EXTERNAL') : undefined;
      if (req.asset !== '' && !ASSET.test(req.asset)) v.add('asset', 'must be 1-16 of A-Z 0-9');
      const filters = { ownerType: ownerType ?? null, ownerId: req.owner?.id || null, asset: req.asset || null };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.replicaRead(scope, (client) =>
        listAccounts.run(
          {
            tenantId: scope.tenantId,
            ownerType: ownerType ? ownerTypeToRow[ownerType] : null,
            ownerId: filters.ownerId,
            asset: filters.asset,
            ...cursor,
            limit: String(pageSize + 1),
          },
          client,
        ),
      );
      const page = deps.pageTokens.page(rows, pageSize, filters, { bytesOf: metadataBytes });
      return { accounts: page.rows.map(accountFromRow), nextPageToken: page.nextPageToken };
    },
  };
}
