import { z } from 'zod';
import { ADMIN, DESK, STAFF, method } from '../contract/method';
import { id, locale } from '../contract/common';
import { kioskCheckInResult } from '../kiosk/kiosk.contract';
import { isSecureServiceUrl, SERVICE_URL_HINT } from '../settings/service-url';

/**
 * Face check-in: opt-in per patient, AWS Rekognition for matching, S3 for the enrolment
 * photos. Every AWS call, credential and raw AWS error stays in the main process: the
 * renderer sees settings without secrets, statuses, and the friendly outcomes below.
 */

/** Base64 of a JPEG (no data: prefix), at most `maxBytes` once decoded. */
export const jpegBase64 = (maxBytes: number) =>
  z
    .string()
    .min(100, 'not an image')
    .max(Math.ceil(maxBytes / 3) * 4, `an image of at most ${Math.round(maxBytes / 1024)} KB`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64 without a data: prefix')
    .refine((value) => value.startsWith('/9j/'), 'a JPEG image');

/** Kiosk frames: at most 640 px on the long side and about 100 KB. */
export const KIOSK_FRAME_MAX_BYTES = 120 * 1024;
/** Enrolment photos: better quality, still small enough that three (as base64) fit in the browser host's 1 MiB request. */
export const ENROLMENT_PHOTO_MAX_BYTES = 200 * 1024;
export const ENROLMENT_PHOTO_COUNT = 3;

export const secretStorageProblem = z.enum(['NO_ENCRYPTION', 'PLAIN_TEXT_BACKEND']);

/** What the admin sees of the AWS set-up: never a secret, only whether keys are stored. */
export const faceSettings = z.strictObject({
  /** The admin's switch; face check-in runs only when this is on and the settings are complete. */
  enabled: z.boolean(),
  region: z.string(),
  collectionId: z.string(),
  bucket: z.string(),
  keyPrefix: z.string(),
  /** SearchUsersByImage's UserMatchThreshold, 80–100; default 95. */
  matchThreshold: z.number(),
  /** 'default': the AWS SDK's provider chain (environment, profile, SSO); 'stored': keys entered here. */
  credentialSource: z.enum(['default', 'stored']),
  hasStoredKeys: z.boolean(),
  /** Endpoint overrides (tests, VPC endpoints); null: AWS's own. The environment may set them too. */
  rekognitionEndpoint: z.string().nullable(),
  s3Endpoint: z.string().nullable(),
  /** Enrolments of patients not seen for this many months are deleted; 0: kept until withdrawn. */
  retentionMonths: z.number().int(),
  /** Whether keys can be stored encrypted on this machine, and if not, why. */
  secureStorage: z.strictObject({ available: z.boolean(), problem: secretStorageProblem.nullable() }),
  /** enabled, and region, collection and bucket set. */
  isReady: z.boolean(),
});
export type FaceSettings = z.infer<typeof faceSettings>;

const awsName = (pattern: RegExp, hint: string, max: number) => z.string().trim().max(max).regex(pattern, hint);
const endpoint = z
  .string()
  .trim()
  .max(300)
  .refine((value) => isSecureServiceUrl(value), SERVICE_URL_HINT)
  .nullable();

export const faceSettingsUpdate = z
  .strictObject({
    enabled: z.boolean().optional(),
    region: awsName(/^([a-z]{2}(-[a-z]+)+-\d)?$/, 'an AWS region such as eu-west-1', 30).optional(),
    collectionId: awsName(/^[a-zA-Z0-9_.-]*$/, 'letters, digits, _ . and -', 255).optional(),
    bucket: awsName(/^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$/, 'an S3 bucket name', 63).optional(),
    keyPrefix: awsName(/^[a-zA-Z0-9!_.*'()/-]*$/, 'letters, digits and / _ . - only', 200).optional(),
    matchThreshold: z.number().min(80).max(100).optional(),
    credentialSource: z.enum(['default', 'stored']).optional(),
    /** Both or neither; write-only: sealed with the OS keyring, refused when there is none. */
    accessKeyId: awsName(/^[A-Z0-9]{16,128}$/, 'an AWS access key id', 128).optional(),
    secretAccessKey: z.string().trim().min(16).max(128).optional(),
    forgetStoredKeys: z.literal(true).optional(),
    rekognitionEndpoint: endpoint.optional(),
    s3Endpoint: endpoint.optional(),
    retentionMonths: z.number().int().min(0).max(120).optional(),
  })
  .refine((value) => (value.accessKeyId === undefined) === (value.secretAccessKey === undefined), {
    message: 'both the access key id and the secret access key',
    path: ['secretAccessKey'],
  });

/** Exactly what is wrong, never AWS's own words (they may name accounts or ARNs). */
export const awsProblem = z.enum([
  'NO_CREDENTIALS',
  'INVALID_CREDENTIALS',
  'ACCESS_DENIED',
  'NO_SUCH_BUCKET',
  'WRONG_REGION',
  'NETWORK',
  'THROTTLED',
  'NOT_CONFIGURED',
  'UNKNOWN',
]);
export type AwsProblem = z.infer<typeof awsProblem>;

export const connectionCheck = z.strictObject({
  target: z.enum(['credentials', 'collection', 'bucket']),
  /** 'created': the collection was missing and has been created. */
  status: z.enum(['ok', 'created', 'failed', 'skipped']),
  problem: awsProblem.nullable(),
});

/** The consent text a patient reads (versioned, in their language). */
export const consentText = z.strictObject({
  version: z.string(),
  locale,
  title: z.string(),
  /** What is stored, where, for how long, how to withdraw: one paragraph each. */
  paragraphs: z.array(z.string()),
  question: z.string(),
});
export type ConsentText = z.infer<typeof consentText>;

export const faceStatus = z.strictObject({
  patientId: id,
  /**
   * off: no consent (or withdrawn); consented: agreed, no photos yet; enrolled: can check in
   * by face; withdrawing: a withdrawal that stopped halfway (run it again to finish).
   */
  state: z.enum(['off', 'consented', 'enrolled', 'withdrawing']),
  consent: z.strictObject({ version: z.string(), at: z.number(), staffName: z.string() }).nullable(),
  enrolledAt: z.number().nullable(),
  faceCount: z.number().int(),
});
export type FaceStatus = z.infer<typeof faceStatus>;

/** A face check-in: the kiosk's outcomes, plus `notRecognised`, which sends the patient to the other check-in. */
export const faceCheckInResult = z.union([
  kioskCheckInResult,
  z.strictObject({
    outcome: z.literal('notRecognised'),
    /** Why, for the kiosk's own choice of words and for tests; never another patient's data. */
    reason: z.enum(['noFace', 'noMatch', 'unavailable', 'off']),
  }),
]);
export type FaceCheckInResult = z.infer<typeof faceCheckInResult>;

export const facesContract = {
  'faces.settings': method({ input: z.strictObject({}), output: faceSettings, access: ADMIN }),
  /** SECURE_STORAGE_UNAVAILABLE when keys are given and cannot be sealed; nothing is saved then. */
  'faces.updateSettings': method({
    input: faceSettingsUpdate,
    output: faceSettings,
    errors: ['SECURE_STORAGE_UNAVAILABLE'],
    access: ADMIN,
    writes: true,
    audits: ['faces.settings'],
  }),
  /** Checks the credentials, the collection (creating it if missing) and the bucket. */
  'faces.testConnection': method({
    input: z.strictObject({}),
    output: z.strictObject({ ok: z.boolean(), checks: z.array(connectionCheck) }),
    access: ADMIN,
  }),
  /** Whether the kiosk should offer the camera at all. */
  'faces.availability': method({
    input: z.strictObject({}),
    output: z.strictObject({ faceCheckIn: z.boolean() }),
    access: ['kiosk', 'admin', 'receptionist'],
  }),
  /** A doctor sees only their own patients' (FORBIDDEN, details.reason NOT_YOUR_PATIENT). */
  'faces.status': method({ input: z.strictObject({ patientId: id }), output: faceStatus, errors: ['NOT_FOUND'], access: STAFF }),
  /** The current consent text in the patient's language (or the one asked for). */
  'faces.consentText': method({
    input: z.strictObject({ patientId: id, locale: locale.optional() }),
    output: consentText,
    errors: ['NOT_FOUND', 'FACE_CHECKIN_OFF'],
    access: DESK,
  }),
  /** The patient's explicit yes to the version they were shown, with the time and the member of staff. */
  'faces.recordConsent': method({
    input: z.strictObject({ patientId: id, version: z.string().min(1).max(20), agreed: z.literal(true) }),
    output: faceStatus,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION', 'FACE_CHECKIN_OFF'],
    access: DESK,
    writes: true,
    audits: ['faces.consent'],
  }),
  /**
   * Three photos from the desk's camera. CONSENT_REQUIRED without consent; PHOTO_UNUSABLE
   * (details.photo: 0–2, details.reason) when one has no face, several, or a poor one;
   * PHOTOS_NOT_SAME_PERSON (details.photos) when Rekognition finds they are not all of one
   * person (nothing is kept: take new ones); FACE_CHECKIN_OFF when AWS is not set up; CLOUD_UNAVAILABLE when AWS fails.
   * Not one transaction: AWS calls take seconds, so each step is journalled in a short one
   * of its own, and an enrolment cut short is cleaned up at the next start. Its audit
   * entries are written in those transactions (they stand whatever becomes of the call),
   * as is the clean-up of an earlier attempt left unfinished ('faces.enrol.abandoned').
   */
  'faces.enrol': method({
    input: z.strictObject({ patientId: id, photos: z.array(jpegBase64(ENROLMENT_PHOTO_MAX_BYTES)).length(ENROLMENT_PHOTO_COUNT) }),
    output: faceStatus,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION', 'FACE_CHECKIN_OFF', 'CONSENT_REQUIRED', 'PHOTO_UNUSABLE', 'PHOTOS_NOT_SAME_PERSON', 'CLOUD_UNAVAILABLE'],
    access: DESK,
    audits: ['faces.enrol', 'faces.enrol.failed', 'faces.enrol.abandoned', 'faces.enrol.abandoned.failed'],
  }),
  /**
   * Withdraws the consent, then deletes the Rekognition user, the faces, the S3 photos and
   * the local ids; safe to run again. Audited step by step, in transactions of its own, like
   * enrolment. WITHDRAWAL_UNFINISHED when AWS fails halfway: the consent is withdrawn (the
   * status is `withdrawing`), details.done and details.remaining list the steps
   * (consent, user, faces, photos), and running it again finishes it.
   */
  'faces.withdraw': method({
    input: z.strictObject({ patientId: id }),
    output: faceStatus,
    errors: ['NOT_FOUND', 'WITHDRAWAL_UNFINISHED'],
    access: DESK,
    audits: ['faces.withdraw', 'faces.withdraw.failed'],
  }),
  /**
   * Deletes enrolments past the retention time now (also runs daily), after clearing
   * enrolments and withdrawals a stopped process left unfinished; audited like a withdrawal.
   */
  'faces.applyRetention': method({
    input: z.strictObject({}),
    output: z.strictObject({ withdrawn: z.number().int() }),
    access: ADMIN,
    audits: ['faces.retention', 'faces.retention.failed', 'faces.enrol.abandoned', 'faces.enrol.abandoned.failed', 'faces.withdraw', 'faces.withdraw.failed'],
  }),
  /**
   * A kiosk frame: JPEG, ≤ 640 px, ~100 KB. Never stored. Limited per kiosk like the typed check-in (growing waits the desk may clear). A face
   * that matches nobody (or AWS unavailable) is a failed match on record, though the call
   * succeeds; a match is recorded in the check-in's own transaction, with the check-in.
   */
  'kiosk.faceCheckIn': method({
    input: z.strictObject({ image: jpegBase64(KIOSK_FRAME_MAX_BYTES) }),
    output: faceCheckInResult,
    errors: ['RATE_LIMITED'],
    access: ['kiosk', 'admin', 'receptionist'],
    audits: ['faces.match', 'faces.match.failed', 'kiosk.faceCheckIn'],
  }),
} as const;
