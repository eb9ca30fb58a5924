import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { Database } from '../db/schema';
import { bindSecret, unbindSecret } from './bound-secret';
import type { SecretCipher } from './secret-cipher';

/** Names of the secrets the main process keeps. */
export type SecretName = 'aws.accessKeyId' | 'aws.secretAccessKey' | 'aws.sessionToken' | 'cloud.token';

/**
 * Stores a secret for the origin it may be sent to (see bound-secret.ts). Refuses
 * (SECURE_STORAGE_UNAVAILABLE, with the reason) rather than store it unencrypted.
 */
export async function storeSecret(db: Kysely<Database>, cipher: SecretCipher, name: SecretName, value: string, origin: string, now: number): Promise<void> {
  const problem = cipher.problem();
  if (problem) {
    throw new AppError('SECURE_STORAGE_UNAVAILABLE', 'Secrets cannot be stored encrypted on this machine, so this one was not saved.', { reason: problem });
  }
  const sealed = cipher.seal(bindSecret(value, origin));
  await db
    .insertInto('secrets')
    .values({ name, sealed, updated_at: now })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ sealed, updated_at: now }))
    .execute();
}

/**
 * The secret, or null when none is stored, when it was entered for another origin than the
 * one it is about to be sent to, or when this machine can no longer open it (another OS
 * user, a wiped keyring).
 */
export async function readSecret(db: Kysely<Database>, cipher: SecretCipher, name: SecretName, origin: string): Promise<string | null> {
  const row = await db.selectFrom('secrets').select('sealed').where('name', '=', name).executeTakeFirst();
  if (!row || cipher.problem()) return null;
  try {
    return unbindSecret(cipher.open(row.sealed), origin);
  } catch {
    return null;
  }
}

export async function hasSecret(db: Kysely<Database>, name: SecretName): Promise<boolean> {
  return (await db.selectFrom('secrets').select('name').where('name', '=', name).executeTakeFirst()) !== undefined;
}

export async function deleteSecrets(db: Kysely<Database>, names: readonly SecretName[]): Promise<void> {
  if (names.length === 0) return;
  await db.deleteFrom('secrets').where('name', 'in', names).execute();
}
