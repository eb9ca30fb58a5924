import { randomBytes } from 'node:crypto';
import { AssociateFacesCommand, CreateCollectionCommand, CreateUserCommand, IndexFacesCommand, type IndexFacesResponse } from '@aws-sdk/client-rekognition';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Kysely } from 'kysely';
import type { Locale } from '../../shared/contract/common';
import { AppError } from '../../shared/contract/errors';
import { consentTextFor, CONSENT_VERSION } from '../../shared/faces/consent-text';
import type { ConsentText, FaceStatus } from '../../shared/faces/faces.contract';
import { writeAudit, type Actor } from '../audit/audit';
import type { Database } from '../db/schema';
import type { RequestContext } from '../rpc/context';
import { readSettings } from '../settings/settings.repository';
import type { AwsClients } from './aws-clients';
import { photosUnlike, unusableReason } from './rekognition-answers';
import { CloudFailure, CloudFailureWithCause, cloudUnavailable, isCloudNotFound, isReadyRow, problemOf, QUALITY_FILTER, type FaceCloud } from './faces-cloud';
import type { CloudTarget, FaceRemoval, RunningKeys } from './faces-removal';
import {
  activeConsent,
  beginEnrolment,
  completeEnrolment,
  deleteEnrolment,
  findEnrolment,
  findEnrolmentByKey,
  insertConsent,
  insertEnrolment,
  isEnrolling,
  patientLanguage,
  photosOf,
  readFaceSettings,
  recordEnrolmentFace,
  recordEnrolmentUser,
  type FaceSettingsRow,
} from './faces.repository';

export interface FaceEnrolmentDeps {
  db: Kysely<Database>;
  now: () => number;
  cloud: FaceCloud;
  removal: FaceRemoval;
  running: RunningKeys;
}

/** Where a patient stands: no consent, consented, enrolled, or a withdrawal left unfinished. */
export async function faceStatus(db: Kysely<Database>, patientId: number): Promise<FaceStatus> {
  if ((await patientLanguage(db, patientId)) === null) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'patientId' });
  const enrolment = await findEnrolment(db, patientId);
  const consent = await activeConsent(db, patientId);
  const photos = enrolment ? await photosOf(db, patientId) : [];
  // An enrolment under way (or abandoned, awaiting clean-up) is not one yet: the consent stands.
  const state: FaceStatus['state'] = !enrolment
    ? consent
      ? 'consented'
      : 'off'
    : isEnrolling(enrolment)
      ? consent
        ? 'consented'
        : 'withdrawing'
      : enrolment.state;
  return {
    patientId,
    state,
    consent: consent && state !== 'withdrawing' ? { version: consent.version, at: consent.agreed_at, staffName: consent.staff_name ?? '' } : null,
    enrolledAt: enrolment?.state === 'enrolled' ? enrolment.enrolled_at : null,
    faceCount: enrolment?.state === 'enrolled' ? photos.filter((photo) => photo.face_id !== null).length : 0,
  };
}

/** Consent (the versioned text, the patient's yes) and enrolment (three photos into AWS). */
export class FaceEnrolmentService {
  constructor(private readonly deps: FaceEnrolmentDeps) {}

  status(db: Kysely<Database>, patientId: number): Promise<FaceStatus> {
    return faceStatus(db, patientId);
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
    if ((await faceStatus(db, patientId)).state === 'withdrawing')
      throw new AppError('INVALID_TRANSITION', 'A withdrawal of face check-in is still unfinished: finish it first.');
    const current = await activeConsent(db, patientId);
    if (current?.version !== version) {
      await insertConsent(db, { patientId, version, locale: language, at: req.now, staffId: req.actor.staffId });
      req.audit({ action: 'faces.consent', entity: 'patient', entityId: patientId, detail: `version ${version}` });
    }
    return faceStatus(db, patientId);
  }

  /**
   * Indexes three photos, stores them in S3 and groups them under one Rekognition user.
   * Before the first AWS call the attempt is journalled (see `isEnrolling`), and every
   * object is recorded as soon as it exists, each in its own short transaction: no
   * transaction is held while AWS answers, and a process killed halfway leaves a row that
   * `recoverUnfinished` clears. On any failure what was created in AWS is removed again.
   * Its audit entries are written in those transactions, whatever becomes of the call.
   */
  async enrol(patientId: number, photosBase64: readonly string[], actor: Actor): Promise<FaceStatus> {
    const { db, cloud, running } = this.deps;
    const settings = await readFaceSettings(db);
    if (!isReadyRow(settings)) throw new AppError('FACE_CHECKIN_OFF', 'Face check-in is not set up.');
    const refuse = (state: FaceStatus['state']) =>
      new AppError(
        'INVALID_TRANSITION',
        state === 'enrolled' ? 'This patient is already enrolled for face check-in.' : 'A withdrawal of face check-in is still unfinished: finish it first.',
        { state },
      );
    const before = await faceStatus(db, patientId);
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
      if (running.has(earlier.opaque_key)) {
        throw new AppError('INVALID_TRANSITION', 'This patient is being enrolled at another desk right now.', { state: before.state });
      }
      // Left by a process that stopped halfway (one process owns the database): clear it first.
      try {
        await this.deps.removal.finishRemoval(earlier, actor, 'faces.enrol.abandoned');
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw cloudUnavailable(problemOf(error));
      }
      const after = await faceStatus(db, patientId);
      if (after.state !== 'consented')
        throw after.state === 'off' ? new AppError('CONSENT_REQUIRED', "Record the patient's consent before taking photos.") : refuse(after.state);
    }

