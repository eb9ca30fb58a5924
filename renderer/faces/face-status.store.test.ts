import { describe, expect, it } from 'vitest';
import type { ConsentText, FaceSettings, FaceStatus } from '../../shared/faces/faces.contract';
import { createFakeTransport, fail, flush } from '../test/fake-transport';
import { createFaceStatusStore } from './face-status.store';
import { createFaceSettingsStore } from './face-settings.store';

const off: FaceStatus = { patientId: 7, state: 'off', consent: null, enrolledAt: null, faceCount: 0 };
const consented: FaceStatus = { ...off, state: 'consented', consent: { version: '2026-1', at: 1, staffName: 'Rita' } };
const enrolled: FaceStatus = { ...consented, state: 'enrolled', enrolledAt: 2, faceCount: 3 };
const text = (locale: 'en' | 'pt'): ConsentText => ({
  version: '2026-1',
  locale,
  title: locale,
  paragraphs: ['stored', 'where', 'how long', 'withdraw'],
  question: '?',
});

describe('face check-in at the desk', () => {
  it('loads the status and availability, shows the consent text in the language asked, records the yes with its version', async () => {
    let status = off;
    const fake = createFakeTransport({
      'faces.status': () => status,
      'faces.availability': () => ({ faceCheckIn: true }),
      'faces.consentText': (input) => text(input.locale ?? 'pt'),
      'faces.recordConsent': () => (status = consented),
      'faces.enrol': () => (status = enrolled),
    });
    const store = createFaceStatusStore(fake.transport, { canManage: true });
    await store.getState().load(7);
    expect(store.getState().status).toEqual(off);
    expect(store.getState().isAvailable).toBe(true);

    await store.getState().loadConsentText();
    expect(store.getState().consent.text?.locale).toBe('pt');
    await store.getState().loadConsentText('en');
    expect(store.getState().consent.text?.locale).toBe('en');
    await store.getState().recordConsent();
    expect(fake.callsOf('faces.recordConsent').map((call) => call.input)).toEqual([{ patientId: 7, version: '2026-1', agreed: true }]);
    expect(store.getState().status?.state).toBe('consented');

    await store.getState().enrol(['/9j/a', '/9j/b', '/9j/c']);
    expect(fake.callsOf('faces.enrol').map((call) => call.input)).toEqual([{ patientId: 7, photos: ['/9j/a', '/9j/b', '/9j/c'] }]);
    expect(store.getState().status?.state).toBe('enrolled');
  });

  it('does not ask a doctor’s session about availability, and follows faces.changed for this patient only', async () => {
    let status = enrolled;
    const fake = createFakeTransport({ 'faces.status': () => status });
    const store = createFaceStatusStore(fake.transport, { canManage: false });
    const off$ = store.getState().connect();
    await store.getState().load(7);
    expect(fake.callsOf('faces.availability')).toHaveLength(0);
    status = { ...off };
    fake.emit('faces.changed', { patientIds: [8] });
    await flush();
    expect(store.getState().status?.state).toBe('enrolled');
    fake.emit('faces.changed', { patientIds: [7] });
    await flush();
    expect(store.getState().status?.state).toBe('off');
    off$();
  });

  it('after a withdrawal that stopped halfway, shows "withdrawing" and passes the error on', async () => {
    let status: FaceStatus = enrolled;
    const fake = createFakeTransport({
      'faces.status': () => status,
      'faces.withdraw': () => {
        status = { ...enrolled, state: 'withdrawing' };
        return fail('WITHDRAWAL_UNFINISHED');
      },
    });
    const store = createFaceStatusStore(fake.transport, { canManage: false });
    await store.getState().load(7);
    await expect(store.getState().withdraw()).rejects.toMatchObject({ code: 'WITHDRAWAL_UNFINISHED' });
    await flush();
    expect(store.getState().status?.state).toBe('withdrawing');
  });

  it('keeps the AWS settings and the connection test apart: a save clears an old test', async () => {
    const settings: FaceSettings = {
      enabled: true,
      region: 'eu-west-1',
      collectionId: 'c',
      bucket: 'bucket-1',
      keyPrefix: '',
      matchThreshold: 95,
      credentialSource: 'default',
      hasStoredKeys: false,
      rekognitionEndpoint: null,
      s3Endpoint: null,
      retentionMonths: 0,
      secureStorage: { available: false, problem: 'PLAIN_TEXT_BACKEND' },
      isReady: true,
    };
    const fake = createFakeTransport({
      'faces.settings': () => settings,
      'faces.updateSettings': (input) => ({ ...settings, ...(input.bucket ? { bucket: input.bucket } : {}) }),
      'faces.testConnection': () => ({ ok: false, checks: [{ target: 'bucket', status: 'failed', problem: 'NO_SUCH_BUCKET' }] }),
    });
    const store = createFaceSettingsStore(fake.transport);
    await store.getState().load();
    await store.getState().testConnection();
    expect(store.getState().test.checks).toEqual([{ target: 'bucket', status: 'failed', problem: 'NO_SUCH_BUCKET' }]);
    await store.getState().save({ bucket: 'bucket-2' });
    expect(store.getState().settings?.bucket).toBe('bucket-2');
    expect(store.getState().test.status).toBe('idle');
  });
});
