import type { z } from 'zod';
import type { FaceSettings, faceSettingsUpdate } from '../../shared/faces/faces.contract';

export type FaceSettingsUpdate = z.input<typeof faceSettingsUpdate>;

/** The AWS settings form as typed: numbers as text, empty endpoints for "AWS's own", keys write-only. */
// A type, not an interface: the form helper wants a plain record.
export type FaceSettingsForm = {
  enabled: boolean;
  region: string;
  collectionId: string;
  bucket: string;
  keyPrefix: string;
  matchThreshold: string;
  credentialSource: 'default' | 'stored';
  accessKeyId: string;
  secretAccessKey: string;
  rekognitionEndpoint: string;
  s3Endpoint: string;
  retentionMonths: string;
};

export function formOf(settings: FaceSettings): FaceSettingsForm {
  return {
    enabled: settings.enabled,
    region: settings.region,
    collectionId: settings.collectionId,
    bucket: settings.bucket,
    keyPrefix: settings.keyPrefix,
    matchThreshold: String(settings.matchThreshold),
    credentialSource: settings.credentialSource,
    // Secrets never come back from the host: the fields start empty, "keys stored" is said beside them.
    accessKeyId: '',
    secretAccessKey: '',
    rekognitionEndpoint: settings.rekognitionEndpoint ?? '',
    s3Endpoint: settings.s3Endpoint ?? '',
    retentionMonths: String(settings.retentionMonths),
  };
}

const numberOf = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.replace(',', '.')));

/**
 * Only what the admin changed, so a save does not overwrite what another admin set in the
 * meantime; keys only when typed (both, or the contract says which one is missing).
 */
export function settingsUpdateOf(saved: FaceSettings, form: FaceSettingsForm): FaceSettingsUpdate {
  const update: FaceSettingsUpdate = {};
  if (form.enabled !== saved.enabled) update.enabled = form.enabled;
  for (const key of ['region', 'collectionId', 'bucket', 'keyPrefix'] as const) {
    if (form[key].trim() !== saved[key]) update[key] = form[key].trim();
  }
  const threshold = numberOf(form.matchThreshold);
  if (threshold !== saved.matchThreshold) update.matchThreshold = threshold;
  const retention = numberOf(form.retentionMonths);
  if (retention !== saved.retentionMonths) update.retentionMonths = retention;
  if (form.credentialSource !== saved.credentialSource) update.credentialSource = form.credentialSource;
  if (form.accessKeyId.trim() !== '' || form.secretAccessKey.trim() !== '') {
    if (form.accessKeyId.trim() !== '') update.accessKeyId = form.accessKeyId.trim();
    if (form.secretAccessKey.trim() !== '') update.secretAccessKey = form.secretAccessKey.trim();
  }
  for (const key of ['rekognitionEndpoint', 's3Endpoint'] as const) {
    const value = form[key].trim() === '' ? null : form[key].trim();
    if (value !== saved[key]) update[key] = value;
  }
  return update;
}

export const hasChanges = (update: FaceSettingsUpdate): boolean => Object.keys(update).length > 0;
