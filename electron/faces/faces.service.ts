import { createHash, randomBytes } from 'node:crypto';
import {
  AssociateFacesCommand,
  CreateCollectionCommand,
  CreateUserCommand,
  DeleteFacesCommand,
  DeleteUserCommand,
  DescribeCollectionCommand,
  IndexFacesCommand,
  SearchUsersByImageCommand,
  type IndexFacesResponse,
} from '@aws-sdk/client-rekognition';
import { DeleteObjectsCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Locale } from '../../shared/contract/common';
import { AppError } from '../../shared/contract/errors';
import { consentTextFor, CONSENT_VERSION } from '../../shared/faces/consent-text';
import type { AwsProblem, ConsentText, FaceSettings, FaceStatus } from '../../shared/faces/faces.contract';
import type { ParsedInput } from '../../shared/contract/contract';
import { recordAudit } from '../auth/staff.repository';
import type { Database } from '../db/schema';
import { deleteSecrets, hasSecret, readSecret, storeSecret } from '../secrets/secrets.repository';
import type { SecretCipher } from '../secrets/secret-cipher';
import { readSettings } from '../settings/settings.repository';
import {
  awsProblemOf,
  bucketProblemOf,
  createAwsClients,
  defaultChainCredentials,
  DESK_TIMEOUTS,
  isNotFound,
  KIOSK_TIMEOUTS,
  type AwsClients,
  type AwsConfig,
  type AwsTimeouts,
} from './aws-clients';
import {
  activeConsent,
  deleteEnrolment,
  enrolledPatientOfUser,
  findEnrolment,
  insertConsent,
  insertEnrolment,
  markStepDone,
  markWithdrawing,
  patientLanguage,
  patientsPastRetention,
  photosOf,
  readFaceSettings,
  withdrawConsents,
  writeFaceSettings,
  type EnrolmentRow,
  type FaceSettingsRow,
  type WithdrawalStep,
} from './faces.repository';

/** Who acts, for the audit log: a member of staff, a kiosk, or the retention timer. */
export interface FaceActor {
  staffId: number | null;
  workstation: string;
}

export interface FacesServiceDeps {
  db: Kysely<Database>;
  now: () => number;
  secretCipher: SecretCipher;
  env: Readonly<Record<string, string | undefined>>;
  timeouts?: { desk?: AwsTimeouts; kiosk?: AwsTimeouts };
}

/** What the kiosk's photo showed, before any check-in. */
export type Identification =
  | { kind: 'match'; patientId: number; similarity: number }
  | { kind: 'notRecognised'; reason: 'noFace' | 'noMatch' | 'unavailable' | 'off'; problem?: AwsProblem };

/** Rekognition's quality bar, explicit: AUTO lets the service pick it for its current model. */
const QUALITY_FILTER = 'AUTO' as const;
const SECRET_NAMES = ['aws.accessKeyId', 'aws.secretAccessKey', 'aws.sessionToken'] as const;

/** An AWS failure inside this module; becomes CLOUD_UNAVAILABLE (with the problem only) at the edge. */
class CloudFailure extends Error {
  constructor(readonly problem: AwsProblem) {
    super(`AWS failed: ${problem}`);
  }
}

function cloudUnavailable(problem: AwsProblem, extra: Record<string, unknown> = {}): AppError {
  const what: Record<AwsProblem, string> = {
    NO_CREDENTIALS: 'no AWS credentials are set up',
    INVALID_CREDENTIALS: 'AWS did not accept the credentials',
    ACCESS_DENIED: 'AWS denied access',
    NO_SUCH_BUCKET: 'the S3 bucket does not exist',
    WRONG_REGION: 'the bucket or collection is in another region',
    NETWORK: 'AWS could not be reached',
    THROTTLED: 'AWS is busy (throttled)',
    NOT_CONFIGURED: 'face check-in is not fully set up',
    UNKNOWN: 'AWS answered with an error',
  };
  return new AppError('CLOUD_UNAVAILABLE', `Face check-in could not reach AWS: ${what[problem]}. Nothing was changed there; try again.`, { problem, ...extra });
}

export function isReadyRow(settings: FaceSettingsRow): boolean {
  return settings.enabled === 1 && settings.region !== '' && settings.collection_id !== '' && settings.bucket !== '';
}

function normalisedPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

export class FacesService {
  private readonly clients = new Map<string, AwsClients>();
  private readonly desk: AwsTimeouts;
  private readonly kiosk: AwsTimeouts;

  constructor(private readonly deps: FacesServiceDeps) {
    this.desk = deps.timeouts?.desk ?? DESK_TIMEOUTS;
    this.kiosk = deps.timeouts?.kiosk ?? KIOSK_TIMEOUTS;
  }

  close(): void {
    for (const clients of this.clients.values()) clients.destroy();
    this.clients.clear();
  }

  /** Forgets the clients (and the credentials they hold) after the settings change. */
  invalidateClients(): void {
    this.close();
  }

  // ---- settings ------------------------------------------------------------------------

  async settingsView(db: Kysely<Database>): Promise<FaceSettings> {
    const row = await readFaceSettings(db);
    const problem = this.deps.secretCipher.problem();
    return {
      enabled: row.enabled === 1,
      region: row.region,
      collectionId: row.collection_id,
      bucket: row.bucket,
      keyPrefix: row.key_prefix,
      matchThreshold: row.match_threshold,
      credentialSource: row.credential_source,
      hasStoredKeys: (await hasSecret(db, 'aws.accessKeyId')) && (await hasSecret(db, 'aws.secretAccessKey')),
      rekognitionEndpoint: row.rekognition_endpoint,
      s3Endpoint: row.s3_endpoint,
      retentionMonths: row.retention_months,
      secureStorage: { available: problem === null, problem },
      isReady: isReadyRow(row),
    };
  }

  /** In the caller's transaction: a refused secret leaves everything as it was. */
  async updateSettings(db: Kysely<Database>, input: ParsedInput<'faces.updateSettings'>, actor: FaceActor): Promise<FaceSettings> {
    const now = this.deps.now();
    const current = await readFaceSettings(db);
    const next: FaceSettingsRow = {
      enabled: input.enabled === undefined ? current.enabled : input.enabled ? 1 : 0,
      region: input.region ?? current.region,
      collection_id: input.collectionId ?? current.collection_id,
      bucket: input.bucket ?? current.bucket,
      key_prefix: input.keyPrefix ?? current.key_prefix,
      match_threshold: input.matchThreshold ?? current.match_threshold,
      credential_source: input.credentialSource ?? current.credential_source,
      rekognition_endpoint: input.rekognitionEndpoint === undefined ? current.rekognition_endpoint : input.rekognitionEndpoint || null,
      s3_endpoint: input.s3Endpoint === undefined ? current.s3_endpoint : input.s3Endpoint || null,
      retention_months: input.retentionMonths ?? current.retention_months,
    };
    const changed: string[] = (Object.keys(next) as (keyof FaceSettingsRow)[]).filter((key) => next[key] !== current[key]);
    if (input.forgetStoredKeys) {
      await deleteSecrets(db, SECRET_NAMES);
      changed.push('keys forgotten');
    }
    if (input.accessKeyId !== undefined && input.secretAccessKey !== undefined) {
      await storeSecret(db, this.deps.secretCipher, 'aws.accessKeyId', input.accessKeyId, now);
      await storeSecret(db, this.deps.secretCipher, 'aws.secretAccessKey', input.secretAccessKey, now);
      await deleteSecrets(db, ['aws.sessionToken']);
      changed.push('keys stored');
    }
    await writeFaceSettings(db, next, now);
    await recordAudit(db, {
      at: now,
      staffId: actor.staffId,
      workstation: actor.workstation,
      action: 'faces.settings',
      detail: changed.length > 0 ? `changed: ${changed.join(', ')}` : 'no changes',
    });
    this.invalidateClients();
    return this.settingsView(db);
  }

  /** Whether the kiosk should offer the camera: switched on, complete, with credentials to try. */
  async isAvailable(db: Kysely<Database>): Promise<boolean> {
    const settings = await readFaceSettings(db);
    if (!isReadyRow(settings)) return false;
    if (settings.credential_source === 'stored') {
      return this.deps.secretCipher.problem() === null && (await hasSecret(db, 'aws.accessKeyId')) && (await hasSecret(db, 'aws.secretAccessKey'));
    }
    return defaultChainCredentials(this.deps.env) !== null;
  }

