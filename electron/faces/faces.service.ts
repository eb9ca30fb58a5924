import { createHash, randomBytes } from 'node:crypto';
import {
  AssociateFacesCommand,
  CreateCollectionCommand,
  CreateUserCommand,
  DeleteFacesCommand,
  DeleteUserCommand,
  DescribeCollectionCommand,
  IndexFacesCommand,
  ListFacesCommand,
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
import { writeAudit, type Actor } from '../audit/audit';
import type { Database } from '../db/schema';
import type { RequestContext } from '../rpc/context';
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
  beginEnrolment,
  completeEnrolment,
  deleteEnrolment,
  enrolledPatientOfUser,
  findEnrolment,
  findEnrolmentByKey,
  insertConsent,
  insertEnrolment,
  isEnrolling,
  markStepDone,
  markWithdrawing,
  patientLanguage,
  patientsPastRetention,
  photosOf,
  readFaceSettings,
  recordEnrolmentFace,
  recordEnrolmentUser,
  unfinishedBefore,
  unfinishedKeys,
  withdrawConsents,
  writeFaceSettings,
  type EnrolmentRow,
  type FaceSettingsRow,
  type WithdrawalStep,
} from './faces.repository';

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
/**
 * An unfinished enrolment or withdrawal this old, and not running here, was left by a
 * process that stopped. Far above the longest enrolment (a few calls of DESK_TIMEOUTS.deadline).
 */
