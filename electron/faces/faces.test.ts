import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { IndexFacesCommand, RekognitionClient, SearchUsersByImageCommand } from '@aws-sdk/client-rekognition';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../shared/faces/consent-text';
import { fixtureJpegBase64, fixtureJpeg } from '../../tests/aws/face-fixtures';
import { startLocalAws, type LocalAws } from '../../tests/aws/local-aws';
import { DATABASE_FILE } from '../app/front-desk';
import { addPatient, bookAt, deviceCaller } from '../queue/queue-fixtures';
import type { Caller } from '../rpc/dispatch';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { safeStorageCipher, type SafeStorageLike } from '../secrets/safe-storage-cipher';
import { noSecretCipher, type SecretCipher } from '../secrets/secret-cipher';
import { createFacesModule } from './faces.module';

/** A stand-in for the OS keyring: reversible, and visibly not the plain text. */
const keyring: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (plain) => Buffer.from(`sealed:${Buffer.from(plain).toString('base64')}`),
  decryptString: (sealed) => Buffer.from(sealed.toString().replace(/^sealed:/, ''), 'base64').toString(),
  getSelectedStorageBackend: () => 'gnome_libsecret',
};
const cipher = safeStorageCipher(keyring, 'linux');

let aws: LocalAws;
let t: TestDesk;
let p: Practice;
let rita: number;
let kiosk: Caller;

beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.stop();
});

async function desk(env: Record<string, string> = aws.env, secretCipher: SecretCipher = cipher): Promise<TestDesk> {
  return createTestDesk({ now: '2026-06-15T08:00', frontDesk: { env, secretCipher } });
}

beforeEach(async () => {
  aws.rekognition.reset();
  await aws.s3.clear();
  t = await desk();
  p = await seedPractice(t, 2);
  rita = await addPatient(t, { fullName: 'Rita Maria Rocha', preferredName: 'Ritinha', dateOfBirth: '1975-05-20', phone: '+351 913 222 444', preferredLanguage: 'en' });
  kiosk = deviceCaller('kiosk', 7, 'Lobby tablet');
});
afterEach(async () => {
  await t?.close();
});

const setUp = (target: TestDesk = t) =>
  target.ok(target.admin, 'faces.updateSettings', { enabled: true, region: aws.region, collectionId: aws.collectionId, bucket: aws.s3.bucket, keyPrefix: 'faces/' });

const consent = (patientId = rita) => t.ok(t.reception, 'faces.recordConsent', { patientId, version: CONSENT_VERSION, agreed: true });

const astronautPhotos = () => [fixtureJpegBase64('astronaut'), fixtureJpegBase64('astronaut', { quality: 70, scale: 0.9 }), fixtureJpegBase64('astronaut', { brightness: 8 })];

async function enrolRita() {
  await setUp();
  await consent();
  return t.ok(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() });
}

function rows<T>(sql: string, ...params: unknown[]): T[] {
  return t.desk.database.sqlite.prepare(sql).all(...params) as T[];
}

async function bucketKeys(): Promise<string[]> {
  return aws.s3.listKeys();
}

