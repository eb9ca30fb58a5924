import { randomUUID } from 'node:crypto';
import { detect, faceDetail, readImage } from './images';
import { AwsError, FACE_MODEL_VERSION, collectionOf, strArray, type FakeState, type Operations } from './state';

/** IndexFaces, ListFaces, DeleteFaces. */
export function faceOperations(state: FakeState): Pick<Operations, 'IndexFaces' | 'ListFaces' | 'DeleteFaces'> {
  return {
    IndexFaces(body, req) {
      const c = collectionOf(state, body);
      const image = readImage(state, body);
      req.imageBytes = image.bytes;
      const maxFaces = typeof body.MaxFaces === 'number' ? body.MaxFaces : 100;
      const externalImageId = typeof body.ExternalImageId === 'string' ? body.ExternalImageId : null;
      const qualityFilter = typeof body.QualityFilter === 'string' ? body.QualityFilter : 'AUTO';
      const imageId = randomUUID();
      const records: unknown[] = [];
      const unindexed: unknown[] = [];
      detect(image, qualityFilter).forEach((face, index) => {
        const detail = faceDetail(index);
        if (face.lowQuality) {
          unindexed.push({ Reasons: ['LOW_BRIGHTNESS', 'LOW_FACE_QUALITY'], FaceDetail: detail });
        } else if (records.length >= maxFaces) {
          unindexed.push({ Reasons: ['EXCEEDS_MAX_FACES'], FaceDetail: detail });
        } else {
          const faceId = randomUUID();
          c.faces.set(faceId, { collectionId: c.id, faceId, imageId, externalImageId, userId: null, signature: face.signature });
          records.push({
            Face: {
              FaceId: faceId,
              BoundingBox: detail.BoundingBox,
              ImageId: imageId,
              ExternalImageId: externalImageId ?? undefined,
              Confidence: 99.9,
              IndexFacesModelVersion: FACE_MODEL_VERSION,
            },
            FaceDetail: detail,
          });
        }
      });
      return { FaceRecords: records, FaceModelVersion: FACE_MODEL_VERSION, UnindexedFaces: unindexed };
    },
    ListFaces(body) {
      const c = collectionOf(state, body);
      const userId = typeof body.UserId === 'string' ? body.UserId : null;
      const faceIds = Array.isArray(body.FaceIds) ? new Set(body.FaceIds as string[]) : null;
      // MaxResults is 0–4096 (PageSize); the real default is not documented, 1000 here.
      const maxResults = typeof body.MaxResults === 'number' ? body.MaxResults : 1000;
      // The token is opaque to callers; here, the offset into the (insertion-ordered) list.
      const from = typeof body.NextToken === 'string' ? Number.parseInt(Buffer.from(body.NextToken, 'base64').toString(), 10) : 0;
      if (!Number.isInteger(from) || from < 0) throw new AwsError('InvalidPaginationTokenException', 'Invalid pagination token');
      const faces = [...c.faces.values()].filter((f) => (userId === null || f.userId === userId) && (faceIds === null || faceIds.has(f.faceId)));
      const page = faces.slice(from, from + maxResults);
      const next = from + page.length < faces.length ? Buffer.from(String(from + page.length)).toString('base64') : undefined;
      return {
        Faces: page.map((f) => ({
          FaceId: f.faceId,
          ImageId: f.imageId,
          ExternalImageId: f.externalImageId ?? undefined,
          UserId: f.userId ?? undefined,
          Confidence: 99.9,
          IndexFacesModelVersion: FACE_MODEL_VERSION,
        })),
        NextToken: next,
        FaceModelVersion: FACE_MODEL_VERSION,
      };
    },
    DeleteFaces(body) {
      const c = collectionOf(state, body);
      const ids = strArray(body, 'FaceIds');
      const deleted: string[] = [];
      const unsuccessful: unknown[] = [];
      for (const id of ids) {
        const face = c.faces.get(id);
        if (!face) unsuccessful.push({ FaceId: id, Reasons: ['FACE_NOT_FOUND'] });
        else if (face.userId !== null) unsuccessful.push({ FaceId: id, UserId: face.userId, Reasons: ['ASSOCIATED_TO_AN_EXISTING_USER'] });
        else {
          c.faces.delete(id);
          deleted.push(id);
        }
      }
      return { DeletedFaces: deleted, UnsuccessfulFaceDeletions: unsuccessful };
    },
  };
}
