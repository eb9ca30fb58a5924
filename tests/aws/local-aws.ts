import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startRekognitionFake, type RekognitionFake, type RekognitionFakeOptions } from './rekognition-fake';

/**
 * Local peers for the AWS SDK clients: the Rekognition fake and s3rver, each on a free
 * loopback port, with the SDK's standard environment variables pointing at them. Pass
 * `env` to the app (deps.env / the browser host's environment): the default credential
 * chain and the endpoint overrides pick it up with no settings entered.
 */

export interface LocalS3Request {
  method: string;
  /** Object key (without the bucket), '' for bucket-level requests. */
  key: string;
  /** x-amz-server-side-encryption header, if sent. */
  serverSideEncryption: string | null;
  /** x-amz-acl header, if sent. */
  acl: string | null;
  query: string;
  /** Status answered (0 until the answer is sent). */
  status: number;
}

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** Keys of every object in the bucket, sorted. */
  listKeys(): Promise<string[]>;
  /** Requests received (headers that matter for privacy included; bodies never kept). */
  requests(): LocalS3Request[];
  clearRequests(): void;
  /** Deletes every object (the bucket stays) and forgets the requests: a fresh start between tests. */
  clear(): Promise<void>;
}

export interface LocalAwsEnv {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_REGION: string;
  AWS_ENDPOINT_URL_REKOGNITION: string;
  AWS_ENDPOINT_URL_S3: string;
  [key: string]: string;
}

export interface LocalAws {
  env: LocalAwsEnv;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The collection id tests should configure (not created: the app's testConnection creates it). */
  collectionId: string;
  rekognition: RekognitionFake;
  s3: LocalS3;
  stop(): Promise<void>;
}

export interface LocalAwsOptions {
  bucket?: string;
  region?: string;
  collectionId?: string;
  /** Create the collection up front (default false: the app creates it). */
  createCollection?: boolean;
  /** Options for the Rekognition fake; the local key pair is always among its credentials. */
  rekognition?: Partial<RekognitionFakeOptions>;
}

// Both peers accept these keys and check the signature with the secret.
export const LOCAL_ACCESS_KEY_ID = 'AKIAFRONTDESKLOCAL01';
export const LOCAL_SECRET_ACCESS_KEY = 'local-secret-access-key-for-tests-only';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer: Server;
  store: {
    listObjects(bucket: string, options: { prefix?: string; maxKeys?: number }): Promise<{ objects: { key: string }[] }>;
    deleteObject(bucket: string, key: string): Promise<void>;
  };
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
interface S3rverAccountModule {
  DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}

const requireCjs = createRequire(import.meta.url);

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const bucket = options.bucket ?? 'front-desk-faces-test';
  const region = options.region ?? 'eu-west-1';
  const collectionId = options.collectionId ?? 'front-desk-test';
  const S3rver = requireCjs('s3rver') as S3rverClass;
  (requireCjs('s3rver/lib/models/account') as S3rverAccountModule).DUMMY_ACCOUNT.createKeyPair(LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY);

  const directory = mkdtempSync(join(tmpdir(), 'fd-s3rver-'));
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  // s3rver deletes a DeleteObjects request's keys in parallel, and each removes the folder
  // it leaves empty: two keys in one folder race (ENOENT, HTTP 500). Real S3 has no folders;
  // one delete at a time makes the local peer behave like it.
  const deleteOne = s3rver.store.deleteObject.bind(s3rver.store);
  let deletes: Promise<unknown> = Promise.resolve();
  s3rver.store.deleteObject = (name, key) => {
    const next = deletes.then(() => deleteOne(name, key));
    deletes = next.catch(() => undefined);
    return next;
  };
  const address = await s3rver.run();
  const s3Endpoint = `http://127.0.0.1:${address.port}`;

  let s3Log: LocalS3Request[] = [];
  const [koaHandler] = s3rver.httpServer.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  s3rver.httpServer.removeAllListeners('request');
  s3rver.httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', s3Endpoint);
    const [, first = '', ...rest] = url.pathname.split('/');
    const entry: LocalS3Request = {
      method: req.method ?? '',
      key: first === bucket ? decodeURIComponent(rest.join('/')) : '',
      serverSideEncryption: header(req, 'x-amz-server-side-encryption'),
      acl: header(req, 'x-amz-acl'),
      query: url.search,
      status: 0,
    };
    s3Log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    koaHandler?.(req, res);
  });

  const rekognition = await startRekognitionFake({
    ...options.rekognition,
    credentials: [{ accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: LOCAL_SECRET_ACCESS_KEY }, ...(options.rekognition?.credentials ?? [])],
    collections: options.createCollection ? [collectionId, ...(options.rekognition?.collections ?? [])] : options.rekognition?.collections,
  });

  const env: LocalAwsEnv = {
    AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY,
    AWS_REGION: region,
    AWS_ENDPOINT_URL_REKOGNITION: rekognition.endpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
  };

  return {
    env,
    region,
    accessKeyId: LOCAL_ACCESS_KEY_ID,
    secretAccessKey: LOCAL_SECRET_ACCESS_KEY,
    collectionId,
    rekognition,
    s3: {
      endpoint: s3Endpoint,
      bucket,
      listKeys: async () => {
        const { objects } = await s3rver.store.listObjects(bucket, { maxKeys: 10_000 });
        return objects.map((o) => o.key).sort();
      },
      requests: () => s3Log.map((r) => ({ ...r })),
      clearRequests: () => {
        s3Log = [];
      },
      clear: async () => {
        const { objects } = await s3rver.store.listObjects(bucket, { maxKeys: 10_000 });
        for (const object of objects) await s3rver.store.deleteObject(bucket, object.key);
        s3Log = [];
      },
    },
    stop: async () => {
      s3rver.httpServer.closeAllConnections();
      await Promise.all([s3rver.close(), rekognition.close()]);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

// `tsx tests/aws/local-aws.ts`: runs both peers and prints the environment to use, until Ctrl-C.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void startLocalAws().then((aws) => {
    process.stdout.write(`${JSON.stringify({ ...aws.env, FACES_BUCKET: aws.s3.bucket, FACES_COLLECTION: aws.collectionId })}\n`);
    const stop = () => {
      void aws.stop().then(() => process.exit(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
