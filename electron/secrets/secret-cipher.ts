/** Why secrets cannot be stored here; shown to the admin as is (translated by code). */
export type SecretStorageProblem =
  /** No OS encryption at all (the browser host, or a desktop without a keyring yet). */
  | 'NO_ENCRYPTION'
  /** Linux with no keyring: Electron would "encrypt" with a hard-coded key. We refuse. */
  | 'PLAIN_TEXT_BACKEND';

/**
 * The operating system's encryption of secrets at rest. In the desktop app it is Electron's
 * safeStorage (Keychain, DPAPI, libsecret/kwallet); the browser host has none, so it cannot
 * store secrets and says so: it relies on the AWS default provider chain and the environment.
 */
export interface SecretCipher {
  /** Null when secrets can be sealed; otherwise why not. */
  problem(): SecretStorageProblem | null;
  seal(plain: string): Uint8Array;
  open(sealed: Uint8Array): string;
}

export const noSecretCipher: SecretCipher = {
  problem: () => 'NO_ENCRYPTION',
  seal: () => {
    throw new Error('No secret encryption on this host');
  },
  open: () => {
    throw new Error('No secret encryption on this host');
  },
};
