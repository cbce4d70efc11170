// First start of the embedded database: a `dev` tenant with an all-scopes API key, and an admin
// token, kept under the data directory so later starts can print them again. The admin token is
// never printed: it is written to a file only its owner can read, and the path is printed.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../db/tx.js';
import { insertApiKey } from '../gen/sql/tenancy/api_keys.queries.js';
import { insertTenant } from '../gen/sql/tenancy/tenants.queries.js';
import { fingerprint } from '../lib/canonical.js';
import { newApiKeySecret } from '../services/tenancy/api-key-secret.js';
import { DEFAULT_SETTINGS } from '../services/tenancy/mapping.js';

export interface DevCredentials {
  tenantId: string;
  apiKey: string;
  adminToken: string;
}

/** Writes the admin token to `<stateDir>/admin-token`, or for an in-memory run to a new temporary
 *  directory, readable by its owner alone; returns the file's path. */
export function writeAdminTokenFile(stateDir: string | undefined, adminToken: string): string {
  const dir = stateDir ?? mkdtempSync(join(tmpdir(), 'chimera-'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'admin-token');
  writeFileSync(file, adminToken + '\n', { mode: 0o600 });
  return file;
}

/** `stateDir` undefined: in-memory run, nothing is written. */
export async function ensureDevCredentials(db: Database, stateDir: string | undefined, adminToken: string | undefined): Promise<DevCredentials> {
  const file = stateDir ? join(stateDir, 'dev-credentials.json') : undefined;
  if (file && existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as DevCredentials;
    return { ...saved, adminToken: adminToken ?? saved.adminToken };
  }

  const tenantId = randomUUID();
  const { secret: apiKey, secretSha256, secretPrefix } = newApiKeySecret();
  const content = { name: 'dev', status: 'ACTIVE', settings: DEFAULT_SETTINGS, metadata: { created_by: 'embedded bootstrap' } };
  await db.adminTx({ actor: 'bootstrap', requestId: 'bootstrap', timeoutMs: 30_000 }, async (client) => {
    await insertTenant.run({ id: tenantId, ...content, createFingerprint: fingerprint(content) }, client);
    await insertApiKey.run(
      {
        tenantId,
        secretSha256,
        secretPrefix,
        scopes: ['*'],
        description: 'dev key created on first start',
        expireTime: null,
      },
      client,
    );
  });
  const credentials = { tenantId, apiKey, adminToken: adminToken ?? randomBytes(24).toString('base64url') };
  if (stateDir && file) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  }
  return credentials;
}
