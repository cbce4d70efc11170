// The bank of the reliability run: one tenant, 20 accounts in two assets (a treasury and nine
// wallets that cannot spend more than they received, per asset), and concurrent gRPC clients, each
// on a connection of its own, sending random transfers and linked pairs. A call that fails with a
// retryable code is sent again with the same transfer ids until it is answered: whatever the
// faults, every transfer ends acknowledged (OK, or EXISTS on a retry) or refused by the ledger.
import { randomUUID } from 'node:crypto';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { CreateTransferResult as R, LedgerService, OwnerType } from '../../../src/gen/proto/chimera/ledger/v1/ledger_pb.js';
import { TenantService } from '../../../src/gen/proto/chimera/tenancy/v1/tenancy_pb.js';
import type { SentTransfer } from '../../support/ledger-model.js';
import { RETRYABLE } from './faults.js';
import { ADMIN_TOKEN, sleep } from './stage.js';

export const ASSETS = ['USDC', 'EURC'];
const WALLETS_PER_ASSET = 9;

export interface BankAccount {
  id: string;
  asset: string;
  /** debits_must_not_exceed_credits */
  guarded: boolean;
}

export interface Bank {
  tenantId: string;
  apiKey: string;
  accounts: BankAccount[];
}

function clientOf<S extends Parameters<typeof createClient>[0]>(service: S, baseUrl: string, token: string) {
  return createClient(service, createGrpcTransport({ baseUrl, interceptors: [(next) => (req) => (req.header.set('authorization', `Bearer ${token}`), next(req))] }));
}

/** Creates the tenant, its ledger key and the accounts (before any fault). */
export async function openBank(baseUrl: string): Promise<Bank> {
  const admin = clientOf(TenantService, baseUrl, ADMIN_TOKEN);
  const { tenant } = await admin.createTenant({ tenant: { name: `bank-${randomUUID().slice(0, 8)}` } });
  const { secret } = await admin.createApiKey({ tenantId: tenant!.id, scopes: ['ledger:read', 'ledger:write'], description: 'reliability bank' });
  const accounts = ASSETS.flatMap((asset) => [
    { id: randomUUID(), asset, guarded: false },
    ...Array.from({ length: WALLETS_PER_ASSET }, () => ({ id: randomUUID(), asset, guarded: true })),
  ]);
  const { results } = await clientOf(LedgerService, baseUrl, secret).createAccounts({
    accounts: accounts.map((a) => ({
      id: a.id,
      asset: a.asset,
      assetScale: 6,
      owner: a.guarded ? { type: OwnerType.EXTERNAL, id: `wallet-${a.id.slice(0, 8)}` } : { type: OwnerType.TENANT_TREASURY },
      flags: { debitsMustNotExceedCredits: a.guarded },
    })),
  });
  if (results.some((r) => r.result !== 1)) throw new Error(`accounts not created: ${JSON.stringify(results)}`);
  return { tenantId: tenant!.id, apiKey: secret, accounts };
}

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)];
const amount = (max: number) => String(1 + Math.floor(Math.random() * max));

function transfer(debitAccountId: string, creditAccountId: string, value: string, linked = false): SentTransfer {
  return { id: randomUUID(), debitAccountId, creditAccountId, amount: value, pendingId: '', flags: { linked, pending: false, postPending: false, voidPending: false } };
}

/** One random operation in one asset: a funding from the treasury, a move between wallets (which
 *  may exceed what the payer holds), a return to the treasury, or a linked pair that passes money
 *  through a wallet (refused as a whole when its second leg exceeds what the wallet then holds). */
