import {
  AssociateFacesCommand,
  CreateUserCommand,
  DeleteUserCommand,
  DescribeCollectionCommand,
  IndexFacesCommand,
  ListUsersCommand,
  RekognitionClient,
  SearchUsersByImageCommand,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureJpeg } from './face-fixtures';
import { startRekognitionFake, type RekognitionFake } from './rekognition-fake';

/**
 * The fake against the API reference, through the real SDK client as the app uses it: where
 * the fake is laxer than AWS, the app's tests pass against it and fail against AWS.
 */

const REGION = 'eu-west-1';
const KEY = { accessKeyId: 'AKIAFAKETESTKEY00001', secretAccessKey: 'fake-test-secret-access-key-0000000000' };
const CollectionId = 'reference-test';
const WINDOW_MS = 60 * 60 * 1000;

let clock = Date.UTC(2026, 2, 29, 0, 30); // a DST day in Lisbon, at night: the fake's clock, not the wall's
let fake: RekognitionFake;
let client: RekognitionClient;
const clients: RekognitionClient[] = [];

function clientWith(options: { maxAttempts?: number; secretAccessKey?: string; accessKeyId?: string; systemClockOffset?: number } = {}) {
  const made = new RekognitionClient({
    region: REGION,
    endpoint: fake.endpoint,
    credentials: { accessKeyId: options.accessKeyId ?? KEY.accessKeyId, secretAccessKey: options.secretAccessKey ?? KEY.secretAccessKey },
    maxAttempts: options.maxAttempts ?? 1,
    // The client signs with its own clock; line it up with the fake's (the wall clock is not in this test).
    systemClockOffset: options.systemClockOffset ?? clock - Date.now(),
  });
  clients.push(made);
  return made;
}

async function indexFace(image: Parameters<typeof fixtureJpeg>[0], options?: Parameters<typeof fixtureJpeg>[1]): Promise<string> {
  const answer = await client.send(new IndexFacesCommand({ CollectionId, Image: { Bytes: fixtureJpeg(image, options) }, MaxFaces: 1 }));
  return answer.FaceRecords?.[0]?.Face?.FaceId ?? '';
}

beforeAll(async () => {
  fake = await startRekognitionFake({ credentials: [KEY], region: REGION, collections: [CollectionId], now: () => clock, idempotencyWindowMs: WINDOW_MS });
});

beforeEach(() => {
  fake.reset();
  client = clientWith();
});

afterAll(async () => {
  for (const made of clients) made.destroy();
  await fake?.close();
});

