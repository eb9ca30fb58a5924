import { similarity } from '../face-signature';
import { AwsError, collectionOf, str, strArray, type FakeState, type Operations } from './state';

/** CreateUser, DeleteUser, ListUsers, AssociateFaces (which refuses a face too unlike the user's: LOW_MATCH_CONFIDENCE). */
export function userOperations(state: FakeState): Pick<Operations, 'CreateUser' | 'DeleteUser' | 'ListUsers' | 'AssociateFaces'> {
  return {
    CreateUser(body) {
      const c = collectionOf(state, body);
      const userId = str(body, 'UserId');
      if (!/^[a-zA-Z0-9_.\-:]{1,128}$/.test(userId)) throw new AwsError('InvalidParameterException', 'Request has invalid parameters');
      if (c.users.has(userId)) throw new AwsError('ConflictException', 'A User with the same Id already exists');
      c.users.set(userId, { userId, faceIds: new Set() });
      return {};
    },
    DeleteUser(body) {
      const c = collectionOf(state, body);
      const userId = str(body, 'UserId');
      const user = c.users.get(userId);
      if (!user) throw new AwsError('ResourceNotFoundException', `The user id: ${userId} does not exist`);
      for (const faceId of user.faceIds) {
        const face = c.faces.get(faceId);
        if (face) face.userId = null;
      }
      c.users.delete(userId);
      return {};
    },
    ListUsers(body) {
      const c = collectionOf(state, body);
      return { Users: [...c.users.values()].map((u) => ({ UserId: u.userId, UserStatus: 'ACTIVE' })) };
    },
    AssociateFaces(body) {
      const c = collectionOf(state, body);
      const userId = str(body, 'UserId');
      const user = c.users.get(userId);
      if (!user) throw new AwsError('ResourceNotFoundException', `The user id: ${userId} does not exist`);
      // Documented: UserMatchThreshold, 0–100, default 75: the least confidence that a face is the user's.
      const threshold = typeof body.UserMatchThreshold === 'number' ? body.UserMatchThreshold : 75;
      if (threshold < 0 || threshold > 100) throw new AwsError('InvalidParameterException', 'Request has invalid parameters: UserMatchThreshold');
      const associated: unknown[] = [];
      const unsuccessful: unknown[] = [];
      for (const faceId of strArray(body, 'FaceIds')) {
        const face = c.faces.get(faceId);
        if (!face) {
          unsuccessful.push({ FaceId: faceId, Reasons: ['FACE_NOT_FOUND'] });
          continue;
        }
        if (face.userId !== null && face.userId !== userId) {
          unsuccessful.push({ FaceId: faceId, UserId: face.userId, Reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] });
          continue;
        }
        // The user's faces (those associated earlier in this call too) say who the user is;
        // a user without faces takes the first one.
        const others = [...user.faceIds].filter((id) => id !== faceId).flatMap((id) => c.faces.get(id) ?? []);
        const confidence = others.length === 0 ? 100 : Math.max(...others.map((other) => similarity(face.signature, other.signature)));
        if (confidence < threshold) {
          unsuccessful.push({ FaceId: faceId, UserId: userId, Confidence: confidence, Reasons: ['LOW_MATCH_CONFIDENCE'] });
          continue;
        }
        face.userId = userId;
        user.faceIds.add(faceId);
        associated.push({ FaceId: faceId });
      }
      return { AssociatedFaces: associated, UnsuccessfulFaceAssociations: unsuccessful, UserStatus: 'ACTIVE' };
    },
  };
}
