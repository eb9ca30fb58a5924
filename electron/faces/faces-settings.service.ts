import { CreateCollectionCommand, DescribeCollectionCommand } from '@aws-sdk/client-rekognition';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { Kysely } from 'kysely';
import type { ParsedInput } from '../../shared/contract/contract';
import type { AwsProblem, FaceSettings } from '../../shared/faces/faces.contract';
import type { Database } from '../db/schema';
import type { RequestContext } from '../rpc/context';
import { deleteSecrets, hasSecret, storeSecret } from '../secrets/secrets.repository';
import type { SecretCipher } from '../secrets/secret-cipher';
import { bucketProblemOf, type AwsClients } from './aws-clients';
import { CloudFailure, isCloudNotFound, isReadyRow, problemOf, type FaceCloud } from './faces-cloud';
import { readFaceSettings, writeFaceSettings, type FaceSettingsRow } from './faces.repository';

const SECRET_NAMES = ['aws.accessKeyId', 'aws.secretAccessKey', 'aws.sessionToken'] as const;

type Check = { target: 'credentials' | 'collection' | 'bucket'; status: 'ok' | 'created' | 'failed' | 'skipped'; problem: AwsProblem | null };

export interface FaceSettingsDeps {
  cloud: FaceCloud;
  secretCipher: SecretCipher;
}

/** The admin's AWS set-up: the settings (keys sealed, never shown), and the connection test. */
export class FaceSettingsService {
  constructor(private readonly deps: FaceSettingsDeps) {}

  async settingsView(db: Kysely<Database>): Promise<FaceSettings> {
    const row = await readFaceSettings(db);
    const problem = this.deps.secretCipher.problem();
    return {
      enabled: row.enabled === 1,
      region: row.region,
      collectionId: row.collection_id,
      bucket: row.bucket,
      keyPrefix: row.key_prefix,
      matchThreshold: row.match_threshold,
      credentialSource: row.credential_source,
      hasStoredKeys: (await hasSecret(db, 'aws.accessKeyId')) && (await hasSecret(db, 'aws.secretAccessKey')),
      rekognitionEndpoint: row.rekognition_endpoint,
      s3Endpoint: row.s3_endpoint,
      retentionMonths: row.retention_months,
      secureStorage: { available: problem === null, problem },
      isReady: isReadyRow(row),
    };
  }

  /** In the caller's transaction: a refused secret leaves everything as it was. */
  async updateSettings(db: Kysely<Database>, input: ParsedInput<'faces.updateSettings'>, req: RequestContext): Promise<FaceSettings> {
    const now = req.now;
    const current = await readFaceSettings(db);
    const next: FaceSettingsRow = {
      enabled: input.enabled === undefined ? current.enabled : input.enabled ? 1 : 0,
      region: input.region ?? current.region,
      collection_id: input.collectionId ?? current.collection_id,
      bucket: input.bucket ?? current.bucket,
      key_prefix: input.keyPrefix ?? current.key_prefix,
      match_threshold: input.matchThreshold ?? current.match_threshold,
      credential_source: input.credentialSource ?? current.credential_source,
      rekognition_endpoint: input.rekognitionEndpoint === undefined ? current.rekognition_endpoint : input.rekognitionEndpoint || null,
      s3_endpoint: input.s3Endpoint === undefined ? current.s3_endpoint : input.s3Endpoint || null,
      retention_months: input.retentionMonths ?? current.retention_months,
    };
    const changed: string[] = (Object.keys(next) as (keyof FaceSettingsRow)[]).filter((key) => next[key] !== current[key]);
    const origin = this.deps.cloud.secretOrigin(next);
    if (input.forgetStoredKeys) {
      await deleteSecrets(db, SECRET_NAMES);
      changed.push('keys forgotten');
    } else if (input.accessKeyId === undefined && origin !== this.deps.cloud.secretOrigin(current) && (await hasSecret(db, 'aws.accessKeyId'))) {
      // Keys entered for one endpoint never go to another: new endpoints need them again.
      await deleteSecrets(db, SECRET_NAMES);
      changed.push('keys forgotten (new endpoints)');
    }
    if (input.accessKeyId !== undefined && input.secretAccessKey !== undefined) {
      await storeSecret(db, this.deps.secretCipher, 'aws.accessKeyId', input.accessKeyId, origin, now);
      await storeSecret(db, this.deps.secretCipher, 'aws.secretAccessKey', input.secretAccessKey, origin, now);
      await deleteSecrets(db, ['aws.sessionToken']);
      changed.push('keys stored');
    }
    await writeFaceSettings(db, next, now);
    req.audit({ action: 'faces.settings', detail: changed.length > 0 ? `changed: ${changed.join(', ')}` : 'no changes' });
    this.deps.cloud.invalidateClients();
    return this.settingsView(db);
  }

  /** Whether the kiosk should offer the camera: switched on, complete, with credentials to try. */
  async isAvailable(db: Kysely<Database>): Promise<boolean> {
    const settings = await readFaceSettings(db);
    return isReadyRow(settings) && (await this.deps.cloud.hasCredentials(db, settings));
  }

  /** Checks the credentials, the collection (creating it when missing) and the bucket. */
  async testConnection(db: Kysely<Database>): Promise<{ ok: boolean; checks: Check[] }> {
    const cloud = this.deps.cloud;
    const settings = await readFaceSettings(db);
    const failed = (target: Check['target'], problem: AwsProblem): Check => ({ target, status: 'failed', problem });
    const skipped = (target: Check['target']): Check => ({ target, status: 'skipped', problem: null });
    let clients: AwsClients;
    try {
      clients = await cloud.clientsFor(db, settings, cloud.desk);
    } catch (error) {
      const problem = error instanceof CloudFailure ? error.problem : 'UNKNOWN';
      return { ok: false, checks: [failed('credentials', problem), skipped('collection'), skipped('bucket')] };
    }
    const collectionCheck = async (): Promise<Check> => {
      if (settings.collection_id === '') return failed('collection', 'NOT_CONFIGURED');
      const CollectionId = settings.collection_id;
      try {
        await cloud.call(clients, (o) => clients.rekognition.send(new DescribeCollectionCommand({ CollectionId }), o));
        return { target: 'collection', status: 'ok', problem: null };
      } catch (error) {
        if (!isCloudNotFound(error)) return failed('collection', problemOf(error));
      }
      try {
        await cloud.call(clients, (o) => clients.rekognition.send(new CreateCollectionCommand({ CollectionId }), o));
        return { target: 'collection', status: 'created', problem: null };
      } catch (error) {
        return failed('collection', problemOf(error));
      }
    };
    const bucketCheck = async (): Promise<Check> => {
      if (settings.bucket === '') return failed('bucket', 'NOT_CONFIGURED');
      try {
        await cloud.call(clients, (o) => clients.s3.send(new HeadBucketCommand({ Bucket: settings.bucket }), o), bucketProblemOf);
        return { target: 'bucket', status: 'ok', problem: null };
      } catch (error) {
        return failed('bucket', problemOf(error));
      }
    };
    const [collection, bucket] = await Promise.all([collectionCheck(), bucketCheck()]);
    const credentialProblem = [collection, bucket]
      .map((check) => check.problem)
      .find((problem) => problem === 'INVALID_CREDENTIALS' || problem === 'NO_CREDENTIALS');
    const credentials: Check = credentialProblem ? failed('credentials', credentialProblem) : { target: 'credentials', status: 'ok', problem: null };
    const checks = [credentials, collection, bucket];
    return { ok: checks.every((check) => check.status === 'ok' || check.status === 'created'), checks };
  }
}
