import { SearchUsersByImageCommand } from '@aws-sdk/client-rekognition';
import type { Kysely } from 'kysely';
import type { AwsProblem } from '../../shared/faces/faces.contract';
import type { Database } from '../db/schema';
import { isNoFaceError, isReadyRow, problemOf, QUALITY_FILTER, type FaceCloud } from './faces-cloud';
import { enrolledPatientOfUser, readFaceSettings } from './faces.repository';

/** What the kiosk's photo showed, before any check-in. */
export type Identification =
  | { kind: 'match'; patientId: number; similarity: number }
  | { kind: 'notRecognised'; reason: 'noFace' | 'noMatch' | 'unavailable' | 'off'; problem?: AwsProblem };

/** Identification at the kiosk, on the kiosk's short AWS budget. */
export class FaceIdentificationService {
  constructor(private readonly cloud: FaceCloud) {}

  /** Who is in the frame, if anyone enrolled: SearchUsersByImage, then the local ids. The frame is not kept. */
  async identify(db: Kysely<Database>, image: Buffer): Promise<Identification> {
    const cloud = this.cloud;
    const settings = await readFaceSettings(db);
    if (!isReadyRow(settings)) return { kind: 'notRecognised', reason: 'off' };
    if (image.length < 100 || image[0] !== 0xff || image[1] !== 0xd8) return { kind: 'notRecognised', reason: 'noFace' };
    try {
      const clients = await cloud.clientsFor(db, settings, cloud.kiosk);
      const answer = await cloud.call(clients, (o) =>
        clients.rekognition.send(
          new SearchUsersByImageCommand({
            CollectionId: settings.collection_id,
            Image: { Bytes: image },
            UserMatchThreshold: settings.match_threshold,
            MaxUsers: 2,
            QualityFilter: QUALITY_FILTER,
          }),
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
