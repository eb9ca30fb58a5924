import { CreateCollectionCommand, DescribeCollectionCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRekognitionFake, type RekognitionFake } from './rekognition-fake';
import { SIGNATURE_WINDOW_MS } from './rekognition-fake/signature';

/**
 * The fake's wire as AWS's: SigV4 verified with the key's secret, the service's clock and its
 * skew error, and errors with the HTTP status (hence the SDK's retries) Rekognition gives them.
 */

const REGION = 'eu-west-1';
const KEY = { accessKeyId: 'AKIAFAKEWIRETEST0001', secretAccessKey: 'fake-wire-secret-access-key-000000000000' };
const CollectionId = 'wire-test';

const START = Date.UTC(2026, 9, 25, 1, 30); // the autumn DST change in Lisbon
let clock = START; // the fake's clock, not the wall's
let fake: RekognitionFake;
const clients: RekognitionClient[] = [];

function clientWith(options: { maxAttempts?: number; accessKeyId?: string; secretAccessKey?: string; region?: string; offset?: number } = {}) {
  const made = new RekognitionClient({
    region: options.region ?? REGION,
    endpoint: fake.endpoint,
    credentials: { accessKeyId: options.accessKeyId ?? KEY.accessKeyId, secretAccessKey: options.secretAccessKey ?? KEY.secretAccessKey },
    maxAttempts: options.maxAttempts ?? 1,
    // The client's clock is the fake's plus `offset`.
    systemClockOffset: clock - Date.now() + (options.offset ?? 0),
  });
  clients.push(made);
  return made;
}

const describeCollection = (client: RekognitionClient) => client.send(new DescribeCollectionCommand({ CollectionId }));

beforeAll(async () => {
  fake = await startRekognitionFake({ credentials: [KEY], region: REGION, now: () => clock });
});

beforeEach(async () => {
  clock = START;
  fake.reset();
  await clientWith().send(new CreateCollectionCommand({ CollectionId }));
  fake.clearRequests();
});

afterAll(async () => {
  for (const made of clients) made.destroy();
  await fake?.close();
});

describe('errors as Rekognition answers them', () => {
  it('answers ThrottlingException and InternalServerError as server faults (HTTP 500), which the SDK retries', async () => {
    for (const type of ['ThrottlingException', 'InternalServerError']) {
      fake.failNext('DescribeCollection', { type });
      await expect(describeCollection(clientWith())).rejects.toMatchObject({ name: type, $fault: 'server', $metadata: { httpStatusCode: 500 } });
      fake.failNext('DescribeCollection', { type });
      await expect(describeCollection(clientWith({ maxAttempts: 2 }))).resolves.toMatchObject({ FaceCount: 0 });
    }
    expect(fake.requests('DescribeCollection').map((r) => r.status)).toEqual([500, 500, 200, 500, 500, 200]);
  });

  it('answers ProvisionedThroughputExceededException with HTTP 400, as the developer guide lists it; the SDK retries it as throttling', async () => {
    fake.failNext('DescribeCollection', { type: 'ProvisionedThroughputExceededException' });
    await expect(describeCollection(clientWith())).rejects.toMatchObject({ $fault: 'client', $metadata: { httpStatusCode: 400 } });
    fake.failNext('DescribeCollection', { type: 'ProvisionedThroughputExceededException' });
    await expect(describeCollection(clientWith({ maxAttempts: 2 }))).resolves.toBeDefined();
  });

  it("sends Rekognition's errors with Code, Logref and Message, which the SDK reads", async () => {
    fake.failNext('DescribeCollection', { type: 'AccessDeniedException', message: 'User is not authorized' });
    const error = (await describeCollection(clientWith()).catch((e: unknown) => e)) as Record<string, unknown>;
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      message: 'User is not authorized',
      Code: 'AccessDeniedException',
      Logref: expect.any(String),
    });
  });

  it('keeps client errors at 400, and not retried', async () => {
    // The SDK retries any error once when the answer's Date is 4+ minutes from the machine's
    // clock (it corrects its skew): here the service's clock must be the machine's.
    clock = Date.now();
    fake.failNext('DescribeCollection', { type: 'InvalidParameterException', times: 2 });
    await expect(describeCollection(clientWith({ maxAttempts: 3 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(fake.requests('DescribeCollection')).toHaveLength(1);
  });
});

describe('SigV4', () => {
  it('accepts a request signed with the known secret, and refuses a wrong secret or an unknown key', async () => {
    await expect(describeCollection(clientWith())).resolves.toBeDefined();
    await expect(describeCollection(clientWith({ secretAccessKey: 'not-the-secret-0000000000000000000000000' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/^The request signature we calculated does not match/),
      $metadata: { httpStatusCode: 403 },
    });
    await expect(describeCollection(clientWith({ accessKeyId: 'AKIAUNKNOWNKEY000000' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(describeCollection(clientWith({ region: 'us-east-1' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: expect.stringMatching(/region/),
    });
  });

  it('refuses a body changed after signing', async () => {
    const client = clientWith();
    // After signing (finalizeRequest), before sending: the body another party would swap in.
    client.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { body?: unknown; headers: Record<string, string> };
        const body = JSON.stringify({ CollectionId: 'someone-elses' });
        request.body = body;
        request.headers['content-length'] = String(Buffer.byteLength(body));
        return next(args);
      },
      { step: 'deserialize', priority: 'low' },
    );
    await expect(describeCollection(client)).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
  });

  it('refuses a request without a signature', async () => {
    const answer = await fetch(fake.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.DescribeCollection' },
      body: JSON.stringify({ CollectionId }),
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await answer.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it("refuses a request dated more than 15 minutes from the service's clock, either way; the SDK corrects its clock from the answer's Date", async () => {
    for (const offset of [-SIGNATURE_WINDOW_MS - 60_000, SIGNATURE_WINDOW_MS + 60_000]) {
      // The SDK corrects (and retries) only when the service's Date is 4+ minutes from the
      // machine's clock: the machine's clock is the one that is off here, as it would be.
      clock = Date.now() - offset;
      await expect(describeCollection(clientWith({ offset }))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        message: expect.stringMatching(offset < 0 ? /^Signature expired: \d{8}T\d{6}Z is now earlier than/ : /^Signature not yet current/),
        $metadata: { httpStatusCode: 400 },
      });
      await expect(describeCollection(clientWith({ offset, maxAttempts: 2 }))).resolves.toBeDefined();
    }
    // Within the window: accepted as it is.
    clock = START;
    await expect(describeCollection(clientWith({ offset: SIGNATURE_WINDOW_MS - 60_000 }))).resolves.toBeDefined();
    expect(fake.requests('DescribeCollection').map((r) => r.status)).toEqual([400, 400, 200, 400, 400, 200, 200]);
  });
});
