import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretCipher } from './secret-cipher';

export const SECRETS_KEY_FILE = 'secrets.key';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The browser host's SecretCipher: it has no OS keyring, so secrets are sealed with
 * AES-256-GCM under a random key in `<dataDir>/secrets.key` (mode 0600, made on first use),
 * beside the database, as the host's TLS key already is. It keeps secrets out of the database
 * file and its backups; whoever can read the data folder can read them, which the README's
 * security notes say. The desktop app keeps Electron's safeStorage.
 */
export function fileKeyCipher(dataDir: string): SecretCipher {
  const path = join(dataDir, SECRETS_KEY_FILE);
  let key: Buffer | null = null;

  const loadKey = (): Buffer => {
    if (key) return key;
    try {
      key = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const fresh = randomBytes(32);
      try {
        // 'wx': never overwrite a key another process just wrote (its secrets would be lost).
        const fd = openSync(path, 'wx', 0o600);
        try {
          writeSync(fd, fresh);
        } finally {
          closeSync(fd);
        }
        chmodSync(path, 0o600);
        key = fresh;
      } catch (raced) {
        if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw raced;
        key = readFileSync(path);
      }
    }
    if (key.length !== 32) throw new Error(`${path} is not a 32-byte key`);
    return key;
  };

  return {
    problem: () => null,
    seal: (plain) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', loadKey(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]));
    },
    open: (sealed) => {
      const bytes = Buffer.from(sealed);
      if (bytes[0] !== VERSION || bytes.length < 1 + IV_BYTES + TAG_BYTES) throw new Error('Not a secret sealed by this host');
      const decipher = createDecipheriv('aes-256-gcm', loadKey(), bytes.subarray(1, 1 + IV_BYTES));
      decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
