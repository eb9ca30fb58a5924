import type { SecretCipher } from './secret-cipher';

/** The part of Electron's `safeStorage` we use; passed in so that this module runs under Node in tests. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  /** Linux only in Electron; absent elsewhere. */
  getSelectedStorageBackend?: () => string;
}

/**
 * safeStorage as a SecretCipher. On Linux without a keyring Electron falls back to
 * 'basic_text', a hard-coded key: as good as plain text, so we treat it as no encryption.
 */
export function safeStorageCipher(safeStorage: SafeStorageLike, platform: NodeJS.Platform): SecretCipher {
  const problem = () => {
    if (!safeStorage.isEncryptionAvailable()) return 'NO_ENCRYPTION' as const;
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return 'PLAIN_TEXT_BACKEND' as const;
    return null;
  };
  return {
    problem,
    seal: (plain) => new Uint8Array(safeStorage.encryptString(plain)),
    open: (sealed) => safeStorage.decryptString(Buffer.from(sealed)),
  };
}