describe('ClientRequestToken (CreateUser, DeleteUser, AssociateFaces)', () => {
  it('answers a repeated token with the first answer, without acting again, and refuses it with other parameters', async () => {
    await client.send(new CreateUserCommand({ CollectionId, UserId: 'u1', ClientRequestToken: 'create-u1' }));
    await expect(client.send(new CreateUserCommand({ CollectionId, UserId: 'u1', ClientRequestToken: 'create-u1' }))).resolves.toBeDefined();
    expect(fake.users(CollectionId).map((u) => u.userId)).toEqual(['u1']);
    // Without a token, the second call is a second creation: the user exists.
    await expect(client.send(new CreateUserCommand({ CollectionId, UserId: 'u1' }))).rejects.toMatchObject({ name: 'ConflictException' });
    await expect(client.send(new CreateUserCommand({ CollectionId, UserId: 'u2', ClientRequestToken: 'create-u1' }))).rejects.toMatchObject({
      name: 'IdempotentParameterMismatchException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(fake.users(CollectionId).map((u) => u.userId)).toEqual(['u1']);

    await client.send(new DeleteUserCommand({ CollectionId, UserId: 'u1', ClientRequestToken: 'delete-u1' }));
    await expect(client.send(new DeleteUserCommand({ CollectionId, UserId: 'u1', ClientRequestToken: 'delete-u1' }))).resolves.toBeDefined();
    await expect(client.send(new DeleteUserCommand({ CollectionId, UserId: 'u1' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    // Within the window, the create token still answers from memory: no user is made.
    await client.send(new CreateUserCommand({ CollectionId, UserId: 'u1', ClientRequestToken: 'create-u1' }));
    expect(fake.users(CollectionId)).toEqual([]);
    // Past it, the token is forgotten and the call acts.
    clock += WINDOW_MS + 1;
    client = clientWith();
    await client.send(new CreateUserCommand({ CollectionId, UserId: 'u1', ClientRequestToken: 'create-u1' }));
    expect(fake.users(CollectionId).map((u) => u.userId)).toEqual(['u1']);
  });

  it('remembers only successes: a failed call may be retried with its token', async () => {
    await expect(client.send(new DeleteUserCommand({ CollectionId, UserId: 'later', ClientRequestToken: 'delete-later' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await client.send(new CreateUserCommand({ CollectionId, UserId: 'later' }));
    await client.send(new DeleteUserCommand({ CollectionId, UserId: 'later', ClientRequestToken: 'delete-later' }));
    expect(fake.users(CollectionId)).toEqual([]);
  });

  it('repeats an AssociateFaces answer for its token', async () => {
    const face = await indexFace('astronaut');
    await client.send(new CreateUserCommand({ CollectionId, UserId: 'u1' }));
    const first = await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: [face], ClientRequestToken: 'assoc-u1' }));
    const again = await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: [face], ClientRequestToken: 'assoc-u1' }));
    expect(again.AssociatedFaces).toEqual([{ FaceId: face }]);
    expect(again.AssociatedFaces).toEqual(first.AssociatedFaces);
    await expect(
      client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: [face], UserMatchThreshold: 90, ClientRequestToken: 'assoc-u1' })),
    ).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
  });
});

describe('AssociateFaces and UserStatus', () => {
  it('ignores faces already associated with the user, and reports the others by reason', async () => {
    const astronaut = await indexFace('astronaut');
    const again = await indexFace('astronaut', { quality: 70, scale: 0.9 });
    const cameraman = await indexFace('cameraman');
    await client.send(new CreateUserCommand({ CollectionId, UserId: 'u1' }));
    await client.send(new CreateUserCommand({ CollectionId, UserId: 'u2' }));
    await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: [astronaut] }));
    await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u2', FaceIds: [cameraman] }));

    const missing = '00000000-0000-4000-8000-000000000000';
    const answer = await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: [astronaut, again, cameraman, missing] }));
    expect(answer.AssociatedFaces).toEqual([{ FaceId: again }]);
    expect(answer.UnsuccessfulFaceAssociations).toEqual([
      { FaceId: cameraman, UserId: 'u2', Reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] },
      { FaceId: missing, Reasons: ['FACE_NOT_FOUND'] },
    ]);
  });

  it('applies UserMatchThreshold to a user who has faces', async () => {
    const astronaut = await indexFace('astronaut');
    const again = await indexFace('astronaut', { quality: 40, scale: 0.6 });
    await client.send(new CreateUserCommand({ CollectionId, UserId: 'u1' }));
    await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: [astronaut] }));
    const strict = await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: [again], UserMatchThreshold: 100 }));
    expect(strict.UnsuccessfulFaceAssociations).toEqual([{ FaceId: again, UserId: 'u1', Confidence: expect.any(Number), Reasons: ['LOW_MATCH_CONFIDENCE'] }]);
    expect(strict.UnsuccessfulFaceAssociations?.[0]?.Confidence).toBeLessThan(100);
    const usual = await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: [again] }));
    expect(usual.AssociatedFaces).toEqual([{ FaceId: again }]);
  });

  it('says CREATED until a face is associated, ACTIVE after', async () => {
    const cameraman = await indexFace('cameraman');
    await client.send(new CreateUserCommand({ CollectionId, UserId: 'u1' }));
    expect((await client.send(new ListUsersCommand({ CollectionId }))).Users).toEqual([{ UserId: 'u1', UserStatus: 'CREATED' }]);
    const none = await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: ['00000000-0000-4000-8000-000000000001'] }));
    expect(none.UserStatus).toBe('CREATED');
    const one = await client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: [cameraman] }));
    expect(one.UserStatus).toBe('ACTIVE');
    expect((await client.send(new ListUsersCommand({ CollectionId }))).Users).toEqual([{ UserId: 'u1', UserStatus: 'ACTIVE' }]);
  });
});

