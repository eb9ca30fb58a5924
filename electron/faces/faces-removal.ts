import { DeleteFacesCommand, DeleteUserCommand, ListFacesCommand } from '@aws-sdk/client-rekognition';
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import type { Kysely } from 'kysely';
import { writeAudit, type Actor } from '../audit/audit';
import type { Database } from '../db/schema';
import { bucketProblemOf, type AwsClients } from './aws-clients';
import { CloudFailure, cloudUnavailable, ignoreNotFound, problemOf, type FaceCloud } from './faces-cloud';
import { deleteEnrolment, isEnrolling, markStepDone, photosOf, readFaceSettings, type EnrolmentRow, type WithdrawalStep } from './faces.repository';

/** ListFaces' largest page, and DeleteFaces' largest batch. */
const LIST_FACES_PAGE = 4096;
const MAX_DELETE_FACES = 4096;

/** Where an enrolment's AWS objects are. */
export interface CloudTarget {
  collectionId: string;
  bucket: string;
  userId: string | null;
  faceIds: string[];
  s3Keys: string[];
}

/** Opaque keys of enrolments and clean-ups running in this process: never abandoned. */
export class RunningKeys {
  private readonly running = new Map<string, number>();

  has(opaqueKey: string): boolean {
    return this.running.has(opaqueKey);
  }

  hold(opaqueKey: string): void {
    this.running.set(opaqueKey, (this.running.get(opaqueKey) ?? 0) + 1);
  }

  release(opaqueKey: string): void {
    const left = (this.running.get(opaqueKey) ?? 1) - 1;
    if (left > 0) this.running.set(opaqueKey, left);
    else this.running.delete(opaqueKey);
  }
}

export interface FaceRemovalDeps {
  db: Kysely<Database>;
  now: () => number;
  cloud: FaceCloud;
  running: RunningKeys;
}

/**
 * Deleting an enrolment's AWS objects and then its journal row: the cloud half of a
 * withdrawal, the clean-up of an abandoned enrolment, and the undo of a failed one.
 */
export class FaceRemoval {
  constructor(private readonly deps: FaceRemovalDeps) {}

  /**
   * The cloud half of a withdrawal, and the local ids last; consents are not touched. The
   * recorded faces are deleted, and any other face indexed under the enrolment's opaque key
   * (ExternalImageId): one a killed process never recorded, or a retried IndexFaces made twice.
   * Each outcome is audited (`action`, or `action`.failed) in a transaction of its own.
   */
  async finishRemoval(enrolment: EnrolmentRow, actor: Actor, action: string): Promise<void> {
    const { db, cloud, running } = this.deps;
    const { patient_id: patientId, opaque_key: opaqueKey } = enrolment;
    running.hold(opaqueKey);
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
        const clients = await cloud.clientsFor(db, await readFaceSettings(db), cloud.desk, enrolment.region);
        // Also by ExternalImageId: IndexFaces has no idempotency token, so an SDK retry after a
        // lost answer can index a face nobody recorded. A clinic's collection is a few pages of
        // ListFaces: cheap for a rare action that must leave no face behind.
        await this.removeFromCloud(clients, target, enrolment, (step) => markStepDone(db, opaqueKey, step), opaqueKey, found);
      } catch (error) {
        const at = this.deps.now();
        await writeAudit(db, actor, at, {
          action: `${action}.failed`,
          entity: 'patient',
          entityId: patientId,
          detail: `problem ${problemOf(error)}; can be run again`,
        });
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
      running.release(opaqueKey);
    }
  }

  /**
   * Deletes the user, the faces and the photos, skipping steps `done` says are done. With
   * `scanKey`, faces indexed under that ExternalImageId are deleted too (ListFaces has no
   * filter for it: the collection is read page by page); their ids are added to `found`.
   */
  async removeFromCloud(
    clients: AwsClients,
    target: CloudTarget,
    done: Pick<EnrolmentRow, WithdrawalStep>,
    mark: (step: WithdrawalStep) => Promise<void>,
    scanKey: string | null = null,
    found: string[] = [],
  ): Promise<void> {
    const cloud = this.deps.cloud;
    const CollectionId = target.collectionId;
    if (!done.user_deleted && target.userId) {
      const UserId = target.userId;
      await cloud
        .call(clients, (o) => clients.rekognition.send(new DeleteUserCommand({ CollectionId, UserId, ClientRequestToken: `${UserId}-d` }), o))
        .catch(ignoreNotFound);
      await mark('user_deleted');
    }
    if (!done.faces_deleted) {
      if (scanKey !== null) found.push(...(await this.facesIndexedAs(clients, CollectionId, scanKey)));
      const FaceIds = [...new Set([...target.faceIds, ...found])];
      for (let from = 0; from < FaceIds.length; from += MAX_DELETE_FACES) {
        const batch = FaceIds.slice(from, from + MAX_DELETE_FACES);
        const answer = await cloud
          .call(clients, (o) => clients.rekognition.send(new DeleteFacesCommand({ CollectionId, FaceIds: batch }), o))
          .catch(ignoreNotFound);
        const stuck = (answer?.UnsuccessfulFaceDeletions ?? []).filter((failure) => !(failure.Reasons ?? []).every((why) => why === 'FACE_NOT_FOUND'));
        if (stuck.length > 0) throw new CloudFailure('UNKNOWN');
      }
      if (FaceIds.length > 0 || scanKey !== null) await mark('faces_deleted');
    }
    if (!done.photos_deleted && target.s3Keys.length > 0) {
      const Objects = target.s3Keys.map((Key) => ({ Key }));
      const answer = await cloud
        .call(clients, (o) => clients.s3.send(new DeleteObjectsCommand({ Bucket: target.bucket, Delete: { Objects, Quiet: true } }), o), bucketProblemOf)
        .catch((error: unknown) => {
          // A bucket that is gone holds no photos.
          if (error instanceof CloudFailure && error.problem === 'NO_SUCH_BUCKET') return undefined;
          throw error;
        });
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
      const page = await this.deps.cloud
        .call(clients, (o) => clients.rekognition.send(new ListFacesCommand({ CollectionId, MaxResults: LIST_FACES_PAGE, NextToken: token }), o))
        .catch(ignoreNotFound);
      if (!page) break;
      for (const face of page.Faces ?? []) if (face.FaceId && face.ExternalImageId === externalImageId) ids.push(face.FaceId);
      NextToken = page.NextToken || undefined;
    } while (NextToken);
    return ids;
  }
}
