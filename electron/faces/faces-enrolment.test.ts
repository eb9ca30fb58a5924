import { describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../shared/faces/consent-text';
import { fixtureJpegBase64 } from '../../tests/aws/face-fixtures';
import { aws, t, rita, setUp, consent, astronautPhotos, enrolRita, rows, bucketKeys, useFacesDesk } from './faces-fixtures';

/** Consent, and enrolment: three photos into AWS, journalled before each call and undone on failure. */

useFacesDesk();

describe('consent', () => {
  it("shows a versioned text in the patient's language, with where, what and how long", async () => {
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
    const dark = await t.fail(t.reception, 'faces.enrol', {
      patientId: rita,
      photos: [fixtureJpegBase64('astronaut'), fixtureJpegBase64('astronaut'), fixtureJpegBase64('astronaut', { brightness: -120 })],
    });
    expect(dark.details).toEqual({ photo: 2, reason: 'poorQuality' });
    expect(aws.rekognition.faces()).toEqual([]);
  });

  it('stores private, encrypted photos under an opaque key, one user with three faces, and only ids locally', async () => {
    const status = await enrolRita();
    expect(status).toMatchObject({ state: 'enrolled', enrolledAt: t.now, faceCount: 3 });

    const [enrolment] = rows<{ opaque_key: string; user_id: string; state: string }>(
      'SELECT opaque_key, user_id, state FROM face_enrolments WHERE patient_id = ?',
      rita,
    );
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

    const audit = rows<{ action: string; entity_id: number; staff_id: number; workstation: string; detail: string }>(
      `SELECT action, entity_id, staff_id, workstation, detail FROM audit_log WHERE action LIKE 'faces.%' ORDER BY id`,
    );
    expect(audit.map((row) => row.action)).toEqual(['faces.settings', 'faces.consent', 'faces.enrol']);
    expect(audit[2]).toMatchObject({ entity_id: rita, workstation: 'test-receptionist' });
    expect((await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() })).code).toBe('INVALID_TRANSITION');
  });

  it('refuses photos of two different people (AssociateFaces: LOW_MATCH_CONFIDENCE) as not the same person, and keeps nothing', async () => {
    await setUp();
    await consent();
    const photos = [fixtureJpegBase64('astronaut'), fixtureJpegBase64('cameraman'), fixtureJpegBase64('astronaut', { quality: 70, scale: 0.9 })];
    const error = await t.fail(t.reception, 'faces.enrol', { patientId: rita, photos });
    expect(error.code).toBe('PHOTOS_NOT_SAME_PERSON');
    expect(error.details).toEqual({ photos: [1] });
    expect(error.message).not.toMatch(/reach|AWS/);
    expect(aws.rekognition.requestCounts().AssociateFaces).toBe(1);
    expect(aws.rekognition.faces()).toEqual([]);
    expect(aws.rekognition.users()).toEqual([]);
    expect(await bucketKeys()).toEqual([]);
    expect(rows('SELECT * FROM face_enrolments')).toEqual([]);
    expect(rows('SELECT * FROM face_photos')).toEqual([]);
    expect((await t.ok(t.reception, 'faces.status', { patientId: rita })).state).toBe('consented');

    // New photos of one person go through.
    expect((await t.ok(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() })).state).toBe('enrolled');
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
