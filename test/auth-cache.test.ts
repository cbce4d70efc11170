// The API key resolver: a malformed secret costs no lookup, an unknown one is looked up once per
// TTL, concurrent calls share a lookup, and a flood of unknown secrets cannot push valid keys out.
import { randomBytes } from 'node:crypto';
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { Database, type TxScope, type TxClient } from '../src/db/tx.js';
import { ApiKeyResolver } from '../src/server/auth.js';
import { connectClient, testEnv } from './support/environment.js';
import { expectError, newTenant } from './support/fixtures.js';

/** Counts the admin transactions (the key lookups) it runs. */
class CountingDatabase extends Database {
  lookups = 0;

  override adminTx<T>(scope: TxScope, work: (client: TxClient) => Promise<T>): Promise<T> {
    this.lookups++;
    return super.adminTx(scope, work);
  }
}

const wellFormed = () => 'chk_' + randomBytes(32).toString('base64url');

describe('API key resolution', () => {
  let db: CountingDatabase;
  beforeEach(() => (db = new CountingDatabase(testEnv().pool)));

  it('refuses a malformed secret without any lookup', async () => {
    const keys = new ApiKeyResolver(db, { ttlMs: 60_000 });
    for (const secret of ['', 'chk_short', 'sk_' + 'A'.repeat(44), 'chk_' + 'A'.repeat(42) + '!', 'chk_' + 'A'.repeat(44), 'x'.repeat(10_000)]) {
      expect(await keys.resolve(secret, 'test'), secret.slice(0, 20)).to.deep.equal({ ok: false, why: 'UNKNOWN_KEY' });
    }
    expect(db.lookups).to.equal(0);
    // Through the API too: Unauthenticated, as for an unknown key.
    await expectError(connectClient(AgentService, testEnv().baseUrl, 'chk_not-a-key').listAgents({}), Code.Unauthenticated, 'UNKNOWN_KEY');
  });

  it('looks an unknown secret up once per TTL, and concurrent calls share one lookup', async () => {
    let now = 0;
    const keys = new ApiKeyResolver(db, { ttlMs: 1_000, now: () => now });
    const secret = wellFormed();
    const answers = await Promise.all(Array.from({ length: 5 }, () => keys.resolve(secret, 'test')));
    expect(answers.every((a) => !a.ok)).to.equal(true);
    expect(db.lookups).to.equal(1);
    await keys.resolve(secret, 'test');
    expect(db.lookups).to.equal(1);
    now = 1_000;
    await keys.resolve(secret, 'test');
    expect(db.lookups).to.equal(2);
  });

  it('a flood of unknown secrets does not push a valid key out of the cache', async () => {
    const t = await newTenant();
    const keys = new ApiKeyResolver(db, { ttlMs: 60_000, maxKeys: 10, maxUnknown: 10 });
    expect((await keys.resolve(t.apiKey, 'test')).ok).to.equal(true);
    for (let i = 0; i < 50; i++) await keys.resolve(wellFormed(), 'test');
    expect(db.lookups).to.equal(51);
    expect((await keys.resolve(t.apiKey, 'test')).ok).to.equal(true);
    expect(db.lookups, 'the valid key was still cached').to.equal(51);
  });
});
