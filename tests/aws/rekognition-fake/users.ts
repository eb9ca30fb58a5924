import { similarity } from '../face-signature';
import { AwsError, collectionOf, str, strArray, type Collection, type FakeState, type Operations } from './state';

/** The API reference: a user holds at most 100 faces. */
const MAX_FACES_PER_USER = 100;

/**
 * UserStatus as the API reference defines it: CREATED until a face is associated, ACTIVE once
 * its associations are complete (the fake completes them within the call, so it never shows
 * UPDATING or CREATING).
 */
export function userStatus(user: { faceIds: ReadonlySet<string> }): 'CREATED' | 'ACTIVE' {
  return user.faceIds.size === 0 ? 'CREATED' : 'ACTIVE';
}

function userOf(c: Collection, userId: string) {
  const user = c.users.get(userId);
  if (!user) throw new AwsError('ResourceNotFoundException', `The user id: ${userId} does not exist`);
  return user;
}

/** CreateUser, DeleteUser, ListUsers, AssociateFaces (which refuses a face too unlike the user's: LOW_MATCH_CONFIDENCE). */
export function userOperations(state: FakeState): Pick<Operations, 'CreateUser' | 'DeleteUser' | 'ListUsers' | 'AssociateFaces'> {
  return {
    CreateUser(body) {
      const c = collectionOf(state, body);
      const userId = str(body, 'UserId');
      if (c.users.has(userId)) throw new AwsError('ConflictException', 'A User with the same Id already exists');
      c.users.set(userId, { userId, faceIds: new Set() });
      return {};
    },
    DeleteUser(body) {
      const c = collectionOf(state, body);
      const user = userOf(c, str(body, 'UserId'));
      for (const faceId of user.faceIds) {
        const face = c.faces.get(faceId);
        if (face) face.userId = null;
      }
      c.users.delete(user.userId);
      return {};
    },
    ListUsers(body) {
      const c = collectionOf(state, body);
      // The reference caps MaxResults at 500 and gives no default; 500 here.
      const maxResults = typeof body.MaxResults === 'number' ? body.MaxResults : 500;
      const from = typeof body.NextToken === 'string' ? Number.parseInt(Buffer.from(body.NextToken, 'base64').toString(), 10) : 0;
      if (!Number.isInteger(from) || from < 0) throw new AwsError('InvalidPaginationTokenException', 'Invalid pagination token');
      const users = [...c.users.values()];
      const page = users.slice(from, from + maxResults);
      const next = from + page.length < users.length ? Buffer.from(String(from + page.length)).toString('base64') : undefined;
      return { Users: page.map((u) => ({ UserId: u.userId, UserStatus: userStatus(u) })), NextToken: next };
    },
    AssociateFaces(body) {
      const c = collectionOf(state, body);
      const user = userOf(c, str(body, 'UserId'));
      if (user.faceIds.size >= MAX_FACES_PER_USER) {
        throw new AwsError('ServiceQuotaExceededException', `The user ${user.userId} already has ${MAX_FACES_PER_USER} faces associated`);
      }
      // Documented: UserMatchThreshold, 0–100, default 75: the least confidence that a face is the user's.
      const threshold = typeof body.UserMatchThreshold === 'number' ? body.UserMatchThreshold : 75;
      const associated: unknown[] = [];
      const unsuccessful: unknown[] = [];
      for (const faceId of new Set(strArray(body, 'FaceIds'))) {
        const face = c.faces.get(faceId);
        if (!face) {
          unsuccessful.push({ FaceId: faceId, Reasons: ['FACE_NOT_FOUND'] });
          continue;
        }
        // Documented: a face already associated with this user is ignored, in neither list.
        if (face.userId === user.userId) continue;
        if (face.userId !== null) {
          unsuccessful.push({ FaceId: faceId, UserId: face.userId, Reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] });
          continue;
        }
        // Documented: past 100 faces a face is unsuccessful; the reasons' enum has no value for it.
        if (user.faceIds.size >= MAX_FACES_PER_USER) {
          unsuccessful.push({ FaceId: faceId, UserId: user.userId, Reasons: [] });
          continue;
        }
        // The threshold applies to a user who already has a face (those associated earlier in
        // this call included); a user without faces takes the first one.
        const others = [...user.faceIds].flatMap((id) => c.faces.get(id) ?? []);
        const confidence = others.length === 0 ? 100 : Math.max(...others.map((other) => similarity(face.signature, other.signature)));
        if (confidence < threshold) {
          unsuccessful.push({ FaceId: faceId, UserId: user.userId, Confidence: confidence, Reasons: ['LOW_MATCH_CONFIDENCE'] });
          continue;
        }
        face.userId = user.userId;
        user.faceIds.add(faceId);
        associated.push({ FaceId: faceId });
      }
      return { AssociatedFaces: associated, UnsuccessfulFaceAssociations: unsuccessful, UserStatus: userStatus(user) };
    },
  };
}
