import {
  AssociateFacesCommand,
  CreateCollectionCommand,
  CreateUserCommand,
  DeleteFacesCommand,
  DeleteUserCommand,
  DescribeCollectionCommand,
  IndexFacesCommand,
  ListFacesCommand,
  RekognitionClient,
  ResourceNotFoundException,
  SearchUsersByImageCommand,
} from '@aws-sdk/client-rekognition';
import { DeleteObjectsCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureJpeg } from './face-fixtures';
import { startLocalAws, type LocalAws } from './local-aws';

let aws: LocalAws;
let rekognition: RekognitionClient;
let s3: S3Client;

beforeAll(async () => {
  aws = await startLocalAws();
  const credentials = { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey };
  rekognition = new RekognitionClient({ region: aws.region, endpoint: aws.env.AWS_ENDPOINT_URL_REKOGNITION, credentials, maxAttempts: 1 });
  s3 = new S3Client({ region: aws.region, endpoint: aws.env.AWS_ENDPOINT_URL_S3, credentials, forcePathStyle: true, maxAttempts: 1 });
});

afterAll(async () => {
  rekognition?.destroy();
  s3?.destroy();
  await aws?.stop();
});

describe('the Rekognition fake with the real SDK client', () => {
  const CollectionId = 'fake-test';

  it('creates and describes a collection, and says when one is missing', async () => {
    await expect(rekognition.send(new DescribeCollectionCommand({ CollectionId }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await rekognition.send(new CreateCollectionCommand({ CollectionId }));
    const described = await rekognition.send(new DescribeCollectionCommand({ CollectionId }));
    expect(described.FaceCount).toBe(0);
    expect(aws.rekognition.collections()).toContain(CollectionId);
  });

  it('indexes a face, groups it under a user, matches the same picture and not another one', async () => {
    const indexed = await rekognition.send(
      new IndexFacesCommand({ CollectionId, Image: { Bytes: fixtureJpeg('astronaut') }, ExternalImageId: 'opaque-1', MaxFaces: 1, QualityFilter: 'AUTO' }),
    );
    expect(indexed.FaceRecords).toHaveLength(1);
    const faceId = indexed.FaceRecords?.[0]?.Face?.FaceId ?? '';
    await rekognition.send(new CreateUserCommand({ CollectionId, UserId: 'opaque-1' }));
    const associated = await rekognition.send(new AssociateFacesCommand({ CollectionId, UserId: 'opaque-1', FaceIds: [faceId] }));
    expect(associated.AssociatedFaces).toEqual([{ FaceId: faceId }]);

    const same = await rekognition.send(
      new SearchUsersByImageCommand({
        CollectionId,
        Image: { Bytes: fixtureJpeg('astronaut', { quality: 60, scale: 0.5 }) },
        UserMatchThreshold: 95,
        QualityFilter: 'AUTO',
      }),
    );
    expect(same.UserMatches?.[0]?.User?.UserId).toBe('opaque-1');
    expect(same.UserMatches?.[0]?.Similarity).toBeGreaterThanOrEqual(99);

    const other = await rekognition.send(
      new SearchUsersByImageCommand({ CollectionId, Image: { Bytes: fixtureJpeg('cameraman') }, UserMatchThreshold: 80, QualityFilter: 'AUTO' }),
    );
    expect(other.SearchedFace).toBeDefined();
    expect(other.UserMatches).toEqual([]);

    const empty = await rekognition.send(new SearchUsersByImageCommand({ CollectionId, Image: { Bytes: fixtureJpeg('empty') }, UserMatchThreshold: 80 }));
    expect(empty.UserMatches).toEqual([]);
    expect(empty.SearchedFace).toBeUndefined();

    expect(aws.rekognition.users(CollectionId)).toEqual([{ collectionId: CollectionId, userId: 'opaque-1', faceIds: [faceId] }]);
    expect(aws.rekognition.requests('IndexFaces')[0]).toMatchObject({ accessKeyId: aws.accessKeyId, region: aws.region });
    expect(aws.rekognition.requestCounts().SearchUsersByImage).toBe(3);

    // Faces of a user cannot be deleted until the user is.
    const refused = await rekognition.send(new DeleteFacesCommand({ CollectionId, FaceIds: [faceId] }));
    expect(refused.UnsuccessfulFaceDeletions?.[0]?.Reasons).toEqual(['ASSOCIATED_TO_AN_EXISTING_USER']);
    await rekognition.send(new DeleteUserCommand({ CollectionId, UserId: 'opaque-1' }));
    const deleted = await rekognition.send(new DeleteFacesCommand({ CollectionId, FaceIds: [faceId] }));
    expect(deleted.DeletedFaces).toEqual([faceId]);
    expect(aws.rekognition.faces(CollectionId)).toEqual([]);
  });

  it('refuses to associate a face of another person with a user (LOW_MATCH_CONFIDENCE), as AWS documents', async () => {
    const index = async (bytes: Uint8Array) =>
      (await rekognition.send(new IndexFacesCommand({ CollectionId, Image: { Bytes: bytes }, ExternalImageId: 'opaque-2', MaxFaces: 1 }))).FaceRecords?.[0]
        ?.Face?.FaceId ?? '';
    const astronaut = await index(fixtureJpeg('astronaut'));
    const again = await index(fixtureJpeg('astronaut', { quality: 70, scale: 0.9 }));
    const cameraman = await index(fixtureJpeg('cameraman'));
    await rekognition.send(new CreateUserCommand({ CollectionId, UserId: 'opaque-2' }));

    const answer = await rekognition.send(new AssociateFacesCommand({ CollectionId, UserId: 'opaque-2', FaceIds: [astronaut, cameraman, again] }));
    expect(answer.AssociatedFaces).toEqual([{ FaceId: astronaut }, { FaceId: again }]);
    expect(answer.UnsuccessfulFaceAssociations).toEqual([
      { FaceId: cameraman, UserId: 'opaque-2', Confidence: expect.any(Number), Reasons: ['LOW_MATCH_CONFIDENCE'] },
    ]);
    expect(answer.UnsuccessfulFaceAssociations?.[0]?.Confidence).toBeLessThan(75);
    expect(answer.UserStatus).toBe('ACTIVE');
    expect(aws.rekognition.users(CollectionId).find((user) => user.userId === 'opaque-2')?.faceIds).toEqual([astronaut, again]);

    // UserMatchThreshold (default 75) decides; 0 accepts anyone.
    const lenient = await rekognition.send(new AssociateFacesCommand({ CollectionId, UserId: 'opaque-2', FaceIds: [cameraman], UserMatchThreshold: 0 }));
    expect(lenient.AssociatedFaces).toEqual([{ FaceId: cameraman }]);
    await rekognition.send(new DeleteUserCommand({ CollectionId, UserId: 'opaque-2' }));
    await rekognition.send(new DeleteFacesCommand({ CollectionId, FaceIds: [astronaut, again, cameraman] }));
  });

  it('finds no face in an empty frame, reports several faces and poor ones', async () => {
    const empty = await rekognition.send(new IndexFacesCommand({ CollectionId, Image: { Bytes: fixtureJpeg('empty') }, MaxFaces: 1, QualityFilter: 'AUTO' }));
    expect(empty.FaceRecords).toEqual([]);
    expect(empty.UnindexedFaces).toEqual([]);

    aws.rekognition.forceNextDetection('severalFaces');
    const several = await rekognition.send(
      new IndexFacesCommand({ CollectionId, Image: { Bytes: fixtureJpeg('astronaut') }, MaxFaces: 1, QualityFilter: 'AUTO' }),
    );
    expect(several.FaceRecords).toHaveLength(1);
    expect(several.UnindexedFaces?.[0]?.Reasons).toEqual(['EXCEEDS_MAX_FACES']);

    const dark = await rekognition.send(
      new IndexFacesCommand({ CollectionId, Image: { Bytes: fixtureJpeg('astronaut', { brightness: -120 }) }, MaxFaces: 1, QualityFilter: 'AUTO' }),
    );
    expect(dark.FaceRecords).toEqual([]);
    expect(dark.UnindexedFaces?.[0]?.Reasons).toContain('LOW_FACE_QUALITY');
  });

  it('lists faces page by page with their ExternalImageId, and can act before it answers', async () => {
    const listing = 'fake-list-test';
    await rekognition.send(new CreateCollectionCommand({ CollectionId: listing }));
    // The answer is held back, but the face is indexed at once (a caller killed meanwhile never learns its id).
    aws.rekognition.delayAnswer('IndexFaces', 300);
    const pending = rekognition.send(
      new IndexFacesCommand({ CollectionId: listing, Image: { Bytes: fixtureJpeg('astronaut') }, ExternalImageId: 'opaque-a', MaxFaces: 1 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(aws.rekognition.faces(listing)).toHaveLength(1);
    await pending;
    aws.rekognition.delayAnswer('IndexFaces', 0);
    for (const key of ['opaque-b', 'opaque-a']) {
      await rekognition.send(new IndexFacesCommand({ CollectionId: listing, Image: { Bytes: fixtureJpeg('cameraman') }, ExternalImageId: key, MaxFaces: 1 }));
    }

    const first = await rekognition.send(new ListFacesCommand({ CollectionId: listing, MaxResults: 2 }));
    expect(first.Faces?.map((face) => face.ExternalImageId)).toEqual(['opaque-a', 'opaque-b']);
    expect(first.NextToken).toBeTruthy();
    const second = await rekognition.send(new ListFacesCommand({ CollectionId: listing, MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Faces?.map((face) => face.ExternalImageId)).toEqual(['opaque-a']);
    expect(second.NextToken).toBeUndefined();
    const one = second.Faces?.[0]?.FaceId ?? '';
    expect((await rekognition.send(new ListFacesCommand({ CollectionId: listing, FaceIds: [one] }))).Faces?.map((face) => face.FaceId)).toEqual([one]);
    // Out of the reference's range (0–4096): AWS's front end refuses it before the operation runs.
    await expect(rekognition.send(new ListFacesCommand({ CollectionId: listing, MaxResults: 5000 }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(rekognition.send(new ListFacesCommand({ CollectionId: 'no-such-collection' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers AWS errors the SDK understands, and refuses unknown keys', async () => {
    aws.rekognition.failNext('DescribeCollection', { type: 'ThrottlingException' });
    await expect(rekognition.send(new DescribeCollectionCommand({ CollectionId }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(rekognition.send(new DescribeCollectionCommand({ CollectionId }))).resolves.toBeDefined();

    const stranger = new RekognitionClient({
      region: aws.region,
      endpoint: aws.env.AWS_ENDPOINT_URL_REKOGNITION,
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) },
      maxAttempts: 1,
    });
    await expect(stranger.send(new DescribeCollectionCommand({ CollectionId }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    stranger.destroy();
  });
});

describe('s3rver with the real SDK client', () => {
  it('stores private, encrypted objects and deletes them', async () => {
    await s3.send(new HeadBucketCommand({ Bucket: aws.s3.bucket }));
    await s3.send(
      new PutObjectCommand({
        Bucket: aws.s3.bucket,
        Key: 'faces/abc/1.jpg',
        Body: fixtureJpeg('astronaut'),
        ContentType: 'image/jpeg',
        ServerSideEncryption: 'AES256',
      }),
    );
    expect(await aws.s3.listKeys()).toEqual(['faces/abc/1.jpg']);
    expect(aws.s3.requests().find((r) => r.method === 'PUT')).toMatchObject({ key: 'faces/abc/1.jpg', serverSideEncryption: 'AES256', acl: null });
    await s3.send(new DeleteObjectsCommand({ Bucket: aws.s3.bucket, Delete: { Objects: [{ Key: 'faces/abc/1.jpg' }], Quiet: true } }));
    expect(await aws.s3.listKeys()).toEqual([]);
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });
});
