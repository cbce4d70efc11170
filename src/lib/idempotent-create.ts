import { alreadyExists } from './errors.js';

/**
 * The create half of "repeating a create with the same id and content returns the original; with
 * different content it fails AlreadyExists". `insert` must return nothing when the id is taken
 * (ON CONFLICT DO NOTHING); the stored create_fingerprint then tells a retry from a conflict.
 */
export async function insertOrReplay<R extends { create_fingerprint: Buffer }>(create: {
  resourceType: string;
  id: string;
  fingerprint: Buffer;
  insert: () => Promise<R | undefined>;
  existing: () => Promise<R>;
}): Promise<R> {
  const inserted = await create.insert();
  if (inserted) return inserted;
  const existing = await create.existing();
  if (!existing.create_fingerprint.equals(create.fingerprint)) {
    throw alreadyExists('ID_TAKEN', `${create.resourceType} ${create.id} already exists with different content`, {
      resource_id: create.id,
    });
  }
  return existing;
}
