import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RekognitionClient, SearchUsersByImageCommand } from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { fixtureJpeg, fixtureJpegBase64 } from '../../tests/aws/face-fixtures';
import { DATABASE_FILE } from '../app/front-desk';
import { bookAt, deviceCaller } from '../queue/queue-fixtures';
import { createFacesModule } from './faces.module';
import { aws, t, p, rita, kiosk, cipher, enrolRita, rows, useFacesDesk } from './faces-fixtures';

/** Face check-in at the kiosk, and what is never kept of a face. */

useFacesDesk();

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

  it('sends a recognised patient without a ticket to get to the desk, saying no more (nothing today, or booked later)', async () => {
    await enrolRita();
    expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('astronaut') })).toEqual({ outcome: 'seeDesk' });
    await bookAt(t, p, '2026-06-15T17:00', { patientId: rita });
    expect(await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('astronaut') })).toEqual({ outcome: 'seeDesk' });
  });

  it('limits failed attempts per kiosk', async () => {
    await enrolRita();
    for (let i = 0; i < 10; i++) expect((await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('cameraman') })).outcome).toBe('notRecognised');
    const error = await t.fail(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('cameraman') });
    // The typed check-in's rule: a short wait that grows, not a lock of minutes.
    expect(error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 5 } });
    // Another kiosk is not affected.
    expect((await t.ok(deviceCaller('kiosk', 8), 'kiosk.faceCheckIn', { image: fixtureJpegBase64('empty') })).outcome).toBe('notRecognised');
    t.now += 5_000;
    expect((await t.ok(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('cameraman') })).outcome).toBe('notRecognised');
    expect(await t.fail(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('cameraman') })).toMatchObject({ details: { retryAfterSeconds: 10 } });
  });

  it('counts frames sent together: at most the limit reach Rekognition', async () => {
    await enrolRita();
    const before = aws.rekognition.requests('SearchUsersByImage').length;
    const results = await Promise.all(Array.from({ length: 40 }, () => t.desk.dispatch(kiosk, 'kiosk.faceCheckIn', { image: fixtureJpegBase64('cameraman') })));
    expect(aws.rekognition.requests('SearchUsersByImage').length - before).toBeLessThanOrEqual(10);
    expect(results.filter((result) => !result.ok && result.error.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(30);
  });

  it("falls back (unavailable) when Rekognition throttles or times out, without another patient's data", async () => {
    await enrolRita();
    await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    t.now = t.at('2026-06-15T09:10');
    const rekognition = mockClient(RekognitionClient);
    try {
      rekognition
        .on(SearchUsersByImageCommand)
        .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
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
