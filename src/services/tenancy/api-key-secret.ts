import { randomBytes } from 'node:crypto';
import { hashSecret } from '../../server/auth.js';

const SECRET_PREFIX = 'chk_';

/** A new bearer secret, what is stored of it (its SHA-256) and the prefix shown in lists. */
export function newApiKeySecret(): { secret: string; secretSha256: Buffer; secretPrefix: string } {
  const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
  return { secret, secretSha256: hashSecret(secret), secretPrefix: secret.slice(0, SECRET_PREFIX.length + 8) };
}
