import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { CONSENT_VERSION } from '../../shared/faces/consent-text';
import { fixtureJpegBase64 } from '../../tests/aws/face-fixtures';
import { startLocalAws, type LocalAws } from '../../tests/aws/local-aws';
import { addPatient, deviceCaller } from '../queue/queue-fixtures';
import type { Caller } from '../rpc/dispatch';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { fakeKeyring } from '../secrets/fake-keyring';
import type { SecretCipher } from '../secrets/secret-cipher';

/**
 * The face check-in tests' desk: a local AWS for the file, and before each test a fresh desk
 * with a practice, Rita (a patient) and a paired kiosk. Call `useFacesDesk()` once at the top
 * of a test file; the bindings below are live and hold the current test's values.
 */

export const cipher = fakeKeyring;

export let aws: LocalAws;
export let t: TestDesk;
export let p: Practice;
export let rita: number;
export let kiosk: Caller;

export function useFacesDesk(): void {
  beforeAll(async () => {
    aws = await startLocalAws();
  });
  afterAll(async () => {
    await aws?.stop();
  });

  beforeEach(async () => {
    aws.rekognition.reset();
    await aws.s3.clear();
    t = await desk();
    p = await seedPractice(t, 2);
    rita = await addPatient(t, {
      fullName: 'Rita Maria Rocha',
      preferredName: 'Ritinha',
      dateOfBirth: '1975-05-20',
      phone: '+351 913 222 444',
      preferredLanguage: 'en',
    });
    kiosk = deviceCaller('kiosk', 7, 'Lobby tablet');
  });
  afterEach(async () => {
    await t?.close();
  });
}

export async function desk(env: Record<string, string> = aws.env, secretCipher: SecretCipher = cipher): Promise<TestDesk> {
  return createTestDesk({ now: '2026-06-15T08:00', frontDesk: { env, secretCipher } });
}

export const setUp = (target: TestDesk = t) =>
  target.ok(target.admin, 'faces.updateSettings', {
    enabled: true,
    region: aws.region,
    collectionId: aws.collectionId,
    bucket: aws.s3.bucket,
    keyPrefix: 'faces/',
  });

export const consent = (patientId = rita) => t.ok(t.reception, 'faces.recordConsent', { patientId, version: CONSENT_VERSION, agreed: true });

export const astronautPhotos = () => [
  fixtureJpegBase64('astronaut'),
  fixtureJpegBase64('astronaut', { quality: 70, scale: 0.9 }),
  fixtureJpegBase64('astronaut', { brightness: 8 }),
];

export async function enrolRita() {
  await setUp();
  await consent();
  return t.ok(t.reception, 'faces.enrol', { patientId: rita, photos: astronautPhotos() });
}

export function rows<T>(sql: string, ...params: unknown[]): T[] {
  return t.desk.database.sqlite.prepare(sql).all(...params) as T[];
}

export async function bucketKeys(): Promise<string[]> {
  return aws.s3.listKeys();
}
