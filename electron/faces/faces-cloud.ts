import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { AwsProblem } from '../../shared/faces/faces.contract';
import type { Database } from '../db/schema';
import { hasSecret, readSecret } from '../secrets/secrets.repository';
import type { SecretCipher } from '../secrets/secret-cipher';
import {
  awsProblemOf,
  createAwsClients,
  defaultChainCredentials,
  DESK_TIMEOUTS,
  isNotFound,
  KIOSK_TIMEOUTS,
  type AwsClients,
  type AwsConfig,
  type AwsTimeouts,
} from './aws-clients';
import type { FaceSettingsRow } from './faces.repository';
import { isSecureServiceUrl, serviceOrigin } from '../../shared/settings/service-url';

/** Rekognition's quality bar, explicit: AUTO lets the service pick it for its current model. */
export const QUALITY_FILTER = 'AUTO' as const;

/** An AWS failure inside this module; becomes CLOUD_UNAVAILABLE (with the problem only) at the edge. */
export class CloudFailure extends Error {
  constructor(readonly problem: AwsProblem) {
    super(`AWS failed: ${problem}`);
  }
}

export class CloudFailureWithCause extends CloudFailure {
  constructor(
    problem: AwsProblem,
    override readonly cause: unknown,
  ) {
    super(problem);
  }
}

export function cloudUnavailable(problem: AwsProblem, extra: Record<string, unknown> = {}): AppError {
  const what: Record<AwsProblem, string> = {
    NO_CREDENTIALS: 'no AWS credentials are set up',
    INVALID_CREDENTIALS: 'AWS did not accept the credentials',
    ACCESS_DENIED: 'AWS denied access',
    NO_SUCH_BUCKET: 'the S3 bucket does not exist',
    WRONG_REGION: 'the bucket or collection is in another region',
    NETWORK: 'AWS could not be reached',
    THROTTLED: 'AWS is busy (throttled)',
    NOT_CONFIGURED: 'face check-in is not fully set up',
    UNKNOWN: 'AWS answered with an error',
  };
  return new AppError('CLOUD_UNAVAILABLE', `Face check-in could not reach AWS: ${what[problem]}. Nothing was changed there; try again.`, { problem, ...extra });
}

export function problemOf(error: unknown): AwsProblem {
  return error instanceof CloudFailure ? error.problem : awsProblemOf(error);
}

/** Whether the failure is AWS saying the thing is not there (ResourceNotFoundException). */
export function isCloudNotFound(error: unknown): boolean {
  return error instanceof CloudFailureWithCause && isNotFound(error.cause);
}

export function ignoreNotFound(error: unknown): undefined {
  if (isCloudNotFound(error)) return undefined;
  throw error;
}

/** Rekognition answers some images without a face with InvalidParameterException rather than an empty result. */
export function isNoFaceError(error: unknown): boolean {
  return error instanceof CloudFailureWithCause && (error.cause as { name?: string })?.name === 'InvalidParameterException';
}

export function isReadyRow(settings: FaceSettingsRow): boolean {
  return settings.enabled === 1 && settings.region !== '' && settings.collection_id !== '' && settings.bucket !== '';
}

export interface FaceCloudDeps {
  secretCipher: SecretCipher;
  env: Readonly<Record<string, string | undefined>>;
  timeouts?: { desk?: AwsTimeouts; kiosk?: AwsTimeouts };
}

/**
 * The way to AWS for every part of face check-in: the credentials (stored keys or the
 * default chain), the endpoints, and one set of SDK clients per configuration, kept until
 * the settings change. Every call has a whole-call deadline; any failure is a CloudFailure.
 */
export class FaceCloud {
  private readonly clients = new Map<string, AwsClients>();
  /** Desk and admin calls. */
  readonly desk: AwsTimeouts;
  /** The kiosk: a shorter budget. */
  readonly kiosk: AwsTimeouts;

  constructor(private readonly deps: FaceCloudDeps) {
    this.desk = deps.timeouts?.desk ?? DESK_TIMEOUTS;
    this.kiosk = deps.timeouts?.kiosk ?? KIOSK_TIMEOUTS;
  }

  close(): void {
    for (const clients of this.clients.values()) clients.destroy();
    this.clients.clear();
  }

