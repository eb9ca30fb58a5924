import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Provider secrets at rest: AES-256-GCM under the server's key (CLOUD_SECRETS_KEY, 32 bytes,
 * base64). A sealed value is `1 | iv (12) | tag (16) | ciphertext`; its associated data names
 * the clinic, provider and field, so a ciphertext copied to another clinic's row (or from the
 * API key's column to the password's) does not open. The clear text never leaves this
 * process: not in a log line, not in an answer.
 */

const VERSION = 1;

export class SecretsKeyError extends Error {}

export interface SecretBox {
  seal(clear: string, context: string): Buffer;
  open(sealed: Buffer, context: string): string;
}

/** The key from its base64 form; refuses anything but exactly 32 bytes. */
export function secretBox(keyBase64: string): SecretBox {
  const key = Buffer.from(keyBase64.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== keyBase64.trim().replace(/=+$/, '')) {
    throw new SecretsKeyError('CLOUD_SECRETS_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`).');
  }
  return {
    seal(clear, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
    },
    open(sealed, context) {
      if (sealed.length < 29 || sealed[0] !== VERSION) throw new SecretsKeyError('A sealed secret in an unknown form.');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.subarray(13, 29));
      try {
        return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
      } catch {
        // Never the key or the text: only that this key does not open it.
        throw new SecretsKeyError('A sealed secret does not open with this CLOUD_SECRETS_KEY (another key, or another row’s value).');
      }
    },
  };
}

/** The box of CLOUD_SECRETS_KEY, or undefined when it is unset (payments are then off). */
export function secretBoxFromEnv(env: NodeJS.ProcessEnv): SecretBox | undefined {
  const value = env.CLOUD_SECRETS_KEY;
  return value ? secretBox(value) : undefined;
}
