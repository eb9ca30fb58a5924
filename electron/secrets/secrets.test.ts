import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/contract/errors';
import { openMigratedDatabase, type OpenedDatabase } from '../db/database';
import { fakeSafeStorage } from './fake-keyring';
import { safeStorageCipher } from './safe-storage-cipher';
import { fileKeyCipher, SECRETS_KEY_FILE } from './file-key-cipher';
import { noSecretCipher } from './secret-cipher';
import { readSecret, storeSecret } from './secrets.repository';

describe('secrets', () => {
  let dir: string;
  let opened: OpenedDatabase;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fd-secrets-'));
    opened = await openMigratedDatabase(join(dir, 'clinic.sqlite'));
  });
  afterEach(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores only the sealed value and opens it again', async () => {
    const cipher = safeStorageCipher(fakeSafeStorage('gnome_libsecret'), 'linux');
    await storeSecret(opened.db, cipher, 'aws.secretAccessKey', 'wJalrXUtnFEMI/K7MDENG', 'aws', 1);
    const raw = opened.sqlite.prepare(`SELECT sealed FROM secrets WHERE name = 'aws.secretAccessKey'`).get() as { sealed: Buffer };
    expect(Buffer.from(raw.sealed).toString()).not.toContain('wJalrXUtnFEMI');
    expect(await readSecret(opened.db, cipher, 'aws.secretAccessKey', 'aws')).toBe('wJalrXUtnFEMI/K7MDENG');
  });

  it('gives a secret only to the origin it was entered for, even when the database is edited', async () => {
    const cipher = safeStorageCipher(fakeSafeStorage('gnome_libsecret'), 'linux');
    await storeSecret(opened.db, cipher, 'cloud.token', 'clinic-token', 'https://cloud.example.pt', 1);
    expect(await readSecret(opened.db, cipher, 'cloud.token', 'https://cloud.example.pt')).toBe('clinic-token');
    expect(await readSecret(opened.db, cipher, 'cloud.token', 'https://capture.example.net')).toBeNull();
    // The origin is sealed with the secret: moving the sealed value to another name moves nothing.
    await storeSecret(opened.db, cipher, 'aws.accessKeyId', 'AKIAEXAMPLE', 'https://capture.example.net', 1);
    opened.sqlite.prepare(`UPDATE secrets SET sealed = (SELECT sealed FROM secrets WHERE name = 'cloud.token') WHERE name = 'aws.accessKeyId'`).run();
    expect(await readSecret(opened.db, cipher, 'aws.accessKeyId', 'https://capture.example.net')).toBeNull();
  });

  it.each([
    ['linux plain-text backend', safeStorageCipher(fakeSafeStorage('basic_text'), 'linux'), 'PLAIN_TEXT_BACKEND'],
    ['no encryption', safeStorageCipher(fakeSafeStorage('unknown', false), 'darwin'), 'NO_ENCRYPTION'],
    ['no cipher at all', noSecretCipher, 'NO_ENCRYPTION'],
  ])('refuses to store anything with %s, and writes nothing', async (_, cipher, reason) => {
    const error = await storeSecret(opened.db, cipher, 'cloud.token', 'secret', 'https://cloud.example.pt', 1).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SECURE_STORAGE_UNAVAILABLE');
    expect((error as AppError).details).toEqual({ reason });
    expect(opened.sqlite.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 0 });
  });

  it('the browser host seals with a key of its own in the data folder, made on first use, readable only by its user', async () => {
    const cipher = fileKeyCipher(dir);
    expect(cipher.problem()).toBeNull();
    expect(() => statSync(join(dir, SECRETS_KEY_FILE))).toThrow();
    await storeSecret(opened.db, cipher, 'cloud.token', 'joined-desk-token', 'https://cloud.example.pt', 1);
    const key = statSync(join(dir, SECRETS_KEY_FILE));
    expect(key.size).toBe(32);
    expect(key.mode & 0o777).toBe(0o600);
    const raw = opened.sqlite.prepare(`SELECT sealed FROM secrets WHERE name = 'cloud.token'`).get() as { sealed: Buffer };
    expect(Buffer.from(raw.sealed).toString()).not.toContain('joined-desk-token');
    // Another start of the host reads the same key; a tampered value or another key opens nothing.
    expect(await readSecret(opened.db, fileKeyCipher(dir), 'cloud.token', 'https://cloud.example.pt')).toBe('joined-desk-token');
    const keyBefore = readFileSync(join(dir, SECRETS_KEY_FILE));
    writeFileSync(join(dir, SECRETS_KEY_FILE), Buffer.alloc(32, 7));
    expect(await readSecret(opened.db, fileKeyCipher(dir), 'cloud.token', 'https://cloud.example.pt')).toBeNull();
    writeFileSync(join(dir, SECRETS_KEY_FILE), keyBefore);
    const tampered = Buffer.from(raw.sealed);
    tampered[tampered.length - 1]! ^= 1;
    opened.sqlite.prepare(`UPDATE secrets SET sealed = ? WHERE name = 'cloud.token'`).run(tampered);
    expect(await readSecret(opened.db, fileKeyCipher(dir), 'cloud.token', 'https://cloud.example.pt')).toBeNull();
  });
});
