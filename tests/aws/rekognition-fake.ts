import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { analyseJpeg, similarity, type ImageAnalysis } from './face-signature';

/**
 * A local Rekognition for tests: real HTTP speaking the JSON 1.1 protocol
 * (POST /, X-Amz-Target: RekognitionService.<Operation>), so the real
 * @aws-sdk/client-rekognition can be pointed at it with an endpoint override.
 * State is in memory; images are analysed by ./face-signature and never kept.
 */

export type FakeOperation =
  | 'CreateCollection'
  | 'DescribeCollection'
  | 'DeleteCollection'
  | 'ListCollections'
  | 'IndexFaces'
  | 'ListFaces'
  | 'DeleteFaces'
  | 'CreateUser'
  | 'DeleteUser'
  | 'ListUsers'
  | 'AssociateFaces'
  | 'SearchUsersByImage';

export interface FakeFace {
  collectionId: string;
  faceId: string;
  imageId: string;
  externalImageId: string | null;
  userId: string | null;
}

export interface FakeUser {
  collectionId: string;
  userId: string;
  faceIds: string[];
}

export interface FakeRequest {
  operation: string;
  at: number;
  accessKeyId: string | null;
  region: string | null;
  /** Size of the image sent, if any (the image itself is not kept). */
  imageBytes: number | null;
  /** Status code answered. */
  status: number;
}

/** What the next IndexFaces / SearchUsersByImage sees instead of analysing the image. */
export type ForcedDetection = 'noFace' | 'severalFaces' | 'poorQuality';

export interface FakeFailure {
  /** AWS error type, e.g. 'ThrottlingException', 'InternalServerError', 'AccessDeniedException'. */
  type: string;
  status?: number;
  message?: string;
  /** How many calls fail (default 1). */
  times?: number;
}

export interface RekognitionFakeOptions {
  /** When set, other access key ids get UnrecognizedClientException. */
  accessKeyIds?: string[];
  /** When set, requests signed for another region get InvalidSignatureException. */
  region?: string;
  /** Collections that exist from the start. */
  collections?: string[];
}

