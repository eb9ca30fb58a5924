import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { AwsError, type FakeState } from './state';

/**
 * SigV4 as AWS checks it: the signature is computed again, by the SDK's own signer, from the
 * request as received and the secret the fake knows for the key, and compared. The errors are
 * those AWS's common errors list (HTTP 403, or 400 for an expired signature): a fake that took
 * any Authorization header would hide a client that signs wrongly, or with the wrong secret.
 */

/** Requests dated further than this from the service's clock are refused (AWS's common errors: RequestExpired, 15 minutes either way). */
export const SIGNATURE_WINDOW_MS = 15 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export interface SignedBy {
  accessKeyId: string;
  region: string;
}

/** What the log records before the signature is checked (so a refused request still shows who it claimed to be). */
export function claimedScope(req: IncomingMessage): { accessKeyId: string | null; region: string | null } {
  const match = AUTHORIZATION.exec(String(req.headers.authorization ?? ''));
  return { accessKeyId: match?.[1] ?? null, region: match?.[3] ?? null };
}

export async function verifySignature(state: FakeState, req: IncomingMessage, body: Buffer): Promise<SignedBy> {
  const authorization = req.headers.authorization;
  if (authorization === undefined) throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
  const match = AUTHORIZATION.exec(authorization);
  if (!match) throw new AwsError('IncompleteSignatureException', 'Authorization header requires Credential, SignedHeaders and Signature.', 403);
  const [, accessKeyId = '', scopeDate = '', region = '', service = '', signedList = '', signature = ''] = match;
  const signedHeaders = signedList.split(';');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const date = AMZ_DATE.exec(amzDate);
  if (!date || !signedHeaders.includes('x-amz-date') || !signedHeaders.includes('host')) {
    throw new AwsError('IncompleteSignatureException', 'The request must sign the host and x-amz-date headers.', 403);
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw new AwsError(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}'`,
      403,
    );
  }
  if (service !== 'rekognition') throw new AwsError('InvalidSignatureException', "Credential should be scoped to correct service: 'rekognition'.", 403);
  const expected = state.options.region;
  if (expected !== undefined && region !== expected) throw new AwsError('InvalidSignatureException', 'Credential should be scoped to a valid region.', 403);
  const secretAccessKey = state.secrets.get(accessKeyId);
  if (secretAccessKey === undefined) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403);

  const signedAt = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]), Number(date[4]), Number(date[5]), Number(date[6]));
  const now = state.now();
  if (Math.abs(now - signedAt) > SIGNATURE_WINDOW_MS) {
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
    const [edge, side] = signedAt < now ? [now - SIGNATURE_WINDOW_MS, 'earlier'] : [now + SIGNATURE_WINDOW_MS, 'later'];
    throw new AwsError(
      'InvalidSignatureException',
      `Signature ${side === 'earlier' ? 'expired' : 'not yet current'}: ${amzDate} is now ${side} than ${stamp(edge)} (${stamp(now)} ${side === 'earlier' ? '-' : '+'} 15 min.)`,
    );
  }
  // A signed payload hash must be the body's: otherwise the body could be swapped under a good signature.
  const claimedHash = req.headers['x-amz-content-sha256'];
  if (typeof claimedHash === 'string' && claimedHash !== createHash('sha256').update(body).digest('hex')) {
    throw new AwsError('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.', 403);
  }

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value === undefined)
      throw new AwsError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.', 403);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const url = new URL(req.url ?? '/', 'http://fake');
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region, service, sha256: NodeSha256, uriEscapePath: true });
  const resigned = await signer.sign(
    { method: req.method ?? 'POST', protocol: 'http:', hostname: headers.host ?? '', path: url.pathname, query, headers, body },
    { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
  );
  const computed = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization ?? resigned.headers.Authorization ?? ''))?.[1] ?? '';
  if (computed.length !== signature.length || !timingSafeEqual(Buffer.from(computed), Buffer.from(signature))) {
    throw new AwsError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    );
  }
  return { accessKeyId, region };
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The signer's hash: SHA-256, or HMAC-SHA256 with a secret (the Checksum shape @smithy/signature-v4 expects). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }
}