describe("the API reference's constraints", () => {
  const refused = (message: RegExp) => ({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: expect.stringMatching(message),
  });

  it('refuses out-of-range numbers, over-long ids, bad patterns and bad list sizes, all in one answer', async () => {
    const image = { Bytes: fixtureJpeg('astronaut') };
    await expect(client.send(new SearchUsersByImageCommand({ CollectionId, Image: image, MaxUsers: 0 }))).rejects.toMatchObject(
      refused(/^1 validation error detected: Value '0' at 'maxUsers' failed to satisfy constraint: Member must have value greater than or equal to 1$/),
    );
    await expect(client.send(new SearchUsersByImageCommand({ CollectionId, Image: image, UserMatchThreshold: 100.5, MaxUsers: 501 }))).rejects.toMatchObject(
      refused(/^2 validation errors detected: .*'maxUsers'.*less than or equal to 500; .*'userMatchThreshold'.*less than or equal to 100$/),
    );
    await expect(client.send(new DescribeCollectionCommand({ CollectionId: 'c'.repeat(256) }))).rejects.toMatchObject(
      refused(/at 'collectionId' failed to satisfy constraint: Member must have length less than or equal to 255/),
    );
    await expect(client.send(new DescribeCollectionCommand({ CollectionId: 'has space' }))).rejects.toMatchObject(refused(/regular expression pattern/));
    await expect(client.send(new CreateUserCommand({ CollectionId, UserId: 'u1', ClientRequestToken: 'not.allowed' }))).rejects.toMatchObject(
      refused(/'clientRequestToken'/),
    );
    await expect(client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: ['not-a-uuid'] }))).rejects.toMatchObject(
      refused(/at 'faceIds.1.member' failed to satisfy constraint: Member must satisfy regular expression pattern/),
    );
    const many = Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    await expect(client.send(new AssociateFacesCommand({ CollectionId, UserId: 'u1', FaceIds: many }))).rejects.toMatchObject(
      refused(/'faceIds' failed to satisfy constraint: Member must have length less than or equal to 100/),
    );
    await expect(client.send(new IndexFacesCommand({ CollectionId, Image: image, MaxFaces: 0, QualityFilter: 'BEST' as 'AUTO' }))).rejects.toMatchObject(
      refused(/^2 validation errors detected: .*'maxFaces'.*; .*'qualityFilter' failed to satisfy constraint: Member must satisfy enum value set/),
    );
    await expect(client.send(new ListUsersCommand({ CollectionId, MaxResults: 0 }))).rejects.toMatchObject(refused(/'maxResults'/));
    await expect(client.send(new CreateUserCommand({ CollectionId, UserId: 'u'.repeat(129) }))).rejects.toMatchObject(refused(/'userId'/));
    // Nothing was done by a refused call.
    expect(fake.users(CollectionId)).toEqual([]);
    expect(fake.faces(CollectionId)).toEqual([]);
  });

  it('accepts the edges of each range', async () => {
    await expect(
      client.send(new SearchUsersByImageCommand({ CollectionId, Image: { Bytes: fixtureJpeg('astronaut') }, MaxUsers: 500, UserMatchThreshold: 100 })),
    ).resolves.toBeDefined();
    await expect(client.send(new DescribeCollectionCommand({ CollectionId: 'c'.repeat(255) }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(client.send(new CreateUserCommand({ CollectionId, UserId: 'u'.repeat(128), ClientRequestToken: 't'.repeat(64) }))).resolves.toBeDefined();
  });
});