describe('face settings', () => {
  it('round-trips the settings and stores the keys sealed, never showing them', async () => {
    const initial = await t.ok(t.admin, 'faces.settings', {});
    expect(initial).toMatchObject({ enabled: false, isReady: false, matchThreshold: 95, credentialSource: 'default', hasStoredKeys: false, secureStorage: { available: true, problem: null } });

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
    expect(updated).toMatchObject({ enabled: true, isReady: true, matchThreshold: 97, retentionMonths: 12, credentialSource: 'stored', hasStoredKeys: true, s3Endpoint: 'http://127.0.0.1:9', rekognitionEndpoint: null });
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
      const error = await other.fail(other.admin, 'faces.updateSettings', { region: 'eu-west-1', credentialSource: 'stored', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x'.repeat(40) });
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

describe('consent', () => {
  it('shows a versioned text in the patient\'s language, with where, what and how long', async () => {
    expect((await t.fail(t.reception, 'faces.consentText', { patientId: rita })).code).toBe('FACE_CHECKIN_OFF');
    await setUp();
    const en = await t.ok(t.reception, 'faces.consentText', { patientId: rita });
    expect(en).toMatchObject({ version: CONSENT_VERSION, locale: 'en' });
    const text = en.paragraphs.join(' ');
    for (const fact of ['3 photos', aws.region, 'Amazon S3', 'Rekognition', '24 months', 'withdraw']) expect(text).toContain(fact);
    const pt = await t.ok(t.reception, 'faces.consentText', { patientId: rita, locale: 'pt' });
    expect(pt.locale).toBe('pt');
    expect(pt.paragraphs.join(' ')).toContain('3 fotografias');
    expect(pt.version).toBe(en.version);
  });

  it('records the yes with version, time and staff; a stale version is refused', async () => {
    await setUp();
    expect((await t.fail(t.reception, 'faces.recordConsent', { patientId: rita, version: 'faces-1999', agreed: true })).code).toBe('VALIDATION');
    const status = await consent();
    expect(status).toMatchObject({ patientId: rita, state: 'consented', consent: { version: CONSENT_VERSION, at: t.now }, enrolledAt: null, faceCount: 0 });
    expect(status.consent?.staffName).toContain('receptionist');
    expect(rows(`SELECT entity_id FROM audit_log WHERE action = 'faces.consent'`)).toEqual([{ entity_id: rita }]);
    expect((await t.fail(t.reception, 'faces.status', { patientId: 999_999 })).code).toBe('NOT_FOUND');
  });
});

describe('enrolment', () => {
  it('needs consent first, and then calls nothing in AWS', async () => {
    await setUp();
    const error = await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() });
    expect(error.code).toBe('CONSENT_REQUIRED');
    expect(aws.rekognition.requests()).toEqual([]);
    expect(await bucketKeys()).toEqual([]);
  });

  it('is off when AWS is not set up', async () => {
    expect((await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() })).code).toBe('FACE_CHECKIN_OFF');
  });

  it('rejects an empty frame (PHOTO_UNUSABLE), removes the faces it had indexed, and writes nothing', async () => {
    await setUp();
    await consent();
    expect((await t.ok(t.admin, 'faces.testConnection', {})).ok).toBe(true);
    const photos = [fixtureJpegBase64('astronaut'), fixtureJpegBase64('empty'), fixtureJpegBase64('astronaut')];
    const error = await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos });
    expect(error.code).toBe('PHOTO_UNUSABLE');
    expect(error.details).toEqual({ photo: 1, reason: 'noFace' });
    expect(aws.rekognition.requestCounts().IndexFaces).toBe(3);
    expect(aws.rekognition.faces()).toEqual([]);
    expect(aws.rekognition.users()).toEqual([]);
    expect(await bucketKeys()).toEqual([]);
    expect(rows('SELECT * FROM face_enrolments')).toEqual([]);
    expect(rows('SELECT * FROM face_photos')).toEqual([]);
    expect((await t.ok(t.reception, 'faces.status', { patientId: rita })).state).toBe('consented');
  });

  it('rejects a photo with several faces, and a dark one', async () => {
    await setUp();
    await consent();
    aws.rekognition.forceNextDetection('severalFaces');
    const several = await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() });
    expect(several.details).toMatchObject({ reason: 'severalFaces' });
    const dark = await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos: [fixtureJpegBase64('astronaut'), fixtureJpegBase64('astronaut'), fixtureJpegBase64('astronaut', { brightness: -120 })] });
    expect(dark.details).toEqual({ photo: 2, reason: 'poorQuality' });
    expect(aws.rekognition.faces()).toEqual([]);
  });

  it('stores private, encrypted photos under an opaque key, one user with three faces, and only ids locally', async () => {
    const status = await enrolRita();
    expect(status).toMatchObject({ state: 'enrolled', enrolledAt: t.now, faceCount: 3 });

    const [enrolment] = rows<{ opaque_key: string; user_id: string; state: string }>('SELECT opaque_key, user_id, state FROM face_enrolments WHERE patient_id = ?', rita);
    const key = enrolment!.opaque_key;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(enrolment!.user_id).toBe(key);
    const [user] = aws.rekognition.users(aws.collectionId);
    expect(user).toMatchObject({ userId: key });
    expect(user!.faceIds).toHaveLength(3);
    expect(aws.rekognition.faces().map((face) => face.externalImageId)).toEqual([key, key, key]);

    const keys = await bucketKeys();
    expect(keys).toHaveLength(3);
    for (const k of keys) expect(k).toMatch(new RegExp(`^faces/${key}/[0-9a-f]{16}\\.jpg$`));
    const puts = aws.s3.requests().filter((request) => request.method === 'PUT');
    expect(puts).toHaveLength(3);
    for (const put of puts) expect(put).toMatchObject({ serverSideEncryption: 'AES256', acl: null });

    const photos = rows<{ face_id: string; s3_key: string }>('SELECT face_id, s3_key FROM face_photos WHERE patient_id = ? ORDER BY position', rita);
    expect(photos.map((photo) => photo.face_id).sort()).toEqual([...user!.faceIds].sort());
    expect(photos.map((photo) => photo.s3_key).sort()).toEqual(keys);

    const audit = rows<{ action: string; entity_id: number; staff_id: number; workstation: string; detail: string }>(`SELECT action, entity_id, staff_id, workstation, detail FROM audit_log WHERE action LIKE 'faces.%' ORDER BY id`);
    expect(audit.map((row) => row.action)).toEqual(['faces.settings', 'faces.consent', 'faces.enrol']);
    expect(audit[2]).toMatchObject({ entity_id: rita, workstation: 'test-receptionist' });
    expect((await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() })).code).toBe('INVALID_TRANSITION');
  });

  it('removes everything it created when AWS fails halfway, and answers CLOUD_UNAVAILABLE without AWS text', async () => {
    await setUp();
    await consent();
    aws.rekognition.failNext('AssociateFaces', { type: 'AccessDeniedException', message: 'User arn:aws:iam::123456789012:user/x is not authorized', times: 5 });
    const error = await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() });
    expect(error.code).toBe('CLOUD_UNAVAILABLE');
    expect(error.details).toEqual({ problem: 'ACCESS_DENIED' });
    expect(JSON.stringify(error)).not.toContain('arn:aws');
    expect(aws.rekognition.faces()).toEqual([]);
    expect(aws.rekognition.users()).toEqual([]);
    expect(await bucketKeys()).toEqual([]);
    expect(rows('SELECT * FROM face_enrolments')).toEqual([]);
  });
});