  // ---- AWS plumbing --------------------------------------------------------------------

  private async configOf(db: Kysely<Database>, settings: FaceSettingsRow, region = settings.region): Promise<AwsConfig> {
    if (region === '') throw new CloudFailure('NOT_CONFIGURED');
    const env = this.deps.env;
    let credentials: AwsConfig['credentials'];
    if (settings.credential_source === 'stored') {
      const accessKeyId = await readSecret(db, this.deps.secretCipher, 'aws.accessKeyId');
      const secretAccessKey = await readSecret(db, this.deps.secretCipher, 'aws.secretAccessKey');
      if (!accessKeyId || !secretAccessKey) throw new CloudFailure('NO_CREDENTIALS');
      credentials = { accessKeyId, secretAccessKey };
    } else {
      const found = defaultChainCredentials(env);
      if (found === null) throw new CloudFailure('NO_CREDENTIALS');
      credentials = found === 'chain' ? undefined : found;
    }
    const endpoint = (own: string | null, specific: string | undefined) => own ?? (specific?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined);
    return {
      region,
      credentials,
      rekognitionEndpoint: endpoint(settings.rekognition_endpoint, env.AWS_ENDPOINT_URL_REKOGNITION),
      s3Endpoint: endpoint(settings.s3_endpoint, env.AWS_ENDPOINT_URL_S3),
    };
  }

  private async clientsFor(db: Kysely<Database>, settings: FaceSettingsRow, timeouts: AwsTimeouts, region?: string): Promise<AwsClients> {
    const config = await this.configOf(db, settings, region);
    // The cache key holds no secret in the clear.
    const key = createHash('sha256').update(JSON.stringify([config, timeouts])).digest('hex');
    let clients = this.clients.get(key);
    if (!clients) {
      clients = createAwsClients(config, timeouts);
      this.clients.set(key, clients);
    }
    return clients;
  }

  /** One SDK call with the whole-call deadline; any failure becomes a CloudFailure. */
  private async call<T>(clients: AwsClients, send: (options: { abortSignal: AbortSignal }) => Promise<T>, problemOf = awsProblemOf): Promise<T> {
    try {
      return await send({ abortSignal: AbortSignal.timeout(clients.timeouts.deadline) });
    } catch (error) {
      if (error instanceof CloudFailure) throw error;
      throw new CloudFailureWithCause(problemOf(error), error);
    }
  }

  // ---- test connection -----------------------------------------------------------------

  async testConnection(db: Kysely<Database>): Promise<{ ok: boolean; checks: { target: 'credentials' | 'collection' | 'bucket'; status: 'ok' | 'created' | 'failed' | 'skipped'; problem: AwsProblem | null }[] }> {
    const settings = await readFaceSettings(db);
    type Check = { target: 'credentials' | 'collection' | 'bucket'; status: 'ok' | 'created' | 'failed' | 'skipped'; problem: AwsProblem | null };
    const failed = (target: Check['target'], problem: AwsProblem): Check => ({ target, status: 'failed', problem });
    const skipped = (target: Check['target']): Check => ({ target, status: 'skipped', problem: null });
    let clients: AwsClients;
    try {
      clients = await this.clientsFor(db, settings, this.desk);
    } catch (error) {
      const problem = error instanceof CloudFailure ? error.problem : 'UNKNOWN';
      return { ok: false, checks: [failed('credentials', problem), skipped('collection'), skipped('bucket')] };
    }
    const collectionCheck = async (): Promise<Check> => {
      if (settings.collection_id === '') return failed('collection', 'NOT_CONFIGURED');
      const CollectionId = settings.collection_id;
      try {
        await this.call(clients, (o) => clients.rekognition.send(new DescribeCollectionCommand({ CollectionId }), o));
        return { target: 'collection', status: 'ok', problem: null };
      } catch (error) {
        if (!(error instanceof CloudFailureWithCause && isNotFound(error.cause))) return failed('collection', problemOf(error));
      }
      try {
        await this.call(clients, (o) => clients.rekognition.send(new CreateCollectionCommand({ CollectionId }), o));
        return { target: 'collection', status: 'created', problem: null };
      } catch (error) {
        return failed('collection', problemOf(error));
      }
    };
    const bucketCheck = async (): Promise<Check> => {
      if (settings.bucket === '') return failed('bucket', 'NOT_CONFIGURED');
      try {
        await this.call(clients, (o) => clients.s3.send(new HeadBucketCommand({ Bucket: settings.bucket }), o), bucketProblemOf);
        return { target: 'bucket', status: 'ok', problem: null };
      } catch (error) {
        return failed('bucket', problemOf(error));
      }
    };
    const [collection, bucket] = await Promise.all([collectionCheck(), bucketCheck()]);
    const credentialProblem = [collection, bucket].map((check) => check.problem).find((problem) => problem === 'INVALID_CREDENTIALS' || problem === 'NO_CREDENTIALS');
    const credentials: Check = credentialProblem ? failed('credentials', credentialProblem) : { target: 'credentials', status: 'ok', problem: null };
    const checks = [credentials, collection, bucket];
    return { ok: checks.every((check) => check.status === 'ok' || check.status === 'created'), checks };
  }

