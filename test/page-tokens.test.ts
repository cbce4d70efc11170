// Page tokens are signed: a token this service did not issue is refused before any SQL, whatever it
// holds, keys rotate, and no client input makes a log line long.
import { Code } from '@connectrpc/connect';
import { expect } from 'chai';
import { AgentService } from '../src/gen/proto/chimera/agents/v1/agents_pb.js';
import { createLogger, MAX_LOGGED_STRING } from '../src/lib/log.js';
import { PageTokens } from '../src/lib/page-token.js';
import { Violations } from '../src/lib/validate.js';
import { connectClient, startExtraServer } from './support/environment.js';
import { expectError, newTenant, violatedFields } from './support/fixtures.js';

const KEY = 'page-token-test-key-0123456789abcdef';
const OLD_KEY = 'page-token-old-key-0123456789abcdef';

function decodes(tokens: PageTokens, token: string): boolean {
  const v = new Violations();
  tokens.decode(v, 'page_token', token, {});
  try {
    v.throwIfAny();
    return true;
  } catch {
    return false;
  }
}

describe('page tokens', () => {
  const last = { create_time: new Date('2026-12-01T00:00:00Z'), id: '6f1c8a52-0000-4000-8000-000000000001' };

  it('verify under the key that signed them, or any older key still listed; not once that key is gone', () => {
    const old = new PageTokens([OLD_KEY]).encode(last, {});
    expect(decodes(new PageTokens([KEY, OLD_KEY]), old)).to.equal(true);
    expect(decodes(new PageTokens([KEY]), old)).to.equal(false);
    expect(decodes(new PageTokens([KEY]), new PageTokens([KEY, OLD_KEY]).encode(last, {}))).to.equal(true);
  });

  it('a forged token is refused as page_token before any SQL, whatever its payload', async () => {
    const t = await newTenant();
    const signed = new PageTokens([KEY]).encode(last, { showArchived: false });
    const [payload, mac] = signed.split('.');
    const forge = (p: object) => `${Buffer.from(JSON.stringify(p)).toString('base64url')}.${mac}`;
    const forged = [
      // A cursor id that would reach SQL as a malformed uuid, and one that is far too long.
      forge({ t: last.create_time.toISOString(), i: 'not-a-uuid', f: JSON.parse(Buffer.from(payload, 'base64url').toString()).f }),
      forge({ t: last.create_time.toISOString(), i: 'x'.repeat(100_000), f: 'x' }),
      `${payload}.${'A'.repeat(22)}`,
      'garbage',
    ];
    for (const pageToken of forged) {
      const err = await expectError(t.agents.listAgents({ pageToken }), Code.InvalidArgument);
      expect(violatedFields(err), pageToken.slice(0, 40)).to.deep.equal(['page_token']);
    }
  });

  it('a 267 KB token is refused, and no log line of the call carries more than a few KB', async () => {
    const lines: string[] = [];
    const { server, pool } = await startExtraServer({ log: createLogger('debug', (l) => lines.push(l)) });
    try {
      const t = await newTenant();
      const client = connectClient(AgentService, `http://127.0.0.1:${server.port}`, t.apiKey);
      const pageToken = 'A'.repeat(267 * 1024);
      const err = await expectError(client.listAgents({ pageToken }), Code.InvalidArgument);
      expect(violatedFields(err)).to.deep.equal(['page_token']);
      expect(lines.length).to.be.greaterThan(0);
      expect(Math.max(...lines.map((l) => l.length))).to.be.lessThan(MAX_LOGGED_STRING * 3);
      // Whatever a caller puts into a logged field is cut short.
      createLogger('info', (l) => lines.push(l)).info('call failed', { error: `invalid input syntax for type uuid: "${pageToken}"` });
      expect(lines[lines.length - 1].length).to.be.lessThan(MAX_LOGGED_STRING * 3);
    } finally {
      await server.shutdown(1_000);
      await pool.end();
    }
  });

  it('the suite server issues tokens its own lists accept', async () => {
    const t = await newTenant();
    for (const handle of ['a1', 'a2', 'a3']) await t.agents.createAgent({ agent: { handle, displayName: handle } });
    const first = await t.agents.listAgents({ pageSize: 2 });
    const second = await t.agents.listAgents({ pageSize: 2, pageToken: first.nextPageToken });
    expect([...first.agents, ...second.agents].map((a) => a.handle).sort()).to.deep.equal(['a1', 'a2', 'a3']);
  });
});