    let clients: AwsClients;
    try {
      clients = await cloud.clientsFor(db, settings, cloud.desk);
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

    running.hold(opaqueKey);
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
      running.release(opaqueKey);
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
    const { db, cloud } = this.deps;
    const journal = async (recorded: Promise<boolean>) => {
      if (!(await recorded)) throw new Superseded();
    };
    const undo = () => this.undoEnrolment(clients, patientId, opaqueKey, settings.region, target, actor, target.faceIds.length < photos.length);
    const superseded = () =>
      new AppError('CONSENT_REQUIRED', 'The consent was withdrawn (or the patient enrolled elsewhere) while the photos were being stored; nothing was kept.');
    try {
      const positionOf = new Map<string, number>();
      const indexed = await this.indexAll(clients, settings.collection_id, opaqueKey, photos, target, (position, faceId) => {
        positionOf.set(faceId, position);
        return journal(recordEnrolmentFace(db, opaqueKey, position, faceId));
      });
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
          await cloud.call(clients, (o) =>
            clients.s3.send(
              new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: photo, ContentType: 'image/jpeg', ServerSideEncryption: 'AES256' }),
              o,
            ),
          );
        }),
      );
      // Set before the call: a CreateUser that timed out may still have created the user.
      target.userId = opaqueKey;
      await cloud.call(clients, (o) =>
        clients.rekognition.send(new CreateUserCommand({ CollectionId: settings.collection_id, UserId: opaqueKey, ClientRequestToken: opaqueKey }), o),
      );
      await journal(recordEnrolmentUser(db, opaqueKey, opaqueKey));
      const associated = await cloud.call(clients, (o) =>
        clients.rekognition.send(
          new AssociateFacesCommand({ CollectionId: settings.collection_id, UserId: opaqueKey, FaceIds: target.faceIds, ClientRequestToken: `${opaqueKey}-a` }),
          o,
        ),
      );
      const unlike = photosUnlike(associated, positionOf);
      if (unlike !== null) {
        await undo();
        throw new AppError('PHOTOS_NOT_SAME_PERSON', 'The photos do not show the same person; nothing was kept. Take new photos.', { photos: unlike });
      }
      if ((associated.UnsuccessfulFaceAssociations ?? []).length > 0 || (associated.AssociatedFaces ?? []).length !== target.faceIds.length)
        throw new CloudFailure('UNKNOWN');
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
    return faceStatus(db, patientId);
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
    const cloud = this.deps.cloud;
    const indexOne = async (photo: Buffer, position: number) => {
      const answer = await cloud.call(clients, (o) =>
        clients.rekognition.send(
          new IndexFacesCommand({
            CollectionId: collectionId,
            Image: { Bytes: photo },
            ExternalImageId: opaqueKey,
            MaxFaces: 1,
            QualityFilter: QUALITY_FILTER,
            DetectionAttributes: ['DEFAULT'],
          }),
          o,
        ),
      );
      const faceIds = (answer.FaceRecords ?? []).flatMap((record) => (record.Face?.FaceId ? [record.Face.FaceId] : []));
      target.faceIds.push(...faceIds);
      // MaxFaces 1: at most one; any other is found again by its ExternalImageId.
      if (faceIds[0]) await onFace(position, faceIds[0]);
      return answer;
    };
    let settled = await Promise.allSettled(photos.map(indexOne));
    const collectionMissing = settled.every((result) => result.status === 'rejected' && isCloudNotFound(result.reason));
    if (collectionMissing) {
      // A collection deleted (or never created: testConnection creates it) is made again.
      await cloud
        .call(clients, (o) => clients.rekognition.send(new CreateCollectionCommand({ CollectionId: collectionId }), o))
        .catch((error: unknown) => {
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
  private async undoEnrolment(
    clients: AwsClients,
    patientId: number,
    opaqueKey: string,
    region: string,
    target: CloudTarget,
    actor: Actor,
    scan: boolean,
  ): Promise<void> {
    const db = this.deps.db;
    try {
      await this.deps.removal.removeFromCloud(
        clients,
        target,
        { user_deleted: 0, faces_deleted: 0, photos_deleted: 0 },
        async () => {},
        scan ? opaqueKey : null,
      );
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
}

/** The journal row is no longer this enrolment's (withdrawn meanwhile): stop and undo. */
class Superseded extends Error {
  constructor() {
    super('the enrolment was withdrawn while it ran');
  }
}

function normalisedPrefix(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}
