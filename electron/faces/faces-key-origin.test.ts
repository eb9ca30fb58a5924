import { describe, expect, it } from 'vitest';
import { t, rows, useFacesDesk } from './faces-fixtures';

/** Stored AWS keys go only to the endpoints they were entered for, and only encrypted. */

useFacesDesk();

const keys = { credentialSource: 'stored' as const, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('AWS keys and their endpoints', () => {
  it('new endpoints forget the stored keys unless they are entered again', async () => {
    await t.ok(t.admin, 'faces.updateSettings', { region: 'eu-west-1', ...keys });
    // Another region of AWS itself is the same service: the keys stay.
    expect(await t.ok(t.admin, 'faces.updateSettings', { region: 'eu-central-1' })).toMatchObject({ hasStoredKeys: true });

    const moved = await t.ok(t.admin, 'faces.updateSettings', { rekognitionEndpoint: 'https://capture.example.net' });
    expect(moved).toMatchObject({ hasStoredKeys: false, rekognitionEndpoint: 'https://capture.example.net' });
    expect(rows('SELECT name FROM secrets')).toEqual([]);
    const audit = rows<{ detail: string }>(`SELECT detail FROM audit_log WHERE action = 'faces.settings' ORDER BY id DESC LIMIT 1`);
    expect(audit[0]!.detail).toContain('keys forgotten (new endpoints)');

    // Entered again with the new endpoint: kept, for that endpoint.
    expect(await t.ok(t.admin, 'faces.updateSettings', { s3Endpoint: 'https://s3.capture.example.net', ...keys })).toMatchObject({ hasStoredKeys: true });
  });

  it('refuses endpoints that are not encrypted, except on this computer', async () => {
    for (const endpoint of ['http://capture.example.net', 'http://10.0.0.5:4566', 'https://user:pw@capture.example.net']) {
      expect((await t.fail(t.admin, 'faces.updateSettings', { rekognitionEndpoint: endpoint })).code, endpoint).toBe('VALIDATION');
      expect((await t.fail(t.admin, 'faces.updateSettings', { s3Endpoint: endpoint })).code, endpoint).toBe('VALIDATION');
    }
    expect(await t.ok(t.admin, 'faces.updateSettings', { rekognitionEndpoint: 'http://127.0.0.1:4566' })).toMatchObject({
      rekognitionEndpoint: 'http://127.0.0.1:4566',
    });
  });
});