  // ---- consent and status --------------------------------------------------------------

  async status(db: Kysely<Database>, patientId: number): Promise<FaceStatus> {
    if ((await patientLanguage(db, patientId)) === null) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'patientId' });
    const enrolment = await findEnrolment(db, patientId);
    const consent = await activeConsent(db, patientId);
    const photos = enrolment ? await photosOf(db, patientId) : [];
    const state: FaceStatus['state'] = enrolment ? enrolment.state : consent ? 'consented' : 'off';
    return {
      patientId,
      state,
      consent: consent && state !== 'withdrawing' ? { version: consent.version, at: consent.agreed_at, staffName: consent.staff_name ?? '' } : null,
      enrolledAt: enrolment?.state === 'enrolled' ? enrolment.enrolled_at : null,
      faceCount: enrolment?.state === 'enrolled' ? photos.filter((photo) => photo.face_id !== null).length : 0,
    };
  }

  async consentText(db: Kysely<Database>, patientId: number, locale?: Locale): Promise<ConsentText> {
    const language = await patientLanguage(db, patientId);
    if (language === null) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'patientId' });
    const settings = await readFaceSettings(db);
    if (!isReadyRow(settings)) throw new AppError('FACE_CHECKIN_OFF', 'Face check-in is not set up.');
    const clinic = await readSettings(db);
    return consentTextFor(locale ?? language, { region: settings.region, retentionMonths: settings.retention_months, clinicName: clinic.clinicName });
  }

  async recordConsent(db: Kysely<Database>, patientId: number, version: string, actor: FaceActor): Promise<FaceStatus> {
    const language = await patientLanguage(db, patientId);
    if (language === null) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'patientId' });
    if (!isReadyRow(await readFaceSettings(db))) throw new AppError('FACE_CHECKIN_OFF', 'Face check-in is not set up.');
    if (version !== CONSENT_VERSION) {
      throw new AppError('VALIDATION', 'That consent text is not the current one: show the patient the current text first.', {
        fields: [{ path: 'version', code: 'custom', message: 'not the current consent version' }],
        currentVersion: CONSENT_VERSION,
      });
    }
    const enrolment = await findEnrolment(db, patientId);
    if (enrolment?.state === 'withdrawing') throw new AppError('INVALID_TRANSITION', 'A withdrawal of face check-in is still unfinished: finish it first.');
    const current = await activeConsent(db, patientId);
    if (current?.version !== version) {
      const at = this.deps.now();
      await insertConsent(db, { patientId, version, locale: language, at, staffId: actor.staffId });
      await recordAudit(db, { at, staffId: actor.staffId, workstation: actor.workstation, action: 'faces.consent', entity: 'patient', entityId: patientId, detail: `version ${version}` });
    }
    return this.status(db, patientId);
  }

  // ---- enrolment -----------------------------------------------------------------------

  /**
   * Indexes three photos, stores them in S3 and groups them under one Rekognition user.
   * AWS first (no transaction is held while it answers), local ids last in one short
   * transaction. On any failure what was created in AWS is removed again.
   */
  async enrol(patientId: number, photosBase64: readonly string[], actor: FaceActor): Promise<FaceStatus> {
    const db = this.deps.db;
    const settings = await readFaceSettings(db);
    if (!isReadyRow(settings)) throw new AppError('FACE_CHECKIN_OFF', 'Face check-in is not set up.');
    const before = await this.status(db, patientId);
    if (before.state === 'off') throw new AppError('CONSENT_REQUIRED', "Record the patient's consent before taking photos.");
    if (before.state !== 'consented') {
      throw new AppError('INVALID_TRANSITION', before.state === 'enrolled' ? 'This patient is already enrolled for face check-in.' : 'A withdrawal of face check-in is still unfinished: finish it first.', {
        state: before.state,
      });
    }
    const photos = photosBase64.map((base64) => Buffer.from(base64, 'base64'));
    photos.forEach((photo, index) => {
      if (photo.length < 100 || photo[0] !== 0xff || photo[1] !== 0xd8) {
        throw new AppError('PHOTO_UNUSABLE', `Photo ${index + 1} is not a JPEG image.`, { photo: index, reason: 'poorQuality' });
      }
    });

    let clients: AwsClients;
    try {
      clients = await this.clientsFor(db, settings, this.desk);
    } catch (error) {
      throw cloudUnavailable(problemOf(error));
    }
    const opaqueKey = randomBytes(16).toString('hex');
    const target: CloudTarget = {
      collectionId: settings.collection_id,
      bucket: settings.bucket,
      userId: null,
      faceIds: [],
      s3Keys: [],
    };
    const prefix = `${normalisedPrefix(settings.key_prefix)}${opaqueKey}/`;

    try {
      const indexed = await this.indexAll(clients, settings.collection_id, opaqueKey, photos, target);
      const unusable = indexed.findIndex((result) => result.reason !== null);
      if (unusable >= 0) {
        const reason = indexed[unusable]!.reason!;
        await this.undoEnrolment(clients, patientId, opaqueKey, settings.region, target, actor);
        const words = { noFace: 'shows no face', severalFaces: 'shows more than one face', poorQuality: 'is not clear enough (light, focus or pose)' };
        throw new AppError('PHOTO_UNUSABLE', `Photo ${unusable + 1} ${words[reason]}. Take it again.`, { photo: unusable, reason });
      }
      await Promise.all(
        photos.map(async (photo) => {
          const key = `${prefix}${randomBytes(8).toString('hex')}.jpg`;
          target.s3Keys.push(key);
          // No ACL: objects are private by default, and buckets with ACLs disabled (the
          // default since 2023) refuse any ACL but bucket-owner-full-control.
          await this.call(clients, (o) =>
            clients.s3.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: photo, ContentType: 'image/jpeg', ServerSideEncryption: 'AES256' }), o),
          );
        }),
      );
      await this.call(clients, (o) => clients.rekognition.send(new CreateUserCommand({ CollectionId: settings.collection_id, UserId: opaqueKey, ClientRequestToken: opaqueKey }), o));
      target.userId = opaqueKey;
      const associated = await this.call(clients, (o) =>
        clients.rekognition.send(new AssociateFacesCommand({ CollectionId: settings.collection_id, UserId: opaqueKey, FaceIds: target.faceIds, ClientRequestToken: `${opaqueKey}-a` }), o),
      );
      if ((associated.UnsuccessfulFaceAssociations ?? []).length > 0 || (associated.AssociatedFaces ?? []).length !== target.faceIds.length) throw new CloudFailure('UNKNOWN');
    } catch (error) {
      if (error instanceof AppError) throw error;
      await this.undoEnrolment(clients, patientId, opaqueKey, settings.region, target, actor);
      throw cloudUnavailable(problemOf(error));
    }

    const at = this.deps.now();
    const recorded = await db.transaction().execute(async (trx) => {
      // Consent withdrawn, or another desk enrolled the patient, while AWS was answering.
      if ((await activeConsent(trx, patientId)) === null || (await findEnrolment(trx, patientId)) !== null) return false;
      await insertEnrolment(
        trx,
        {
          patient_id: patientId,
          opaque_key: opaqueKey,
          state: 'enrolled',
          region: settings.region,
          collection_id: settings.collection_id,
          bucket: settings.bucket,
          user_id: opaqueKey,
          enrolled_at: at,
          enrolled_by: actor.staffId,
          withdrawal_started_at: null,
        },
        target.faceIds.map((faceId, position) => ({ position, face_id: faceId, s3_key: target.s3Keys[position] ?? null })),
      );
      await recordAudit(trx, { at, staffId: actor.staffId, workstation: actor.workstation, action: 'faces.enrol', entity: 'patient', entityId: patientId, detail: `${target.faceIds.length} photos` });
      return true;
    });
    if (!recorded) {
      await this.undoEnrolment(clients, patientId, opaqueKey, settings.region, target, actor);
      throw new AppError('CONSENT_REQUIRED', 'The consent was withdrawn (or the patient enrolled elsewhere) while the photos were being stored; nothing was kept.');
    }
    return this.status(db, patientId);
  }

  /** IndexFaces for each photo (in parallel); every face indexed is added to `target` for clean-up. */
  private async indexAll(clients: AwsClients, collectionId: string, opaqueKey: string, photos: readonly Buffer[], target: CloudTarget) {
    const indexOne = (photo: Buffer) =>
      this.call(clients, (o) =>
        clients.rekognition.send(new IndexFacesCommand({ CollectionId: collectionId, Image: { Bytes: photo }, ExternalImageId: opaqueKey, MaxFaces: 1, QualityFilter: QUALITY_FILTER, DetectionAttributes: ['DEFAULT'] }), o),
      );
    let settled = await Promise.allSettled(photos.map(indexOne));
    const collectionMissing = settled.every((result) => result.status === 'rejected' && result.reason instanceof CloudFailureWithCause && isNotFound(result.reason.cause));
    if (collectionMissing) {
      // A collection deleted (or never created: testConnection creates it) is made again.
      await this.call(clients, (o) => clients.rekognition.send(new CreateCollectionCommand({ CollectionId: collectionId }), o)).catch((error: unknown) => {
        if (!(error instanceof CloudFailureWithCause && (error.cause as { name?: string })?.name === 'ResourceAlreadyExistsException')) throw error;
      });
      settled = await Promise.allSettled(photos.map(indexOne));
    }
    for (const result of settled) {
      if (result.status === 'fulfilled') for (const record of result.value.FaceRecords ?? []) if (record.Face?.FaceId) target.faceIds.push(record.Face.FaceId);
    }
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return settled.map((result) => ({ reason: unusableReason((result as PromiseFulfilledResult<IndexFacesResponse>).value) }));
  }

  /** Removes a failed enrolment's AWS objects; if even that fails, leaves a withdrawal to finish. */
  private async undoEnrolment(clients: AwsClients, patientId: number, opaqueKey: string, region: string, target: CloudTarget, actor: FaceActor): Promise<void> {
    try {
      await this.removeFromCloud(clients, target, { user_deleted: 0, faces_deleted: 0, photos_deleted: 0 }, async () => {});
    } catch {
      const at = this.deps.now();
      await this.deps.db.transaction().execute(async (trx) => {
        if ((await findEnrolment(trx, patientId)) !== null) return;
        await insertEnrolment(
          trx,
          {
            patient_id: patientId,
            opaque_key: opaqueKey,
            state: 'withdrawing',
            region,
            collection_id: target.collectionId,
            bucket: target.bucket,
            user_id: target.userId,
            enrolled_at: at,
            enrolled_by: actor.staffId,
            withdrawal_started_at: at,
          },
          Array.from({ length: Math.max(target.faceIds.length, target.s3Keys.length) }, (_, position) => ({
            position,
            face_id: target.faceIds[position] ?? null,
            s3_key: target.s3Keys[position] ?? null,
          })),
        );
        await recordAudit(trx, { at, staffId: actor.staffId, workstation: actor.workstation, action: 'faces.enrol.failed', entity: 'patient', entityId: patientId, detail: 'clean-up pending' });
      });
    }
  }

  // ---- withdrawal ----------------------------------------------------------------------

  /**
   * DeleteUser, DeleteFaces, the S3 photos, then the local ids. Each AWS step is recorded
   * when done, and each is harmless to repeat (a missing user, face or object counts as
   * deleted), so a withdrawal that stopped halfway is finished by running it again.
   */
  async withdraw(patientId: number, actor: FaceActor, reason: 'patient' | 'retention', onChange: () => void): Promise<FaceStatus> {
    const db = this.deps.db;
    if ((await patientLanguage(db, patientId)) === null) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'patientId' });
    const action = reason === 'retention' ? 'faces.retention' : 'faces.withdraw';
    const started = await db.transaction().execute(async (trx) => {
      const at = this.deps.now();
      const withdrawn = await withdrawConsents(trx, patientId, at, actor.staffId, reason);
      const enrolment = await findEnrolment(trx, patientId);
      if (enrolment) await markWithdrawing(trx, patientId, at);
      if (!enrolment && withdrawn > 0) {
        await recordAudit(trx, { at, staffId: actor.staffId, workstation: actor.workstation, action, entity: 'patient', entityId: patientId, detail: 'consent withdrawn (no photos)' });
      }
      return { enrolment, changed: withdrawn > 0 || enrolment !== null };
    });
    if (started.changed) onChange();
    const enrolment = started.enrolment;
    if (!enrolment) return this.status(db, patientId);

    const photos = await photosOf(db, patientId);
    const target: CloudTarget = {
      collectionId: enrolment.collection_id,
      bucket: enrolment.bucket,
      userId: enrolment.user_id,
      faceIds: photos.flatMap((photo) => (photo.face_id ? [photo.face_id] : [])),
      s3Keys: photos.flatMap((photo) => (photo.s3_key ? [photo.s3_key] : [])),
    };
    try {
      const clients = await this.clientsFor(db, await readFaceSettings(db), this.desk, enrolment.region);
      await this.removeFromCloud(clients, target, enrolment, (step) => markStepDone(db, patientId, step));
    } catch (error) {
      const at = this.deps.now();
      await recordAudit(db, { at, staffId: actor.staffId, workstation: actor.workstation, action: `${action}.failed`, entity: 'patient', entityId: patientId, detail: `problem ${problemOf(error)}; can be run again` });
      throw cloudUnavailable(problemOf(error), { state: 'withdrawing' });
    }
    await db.transaction().execute(async (trx) => {
      await deleteEnrolment(trx, patientId);
      await recordAudit(trx, {
        at: this.deps.now(),
        staffId: actor.staffId,
        workstation: actor.workstation,
        action,
        entity: 'patient',
        entityId: patientId,
        detail: `deleted user, ${target.faceIds.length} faces, ${target.s3Keys.length} photos`,
      });
    });
    onChange();
    return this.status(db, patientId);
  }

  private async removeFromCloud(
    clients: AwsClients,
    target: CloudTarget,
    done: Pick<EnrolmentRow, WithdrawalStep>,
    mark: (step: WithdrawalStep) => Promise<void>,
  ): Promise<void> {
    const CollectionId = target.collectionId;
    if (!done.user_deleted && target.userId) {
      const UserId = target.userId;
      await this.call(clients, (o) => clients.rekognition.send(new DeleteUserCommand({ CollectionId, UserId, ClientRequestToken: `${UserId}-d` }), o)).catch(ignoreNotFound);
      await mark('user_deleted');
    }
    if (!done.faces_deleted && target.faceIds.length > 0) {
      const FaceIds = target.faceIds;
      const answer = await this.call(clients, (o) => clients.rekognition.send(new DeleteFacesCommand({ CollectionId, FaceIds }), o)).catch(ignoreNotFound);
      const stuck = (answer?.UnsuccessfulFaceDeletions ?? []).filter((failure) => !(failure.Reasons ?? []).every((why) => why === 'FACE_NOT_FOUND'));
      if (stuck.length > 0) throw new CloudFailure('UNKNOWN');
      await mark('faces_deleted');
    }
    if (!done.photos_deleted && target.s3Keys.length > 0) {
      const Objects = target.s3Keys.map((Key) => ({ Key }));
      const answer = await this.call(clients, (o) => clients.s3.send(new DeleteObjectsCommand({ Bucket: target.bucket, Delete: { Objects, Quiet: true } }), o), bucketProblemOf).catch(
        (error: unknown) => {
          // A bucket that is gone holds no photos.
          if (error instanceof CloudFailure && error.problem === 'NO_SUCH_BUCKET') return undefined;
          throw error;
        },
      );
      if ((answer?.Errors ?? []).some((failure) => failure.Code !== 'NoSuchKey')) throw new CloudFailure('UNKNOWN');
      await mark('photos_deleted');
    }
  }

  // ---- retention -----------------------------------------------------------------------

  /** Withdraws the enrolments (and open consents) of patients not seen for the retention time. */
  async applyRetention(actor: FaceActor, onChange: (patientId: number) => void): Promise<number> {
    const db = this.deps.db;
    const settings = await readFaceSettings(db);
    if (settings.retention_months <= 0) return 0;
    const { timeZone } = await readSettings(db);
    const cutoff = DateTime.fromMillis(this.deps.now(), { zone: timeZone }).minus({ months: settings.retention_months }).toMillis();
    let withdrawn = 0;
    for (const patientId of await patientsPastRetention(db, cutoff)) {
      try {
        await this.withdraw(patientId, actor, 'retention', () => onChange(patientId));
        withdrawn++;
      } catch (error) {
        // The next run tries again; the audit log already says what failed.
        if (!(error instanceof AppError)) throw error;
      }
    }
    return withdrawn;
  }

  // ---- the kiosk -----------------------------------------------------------------------

  /** Who is in the frame, if anyone enrolled: SearchUsersByImage, then the local ids. The frame is not kept. */
  async identify(db: Kysely<Database>, image: Buffer): Promise<Identification> {
    const settings = await readFaceSettings(db);
    if (!isReadyRow(settings)) return { kind: 'notRecognised', reason: 'off' };
    if (image.length < 100 || image[0] !== 0xff || image[1] !== 0xd8) return { kind: 'notRecognised', reason: 'noFace' };
    try {
      const clients = await this.clientsFor(db, settings, this.kiosk);
      const answer = await this.call(clients, (o) =>
        clients.rekognition.send(
          new SearchUsersByImageCommand({ CollectionId: settings.collection_id, Image: { Bytes: image }, UserMatchThreshold: settings.match_threshold, MaxUsers: 2, QualityFilter: QUALITY_FILTER }),
          o,
        ),
      );
      if (!answer.SearchedFace) return { kind: 'notRecognised', reason: 'noFace' };
      const matches = (answer.UserMatches ?? []).filter((match) => match.User?.UserId && (match.Similarity ?? 0) >= settings.match_threshold);
      // Two people above the threshold (twins, a look-alike): the kiosk must not guess.
      if (matches.length !== 1) return { kind: 'notRecognised', reason: 'noMatch' };
      const patientId = await enrolledPatientOfUser(db, settings.collection_id, matches[0]!.User!.UserId!);
      if (patientId === null) return { kind: 'notRecognised', reason: 'noMatch' };
      return { kind: 'match', patientId, similarity: matches[0]!.Similarity ?? 0 };
    } catch (error) {
      if (isNoFaceError(error)) return { kind: 'notRecognised', reason: 'noFace' };
      return { kind: 'notRecognised', reason: 'unavailable', problem: problemOf(error) };
    }
  }
}