export const ABANDONED_AFTER_MS = 5 * 60_000;
/** ListFaces' largest page, and DeleteFaces' largest batch. */
const LIST_FACES_PAGE = 4096;
const MAX_DELETE_FACES = 4096;
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
  /** Opaque keys of enrolments and clean-ups running in this process: never abandoned. */
  private readonly running = new Map<string, number>();
  private readonly desk: AwsTimeouts;
  private readonly kiosk: AwsTimeouts;

  constructor(private readonly deps: FacesServiceDeps) {
    this.desk = deps.timeouts?.desk ?? DESK_TIMEOUTS;
    this.kiosk = deps.timeouts?.kiosk ?? KIOSK_TIMEOUTS;
  }

  private hold(opaqueKey: string): void {
    this.running.set(opaqueKey, (this.running.get(opaqueKey) ?? 0) + 1);
  }

  private release(opaqueKey: string): void {
    const left = (this.running.get(opaqueKey) ?? 1) - 1;
    if (left > 0) this.running.set(opaqueKey, left);
    else this.running.delete(opaqueKey);
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
  async updateSettings(db: Kysely<Database>, input: ParsedInput<'faces.updateSettings'>, req: RequestContext): Promise<FaceSettings> {
    const now = req.now;
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
    req.audit({ action: 'faces.settings', detail: changed.length > 0 ? `changed: ${changed.join(', ')}` : 'no changes' });
    this.invalidateClients();
    return this.settingsView(db);
  }

  /** Whether the kiosk should offer the camera: switched on, complete, with credentials to try. */
  async isAvailable(db: Kysely<Database>): Promise<boolean> {
    const settings = await readFaceSettings(db);
    return isReadyRow(settings) && (await this.hasCredentials(db, settings));
  }

  /** Whether there are credentials to try (stored keys that can be unsealed, or the default chain). */
  private async hasCredentials(db: Kysely<Database>, settings: FaceSettingsRow): Promise<boolean> {
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
    // An enrolment under way (or abandoned, awaiting clean-up) is not one yet: the consent stands.
    const state: FaceStatus['state'] = !enrolment ? (consent ? 'consented' : 'off') : isEnrolling(enrolment) ? (consent ? 'consented' : 'withdrawing') : enrolment.state;
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

  async recordConsent(db: Kysely<Database>, patientId: number, version: string, req: RequestContext): Promise<FaceStatus> {
    const language = await patientLanguage(db, patientId);
    if (language === null) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'patientId' });
    if (!isReadyRow(await readFaceSettings(db))) throw new AppError('FACE_CHECKIN_OFF', 'Face check-in is not set up.');
    if (version !== CONSENT_VERSION) {
      throw new AppError('VALIDATION', 'That consent text is not the current one: show the patient the current text first.', {
        fields: [{ path: 'version', code: 'custom', message: 'not the current consent version' }],
        currentVersion: CONSENT_VERSION,
      });
    }
    if ((await this.status(db, patientId)).state === 'withdrawing') throw new AppError('INVALID_TRANSITION', 'A withdrawal of face check-in is still unfinished: finish it first.');
    const current = await activeConsent(db, patientId);
    if (current?.version !== version) {
      await insertConsent(db, { patientId, version, locale: language, at: req.now, staffId: req.actor.staffId });
      req.audit({ action: 'faces.consent', entity: 'patient', entityId: patientId, detail: `version ${version}` });
    }
    return this.status(db, patientId);
  }

  // ---- enrolment -----------------------------------------------------------------------

  /**
   * Indexes three photos, stores them in S3 and groups them under one Rekognition user.
   * Before the first AWS call the attempt is journalled (see `isEnrolling`), and every
   * object is recorded as soon as it exists, each in its own short transaction: no
   * transaction is held while AWS answers, and a process killed halfway leaves a row that
   * `recoverUnfinished` clears. On any failure what was created in AWS is removed again.
   * Its audit entries are written in those transactions, whatever becomes of the call.
   */
  async enrol(patientId: number, photosBase64: readonly string[], actor: Actor): Promise<FaceStatus> {
    const db = this.deps.db;
    const settings = await readFaceSettings(db);
    if (!isReadyRow(settings)) throw new AppError('FACE_CHECKIN_OFF', 'Face check-in is not set up.');
    const refuse = (state: FaceStatus['state']) =>
      new AppError('INVALID_TRANSITION', state === 'enrolled' ? 'This patient is already enrolled for face check-in.' : 'A withdrawal of face check-in is still unfinished: finish it first.', { state });
    const before = await this.status(db, patientId);
    if (before.state === 'off') throw new AppError('CONSENT_REQUIRED', "Record the patient's consent before taking photos.");
    if (before.state !== 'consented') throw refuse(before.state);
    const photos = photosBase64.map((base64) => Buffer.from(base64, 'base64'));
    photos.forEach((photo, index) => {
      if (photo.length < 100 || photo[0] !== 0xff || photo[1] !== 0xd8) {
        throw new AppError('PHOTO_UNUSABLE', `Photo ${index + 1} is not a JPEG image.`, { photo: index, reason: 'poorQuality' });
      }
    });

    const earlier = await findEnrolment(db, patientId);
    if (earlier && isEnrolling(earlier)) {
      if (this.running.has(earlier.opaque_key)) {
        throw new AppError('INVALID_TRANSITION', 'This patient is being enrolled at another desk right now.', { state: before.state });
      }
      // Left by a process that stopped halfway (one process owns the database): clear it first.
      try {
        await this.finishRemoval(earlier, actor, 'faces.enrol.abandoned');
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw cloudUnavailable(problemOf(error));
      }
      const after = await this.status(db, patientId);
      if (after.state !== 'consented') throw after.state === 'off' ? new AppError('CONSENT_REQUIRED', "Record the patient's consent before taking photos.") : refuse(after.state);
    }

    let clients: AwsClients;
    try {
      clients = await this.clientsFor(db, settings, this.desk);
    } catch (error) {
      throw cloudUnavailable(problemOf(error));
    }
    const opaqueKey = randomBytes(16).toString('hex');
    const prefix = `${normalisedPrefix(settings.key_prefix)}${opaqueKey}/`;
    const s3Keys = photos.map(() => `${prefix}${randomBytes(8).toString('hex')}.jpg`);
    const target: CloudTarget = {
      collectionId: settings.collection_id,
      bucket: settings.bucket,
      userId: null,
      faceIds: [],
      s3Keys: [],
    };

    this.hold(opaqueKey);
    try {
      const begun = await db.transaction().execute(async (trx) => {
        // Consent withdrawn, or another desk started, since the status was read.
        if ((await activeConsent(trx, patientId)) === null) return 'noConsent';
        if ((await findEnrolment(trx, patientId)) !== null) return 'busy';
        await beginEnrolment(trx, {
          patientId,
          opaqueKey,
          region: settings.region,
          collectionId: settings.collection_id,
          bucket: settings.bucket,
          at: this.deps.now(),
          staffId: actor.staffId,
          s3Keys,
        });
        return 'begun';
      });
      if (begun === 'noConsent') throw new AppError('CONSENT_REQUIRED', "Record the patient's consent before taking photos.");
      if (begun === 'busy') throw new AppError('INVALID_TRANSITION', 'This patient is being enrolled at another desk right now.', { state: 'consented' });
      return await this.enrolJournalled(clients, settings, patientId, opaqueKey, photos, s3Keys, target, actor);
    } finally {
      this.release(opaqueKey);
    }
  }

  private async enrolJournalled(
    clients: AwsClients,
    settings: FaceSettingsRow,
    patientId: number,
    opaqueKey: string,
    photos: readonly Buffer[],
    s3Keys: readonly string[],
    target: CloudTarget,
    actor: Actor,
  ): Promise<FaceStatus> {
    const db = this.deps.db;
    const journal = async (recorded: Promise<boolean>) => {
      if (!(await recorded)) throw new Superseded();
    };
    const undo = () => this.undoEnrolment(clients, patientId, opaqueKey, settings.region, target, actor, target.faceIds.length < photos.length);
    const superseded = () =>
      new AppError('CONSENT_REQUIRED', 'The consent was withdrawn (or the patient enrolled elsewhere) while the photos were being stored; nothing was kept.');
    try {
      const indexed = await this.indexAll(clients, settings.collection_id, opaqueKey, photos, target, (position, faceId) =>
        journal(recordEnrolmentFace(db, opaqueKey, position, faceId)),
      );
      const unusable = indexed.findIndex((result) => result.reason !== null);
      if (unusable >= 0) {
        const reason = indexed[unusable]!.reason!;
        await undo();
        const words = { noFace: 'shows no face', severalFaces: 'shows more than one face', poorQuality: 'is not clear enough (light, focus or pose)' };
        throw new AppError('PHOTO_UNUSABLE', `Photo ${unusable + 1} ${words[reason]}. Take it again.`, { photo: unusable, reason });
      }
      await Promise.all(
        photos.map(async (photo, position) => {
          const key = s3Keys[position]!;
          target.s3Keys.push(key);
          // No ACL: objects are private by default, and buckets with ACLs disabled (the
          // default since 2023) refuse any ACL but bucket-owner-full-control.
          await this.call(clients, (o) =>
            clients.s3.send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: photo, ContentType: 'image/jpeg', ServerSideEncryption: 'AES256' }), o),
          );
        }),
      );
      // Set before the call: a CreateUser that timed out may still have created the user.
      target.userId = opaqueKey;
      await this.call(clients, (o) => clients.rekognition.send(new CreateUserCommand({ CollectionId: settings.collection_id, UserId: opaqueKey, ClientRequestToken: opaqueKey }), o));
      await journal(recordEnrolmentUser(db, opaqueKey, opaqueKey));
      const associated = await this.call(clients, (o) =>
        clients.rekognition.send(new AssociateFacesCommand({ CollectionId: settings.collection_id, UserId: opaqueKey, FaceIds: target.faceIds, ClientRequestToken: `${opaqueKey}-a` }), o),
      );
      if ((associated.UnsuccessfulFaceAssociations ?? []).length > 0 || (associated.AssociatedFaces ?? []).length !== target.faceIds.length) throw new CloudFailure('UNKNOWN');
    } catch (error) {
      if (error instanceof AppError) throw error;
      await undo();
      if (error instanceof Superseded) throw superseded();
      throw cloudUnavailable(problemOf(error));
    }

    const at = this.deps.now();
    const recorded = await db.transaction().execute(async (trx) => {
      if ((await activeConsent(trx, patientId)) === null) return false;
      if (!(await completeEnrolment(trx, opaqueKey, at))) return false;
      await writeAudit(trx, actor, at, { action: 'faces.enrol', entity: 'patient', entityId: patientId, detail: `${target.faceIds.length} photos` });
      return true;
    });
    if (!recorded) {
      await undo();
      throw superseded();
    }
    return this.status(db, patientId);
  }

  /**
   * IndexFaces for each photo (in parallel); every face indexed is added to `target` for
   * clean-up and handed to `onFace` (the journal) before the photo counts as done.
   */
  private async indexAll(
    clients: AwsClients,
    collectionId: string,
    opaqueKey: string,
    photos: readonly Buffer[],
    target: CloudTarget,
    onFace: (position: number, faceId: string) => Promise<void>,
  ) {
    const indexOne = async (photo: Buffer, position: number) => {
      const answer = await this.call(clients, (o) =>
        clients.rekognition.send(new IndexFacesCommand({ CollectionId: collectionId, Image: { Bytes: photo }, ExternalImageId: opaqueKey, MaxFaces: 1, QualityFilter: QUALITY_FILTER, DetectionAttributes: ['DEFAULT'] }), o),
      );
      const faceIds = (answer.FaceRecords ?? []).flatMap((record) => (record.Face?.FaceId ? [record.Face.FaceId] : []));
      target.faceIds.push(...faceIds);
      // MaxFaces 1: at most one; any other is found again by its ExternalImageId.
      if (faceIds[0]) await onFace(position, faceIds[0]);
      return answer;
    };
    let settled = await Promise.allSettled(photos.map(indexOne));
    const collectionMissing = settled.every((result) => result.status === 'rejected' && result.reason instanceof CloudFailureWithCause && isNotFound(result.reason.cause));
    if (collectionMissing) {
      // A collection deleted (or never created: testConnection creates it) is made again.
      await this.call(clients, (o) => clients.rekognition.send(new CreateCollectionCommand({ CollectionId: collectionId }), o)).catch((error: unknown) => {
        if (!(error instanceof CloudFailureWithCause && (error.cause as { name?: string })?.name === 'ResourceAlreadyExistsException')) throw error;
      });
      settled = await Promise.allSettled(photos.map(indexOne));
    }
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    return settled.map((result) => ({ reason: unusableReason((result as PromiseFulfilledResult<IndexFacesResponse>).value) }));
  }

  /**
   * Removes a failed enrolment's AWS objects and its journal row. If even that fails, the
   * row stays (or is put back) as an enrolment under way, which the next recovery pass, or
   * the next enrolment of the patient, clears.
   */
  private async undoEnrolment(clients: AwsClients, patientId: number, opaqueKey: string, region: string, target: CloudTarget, actor: Actor, scan: boolean): Promise<void> {
    const db = this.deps.db;
    try {
      await this.removeFromCloud(clients, target, { user_deleted: 0, faces_deleted: 0, photos_deleted: 0 }, async () => {}, scan ? opaqueKey : null);
      await db.transaction().execute(async (trx) => {
        const row = await findEnrolmentByKey(trx, opaqueKey);
        // A withdrawal that took the row over finishes (and audits) on its own.
        if (row && isEnrolling(row)) await deleteEnrolment(trx, opaqueKey);
      });
    } catch {
      const at = this.deps.now();
      await db.transaction().execute(async (trx) => {
        if ((await findEnrolmentByKey(trx, opaqueKey)) === null) {
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
              withdrawal_started_at: null,
            },
            Array.from({ length: Math.max(target.faceIds.length, target.s3Keys.length) }, (_, position) => ({
              position,
              face_id: target.faceIds[position] ?? null,
              s3_key: target.s3Keys[position] ?? null,
            })),
          );
        }
        await writeAudit(trx, actor, at, { action: 'faces.enrol.failed', entity: 'patient', entityId: patientId, detail: 'clean-up pending' });
      });
    }
  }

  // ---- withdrawal ----------------------------------------------------------------------

  /**
   * DeleteUser, DeleteFaces, the S3 photos, then the local ids. Each AWS step is recorded
   * when done, and each is harmless to repeat (a missing user, face or object counts as
   * deleted), so a withdrawal that stopped halfway is finished by running it again.
   */
  async withdraw(patientId: number, actor: Actor, reason: 'patient' | 'retention', onChange: () => void): Promise<FaceStatus> {
    const db = this.deps.db;
    if ((await patientLanguage(db, patientId)) === null) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'patientId' });
    const action = reason === 'retention' ? 'faces.retention' : 'faces.withdraw';
    const started = await db.transaction().execute(async (trx) => {
      const at = this.deps.now();
      const withdrawn = await withdrawConsents(trx, patientId, at, actor.staffId, reason);
      // An enrolment under way here stops at its next journal write and undoes itself.
      if (await findEnrolment(trx, patientId)) await markWithdrawing(trx, patientId, at);
      const enrolment = await findEnrolment(trx, patientId);
      if (!enrolment && withdrawn > 0) {
        await writeAudit(trx, actor, at, { action, entity: 'patient', entityId: patientId, detail: 'consent withdrawn (no photos)' });
      }
      return { enrolment, changed: withdrawn > 0 || enrolment !== null };
    });
    if (started.changed) onChange();
    if (!started.enrolment) return this.status(db, patientId);
    await this.finishRemoval(started.enrolment, actor, action);
    onChange();
    return this.status(db, patientId);
  }

  /**
   * The cloud half of a withdrawal, and the local ids last; consents are not touched. The
   * recorded faces are deleted, and any other face indexed under the enrolment's opaque key
   * (ExternalImageId): one a killed process never recorded, or a retried IndexFaces made twice.
   * Each outcome is audited (`action`, or `action`.failed) in a transaction of its own.
   */
  private async finishRemoval(enrolment: EnrolmentRow, actor: Actor, action: string): Promise<void> {
    const db = this.deps.db;
    const { patient_id: patientId, opaque_key: opaqueKey } = enrolment;
    this.hold(opaqueKey);
    try {
      const photos = await photosOf(db, patientId);
      const target: CloudTarget = {
        collectionId: enrolment.collection_id,
        bucket: enrolment.bucket,
        // The user id is the opaque key: a CreateUser whose answer was never recorded still made it.
        userId: enrolment.user_id ?? opaqueKey,
        faceIds: photos.flatMap((photo) => (photo.face_id ? [photo.face_id] : [])),
        s3Keys: photos.flatMap((photo) => (photo.s3_key ? [photo.s3_key] : [])),
      };
      const found: string[] = [];
      try {
        const clients = await this.clientsFor(db, await readFaceSettings(db), this.desk, enrolment.region);
        // Also by ExternalImageId: IndexFaces has no idempotency token, so an SDK retry after a
        // lost answer can index a face nobody recorded. A clinic's collection is a few pages of
        // ListFaces: cheap for a rare action that must leave no face behind.
        await this.removeFromCloud(clients, target, enrolment, (step) => markStepDone(db, opaqueKey, step), opaqueKey, found);
      } catch (error) {
        const at = this.deps.now();
        await writeAudit(db, actor, at, { action: `${action}.failed`, entity: 'patient', entityId: patientId, detail: `problem ${problemOf(error)}; can be run again` });
        // An abandoned enrolment stays one (the consent stands): no 'withdrawing' to show.
        throw cloudUnavailable(problemOf(error), isEnrolling(enrolment) ? {} : { state: 'withdrawing' });
      }
      const faceCount = new Set([...target.faceIds, ...found]).size;
      await db.transaction().execute(async (trx) => {
        await deleteEnrolment(trx, opaqueKey);
        await writeAudit(trx, actor, this.deps.now(), {
          action,
          entity: 'patient',
          entityId: patientId,
          detail: `deleted user, ${faceCount} faces, ${target.s3Keys.length} photos`,
        });
      });
    } finally {
      this.release(opaqueKey);
    }
  }

  /**
   * Deletes the user, the faces and the photos, skipping steps `done` says are done. With
   * `scanKey`, faces indexed under that ExternalImageId are deleted too (ListFaces has no
   * filter for it: the collection is read page by page); their ids are added to `found`.
   */
  private async removeFromCloud(
    clients: AwsClients,
    target: CloudTarget,
    done: Pick<EnrolmentRow, WithdrawalStep>,
    mark: (step: WithdrawalStep) => Promise<void>,
    scanKey: string | null = null,
    found: string[] = [],
  ): Promise<void> {
    const CollectionId = target.collectionId;
    if (!done.user_deleted && target.userId) {
      const UserId = target.userId;
      await this.call(clients, (o) => clients.rekognition.send(new DeleteUserCommand({ CollectionId, UserId, ClientRequestToken: `${UserId}-d` }), o)).catch(ignoreNotFound);
      await mark('user_deleted');
    }
    if (!done.faces_deleted) {
      if (scanKey !== null) found.push(...(await this.facesIndexedAs(clients, CollectionId, scanKey)));
      const FaceIds = [...new Set([...target.faceIds, ...found])];
      for (let from = 0; from < FaceIds.length; from += MAX_DELETE_FACES) {
        const batch = FaceIds.slice(from, from + MAX_DELETE_FACES);
        const answer = await this.call(clients, (o) => clients.rekognition.send(new DeleteFacesCommand({ CollectionId, FaceIds: batch }), o)).catch(ignoreNotFound);
        const stuck = (answer?.UnsuccessfulFaceDeletions ?? []).filter((failure) => !(failure.Reasons ?? []).every((why) => why === 'FACE_NOT_FOUND'));
        if (stuck.length > 0) throw new CloudFailure('UNKNOWN');
      }
      if (FaceIds.length > 0 || scanKey !== null) await mark('faces_deleted');
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

  /** Face ids in the collection indexed with this ExternalImageId; none when the collection is gone. */
  private async facesIndexedAs(clients: AwsClients, CollectionId: string, externalImageId: string): Promise<string[]> {
    const ids: string[] = [];
    let NextToken: string | undefined;
    do {
      const token = NextToken;
      const page = await this.call(clients, (o) => clients.rekognition.send(new ListFacesCommand({ CollectionId, MaxResults: LIST_FACES_PAGE, NextToken: token }), o)).catch(ignoreNotFound);
      if (!page) break;
      for (const face of page.Faces ?? []) if (face.FaceId && face.ExternalImageId === externalImageId) ids.push(face.FaceId);
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    return ids;
  }

  // ---- recovery ------------------------------------------------------------------------

  /**
   * Clears what a process killed halfway left behind: enrolments under way, and withdrawals
   * started, more than a few minutes ago and not running here. An abandoned enrolment goes
   * through the withdrawal path but keeps the consent (the patient said yes; the enrolment is
   * what failed), so the patient is back to `consented`. Quiet when AWS has no credentials.
   * Returns how many were cleared and how many are too young to judge yet.
   */
  async recoverUnfinished(actor: Actor, onChange: (patientId: number) => void): Promise<{ cleared: number; pending: number }> {
    const db = this.deps.db;
    const stale = (await unfinishedBefore(db, this.deps.now() - ABANDONED_AFTER_MS)).filter((row) => !this.running.has(row.opaque_key));
    const staleKeys = new Set(stale.map((row) => row.opaque_key));
    const pending = (await unfinishedKeys(db)).filter((key) => !staleKeys.has(key) && !this.running.has(key)).length;
    if (stale.length === 0 || !(await this.hasCredentials(db, await readFaceSettings(db)))) return { cleared: 0, pending };
    let cleared = 0;
    for (const row of stale) {
      try {
        await this.finishRemoval(row, actor, isEnrolling(row) ? 'faces.enrol.abandoned' : 'faces.withdraw');
        cleared++;
        onChange(row.patient_id);
      } catch (error) {
        // The next pass tries again; the audit log already says what failed.
        if (!(error instanceof AppError)) throw error;
      }
    }
    return { cleared, pending };
  }

  // ---- retention -----------------------------------------------------------------------

  /**
   * Withdraws the enrolments (and open consents) of patients not seen for the retention
   * time, after clearing what a crashed process left behind.
   */
  async applyRetention(actor: Actor, onChange: (patientId: number) => void): Promise<number> {
    const db = this.deps.db;
    await this.recoverUnfinished(actor, onChange);
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

/** The journal row is no longer this enrolment's (withdrawn meanwhile): stop and undo. */
class Superseded extends Error {
  constructor() {
    super('the enrolment was withdrawn while it ran');
  }
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

