/** The fake's public types: what its importers see of it. */

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
  /** Default: Rekognition's for the type (500 for InternalServerError and ThrottlingException, else 400). */
  status?: number;
  message?: string;
  /** How many calls fail (default 1). */
  times?: number;
}

export interface RekognitionFakeOptions {
  /** The keys the fake knows: requests are verified (SigV4) with these secrets; other keys get UnrecognizedClientException. */
  credentials: { accessKeyId: string; secretAccessKey: string }[];
  /** The service's clock, ms since the epoch (default Date.now): signature expiry, idempotency windows, the Date header. */
  now?: () => number;
  /**
   * How long a ClientRequestToken is remembered (default 24 h). The API reference gives no
   * figure; tests that depend on the window should set it.
   */
  idempotencyWindowMs?: number;
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
