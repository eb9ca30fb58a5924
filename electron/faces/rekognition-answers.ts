import type { AssociateFacesResponse, IndexFacesResponse } from '@aws-sdk/client-rekognition';

/** What Rekognition's answers say about the enrolment photos. */

/** Why a photo cannot be used, from IndexFaces' answer with MaxFaces 1; null when it holds exactly one good face. */
export function unusableReason(answer: IndexFacesResponse): 'noFace' | 'severalFaces' | 'poorQuality' | null {
  const records = answer.FaceRecords ?? [];
  const unindexed = answer.UnindexedFaces ?? [];
  if (unindexed.some((face) => (face.Reasons ?? []).includes('EXCEEDS_MAX_FACES'))) return 'severalFaces';
  if (records.length === 1) return null;
  if (records.length > 1) return 'severalFaces';
  return unindexed.length > 0 ? 'poorQuality' : 'noFace';
}

/**
 * AssociateFaces answers 200 even when it refuses faces; LOW_MATCH_CONFIDENCE means a face is
 * too unlike the user's others: the photos are not all of one person. The refused photos'
 * positions (by `positionOf`, face id → position), or null when no face was refused for that.
 */
export function photosUnlike(answer: AssociateFacesResponse, positionOf: ReadonlyMap<string, number>): number[] | null {
  const unlike = (answer.UnsuccessfulFaceAssociations ?? []).filter((failure) => (failure.Reasons ?? []).includes('LOW_MATCH_CONFIDENCE'));
  if (unlike.length === 0) return null;
  return unlike.flatMap((failure) => positionOf.get(failure.FaceId ?? '') ?? []).sort((a, b) => a - b);
}
