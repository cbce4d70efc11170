// chimera.ledger.v1.LedgerService. SetSpendPolicy and ListBudgetAlerts answer Unimplemented
// until spend policies land; every other RPC is served.
import type { ServiceImpl } from '@connectrpc/connect';
import { create } from '@bufbuild/protobuf';
import { AccountBalanceSchema, LedgerService, OwnerType } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import { getAccount, listAccounts } from '../../gen/sql/ledger/accounts.queries.js';
import { invalidArgument, notFound } from '../../lib/errors.js';
import { decodePageToken, pageOf } from '../../lib/page-token.js';
import { Violations } from '../../lib/validate.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { listBalanceHistory } from '../../gen/sql/ledger/balances.queries.js';
import { getTransfer, listAccountTransfers, listTransfers } from '../../gen/sql/ledger/transfers.queries.js';
import { createAccounts, MAX_BATCH } from './create-accounts.js';
import { createTransfers } from './create-transfers.js';
import { accountFromRow, balanceFromAccount, balanceFromEntry, ownerTypeToRow, pendingStateOf, transferFromRow } from './mapping.js';

const OWNER_TYPES = [OwnerType.AGENT, OwnerType.CAMPAIGN, OwnerType.TENANT_TREASURY, OwnerType.EXTERNAL] as const;

export function ledgerService(deps: ServiceDeps): Partial<ServiceImpl<typeof LedgerService>> {
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
      const results = await deps.db.tenantTx(scope, (client) => createTransfers(client, scope.tenantId, req.transfers));
      return { results: results.map((result, index) => ({ index, id: req.transfers[index].id, result })) };
    },

    async getTransfer(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const [row] = await deps.db.tenantRead(scope, (client) => getTransfer.run({ tenantId: scope.tenantId, id }, client));
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
      const cursor = decodePageToken(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const params = { tenantId: scope.tenantId, startTime, endTime, ...cursor, limit: String(pageSize + 1) };
      const rows = await deps.db.tenantRead(scope, (client) =>
        accountId ? listAccountTransfers.run({ ...params, accountId }, client) : listTransfers.run(params, client),
      );
      const page = pageOf(rows, pageSize, filters);
      return { transfers: page.rows.map(transferFromRow), nextPageToken: page.nextPageToken };
    },

    async getAccountBalances(req, ctx) {
      const v = new Violations();
      const accountId = v.uuid('account_id', req.accountId);
      const pageSize = v.pageSize('page_size', req.pageSize);
      const asOf = req.asOfTime ? timestampDate(req.asOfTime) : null;
      const filters = { accountId, asOf, history: req.history };
      const cursor = decodePageToken(v, 'page_token', req.pageToken, filters);
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
        const page = pageOf(entries.map((e) => ({ ...e, id: e.account_version })), pageSize, filters);
        return { balance, history: page.rows.map(balanceFromEntry), nextPageToken: page.nextPageToken };
      });
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
      if (req.asset !== '' && !/^[A-Z0-9]{1,16}$/.test(req.asset)) v.add('asset', 'must be 1-16 of A-Z 0-9');
      const filters = { ownerType: ownerType ?? null, ownerId: req.owner?.id || null, asset: req.asset || null };
      const cursor = decodePageToken(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.tenantRead(scope, (client) =>
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
      const page = pageOf(rows, pageSize, filters);
      return { accounts: page.rows.map(accountFromRow), nextPageToken: page.nextPageToken };
    },
  };
}
