import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { claimedScope, verifySignature } from './signature';
import { AwsError, idempotent, type Body, type FakeState, type Operations } from './state';
import { validateRequest } from './validation';
import type { FakeOperation, FakeRequest } from './types';

/**
 * The JSON 1.1 front: POST / with X-Amz-Target: RekognitionService.<Operation>. Logs each
 * request, verifies its signature, applies the injected latency and failures, checks the
 * request against the API reference's constraints, answers a repeated ClientRequestToken from
 * memory, runs the operation, and holds its answer when told to.
 */

const FRONT_END_ERRORS = new Set([
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'ValidationException',
  'SerializationException',
  'UnknownOperationException',
]);

export interface FakeServer {
  port: number;
  close(): Promise<void>;
}

export async function listen(state: FakeState, operations: Operations): Promise<FakeServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('RekognitionService.') ? target.slice('RekognitionService.'.length) : '';
    const entry: FakeRequest = {
      operation: operation || '(none)',
      at: state.now(),
      ...claimedScope(req),
      imageBytes: null,
      status: 200,
    };
    state.log.push(entry);
    const send = (status: number, payload: unknown, errorType?: string) => {
      entry.status = status;
      // The Date header is the service's clock: the SDK corrects its own clock skew from it.
      const headers: Record<string, string> = {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
        date: new Date(state.now()).toUTCString(),
      };
      if (errorType) headers['x-amzn-errortype'] = errorType;
      res.sendDate = false;
      res.writeHead(status, headers).end(JSON.stringify(payload));
    };
    try {
      const delay = state.latency.get(operation) ?? state.latency.get('*') ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (req.method !== 'POST' || req.url !== '/') throw new AwsError('UnknownOperationException', 'Not a JSON 1.1 request', 404);
      await verifySignature(state, req, raw);
      const run = operations[operation as FakeOperation];
      if (!run) throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
      const failure = state.failures.get(operation);
      if (failure && failure.remaining > 0) {
        failure.remaining--;
        throw new AwsError(failure.type, failure.message ?? failure.type, failure.status);
      }
      let body: Body;
      try {
        body = JSON.parse(raw.toString('utf8') || '{}') as Body;
      } catch {
        throw new AwsError('SerializationException', 'Malformed JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AwsError('SerializationException', 'Malformed JSON');
      validateRequest(operation as FakeOperation, body);
      const answer = idempotent(state, operation, body, () => run(body, entry));
      const held = state.answerDelay.get(operation) ?? 0;
      if (held > 0) await new Promise((resolve) => setTimeout(resolve, held));
      send(200, answer);
    } catch (error) {
      const e = error instanceof AwsError ? error : new AwsError('InternalServerError', 'Internal server error');
      // Rekognition's own errors carry Code, Logref and Message (the developer guide's example);
      // those of AWS's front end (signature, validation, serialization) only a message.
      const payload = FRONT_END_ERRORS.has(e.type)
        ? { __type: e.type, message: e.message }
        : { __type: e.type, Code: e.type, Logref: randomUUID(), Message: e.message };
      send(e.status, payload, e.type);
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
