import { describe, expect, it } from 'vitest';
import { faceSettingsUpdate, type FaceSettings } from '../../shared/faces/faces.contract';
import { formOf, hasChanges, settingsUpdateOf } from './face-settings';

const saved: FaceSettings = {
  enabled: false,
  region: 'eu-west-1',
  collectionId: 'front-desk',
  bucket: 'clinic-faces',
  keyPrefix: '',
  matchThreshold: 95,
  credentialSource: 'stored',
  hasStoredKeys: true,
  rekognitionEndpoint: null,
  s3Endpoint: 'http://127.0.0.1:4569',
  retentionMonths: 24,
  secureStorage: { available: true, problem: null },
  isReady: false,
};

describe('the AWS settings form', () => {
  it('sends nothing when nothing changed, and never shows stored keys', () => {
    const form = formOf(saved);
    expect(form.accessKeyId).toBe('');
    expect(form.secretAccessKey).toBe('');
    expect(hasChanges(settingsUpdateOf(saved, form))).toBe(false);
  });

  it('sends only the changed fields, numbers as numbers, an emptied endpoint as null', () => {
    const update = settingsUpdateOf(saved, {
      ...formOf(saved),
      enabled: true,
      bucket: ' other-bucket ',
      matchThreshold: '97,5',
      s3Endpoint: '',
      rekognitionEndpoint: 'http://127.0.0.1:9000',
    });
    expect(update).toEqual({ enabled: true, bucket: 'other-bucket', matchThreshold: 97.5, s3Endpoint: null, rekognitionEndpoint: 'http://127.0.0.1:9000' });
    expect(faceSettingsUpdate.safeParse(update).success).toBe(true);
  });

  it('sends typed keys, and lets the contract say when one of the pair is missing', () => {
    const both = settingsUpdateOf(saved, {
      ...formOf(saved),
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    expect(both).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
    expect(faceSettingsUpdate.safeParse(both).success).toBe(true);
    const one = settingsUpdateOf(saved, { ...formOf(saved), accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    const parsed = faceSettingsUpdate.safeParse(one);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['secretAccessKey']);
  });

  it('turns an empty number into one the contract refuses, rather than a silent 0', () => {
    const update = settingsUpdateOf(saved, { ...formOf(saved), matchThreshold: '' });
    expect(faceSettingsUpdate.safeParse(update).success).toBe(false);
  });
});