export function randomOperation(accounts: BankAccount[]): SentTransfer[] {
  const asset = pick(ASSETS);
  const treasury = accounts.find((a) => a.asset === asset && !a.guarded)!.id;
  const wallets = accounts.filter((a) => a.asset === asset && a.guarded).map((a) => a.id);
  const wallet = pick(wallets);
  const other = pick(wallets.filter((w) => w !== wallet));
  const roll = Math.random();
  if (roll < 0.3) return [transfer(treasury, wallet, amount(100))];
  if (roll < 0.7) return [transfer(wallet, other, amount(60))];
  if (roll < 0.85) return [transfer(wallet, treasury, amount(40))];
  const first = amount(50);
  const second = String(Math.max(1, Number(first) + Math.floor(Math.random() * 21) - 5));
  const payer = Math.random() < 0.5 ? treasury : pick(wallets.filter((w) => w !== wallet && w !== other));
  return [transfer(payer, wallet, first, true), transfer(wallet, other, second)];
}

export interface Operation {
  transfers: SentTransfer[];
  /** The ledger's answer, one per transfer (absent when the operation never got one). */
  results?: R[];
  /** Calls made for it: 1 when the first was answered. */
  calls: number;
}

export interface BankLoad {
  operations: Operation[];
  /** Retryable failures by code. */
  errors: Map<string, number>;
  /** What no client should see: non-retryable failures, answers that make no sense. */
  unexpected: string[];
  stop(): Promise<void>;
}

/** `clients` loops of random operations until stopped; each call ends after `callTimeoutMs`, and
 *  an operation unanswered after `giveUpMs` of retries is given up (and reported unexpected). */
export function startBankLoad(bank: Bank, baseUrl: string, opts: { clients: number; callTimeoutMs: number; giveUpMs: number }): BankLoad {
  const load: BankLoad = { operations: [], errors: new Map(), unexpected: [], stop: async () => {} };
  let stopping = false;

  async function send(ledger: Client<typeof LedgerService>, op: Operation) {
    const started = Date.now();
    for (;;) {
      op.calls++;
      try {
        const { results } = await ledger.createTransfers({ transfers: op.transfers }, { timeoutMs: opts.callTimeoutMs });
        op.results = op.transfers.map((t, i) => results.find((r) => r.index === i && r.id === t.id)?.result ?? R.UNSPECIFIED);
        return;
      } catch (err) {
        const code = Code[ConnectError.from(err).code];
        if (!RETRYABLE.has(code)) return void load.unexpected.push(`${code} for ${op.transfers[0].id}: ${ConnectError.from(err).rawMessage}`);
        load.errors.set(code, (load.errors.get(code) ?? 0) + 1);
        if (Date.now() - started > opts.giveUpMs) return void load.unexpected.push(`${op.transfers[0].id} unanswered after ${op.calls} calls`);
        await sleep(Math.min(1_000, 20 * 2 ** Math.min(op.calls, 6)) * (0.5 + Math.random()));
      }
    }
  }

  const loops = Array.from({ length: opts.clients }, async () => {
    const ledger = clientOf(LedgerService, baseUrl, bank.apiKey);
    while (!stopping) {
      const op: Operation = { transfers: randomOperation(bank.accounts), calls: 0 };
      load.operations.push(op);
      await send(ledger, op);
    }
  });
  load.stop = async () => {
    stopping = true;
    await Promise.all(loops);
  };
  return load;
}

/** Whether the ledger took the operation: every transfer OK, or EXISTS when a retry found what an
 *  earlier call had already written. An answer that is neither all taken nor all refused, or
 *  EXISTS to a first call, is a contradiction and is returned as a problem. */
export function judge(op: Operation): { acknowledged: boolean; problem?: string } {
  const taken = op.results!.map((r) => r === R.OK || (r === R.EXISTS && op.calls > 1));
  const refused = op.results!.map((r) => r !== R.OK && r !== R.EXISTS);
  if (taken.every(Boolean)) return { acknowledged: true };
  if (refused.every(Boolean)) return { acknowledged: false };
  return { acknowledged: false, problem: `${op.transfers[0].id}: ${op.results!.map((r) => R[r]).join(', ')} after ${op.calls} calls` };
}