export interface RekognitionFake {
  endpoint: string;
  port: number;
  collections(): string[];
  faces(collectionId?: string): FakeFace[];
  users(collectionId?: string): FakeUser[];
  requests(operation?: string): FakeRequest[];
  /** Requests per operation, e.g. { IndexFaces: 3, SearchUsersByImage: 1 }. */
  requestCounts(): Record<string, number>;
  clearRequests(): void;
  /** The next `times` calls of `operation` fail with this AWS error. */
  failNext(operation: FakeOperation, failure: FakeFailure): void;
  /** Delays every answer of `operation` (or all with '*') by `ms`; 0 removes it. */
  setLatency(operation: FakeOperation | '*', ms: number): void;
  /**
   * `operation` takes effect at once but its answer is sent `ms` later (0 removes it): what a
   * caller killed, or timed out, between the service acting and the answer arriving sees.
   */
  delayAnswer(operation: FakeOperation, ms: number): void;
  /** The next image-reading call (IndexFaces, SearchUsersByImage) sees this instead. */
  forceNextDetection(detection: ForcedDetection): void;
  /** Forgets every collection, face, user, request and pending failure. */
  reset(): void;
  close(): Promise<void>;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface Collection {
  id: string;
  createdAt: number;
  faces: Map<string, FakeFace & { signature: Float64Array }>;
  users: Map<string, { userId: string; faceIds: Set<string> }>;
}

const FACE_MODEL_VERSION = '7.0';
const ACCOUNT = '123456789012';

export async function startRekognitionFake(options: RekognitionFakeOptions = {}): Promise<RekognitionFake> {
  const collections = new Map<string, Collection>();
  let log: FakeRequest[] = [];
  let failures = new Map<string, FakeFailure & { remaining: number }>();
  let latency = new Map<string, number>();
  let answerDelay = new Map<string, number>();
  let forced: ForcedDetection[] = [];

  const addCollection = (id: string) => collections.set(id, { id, createdAt: Date.now(), faces: new Map(), users: new Map() });
  for (const id of options.collections ?? []) addCollection(id);

  const collection = (body: Body): Collection => {
    const id = str(body, 'CollectionId');
    const found = collections.get(id);
    if (!found) throw new AwsError('ResourceNotFoundException', `The collection id: ${id} does not exist`);
    return found;
  };

  const readImage = (body: Body): { analysis: ImageAnalysis | null; forced: ForcedDetection | null; bytes: number } => {
    const image = body.Image as { Bytes?: unknown; S3Object?: unknown } | undefined;
    if (!image || typeof image.Bytes !== 'string') throw new AwsError('InvalidParameterException', 'Request has invalid parameters');
    const bytes = Buffer.from(image.Bytes, 'base64');
    if (bytes.length > 5 * 1024 * 1024) throw new AwsError('ImageTooLargeException', 'Image size is too large.');
    const next = forced.shift() ?? null;
    if (next) return { analysis: null, forced: next, bytes: bytes.length };
    try {
      return { analysis: analyseJpeg(bytes), forced: null, bytes: bytes.length };
    } catch {
      throw new AwsError('InvalidImageFormatException', 'Request has invalid image format');
    }
  };

  /** Faces the "model" sees: [usable?, reasons] per face, largest first. */
  const detect = (image: { analysis: ImageAnalysis | null; forced: ForcedDetection | null }, qualityFilter: string) => {
    const filtering = qualityFilter !== 'NONE';
    if (image.forced === 'noFace' || image.analysis?.kind === 'none') return [];
    const base = image.analysis?.signature ?? syntheticSignature();
    if (image.forced === 'severalFaces') return [{ signature: base, lowQuality: false }, { signature: syntheticSignature(), lowQuality: false }];
    const lowQuality = image.forced === 'poorQuality' || image.analysis?.kind === 'dark';
    return [{ signature: base, lowQuality: lowQuality && filtering }];
  };

  const operations: Record<FakeOperation, (body: Body, req: FakeRequest) => unknown> = {
    CreateCollection(body) {
      const id = str(body, 'CollectionId');
      if (!/^[a-zA-Z0-9_.-]{1,255}$/.test(id)) throw new AwsError('InvalidParameterException', 'Request has invalid parameters');
      if (collections.has(id)) throw new AwsError('ResourceAlreadyExistsException', `The collection id: ${id} already exists`);
      addCollection(id);
      return { StatusCode: 200, CollectionArn: `aws:rekognition:${options.region ?? 'eu-west-1'}:${ACCOUNT}:collection/${id}`, FaceModelVersion: FACE_MODEL_VERSION };
    },
    DescribeCollection(body) {
      const c = collection(body);
      return {
        FaceCount: c.faces.size,
        UserCount: c.users.size,
        FaceModelVersion: FACE_MODEL_VERSION,
        CollectionARN: `arn:aws:rekognition:${options.region ?? 'eu-west-1'}:${ACCOUNT}:collection/${c.id}`,
        CreationTimestamp: c.createdAt / 1000,
      };
    },
    DeleteCollection(body) {
      const c = collection(body);
      collections.delete(c.id);
      return { StatusCode: 200 };
    },
    ListCollections() {
      return { CollectionIds: [...collections.keys()], FaceModelVersions: [...collections.keys()].map(() => FACE_MODEL_VERSION) };
    },
    IndexFaces(body, req) {
      const c = collection(body);
      const image = readImage(body);
      req.imageBytes = image.bytes;
      const maxFaces = typeof body.MaxFaces === 'number' ? body.MaxFaces : 100;
      if (maxFaces < 1) throw new AwsError('InvalidParameterException', 'Request has invalid parameters');
      const externalImageId = typeof body.ExternalImageId === 'string' ? body.ExternalImageId : null;
      if (externalImageId !== null && !/^[a-zA-Z0-9_.\-:]{1,255}$/.test(externalImageId)) {
        throw new AwsError('InvalidParameterException', 'Request has invalid parameters');
      }
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
            Face: { FaceId: faceId, BoundingBox: detail.BoundingBox, ImageId: imageId, ExternalImageId: externalImageId ?? undefined, Confidence: 99.9, IndexFacesModelVersion: FACE_MODEL_VERSION },
            FaceDetail: detail,
          });
        }
      });
      return { FaceRecords: records, FaceModelVersion: FACE_MODEL_VERSION, UnindexedFaces: unindexed };
    },
    ListFaces(body) {
      const c = collection(body);
      const userId = typeof body.UserId === 'string' ? body.UserId : null;
      const faceIds = Array.isArray(body.FaceIds) ? new Set(body.FaceIds as string[]) : null;
      // MaxResults is 0–4096 (PageSize); the real default is not documented, 1000 here.
      const maxResults = typeof body.MaxResults === 'number' ? body.MaxResults : 1000;
      if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > 4096) throw new AwsError('InvalidParameterException', 'Request has invalid parameters');
      // The token is opaque to callers; here, the offset into the (insertion-ordered) list.
      const from = typeof body.NextToken === 'string' ? Number.parseInt(Buffer.from(body.NextToken, 'base64').toString(), 10) : 0;
      if (!Number.isInteger(from) || from < 0) throw new AwsError('InvalidPaginationTokenException', 'Invalid pagination token');
      const faces = [...c.faces.values()].filter((f) => (userId === null || f.userId === userId) && (faceIds === null || faceIds.has(f.faceId)));
      const page = faces.slice(from, from + maxResults);
      const next = from + page.length < faces.length ? Buffer.from(String(from + page.length)).toString('base64') : undefined;
      return {
        Faces: page.map((f) => ({ FaceId: f.faceId, ImageId: f.imageId, ExternalImageId: f.externalImageId ?? undefined, UserId: f.userId ?? undefined, Confidence: 99.9, IndexFacesModelVersion: FACE_MODEL_VERSION })),
        NextToken: next,
        FaceModelVersion: FACE_MODEL_VERSION,
      };
    },
    DeleteFaces(body) {
      const c = collection(body);
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
    CreateUser(body) {
      const c = collection(body);
      const userId = str(body, 'UserId');
      if (!/^[a-zA-Z0-9_.\-:]{1,128}$/.test(userId)) throw new AwsError('InvalidParameterException', 'Request has invalid parameters');
      if (c.users.has(userId)) throw new AwsError('ConflictException', 'A User with the same Id already exists');
      c.users.set(userId, { userId, faceIds: new Set() });
      return {};
    },
    DeleteUser(body) {
      const c = collection(body);
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
      const c = collection(body);
      return { Users: [...c.users.values()].map((u) => ({ UserId: u.userId, UserStatus: 'ACTIVE' })) };
    },
    AssociateFaces(body) {
      const c = collection(body);
      const userId = str(body, 'UserId');
      const user = c.users.get(userId);
      if (!user) throw new AwsError('ResourceNotFoundException', `The user id: ${userId} does not exist`);
      const associated: unknown[] = [];
      const unsuccessful: unknown[] = [];
      for (const faceId of strArray(body, 'FaceIds')) {
        const face = c.faces.get(faceId);
        if (!face) unsuccessful.push({ FaceId: faceId, Reasons: ['FACE_NOT_FOUND'] });
        else if (face.userId !== null && face.userId !== userId) unsuccessful.push({ FaceId: faceId, UserId: face.userId, Reasons: ['ASSOCIATED_TO_A_DIFFERENT_USER'] });
        else {
          face.userId = userId;
          user.faceIds.add(faceId);
          associated.push({ FaceId: faceId });
        }
      }
      return { AssociatedFaces: associated, UnsuccessfulFaceAssociations: unsuccessful, UserStatus: 'ACTIVE' };
    },
    SearchUsersByImage(body, req) {
      const c = collection(body);
      const image = readImage(body);
      req.imageBytes = image.bytes;
      const threshold = typeof body.UserMatchThreshold === 'number' ? body.UserMatchThreshold : 80;
      const maxUsers = typeof body.MaxUsers === 'number' ? body.MaxUsers : 100;
      const qualityFilter = typeof body.QualityFilter === 'string' ? body.QualityFilter : 'NONE';
      const faces = detect(image, qualityFilter);
      const [largest, ...others] = faces;
      const unsearched = others.map((_, i) => ({ Reasons: ['FACE_NOT_LARGEST'], FaceDetails: faceDetail(i + 1) }));
      // Documented: no valid face gives an empty UserMatches list and no SearchedFace.
      if (!largest || largest.lowQuality) {
        return { UserMatches: [], FaceModelVersion: FACE_MODEL_VERSION, UnsearchedFaces: largest ? [{ Reasons: ['LOW_FACE_QUALITY'], FaceDetails: faceDetail(0) }, ...unsearched] : [] };
      }
      const matches = [...c.users.values()]
        .map((user) => {
          let best = 0;
          for (const faceId of user.faceIds) {
            const face = c.faces.get(faceId);
            if (face) best = Math.max(best, similarity(largest.signature, face.signature));
          }
          return { Similarity: best, User: { UserId: user.userId, UserStatus: 'ACTIVE' } };
        })
        .filter((m) => m.User && m.Similarity >= threshold && c.users.get(m.User.UserId)!.faceIds.size > 0)
        .sort((a, b) => b.Similarity - a.Similarity)
        .slice(0, maxUsers);
      return { UserMatches: matches, FaceModelVersion: FACE_MODEL_VERSION, SearchedFace: { FaceDetail: faceDetail(0) }, UnsearchedFaces: unsearched };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('RekognitionService.') ? target.slice('RekognitionService.'.length) : '';
    const auth = String(req.headers.authorization ?? '');
    const scope = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
    const entry: FakeRequest = { operation: operation || '(none)', at: Date.now(), accessKeyId: scope?.[1] ?? null, region: scope?.[2] ?? null, imageBytes: null, status: 200 };
    log.push(entry);
    const send = (status: number, payload: unknown, errorType?: string) => {
      entry.status = status;
      const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() };
      if (errorType) headers['x-amzn-errortype'] = errorType;
      res.writeHead(status, headers).end(JSON.stringify(payload));
    };
    try {
      const delay = latency.get(operation) ?? latency.get('*') ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (req.method !== 'POST' || req.url !== '/') throw new AwsError('UnknownOperationException', 'Not a JSON 1.1 request', 404);
      if (!scope || !auth.startsWith('AWS4-HMAC-SHA256 ')) throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      if (scope[3] !== 'rekognition') throw new AwsError('InvalidSignatureException', 'Credential should be scoped to correct service.', 403);
      if (options.accessKeyIds && !options.accessKeyIds.includes(scope[1] ?? '')) {
        throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
      }
      if (options.region && scope[2] !== options.region) throw new AwsError('InvalidSignatureException', 'Credential should be scoped to a valid region.', 403);
      const run = operations[operation as FakeOperation];
      if (!run) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
      const failure = failures.get(operation);
      if (failure && failure.remaining > 0) {
        failure.remaining--;
        throw new AwsError(failure.type, failure.message ?? failure.type, failure.status ?? (failure.type === 'InternalServerError' ? 500 : 400));
      }
      let body: Body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Body;
      } catch {
        throw new AwsError('SerializationException', 'Malformed JSON');
      }
      const answer = run(body, entry);
      const held = answerDelay.get(operation) ?? 0;
      if (held > 0) await new Promise((resolve) => setTimeout(resolve, held));
      send(200, answer);
    } catch (error) {
      const e = error instanceof AwsError ? error : new AwsError('InternalServerError', 'Internal server error', 500);
      send(e.status, { __type: e.type, message: e.message }, e.type);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    collections: () => [...collections.keys()],
    faces: (collectionId) =>
      [...collections.values()]
        .filter((c) => collectionId === undefined || c.id === collectionId)
        .flatMap((c) => [...c.faces.values()].map(({ signature: _signature, ...face }) => ({ ...face }))),
    users: (collectionId) =>
      [...collections.values()]
        .filter((c) => collectionId === undefined || c.id === collectionId)
        .flatMap((c) => [...c.users.values()].map((u) => ({ collectionId: c.id, userId: u.userId, faceIds: [...u.faceIds] }))),
    requests: (operation) => log.filter((r) => operation === undefined || r.operation === operation).map((r) => ({ ...r })),
    requestCounts: () => {
      const counts: Record<string, number> = {};
      for (const r of log) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
      return counts;
    },
    clearRequests: () => {
      log = [];
    },
    failNext: (operation, failure) => {
      failures.set(operation, { ...failure, remaining: failure.times ?? 1 });
    },
    setLatency: (operation, ms) => {
      if (ms > 0) latency.set(operation, ms);
      else latency.delete(operation);
    },
    delayAnswer: (operation, ms) => {
      if (ms > 0) answerDelay.set(operation, ms);
      else answerDelay.delete(operation);
    },
    forceNextDetection: (detection) => {
      forced.push(detection);
    },
    reset: () => {
      collections.clear();
      for (const id of options.collections ?? []) addCollection(id);
      log = [];
      failures = new Map();
      latency = new Map();
      answerDelay = new Map();
      forced = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Body = Record<string, unknown>;

function str(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0) throw new AwsError('InvalidParameterException', `Request has invalid parameters: ${key}`);
  return value;
}

function strArray(body: Body, key: string): string[] {
  const value = body[key];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new AwsError('InvalidParameterException', `Request has invalid parameters: ${key}`);
  }
  return value as string[];
}

function faceDetail(index: number) {
  return {
    BoundingBox: { Width: 0.3, Height: 0.4, Left: 0.35 - index * 0.3, Top: 0.2 },
    Confidence: 99.9,
    Quality: { Brightness: 70, Sharpness: 80 },
  };
}

/** A random unit vector: a face that matches nobody. */
function syntheticSignature(): Float64Array {
  const v = new Float64Array(256);
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.random() - 0.5;
    norm += (v[i] ?? 0) ** 2;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