  /** Forgets the clients (and the credentials they hold) after the settings change. */
  invalidateClients(): void {
    this.close();
  }

  /** Whether there are credentials to try (stored keys that can be unsealed, or the default chain). */
  async hasCredentials(db: Kysely<Database>, settings: FaceSettingsRow): Promise<boolean> {
    if (settings.credential_source === 'stored') {
      return this.deps.secretCipher.problem() === null && (await hasSecret(db, 'aws.accessKeyId')) && (await hasSecret(db, 'aws.secretAccessKey'));
    }
    return defaultChainCredentials(this.deps.env) !== null;
  }

  /** The endpoints the SDK is pointed at: the settings', else the environment's; undefined: AWS's own. */
  endpointsOf(settings: FaceSettingsRow): { rekognitionEndpoint: string | undefined; s3Endpoint: string | undefined } {
    const env = this.deps.env;
    const endpoint = (own: string | null, specific: string | undefined) => own ?? (specific?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined);
    return {
      rekognitionEndpoint: endpoint(settings.rekognition_endpoint, env.AWS_ENDPOINT_URL_REKOGNITION),
      s3Endpoint: endpoint(settings.s3_endpoint, env.AWS_ENDPOINT_URL_S3),
    };
  }

  /** What stored AWS keys are bound to: the endpoints' origins (AWS's own in any region, or the overrides). */
  secretOrigin(settings: FaceSettingsRow): string {
    const { rekognitionEndpoint, s3Endpoint } = this.endpointsOf(settings);
    const originOf = (endpoint: string | undefined) => (endpoint === undefined ? 'aws' : (serviceOrigin(endpoint) ?? endpoint));
    return `rekognition=${originOf(rekognitionEndpoint)} s3=${originOf(s3Endpoint)}`;
  }

  private async configOf(db: Kysely<Database>, settings: FaceSettingsRow, region = settings.region): Promise<AwsConfig> {
    if (region === '') throw new CloudFailure('NOT_CONFIGURED');
    const env = this.deps.env;
    const { rekognitionEndpoint, s3Endpoint } = this.endpointsOf(settings);
    // Keys and faces travel only encrypted, or to this computer (the local peers of tests).
    if ([rekognitionEndpoint, s3Endpoint].some((endpoint) => endpoint !== undefined && !isSecureServiceUrl(endpoint))) {
      throw new CloudFailure('NOT_CONFIGURED');
    }
    let credentials: AwsConfig['credentials'];
    if (settings.credential_source === 'stored') {
      const origin = this.secretOrigin(settings);
      const accessKeyId = await readSecret(db, this.deps.secretCipher, 'aws.accessKeyId', origin);
      const secretAccessKey = await readSecret(db, this.deps.secretCipher, 'aws.secretAccessKey', origin);
      if (!accessKeyId || !secretAccessKey) throw new CloudFailure('NO_CREDENTIALS');
      credentials = { accessKeyId, secretAccessKey };
    } else {
      const found = defaultChainCredentials(env);
      if (found === null) throw new CloudFailure('NO_CREDENTIALS');
      credentials = found === 'chain' ? undefined : found;
    }
    return { region, credentials, rekognitionEndpoint, s3Endpoint };
  }

  async clientsFor(db: Kysely<Database>, settings: FaceSettingsRow, timeouts: AwsTimeouts, region?: string): Promise<AwsClients> {
    const config = await this.configOf(db, settings, region);
    // The cache key holds no secret in the clear.
    const key = createHash('sha256')
      .update(JSON.stringify([config, timeouts]))
      .digest('hex');
    let clients = this.clients.get(key);
    if (!clients) {
      clients = createAwsClients(config, timeouts);
      this.clients.set(key, clients);
    }
    return clients;
  }

  /** One SDK call with the whole-call deadline; any failure becomes a CloudFailure. */
  async call<T>(clients: AwsClients, send: (options: { abortSignal: AbortSignal }) => Promise<T>, problemOf = awsProblemOf): Promise<T> {
    try {
      return await send({ abortSignal: AbortSignal.timeout(clients.timeouts.deadline) });
    } catch (error) {
      if (error instanceof CloudFailure) throw error;
      throw new CloudFailureWithCause(problemOf(error), error);
    }
  }
}
