import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../shared/faces/consent-text';
import { MINUTE_MS } from '../../shared/time/units';
import { fixtureJpegBase64 } from '../../tests/aws/face-fixtures';
import { startLocalAws, type LocalAws } from '../../tests/aws/local-aws';
import type { FakeOperation } from '../../tests/aws/rekognition-fake';
import { DATABASE_FILE, startFrontDesk, type FrontDesk } from '../app/front-desk';
import { addPatient } from '../queue/queue-fixtures';
import type { Caller } from '../rpc/dispatch';
import { createTestDesk } from '../schedule/test-fixtures';
import { ABANDONED_AFTER_MS } from './faces-withdrawal.service';

/**
 * A desk killed (SIGKILL) in the middle of an enrolment, after AWS acted but before its
 * answer arrived: a desk started later on the same data folder deletes what AWS holds for
 * the attempt, through the withdrawal path, and keeps the consent.
 */

let aws: LocalAws;
let dataDir: string;
let rita: number;
let reception: Caller;
let admin: Caller;
let receptionId: number;
let startedAt: number;

beforeAll(async () => {
  aws = await startLocalAws({ createCollection: true });
  const t = await createTestDesk({ now: '2026-06-15T08:00', frontDesk: { env: aws.env } });
  dataDir = t.dir;
  startedAt = t.now;
  reception = t.reception;
  admin = t.admin;
  receptionId = t.reception.auth!.current()!.staffId;
  rita = await addPatient(t, {
    fullName: 'Rita Maria Rocha',
    preferredName: 'Ritinha',
    dateOfBirth: '1975-05-20',
    phone: '+351 913 222 444',
    preferredLanguage: 'en',
  });
  await t.ok(t.admin, 'faces.updateSettings', {
    enabled: true,
    region: aws.region,
    collectionId: aws.collectionId,
    bucket: aws.s3.bucket,
    keyPrefix: 'faces/',
  });
  await t.ok(t.reception, 'faces.recordConsent', { patientId: rita, version: CONSENT_VERSION, agreed: true });
  await t.desk.close();
});
afterAll(async () => {
  await aws?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the child's enrolment with `held`'s answer held back, and kills it once `happened` holds. */
function enrolThenKill(held: FakeOperation, happened: () => Promise<boolean>): Promise<void> {
  aws.rekognition.delayAnswer(held, 20_000);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'enrolment-recovery.child.ts'), dataDir, String(startedAt), String(rita), String(receptionId)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...aws.env },
      },
    );
    let output = '';
    let polling: NodeJS.Timeout | null = null;
    const poll = () => {
      polling = setTimeout(() => {
        void happened().then((yes) => {
          if (yes && child.exitCode === null) child.kill('SIGKILL');
          else if (child.exitCode === null) poll();
        }, reject);
      }, 10);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (polling === null && output.includes('enrolling\n')) poll();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code, signal) => {
      if (polling) clearTimeout(polling);
      aws.rekognition.delayAnswer(held, 0);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the child exited by itself (${code}):\n${output}`));
    });
  });
}

function readDb<T>(query: string): T[] {
  const sqlite = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return sqlite.prepare(query).all() as T[];
  } finally {
    sqlite.close();
  }
}

async function restart(now: number): Promise<FrontDesk> {
  return startFrontDesk({ dataDir, now: () => now, env: aws.env });
}

async function call<T>(desk: FrontDesk, caller: Caller, method: string, input: unknown): Promise<T> {
  const result = await desk.dispatch(caller, method as never, input as never);
  if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

const facesOf = (key: string) => aws.rekognition.faces().filter((face) => face.externalImageId === key);

describe('an enrolment killed halfway (SIGKILL)', () => {
  it('leaves faces indexed but never recorded; a desk started later deletes them by ExternalImageId, keeping the consent', async () => {
    // IndexFaces indexes the three photos, but the child dies before any answer arrives.
    await enrolThenKill('IndexFaces', async () => aws.rekognition.faces().length === 3);

    const [journal] = readDb<{ opaque_key: string; state: string; withdrawal_started_at: number | null; user_id: string | null }>(
      'SELECT opaque_key, state, withdrawal_started_at, user_id FROM face_enrolments',
    );
    expect(journal).toMatchObject({ state: 'withdrawing', withdrawal_started_at: null, user_id: null });
    const key = journal!.opaque_key;
    // The S3 keys were written ahead; no face id was ever recorded.
    const photos = readDb<{ face_id: string | null; s3_key: string }>('SELECT face_id, s3_key FROM face_photos ORDER BY position');
    expect(photos.map((photo) => photo.face_id)).toEqual([null, null, null]);
    for (const photo of photos) expect(photo.s3_key).toMatch(new RegExp(`^faces/${key}/[0-9a-f]{16}\\.jpg$`));
    expect(facesOf(key)).toHaveLength(3);

    // Back within a minute: too soon to call it abandoned; the patient still shows consented.
    let desk = await restart(startedAt + MINUTE_MS);
    try {
      expect(await desk.faces.recovered).toBe(0);
      expect(facesOf(key)).toHaveLength(3);
      expect(await call(desk, reception, 'faces.status', { patientId: rita })).toMatchObject({ state: 'consented', enrolledAt: null, faceCount: 0 });
    } finally {
      await desk.close();
    }

    aws.rekognition.clearRequests();
    desk = await restart(startedAt + ABANDONED_AFTER_MS + MINUTE_MS);
    try {
      expect(await desk.faces.recovered).toBe(1);
      expect(facesOf(key)).toEqual([]);
      expect(aws.rekognition.faces()).toEqual([]);
      expect(aws.rekognition.users()).toEqual([]);
      expect(await aws.s3.listKeys()).toEqual([]);
      expect(aws.rekognition.requests().map((request) => request.operation)).toEqual(['DeleteUser', 'ListFaces', 'DeleteFaces']);
      expect(await call(desk, reception, 'faces.status', { patientId: rita })).toEqual({
        patientId: rita,
        state: 'consented',
        consent: expect.objectContaining({ version: CONSENT_VERSION }),
        enrolledAt: null,
        faceCount: 0,
      });
    } finally {
      await desk.close();
    }
    expect(readDb('SELECT * FROM face_enrolments')).toEqual([]);
    expect(readDb('SELECT * FROM face_photos')).toEqual([]);
    expect(readDb('SELECT withdrawn_at FROM face_consents')).toEqual([{ withdrawn_at: null }]);
    expect(readDb(`SELECT action, entity_id, staff_id, workstation, detail FROM audit_log WHERE action LIKE 'faces.enrol%' ORDER BY id`)).toEqual([
      { action: 'faces.enrol.abandoned', entity_id: rita, staff_id: null, workstation: 'recovery (start)', detail: 'deleted user, 3 faces, 3 photos' },
    ]);
  });

  it('leaves photos in S3 and a user with its faces; the daily run deletes them, and the patient can enrol again', async () => {
    // Everything happened but AssociateFaces' answer: photos stored, user made, faces associated.
    await enrolThenKill('AssociateFaces', async () => aws.rekognition.users()[0]?.faceIds.length === 3 && (await aws.s3.listKeys()).length === 3);
    const [journal] = readDb<{ opaque_key: string; user_id: string | null }>('SELECT opaque_key, user_id FROM face_enrolments');
    const key = journal!.opaque_key;
    expect(journal!.user_id).toBe(key);
    expect(readDb<{ face_id: string | null }>('SELECT face_id FROM face_photos').every((photo) => photo.face_id !== null)).toBe(true);
    expect(await aws.s3.listKeys()).toHaveLength(3);

    const clock = { now: startedAt + 2 * MINUTE_MS };
    const desk = await startFrontDesk({ dataDir, now: () => clock.now, env: aws.env });
    try {
      expect(await desk.faces.recovered).toBe(0);
      expect(aws.rekognition.users()).toHaveLength(1);

      clock.now += ABANDONED_AFTER_MS;
      aws.rekognition.clearRequests();
      expect(await call(desk, admin, 'faces.applyRetention', {})).toEqual({ withdrawn: 0 });
      expect(aws.rekognition.users()).toEqual([]);
      expect(aws.rekognition.faces()).toEqual([]);
      expect(await aws.s3.listKeys()).toEqual([]);
      expect(aws.rekognition.requests().map((request) => request.operation)).toEqual(['DeleteUser', 'ListFaces', 'DeleteFaces']);
      expect(readDb('SELECT * FROM face_enrolments')).toEqual([]);
      const audit = readDb<{ action: string; workstation: string }>(`SELECT action, workstation FROM audit_log WHERE action LIKE 'faces.enrol%' ORDER BY id`);
      expect(audit.at(-1)).toEqual({ action: 'faces.enrol.abandoned', workstation: 'test-admin' });

      // The consent still stands: the patient enrols again without a new one.
      const photos = [fixtureJpegBase64('astronaut'), fixtureJpegBase64('astronaut', { scale: 0.8 }), fixtureJpegBase64('astronaut', { quality: 60 })];
      expect(await call(desk, reception, 'faces.enrol', { patientId: rita, photos })).toMatchObject({ state: 'enrolled', faceCount: 3 });
      expect(aws.rekognition.users()).toHaveLength(1);
    } finally {
      await desk.close();
    }
  });
});