/** Where an enrolment's AWS objects are. */
interface CloudTarget {
  collectionId: string;
  bucket: string;
  userId: string | null;
  faceIds: string[];
  s3Keys: string[];
}

class CloudFailureWithCause extends CloudFailure {
  constructor(
    problem: AwsProblem,
    override readonly cause: unknown,
  ) {
    super(problem);
  }
}

function problemOf(error: unknown): AwsProblem {
  return error instanceof CloudFailure ? error.problem : awsProblemOf(error);
}

function ignoreNotFound(error: unknown): undefined {
  if (error instanceof CloudFailureWithCause && isNotFound(error.cause)) return undefined;
  throw error;
}

/** Rekognition answers some images without a face with InvalidParameterException rather than an empty result. */
function isNoFaceError(error: unknown): boolean {
  return error instanceof CloudFailureWithCause && (error.cause as { name?: string })?.name === 'InvalidParameterException';
}

/** Why a photo cannot be used, from IndexFaces' answer with MaxFaces 1; null when it holds exactly one good face. */
function unusableReason(answer: IndexFacesResponse): 'noFace' | 'severalFaces' | 'poorQuality' | null {
  const records = answer.FaceRecords ?? [];
  const unindexed = answer.UnindexedFaces ?? [];
  if (unindexed.some((face) => (face.Reasons ?? []).includes('EXCEEDS_MAX_FACES'))) return 'severalFaces';
  if (records.length === 1) return null;
  if (records.length > 1) return 'severalFaces';
  return unindexed.length > 0 ? 'poorQuality' : 'noFace';
}

