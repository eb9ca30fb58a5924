import { similarity } from '../face-signature';
import { detect, faceDetail, readImage } from './images';
import { FACE_MODEL_VERSION, collectionOf, type FakeState, type Operations } from './state';
import { userStatus } from './users';

/** SearchUsersByImage: the largest face in the image against every user's faces. */
export function searchOperations(state: FakeState): Pick<Operations, 'SearchUsersByImage'> {
  return {
    SearchUsersByImage(body, req) {
      const c = collectionOf(state, body);
      const image = readImage(state, body);
      req.imageBytes = image.bytes;
      const threshold = typeof body.UserMatchThreshold === 'number' ? body.UserMatchThreshold : 80;
      const maxUsers = typeof body.MaxUsers === 'number' ? body.MaxUsers : 100;
      const qualityFilter = typeof body.QualityFilter === 'string' ? body.QualityFilter : 'NONE';
      const faces = detect(image, qualityFilter);
      const [largest, ...others] = faces;
      const unsearched = others.map((_, i) => ({ Reasons: ['FACE_NOT_LARGEST'], FaceDetails: faceDetail(i + 1) }));
      // Documented: no valid face gives an empty UserMatches list and no SearchedFace.
      if (!largest || largest.lowQuality) {
        return {
          UserMatches: [],
          FaceModelVersion: FACE_MODEL_VERSION,
          UnsearchedFaces: largest ? [{ Reasons: ['LOW_FACE_QUALITY'], FaceDetails: faceDetail(0) }, ...unsearched] : [],
        };
      }
      const matches = [...c.users.values()]
        .map((user) => {
          let best = 0;
          for (const faceId of user.faceIds) {
            const face = c.faces.get(faceId);
            if (face) best = Math.max(best, similarity(largest.signature, face.signature));
          }
          return { Similarity: best, User: { UserId: user.userId, UserStatus: userStatus(user) } };
        })
        .filter((m) => m.User && m.Similarity >= threshold && c.users.get(m.User.UserId)!.faceIds.size > 0)
        .sort((a, b) => b.Similarity - a.Similarity)
        .slice(0, maxUsers);
      return { UserMatches: matches, FaceModelVersion: FACE_MODEL_VERSION, SearchedFace: { FaceDetail: faceDetail(0) }, UnsearchedFaces: unsearched };
    },
  };
}
