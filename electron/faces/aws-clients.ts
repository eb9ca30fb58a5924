import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsProblem } from '../../shared/faces/faces.contract';

/** Static credentials, or undefined: the SDK's default provider chain. */
export type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;

export interface AwsConfig {
  region: string;
  credentials: AwsCredentials;
  rekognitionEndpoint: string | undefined;
  s3Endpoint: string | undefined;
}

export interface AwsTimeouts {
  /** Per attempt, ms: a slow answer is an error, not a wait. */
  requestTimeout: number;
  connectionTimeout: number;
  /** Attempts including the first (the SDK's standard retry, with backoff, for throttling and network errors). */
  maxAttempts: number;
  /** Whole call, retries included, ms. */
  deadline: number;
}

/** Desk and admin calls: a person waits, but not for long. */
export const DESK_TIMEOUTS: AwsTimeouts = { requestTimeout: 5_000, connectionTimeout: 3_000, maxAttempts: 3, deadline: 12_000 };
/** The kiosk: a patient stands there; past this, the other check-in is quicker. */
export const KIOSK_TIMEOUTS: AwsTimeouts = { requestTimeout: 2_500, connectionTimeout: 1_500, maxAttempts: 2, deadline: 5_000 };

export interface AwsClients {
  rekognition: RekognitionClient;
  s3: S3Client;
  timeouts: AwsTimeouts;
  destroy(): void;
}

export function createAwsClients(config: AwsConfig, timeouts: AwsTimeouts): AwsClients {
  const common = {
    region: config.region,
    maxAttempts: timeouts.maxAttempts,
    requestHandler: { requestTimeout: timeouts.requestTimeout, connectionTimeout: timeouts.connectionTimeout, throwOnRequestTimeout: true },
    ...(config.credentials ? { credentials: config.credentials } : {}),
  };
  const rekognition = new RekognitionClient({ ...common, ...(config.rekognitionEndpoint ? { endpoint: config.rekognitionEndpoint } : {}) });
  // A local or VPC endpoint has no bucket sub-domains: path-style addressing.
  const s3 = new S3Client({ ...common, ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}) });
  return {
    rekognition,
    s3,
    timeouts,
    destroy: () => {
      rekognition.destroy();
      s3.destroy();
    },
  };
}

/**
 * Credentials for the 'default' source, from the given environment (not process.env, so
 * tests and the host decide): keys in the environment are used as they are; otherwise the
 * SDK's provider chain (profiles, SSO, processes) when there is anything for it to find.
 * With nothing configured we say NO_CREDENTIALS rather than let the chain probe the EC2
 * metadata address for seconds: a clinic's desktop is not an EC2 instance.
 */
export function defaultChainCredentials(env: Readonly<Record<string, string | undefined>>): AwsCredentials | 'chain' | null {
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (accessKeyId && secretAccessKey) {
    const sessionToken = env.AWS_SESSION_TOKEN?.trim();
    return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
  }
  const configured =
    Boolean(env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) ||
    [env.AWS_SHARED_CREDENTIALS_FILE, env.AWS_CONFIG_FILE, join(env.HOME ?? env.USERPROFILE ?? homedir(), '.aws')].some(
      (path) => path !== undefined && existsSync(path),
    );
  return configured ? 'chain' : null;
}

/**
 * Exactly what went wrong, from an SDK error; never its message, which may name accounts,
 * ARNs or keys. Unknown errors are UNKNOWN.
 */
export function awsProblemOf(error: unknown): AwsProblem {
  const e = (error ?? {}) as {
    name?: string;
    code?: string;
    Code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $response?: { headers?: Record<string, string> };
  };
  const name = e.name ?? e.Code ?? '';
  const code = e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const message = e.message ?? '';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) return 'NO_CREDENTIALS';
  if (
    ['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'Redirect'].includes(name) ||
    status === 301 ||
    status === 307
  ) {
    return 'WRONG_REGION';
  }
  if (name === 'InvalidSignatureException' && /region/i.test(message)) return 'WRONG_REGION';
  if (
    [
      'UnrecognizedClientException',
      'InvalidClientTokenId',
      'InvalidAccessKeyId',
      'SignatureDoesNotMatch',
      'InvalidSignatureException',
      'ExpiredToken',
      'ExpiredTokenException',
      'InvalidToken',
      'IncompleteSignature',
      'IncompleteSignatureException',
      'MissingAuthenticationTokenException',
    ].includes(name)
  ) {
    return 'INVALID_CREDENTIALS';
  }
  if (['AccessDeniedException', 'AccessDenied', 'Forbidden', 'AllAccessDisabled'].includes(name) || status === 403) return 'ACCESS_DENIED';
  if (name === 'NoSuchBucket') return 'NO_SUCH_BUCKET';
  if (
    [
      'ThrottlingException',
      'ProvisionedThroughputExceededException',
      'LimitExceededException',
      'SlowDown',
      'TooManyRequestsException',
      'RequestLimitExceeded',
    ].includes(name) ||
    status === 429 ||
    status === 503
  ) {
    return 'THROTTLED';
  }
  if (
    ['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError'].includes(name) ||
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED'].includes(code) ||
    /ECONNREFUSED|ENOTFOUND|socket hang up|timed? ?out/i.test(message)
  ) {
    return 'NETWORK';
  }
  return 'UNKNOWN';
}

/** A HeadBucket error (no body on HEAD: only the status says what happened). */
export function bucketProblemOf(error: unknown): AwsProblem {
  const e = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
  const status = e.$metadata?.httpStatusCode;
  if (status === 404 || e.name === 'NotFound' || e.name === 'NoSuchBucket') return 'NO_SUCH_BUCKET';
  if (status === 301 || (status === 400 && e.$response?.headers?.['x-amz-bucket-region'])) return 'WRONG_REGION';
  return awsProblemOf(error);
}

export function isNotFound(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ResourceNotFoundException';
}