describe('the enrolment journal', () => {
  it('is written before AWS is called; a second desk cannot start the same patient meanwhile, and a withdrawal stops the enrolment with nothing left', async () => {
    await setUp();
    await consent();
    expect((await t.ok(t.admin, 'faces.testConnection', {})).ok).toBe(true);
    aws.rekognition.setLatency('CreateUser', 400);
    const enrolling = t.desk.dispatch(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() });
    while ((await bucketKeys()).length < 3) await new Promise((resolve) => setTimeout(resolve, 10));

    const [journal] = rows<{ state: string; withdrawal_started_at: number | null }>('SELECT state, withdrawal_started_at FROM face_enrolments');
    expect(journal).toEqual({ state: 'withdrawing', withdrawal_started_at: null });
    expect(rows<{ face_id: string | null }>('SELECT face_id FROM face_photos').every((photo) => photo.face_id !== null)).toBe(true);
    expect(await t.ok(t.reception, 'faces.status', { patientId: rita })).toMatchObject({ state: 'consented', faceCount: 0 });
    expect((await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() })).code).toBe('INVALID_TRANSITION');

    expect((await t.ok(t.reception, 'faces.withdraw', { patientId: rita })).state).toBe('off');
    const result = await enrolling;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('CONSENT_REQUIRED');
    expect(aws.rekognition.faces()).toEqual([]);
    expect(aws.rekognition.users()).toEqual([]);
    expect(await bucketKeys()).toEqual([]);
    expect(rows('SELECT * FROM face_enrolments')).toEqual([]);
    expect(rows('SELECT * FROM face_photos')).toEqual([]);
  });

  it('keeps an enrolment whose clean-up failed as unfinished, and clears it before the next enrolment of the patient', async () => {
    await setUp();
    await consent();
    aws.rekognition.failNext('AssociateFaces', { type: 'AccessDeniedException' });
    aws.rekognition.failNext('DeleteUser', { type: 'AccessDeniedException' });
    expect((await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() })).code).toBe('CLOUD_UNAVAILABLE');
    const [left] = rows<{ opaque_key: string; withdrawal_started_at: number | null }>('SELECT opaque_key, withdrawal_started_at FROM face_enrolments');
    expect(left!.withdrawal_started_at).toBeNull();
    expect(aws.rekognition.faces()).toHaveLength(3);
    expect(await bucketKeys()).toHaveLength(3);
    // The consent stands: the desk may simply enrol again.
    expect((await t.ok(t.reception, 'faces.status', { patientId: rita })).state).toBe('consented');

    const again = await t.ok(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() });
    expect(again).toMatchObject({ state: 'enrolled', faceCount: 3 });
    const [now] = rows<{ opaque_key: string }>('SELECT opaque_key FROM face_enrolments');
    expect(now!.opaque_key).not.toBe(left!.opaque_key);
    expect(aws.rekognition.faces().map((face) => face.externalImageId)).toEqual([now!.opaque_key, now!.opaque_key, now!.opaque_key]);
    expect((await bucketKeys()).every((key) => key.startsWith(`faces/${now!.opaque_key}/`))).toBe(true);
    expect(rows<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'faces.enrol%' ORDER BY id`).map((row) => row.action)).toEqual([
      'faces.enrol.failed',
      'faces.enrol.abandoned',
      'faces.enrol',
    ]);
  });
});

describe('kiosk.faceCheckIn', () => {
  it('is off, quietly, when face check-in is not set up', async () => {
    expect(await t.ok(kiosk, 'faces.availability', {})).toEqual({ faceCheckIn: false });
    expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('astronaut') })).toEqual({ outcome: 'notRecognised', reason: 'off' });
  });

  it('checks the enrolled patient in by face with a ticket; another face falls back; an empty frame has no face', async () => {
    await enrolRita();
    const appointment = await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    t.now = t.at('2026-06-15T09:10');
    expect(await t.ok(kiosk, 'faces.availability', {})).toEqual({ faceCheckIn: true });
    t.events.length = 0;

    const result = await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpeg('astronaut', { quality: 60, scale: 0.75 }).toString('base64') });
    expect(result).toMatchObject({ outcome: 'checkedIn', greetingName: 'Ritinha', ticket: 'G-001', roomName: 'Room 1', language: 'en' });
    expect(rows<{ ticket: string }>('SELECT ticket FROM appointments WHERE id = ?', appointment)).toEqual([{ ticket: 'G-001' }]);
    expect(t.events.map((event) => event.event)).toEqual(['appointments.changed', 'queue.changed', 'display.changed']);
    const search = aws.rekognition.requests('SearchUsersByImage');
    expect(search).toHaveLength(1);

    // The same face again: the same ticket, nothing new.
    expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('astronaut') })).toMatchObject({ outcome: 'alreadyCheckedIn', ticket: 'G-001' });

    expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('cameraman') })).toEqual({ outcome: 'notRecognised', reason: 'noMatch' });
    expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('empty') })).toEqual({ outcome: 'notRecognised', reason: 'noFace' });

    const audit = rows<{ action: string; entity_id: number | null; staff_id: number | null; workstation: string; detail: string }>(
      `SELECT action, entity_id, staff_id, workstation, detail FROM audit_log WHERE action IN ('faces.match', 'faces.match.failed', 'kiosk.faceCheckIn') ORDER BY id`,
    );
    expect(audit.map((row) => [row.action, row.entity_id])).toEqual([
      ['kiosk.faceCheckIn', appointment],
      ['faces.match', rita],
      ['faces.match', rita],
      ['faces.match.failed', null],
    ]);
    for (const row of audit) {
      expect(row.staff_id).toBeNull();
      expect(row.workstation).toContain('kiosk #7 "Lobby tablet"');
      expect(row.detail).not.toContain('/9j/');
      expect(row.detail).not.toContain('Rita');
    }
  });

  it('answers noAppointment for a recognised patient with nothing today', async () => {
    await enrolRita();
    expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('astronaut') })).toEqual({ outcome: 'noAppointment' });
  });

  it('limits failed attempts per kiosk', async () => {
    await enrolRita();
    for (let i = 0; i < 10; i++) expect((await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('cameraman') })).outcome).toBe('notRecognised');
    const error = await t.fail(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('cameraman') });
    expect(error.code).toBe('RATE_LIMITED');
    // Another kiosk is not affected.
    expect((await t.ok(deviceCaller('kiosk', 8), 'kiosk.faceCheckIn', { image: fixtureJpegBase64('empty') })).outcome).toBe('notRecognised');
  });

  it('falls back (unavailable) when Rekognition throttles or times out, without another patient\'s data', async () => {
    await enrolRita();
    await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    t.now = t.at('2026-06-15T09:10');
    const rekognition = mockClient(RekognitionClient);
    try {
      rekognition.on(SearchUsersByImageCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
      expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('astronaut') })).toEqual({ outcome: 'notRecognised', reason: 'unavailable' });
      rekognition.on(SearchUsersByImageCommand).rejects(Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }));
      expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('astronaut') })).toEqual({ outcome: 'notRecognised', reason: 'unavailable' });
    } finally {
      rekognition.restore();
    }
    const failures = rows<{ detail: string }>(`SELECT detail FROM audit_log WHERE action = 'faces.match.failed'`);
    expect(failures.map((row) => row.detail)).toEqual(['unavailable (THROTTLED)', 'unavailable (NETWORK)']);
  });

  it('gives up within its short budget when Rekognition is slow', async () => {
    await enrolRita();
    const faces = createFacesModule({
      db: t.desk.database.db,
      bus: t.desk.bus,
      now: () => t.now,
      secretCipher: cipher,
      env: aws.env,
      timeouts: { kiosk: { requestTimeout: 300, connectionTimeout: 300, maxAttempts: 2, deadline: 1_000 } },
    });
    try {
      aws.rekognition.setLatency('SearchUsersByImage', 3_000);
      const started = Date.now();
      const who = await faces.services.identification.identify(t.desk.database.db, fixtureJpeg('astronaut'));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(who).toEqual({ kind: 'notRecognised', reason: 'unavailable', problem: 'NETWORK' });
    } finally {
      aws.rekognition.setLatency('SearchUsersByImage', 0);
      await faces.close();
    }
  });
});

describe('withdrawal', () => {
  it('deletes the user, then the faces, then the photos, then the local ids; a retry finishes a withdrawal that failed halfway', async () => {
    await enrolRita();
    const [user] = aws.rekognition.users();
    aws.rekognition.clearRequests();
    aws.s3.clearRequests();
    aws.rekognition.failNext('DeleteFaces', { type: 'InternalServerError', times: 3 });

    const failed = await t.fail(t.reception, 'faces.withdraw', { patientId: rita });
    expect(failed.code).toBe('CLOUD_UNAVAILABLE');
    expect(failed.details).toMatchObject({ state: 'withdrawing' });
    expect(await t.ok(t.reception, 'faces.status', { patientId: rita })).toMatchObject({ state: 'withdrawing', consent: null });
    expect(aws.rekognition.users()).toEqual([]);
    expect(aws.rekognition.faces()).toHaveLength(3);
    expect(await bucketKeys()).toHaveLength(3);
    expect(rows('SELECT user_deleted, faces_deleted, photos_deleted FROM face_enrolments')).toEqual([{ user_deleted: 1, faces_deleted: 0, photos_deleted: 0 }]);
    // A withdrawn consent stops face check-in at once, even before the cloud is clean.
    expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('astronaut') })).toEqual({ outcome: 'notRecognised', reason: 'noMatch' });

    const done = await t.ok(t.reception, 'faces.withdraw', { patientId: rita });
    expect(done).toEqual({ patientId: rita, state: 'off', consent: null, enrolledAt: null, faceCount: 0 });
    expect(aws.rekognition.faces()).toEqual([]);
    expect(await bucketKeys()).toEqual([]);
    expect(rows('SELECT * FROM face_enrolments')).toEqual([]);
    expect(rows('SELECT * FROM face_photos')).toEqual([]);
    expect(rows<{ withdrawn_at: number | null }>('SELECT withdrawn_at FROM face_consents')).toEqual([{ withdrawn_at: t.now }]);

    // Order: the user once (the retry skipped it), then the faces (recorded ones and any other
    // indexed under the enrolment's key, hence ListFaces), then the photos.
    const operations = aws.rekognition.requests().filter((request) => request.operation !== 'SearchUsersByImage');
    expect(operations.map((request) => request.operation)).toEqual(['DeleteUser', 'ListFaces', 'DeleteFaces', 'DeleteFaces', 'DeleteFaces', 'ListFaces', 'DeleteFaces']);
    const s3Deletes = aws.s3.requests().filter((request) => request.method === 'POST' && request.query.includes('delete'));
    expect(s3Deletes, JSON.stringify(aws.s3.requests())).toHaveLength(1);
    expect(user?.faceIds).toHaveLength(3);

    const audit = rows<{ action: string; entity_id: number }>(`SELECT action, entity_id FROM audit_log WHERE action LIKE 'faces.withdraw%' ORDER BY id`);
    expect(audit).toEqual([
      { action: 'faces.withdraw.failed', entity_id: rita },
      { action: 'faces.withdraw', entity_id: rita },
    ]);
    expect(t.events.filter((event) => event.event === 'faces.changed').length).toBeGreaterThanOrEqual(2);

    // Safe to run again, and the patient can opt in anew.
    expect((await t.ok(t.reception, 'faces.withdraw', { patientId: rita })).state).toBe('off');
    await consent();
    expect((await t.ok(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() })).state).toBe('enrolled');
  });

  it('also deletes a face nobody recorded under the enrolment (a retried IndexFaces)', async () => {
    await enrolRita();
    const [{ opaque_key: opaqueKey }] = rows<{ opaque_key: string }>('SELECT opaque_key FROM face_enrolments') as [{ opaque_key: string }];
    const rekognition = new RekognitionClient({
      region: aws.region,
      endpoint: aws.env.AWS_ENDPOINT_URL_REKOGNITION,
      credentials: { accessKeyId: aws.env.AWS_ACCESS_KEY_ID!, secretAccessKey: aws.env.AWS_SECRET_ACCESS_KEY! },
    });
    await rekognition.send(
      new IndexFacesCommand({ CollectionId: aws.collectionId, Image: { Bytes: fixtureJpeg('astronaut') }, ExternalImageId: opaqueKey, MaxFaces: 1 }),
    );
    rekognition.destroy();
    expect(aws.rekognition.faces()).toHaveLength(4);

    expect((await t.ok(t.reception, 'faces.withdraw', { patientId: rita })).state).toBe('off');
    expect(aws.rekognition.faces()).toEqual([]);
  });

  it('withdraws a consent without photos', async () => {
    await setUp();
    await consent();
    expect((await t.ok(t.reception, 'faces.withdraw', { patientId: rita })).state).toBe('off');
    expect(aws.rekognition.requests()).toEqual([]);
  });
});

describe('retention', () => {
  it('withdraws the enrolments of patients not seen for the retention time, and keeps the others', async () => {
    await setUp();
    await t.ok(t.admin, 'faces.updateSettings', { retentionMonths: 6 });
    const other = p.patients[0]!;
    await consent();
    await t.ok(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() });
    await consent(other);
    await t.ok(t.reception, 'faces.enrol', { patientId: other, photos: [fixtureJpegBase64('cameraman'), fixtureJpegBase64('cameraman', { scale: 0.8 }), fixtureJpegBase64('cameraman', { quality: 60 })] });
    await bookAt(t, p, '2026-12-01T10:00', { patientId: other });

    t.now = t.at('2027-01-10T09:00');
    expect(await t.ok(t.admin, 'faces.applyRetention', {})).toEqual({ withdrawn: 1 });
    expect((await t.ok(t.reception, 'faces.status', { patientId: rita })).state).toBe('off');
    expect((await t.ok(t.reception, 'faces.status', { patientId: other })).state).toBe('enrolled');
    expect(aws.rekognition.users()).toHaveLength(1);
    expect(await bucketKeys()).toHaveLength(3);
    expect(rows<{ withdrawal_reason: string }>('SELECT withdrawal_reason FROM face_consents WHERE patient_id = ?', rita)).toEqual([{ withdrawal_reason: 'retention' }]);
    expect(rows(`SELECT entity_id FROM audit_log WHERE action = 'faces.retention'`)).toEqual([{ entity_id: rita }]);
    expect((await t.fail(t.reception, 'faces.applyRetention', {})).code).toBe('FORBIDDEN');
  });
});

describe('privacy', () => {
  it('keeps no image in the database or the audit log', async () => {
    await enrolRita();
    await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('astronaut') });
    t.desk.database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const file = join(t.dir, DATABASE_FILE);
    for (const path of [file, `${file}-wal`]) {
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      expect(bytes.includes(Buffer.from('JFIF'))).toBe(false);
      expect(bytes.includes(Buffer.from(fixtureJpegBase64('astronaut').slice(0, 40)))).toBe(false);
    }
  });
});
