import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, type Body, type FakeState, type Operations } from './state';
import type { FakeOperation, FakeRequest } from './types';

/**
 * The JSON 1.1 front: POST / with X-Amz-Target: RekognitionService.<Operation>. Logs each
 * request, checks its signature's scope, applies the injected latency, failures and held
 * answers, then runs the operation.
 */

export interface FakeServer {
  port: number;
  close(): Promise<void>;
}

export async function listen(state: FakeState, operations: Operations): Promise<FakeServer> {
  const { options } = state;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('RekognitionService.') ? target.slice('RekognitionService.'.length) : '';
    const auth = String(req.headers.authorization ?? '');
    const scope = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
    const entry: FakeRequest = {
      operation: operation || '(none)',
      at: Date.now(),
      accessKeyId: scope?.[1] ?? null,
      region: scope?.[2] ?? null,
      imageBytes: null,
      status: 200,
    };
    state.log.push(entry);
    const send = (status: number, payload: unknown, errorType?: string) => {
      entry.status = status;
      const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() };
      if (errorType) headers['x-amzn-errortype'] = errorType;
      res.writeHead(status, headers).end(JSON.stringify(payload));
    };
    try {
      const delay = state.latency.get(operation) ?? state.latency.get('*') ?? 0;
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
      const failure = state.failures.get(operation);
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
      const held = state.answerDelay.get(operation) ?? 0;
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
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
