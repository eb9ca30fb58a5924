import { safeStorageCipher, type SafeStorageLike } from './safe-storage-cipher';
import type { SecretCipher } from './secret-cipher';

/** For tests: a stand-in for the OS keyring, reversible and visibly not the plain text. */
export function fakeSafeStorage(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(`sealed:${Buffer.from(plain).toString('base64')}`),
    decryptString: (sealed) => Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'base64').toString(),
    getSelectedStorageBackend: () => backend,
  };
}

/** For tests: secrets sealed as on a Linux desktop with a keyring. */
export const fakeKeyring: SecretCipher = safeStorageCipher(fakeSafeStorage(), 'linux');
