import { IndexFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import { fixtureJpeg, fixtureJpegBase64 } from '../../tests/aws/face-fixtures';
import { bookAt } from '../queue/queue-fixtures';
import { aws, t, p, rita, kiosk, setUp, consent, astronautPhotos, enrolRita, rows, bucketKeys, useFacesDesk } from './faces-fixtures';

/** Withdrawal, the patient's or retention's: AWS first, step by step, then the local ids. */

useFacesDesk();

describe('withdrawal', () => {
  it('deletes the user, then the faces, then the photos, then the local ids; a retry finishes a withdrawal that failed halfway', async () => {
    await enrolRita();
    const [user] = aws.rekognition.users();
    aws.rekognition.clearRequests();
    aws.s3.clearRequests();
    aws.rekognition.failNext('DeleteFaces', { type: 'InternalServerError', times: 3 });

    const failed = await t.fail(t.reception, 'faces.withdraw', { patientId: rita });
    expect(failed.code).toBe('WITHDRAWAL_UNFINISHED');
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
    expect(operations.map((request) => request.operation)).toEqual([
      'DeleteUser',
      'ListFaces',
      'DeleteFaces',
      'DeleteFaces',
      'DeleteFaces',
      'ListFaces',
      'DeleteFaces',
    ]);
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

  it('after a failure halfway, says what was done (consent withdrawn, face search entry removed) and what remains, not "nothing was changed"', async () => {
    await enrolRita();
    aws.rekognition.failNext('DeleteFaces', { type: 'InternalServerError', status: 500, times: 3 });
    const failed = await t.fail(t.reception, 'faces.withdraw', { patientId: rita });
    expect(failed.code).toBe('WITHDRAWAL_UNFINISHED');
    expect(failed.details).toEqual({ state: 'withdrawing', problem: expect.any(String), done: ['consent', 'user'], remaining: ['faces', 'photos'] });
    expect(failed.message).not.toMatch(/nothing was (changed|saved)/i);
    expect(failed.message).toContain('Finish withdrawal');
    expect(aws.rekognition.users()).toEqual([]);
    expect(aws.rekognition.faces()).toHaveLength(3);

    expect((await t.ok(t.reception, 'faces.status', { patientId: rita })).state).toBe('withdrawing');
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
    await t.ok(t.reception, 'faces.enrol', {
      patientId: other,
      photos: [fixtureJpegBase64('cameraman'), fixtureJpegBase64('cameraman', { scale: 0.8 }), fixtureJpegBase64('cameraman', { quality: 60 })],
    });
    await bookAt(t, p, '2026-12-01T10:00', { patientId: other });

    t.now = t.at('2027-01-10T09:00');
    expect(await t.ok(t.admin, 'faces.applyRetention', {})).toEqual({ withdrawn: 1 });
    expect((await t.ok(t.reception, 'faces.status', { patientId: rita })).state).toBe('off');
    expect((await t.ok(t.reception, 'faces.status', { patientId: other })).state).toBe('enrolled');
    expect(aws.rekognition.users()).toHaveLength(1);
    expect(await bucketKeys()).toHaveLength(3);
    expect(rows<{ withdrawal_reason: string }>('SELECT withdrawal_reason FROM face_consents WHERE patient_id = ?', rita)).toEqual([
      { withdrawal_reason: 'retention' },
    ]);
    expect(rows(`SELECT entity_id FROM audit_log WHERE action = 'faces.retention'`)).toEqual([{ entity_id: rita }]);
    expect((await t.fail(t.reception, 'faces.applyRetention', {})).code).toBe('FORBIDDEN');
  });
});
