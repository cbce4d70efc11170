import { randomUUID } from 'node:crypto';
import { Code, type Client } from '@connectrpc/connect';
import type { JsonObject } from '@bufbuild/protobuf';
import { expect } from 'chai';
import {
  CreateAccountResult as R,
  LedgerService,
  OwnerType,
} from '../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { testEnv } from './support/environment.js';
import { countRows, expectError, newTenant, violatedFields, type TestTenant } from './support/fixtures.js';

/** The writable fields of an Account, as a test builds them. */
interface AccountInit {
  id: string;
  asset?: string;
  assetScale?: number;
  owner?: { type?: OwnerType; id?: string };
  flags?: { debitsMustNotExceedCredits?: boolean; creditsMustNotExceedDebits?: boolean; closed?: boolean };
  wallet?: { network?: string; address?: string };
  metadata?: JsonObject;
}

function wallet(overrides: Partial<AccountInit> = {}): AccountInit {
  return {
    id: randomUUID(),
    asset: 'USDC',
    assetScale: 6,
    owner: { type: OwnerType.AGENT, id: randomUUID() },
    flags: { debitsMustNotExceedCredits: true },
    metadata: { purpose: 'agent wallet' },
    ...overrides,
  };
}

describe('LedgerService accounts', () => {
  let t: TestTenant;
  let ledger: Client<typeof LedgerService>;
  beforeEach(async () => {
    t = await newTenant();
    ledger = t.client(LedgerService);
  });

  const results = async (accounts: AccountInit[]) => (await ledger.createAccounts({ accounts })).results.map((r) => r.result);

  it('creates a batch and reads each account back with zero balances', async () => {
    const batch = [wallet(), wallet({ asset: 'ETH', assetScale: 18, owner: { type: OwnerType.TENANT_TREASURY }, flags: {} })];
    const { results: created } = await ledger.createAccounts({ accounts: batch });
    expect(created.map((r) => [r.index, r.id, r.result])).to.deep.equal([
      [0, batch[0].id, R.OK],
      [1, batch[1].id, R.OK],
    ]);
    const { account } = await ledger.getAccount({ id: batch[0].id });
    expect(account).to.deep.include({ asset: 'USDC', assetScale: 6, debitsPosted: '0', creditsPosted: '0', debitsPending: '0', creditsPending: '0', version: 0n });
    expect(account!.flags).to.deep.include({ debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false, closed: false });
    expect(account!.metadata).to.deep.equal({ purpose: 'agent wallet' });
  });

  it('replaying an account with identical fields is EXISTS and changes nothing', async () => {
    const a = wallet();
    expect(await results([a])).to.deep.equal([R.OK]);
    expect(await results([a])).to.deep.equal([R.EXISTS]);
    expect(await countRows('ledger_accounts', t.tenant.id)).to.equal(1);
  });

  it('replaying with any field changed returns the matching EXISTS_WITH_DIFFERENT_* code', async () => {
    const a = wallet({ wallet: { network: 'base', address: '0xabc' } });
    await results([a]);
    const changed: Array<[Partial<AccountInit>, R]> = [
      [{ asset: 'EURC' }, R.EXISTS_WITH_DIFFERENT_ASSET],
      [{ assetScale: 2 }, R.EXISTS_WITH_DIFFERENT_ASSET_SCALE],
      [{ owner: { type: OwnerType.CAMPAIGN, id: randomUUID() } }, R.EXISTS_WITH_DIFFERENT_OWNER],
      [{ flags: { debitsMustNotExceedCredits: true, closed: true } }, R.EXISTS_WITH_DIFFERENT_FLAGS],
      [{ wallet: { network: 'base', address: '0xdef' } }, R.EXISTS_WITH_DIFFERENT_WALLET],
      [{ metadata: { purpose: 'other' } }, R.EXISTS_WITH_DIFFERENT_METADATA],
      // Precedence: asset is checked before metadata.
      [{ asset: 'EURC', metadata: { purpose: 'other' } }, R.EXISTS_WITH_DIFFERENT_ASSET],
    ];
    for (const [change, expected] of changed) {
      expect(await results([{ ...a, ...change }]), JSON.stringify(change)).to.deep.equal([expected]);
    }
    const { account } = await ledger.getAccount({ id: a.id });
    expect(account!.asset).to.equal('USDC');
  });

  it('judges each account on its own: invalid ones fail with their code, the rest are created', async () => {
    const good = wallet();
    const batch: AccountInit[] = [
      wallet({ id: '' }),
      wallet({ id: 'not-a-uuid' }),
      wallet({ flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: true } }),
      wallet({ asset: 'usdc' }),
      wallet({ assetScale: 39 }),
      wallet({ owner: { type: OwnerType.AGENT, id: 'bob' } }),
      wallet({ owner: { type: OwnerType.TENANT_TREASURY, id: 'x' } }),
      wallet({ owner: {} }),
      wallet({ wallet: { network: 'base', address: '' } }),
      wallet({ metadata: { blob: 'x'.repeat(70_000) } }),
      good,
    ];
    expect(await results(batch)).to.deep.equal([
      R.ID_MUST_NOT_BE_EMPTY,
      R.ID_INVALID,
      R.FLAGS_ARE_MUTUALLY_EXCLUSIVE,
      R.ASSET_INVALID,
      R.ASSET_SCALE_INVALID,
      R.OWNER_INVALID,
      R.OWNER_INVALID,
      R.OWNER_INVALID,
      R.WALLET_INVALID,
      R.METADATA_INVALID,
      R.OK,
    ]);
    expect(await countRows('ledger_accounts', t.tenant.id)).to.equal(1);
  });

  it('a repeated id within one batch is created once; the repeat is EXISTS or EXISTS_WITH_DIFFERENT_*', async () => {
    const a = wallet();
    expect(await results([a, a, { ...a, asset: 'ETH' }])).to.deep.equal([R.OK, R.EXISTS, R.EXISTS_WITH_DIFFERENT_ASSET]);
    expect(await countRows('ledger_accounts', t.tenant.id)).to.equal(1);
  });

  it('refuses a batch over 8,190 accounts as a whole, writing nothing', async () => {
    const accounts = Array.from({ length: 8_191 }, () => wallet());
    const err = await expectError(ledger.createAccounts({ accounts }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['accounts']);
    expect(await countRows('ledger_accounts', t.tenant.id)).to.equal(0);
  });

  it('creates 8,190 accounts in one call', async function () {
    this.timeout(60_000);
    const accounts = Array.from({ length: 8_190 }, () => wallet({ metadata: {} }));
    const created = await results(accounts);
    expect(created.every((r) => r === R.OK)).to.equal(true);
    expect(await countRows('ledger_accounts', t.tenant.id)).to.equal(8_190);
  });

  it('lists accounts with filters and keyset pages', async () => {
    const agentId = randomUUID();
    const mine = [wallet({ owner: { type: OwnerType.AGENT, id: agentId } }), wallet({ owner: { type: OwnerType.AGENT, id: agentId }, asset: 'ETH', assetScale: 18 })];
    for (const a of mine) await results([a]);
    await results([wallet(), wallet({ owner: { type: OwnerType.TENANT_TREASURY }, flags: {} })]);
    const ids: string[] = [];
    let pageToken = '';
    do {
      const page = await ledger.listAccounts({ pageSize: 1, pageToken, owner: { type: OwnerType.AGENT, id: agentId } });
      ids.push(...page.accounts.map((a) => a.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(ids).to.deep.equal(mine.map((a) => a.id));
    expect((await ledger.listAccounts({ asset: 'ETH' })).accounts.map((a) => a.id)).to.deep.equal([mine[1].id]);
    expect((await ledger.listAccounts({ owner: { type: OwnerType.TENANT_TREASURY } })).accounts).to.have.length(1);
    const err = await expectError(ledger.listAccounts({ pageSize: -1, asset: 'bad asset' }), Code.InvalidArgument);
    expect(violatedFields(err)).to.deep.equal(['page_size', 'asset']);
  });

  it("another tenant's accounts behave as nonexistent", async () => {
    const a = wallet();
    await results([a]);
    const other = await newTenant();
    const theirs = other.client(LedgerService);
    await expectError(theirs.getAccount({ id: a.id }), Code.NotFound);
    expect((await theirs.listAccounts({})).accounts).to.deep.equal([]);
    // The same id is free for them: ids are per tenant, and nothing about ours leaks.
    expect((await theirs.createAccounts({ accounts: [{ ...a, asset: 'ETH' }] })).results[0].result).to.equal(R.OK);
    expect((await ledger.getAccount({ id: a.id })).account!.asset).to.equal('USDC');
  });

  it('GetAccount: NotFound for an unknown id, InvalidArgument for a malformed one; scopes enforced', async () => {
    await expectError(ledger.getAccount({ id: randomUUID() }), Code.NotFound);
    await expectError(ledger.getAccount({ id: 'x' }), Code.InvalidArgument);
    const reader = await newTenant({ scopes: ['ledger:read'] });
    await expectError(reader.client(LedgerService).createAccounts({ accounts: [wallet()] }), Code.PermissionDenied, 'MISSING_SCOPE');
    expect(await countRows('ledger_accounts', reader.tenant.id)).to.equal(0);
  });

  it('balances cannot be written outside the ledger: the app role may not insert balances or change the asset', async () => {
    const a = wallet();
    await results([a]);
    const client = await testEnv().pool.connect();
    try {
      for (const statement of [
        'UPDATE ledger_accounts SET asset = $2 WHERE tenant_id = $1',
        "INSERT INTO ledger_accounts (tenant_id, id, asset, asset_scale, owner_type, credits_posted) VALUES ($1, gen_random_uuid(), $2, 0, 'TENANT_TREASURY', 1000)",
      ]) {
        await client.query('BEGIN');
        await client.query("SELECT set_config('role', 'chimera_app', true), set_config('app.tenant_id', $1, true)", [t.tenant.id]);
        let code: string | undefined;
        try {
          await client.query(statement, [t.tenant.id, 'EVIL']);
        } catch (err) {
          code = (err as { code?: string }).code;
        }
        await client.query('ROLLBACK');
        expect(code, statement).to.equal('42501');
      }
    } finally {
      client.release();
    }
  });
});
