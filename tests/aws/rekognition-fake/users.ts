import { AwsError, collectionOf, str, strArray, type FakeState, type Operations } from './state';

/** CreateUser, DeleteUser, ListUsers, AssociateFaces. */
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
      const associated: unknown[] = [];
      const unsuccessful: unknown[] = [];
      for (const faceId of strArray(body, 'FaceIds')) {
        const face = c.faces.get(faceId);
        if (!face) unsuccessful.push({ FaceId: faceId, Reasons: ['FACE_NOT_FOUND'] });
        else if (face.userId !== null && face.userId !== userId)
          unsuccessful.push({ FaceId: faceId, UserId: face.userId, Reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] });
        else {
          face.userId = userId;
          user.faceIds.add(faceId);
          associated.push({ FaceId: faceId });
        }
      }
      return { AssociatedFaces: associated, UnsuccessfulFaceAssociations: unsuccessful, UserStatus: 'ACTIVE' };
    },
  };
}
