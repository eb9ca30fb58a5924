import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { noSecretCipher } from '../secrets/secret-cipher';
import { aws, t, kiosk, desk, setUp, rows, useFacesDesk } from './faces-fixtures';

/** Face check-in's settings: the admin's AWS set-up, the sealed keys, and the connection test. */

useFacesDesk();

describe('face settings', () => {
  it('round-trips the settings and stores the keys sealed, never showing them', async () => {
    const initial = await t.ok(t.admin, 'faces.settings', {});
    expect(initial).toMatchObject({
      enabled: false,
      isReady: false,
      matchThreshold: 95,
      credentialSource: 'default',
      hasStoredKeys: false,
      secureStorage: { available: true, problem: null },
    });

    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const updated = await t.ok(t.admin, 'faces.updateSettings', {
      enabled: true,
      region: 'eu-west-1',
      collectionId: 'clinic-faces',
      bucket: 'clinic-faces-photos',
      matchThreshold: 97,
      retentionMonths: 12,
      credentialSource: 'stored',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: secret,
      s3Endpoint: 'http://127.0.0.1:9',
    });
    expect(updated).toMatchObject({
      enabled: true,
      isReady: true,
      matchThreshold: 97,
      retentionMonths: 12,
      credentialSource: 'stored',
      hasStoredKeys: true,
      s3Endpoint: 'http://127.0.0.1:9',
      rekognitionEndpoint: null,
    });
    expect(await t.ok(t.admin, 'faces.settings', {})).toEqual(updated);
    const shown = JSON.stringify(updated);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain('AKIAIOSFODNN7EXAMPLE');

    const sealed = rows<{ name: string; sealed: Buffer }>('SELECT name, sealed FROM secrets');
    expect(sealed.map((row) => row.name).sort()).toEqual(['aws.accessKeyId', 'aws.secretAccessKey']);
    for (const row of sealed) expect(Buffer.from(row.sealed).toString()).not.toContain(secret);
    const audit = rows<{ detail: string }>(`SELECT detail FROM audit_log WHERE action = 'faces.settings'`);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toContain('keys stored');
    expect(audit[0]!.detail).not.toContain(secret);
    expect(t.events.some((event) => event.event === 'faces.changed')).toBe(true);

    const forgotten = await t.ok(t.admin, 'faces.updateSettings', { forgetStoredKeys: true });
    expect(forgotten.hasStoredKeys).toBe(false);
    expect(rows('SELECT name FROM secrets')).toEqual([]);
  });

  it('is for admins only, and refuses hostile values', async () => {
    expect((await t.fail(t.reception, 'faces.settings', {})).code).toBe('FORBIDDEN');
    expect((await t.fail(t.admin, 'faces.updateSettings', { region: 'nowhere' })).code).toBe('VALIDATION');
    expect((await t.fail(t.admin, 'faces.updateSettings', { accessKeyId: 'AKIAIOSFODNN7EXAMPLE' } as never)).code).toBe('VALIDATION');
    expect((await t.fail(t.admin, 'faces.updateSettings', { matchThreshold: 50 })).code).toBe('VALIDATION');
  });

  it('refuses to store keys without OS encryption (SECURE_STORAGE_UNAVAILABLE) and saves nothing of the call', async () => {
    const other = await desk(aws.env, noSecretCipher);
    try {
      const settings = await other.ok(other.admin, 'faces.settings', {});
      expect(settings.secureStorage).toEqual({ available: false, problem: 'NO_ENCRYPTION' });
      const error = await other.fail(other.admin, 'faces.updateSettings', {
        region: 'eu-west-1',
        credentialSource: 'stored',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'x'.repeat(40),
      });
      expect(error.code).toBe('SECURE_STORAGE_UNAVAILABLE');
      expect(error.details).toEqual({ reason: 'NO_ENCRYPTION' });
      expect((await other.ok(other.admin, 'faces.settings', {})).region).toBe('');
      expect(other.desk.database.sqlite.prepare('SELECT count(*) AS n FROM secrets').get()).toEqual({ n: 0 });
    } finally {
      await other.close();
    }
  });
});

