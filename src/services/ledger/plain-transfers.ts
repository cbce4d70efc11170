// The plain path of CreateTransfers, and the reference the fast paths are checked against: each
// request's transfers in a transaction of their own, written the careful way (careful-write.ts).
// The ledger runs it when its fast paths are off (CHIMERA_LEDGER_FAST_PATHS=false).
import type { CreateTransferResult, Transfer } from '../../gen/proto/chimera/ledger/v1/ledger_pb.js';
import type { Database, TenantScope } from '../../db/tx.js';
import { writeCarefully } from './careful-write.js';

/** What CreateTransfers and the expiry sweeper send their batches through. */
export interface TransferWriter {
  /** Applies one request's transfers; one result per transfer, in order. */
  submit(scope: TenantScope, transfers: Transfer[]): Promise<CreateTransferResult[]>;
  /** Voids the expired reservations on these accounts: a batch with no transfers of its own. */
  sweep(scope: TenantScope, accountIds: string[]): Promise<void>;
}

export class PlainTransfers implements TransferWriter {
  constructor(private readonly db: Database) {}

  async submit(scope: TenantScope, transfers: Transfer[]): Promise<CreateTransferResult[]> {
    const { results } = await this.db.tenantTx(scope, (client) => writeCarefully(client, { tenantId: scope.tenantId, groups: [transfers] }));
    return results[0];
  }

  async sweep(scope: TenantScope, accountIds: string[]): Promise<void> {
    await this.db.tenantTx(scope, (client) => writeCarefully(client, { tenantId: scope.tenantId, groups: [[]], alsoTouch: accountIds }));
  }
}