describe('faces.testConnection', () => {
  it('checks the credentials and the bucket, and creates a missing collection', async () => {
    await setUp();
    expect(aws.rekognition.collections()).toEqual([]);
    expect(await t.ok(t.admin, 'faces.testConnection', {})).toEqual({
      ok: true,
      checks: [
        { target: 'credentials', status: 'ok', problem: null },
        { target: 'collection', status: 'created', problem: null },
        { target: 'bucket', status: 'ok', problem: null },
      ],
    });
    expect(aws.rekognition.collections()).toEqual([aws.collectionId]);
    const again = await t.ok(t.admin, 'faces.testConnection', {});
    expect(again.checks[1]).toEqual({ target: 'collection', status: 'ok', problem: null });
  });

  it('says the bucket does not exist', async () => {
    await setUp();
    await t.ok(t.admin, 'faces.updateSettings', { bucket: 'no-such-bucket-here' });
    const result = await t.ok(t.admin, 'faces.testConnection', {});
    expect(result.ok).toBe(false);
    expect(result.checks[2]).toEqual({ target: 'bucket', status: 'failed', problem: 'NO_SUCH_BUCKET' });
  });

  it('says the stored keys are wrong', async () => {
    await setUp();
    await t.ok(t.admin, 'faces.updateSettings', { credentialSource: 'stored', accessKeyId: 'AKIAWRONGKEY00000000', secretAccessKey: 'y'.repeat(40) });
    const result = await t.ok(t.admin, 'faces.testConnection', {});
    expect(result.ok).toBe(false);
    expect(result.checks[0]).toEqual({ target: 'credentials', status: 'failed', problem: 'INVALID_CREDENTIALS' });
    expect(result.checks[1]).toEqual({ target: 'collection', status: 'failed', problem: 'INVALID_CREDENTIALS' });
  });

  it('says when there are no credentials at all, without calling AWS', async () => {
    const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, ...withoutKeys } = aws.env;
    const other = await desk({ ...withoutKeys, HOME: '/nonexistent-home-for-tests' });
    try {
      await setUp(other);
      const result = await other.ok(other.admin, 'faces.testConnection', {});
      expect(result).toEqual({
        ok: false,
        checks: [
          { target: 'credentials', status: 'failed', problem: 'NO_CREDENTIALS' },
          { target: 'collection', status: 'skipped', problem: null },
          { target: 'bucket', status: 'skipped', problem: null },
        ],
      });
      expect(aws.rekognition.requests()).toEqual([]);
      expect((await other.ok(kiosk, 'faces.availability', {})).faceCheckIn).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('says the network is down when nothing answers', async () => {
    await setUp();
    await t.ok(t.admin, 'faces.updateSettings', { rekognitionEndpoint: 'http://127.0.0.1:1', s3Endpoint: 'http://127.0.0.1:1' });
    const started = Date.now();
    const result = await t.ok(t.admin, 'faces.testConnection', {});
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.checks.slice(1)).toEqual([
      { target: 'collection', status: 'failed', problem: 'NETWORK' },
      { target: 'bucket', status: 'failed', problem: 'NETWORK' },
    ]);
  });

  it('says the bucket is in another region (S3 redirect)', async () => {
    await setUp();
    const s3 = mockClient(S3Client);
    try {
      s3.on(HeadBucketCommand).rejects(Object.assign(new Error('Moved'), { name: 'PermanentRedirect', $metadata: { httpStatusCode: 301 } }));
      const result = await t.ok(t.admin, 'faces.testConnection', {});
      expect(result.checks[2]).toEqual({ target: 'bucket', status: 'failed', problem: 'WRONG_REGION' });
    } finally {
      s3.restore();
    }
  });
});
