import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { CursorRefusal, ErrorResponse } from '../../shared/sync/cloud-api';

/**
 * Every refusal the cloud answers, in the contract's ErrorResponse shape: ours, Fastify's
 * own (body too large, wrong content type, schema validation, no route) and the rate
 * limiter's.
 */

export type ErrorCode = ErrorResponse['error']['code'];

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly reason?: CursorRefusal,
  ) {
    super(message);
  }
}

export const unauthorized = () =>
  new HttpError(401, 'UNAUTHORIZED', 'A valid bearer token is required.', { 'WWW-Authenticate': 'Bearer realm="front-desk-cloud"' });

export function errorBody(code: ErrorCode, message: string, reason?: CursorRefusal): string {
  const body: ErrorResponse = { error: { code, message: message.slice(0, 500), ...(reason ? { reason } : {}) } };
  return JSON.stringify(body);
}

export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply
    .code(error.statusCode)
    .headers(error.headers)
    .type('application/json; charset=utf-8')
    .send(errorBody(error.code, error.message, error.reason));
}

interface Issue {
  instancePath?: string;
  message?: string;
}

/** The first few schema issues, as "path: message" (fastify-type-provider-zod's are zod's, path as a JSON pointer). */
export function describeIssues(issues: readonly Issue[], context = 'body'): string {
  const first = issues
    .slice(0, 3)
    .map((issue) => `${(issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.') || `(${context})`}: ${issue.message ?? 'invalid'}`);
  return `Invalid request: ${first.join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`;
}

/** Too many connections, a server shutting down, a deadlock or a serialisation failure: worth a retry. */
function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('53') || code.startsWith('57P') || code === '40P01' || code === '40001');
}

/** What Fastify's own 4xx errors become. */
function fromFastify(error: FastifyError): HttpError | null {
  if (error.validation) return new HttpError(400, 'INVALID_REQUEST', describeIssues(error.validation, error.validationContext));
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'PAYLOAD_TOO_LARGE', error.message, { Connection: 'close' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new HttpError(415, 'INVALID_REQUEST', 'The body must be application/json (UTF-8).');
  }
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 500 ? new HttpError(status, 'INVALID_REQUEST', error.message) : null;
}

export function installErrorHandlers(app: FastifyInstance, allowedMethods: (path: string) => string[]): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    if (error instanceof HttpError) return sendError(reply, error);
    if (isTransientDatabaseError(error))
      return sendError(reply, new HttpError(503, 'UNAVAILABLE', 'The database is busy; try again shortly.', { 'Retry-After': '1' }));
    const known = fromFastify(error);
    if (known) return sendError(reply, known);
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, new HttpError(500, 'INTERNAL', 'The server failed; the request may be retried.'));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    const allowed = allowedMethods(path);
    if (allowed.length > 0) return sendError(reply, new HttpError(405, 'INVALID_REQUEST', `Use ${allowed.join(', ')} here.`, { Allow: allowed.join(', ') }));
    return sendError(reply, new HttpError(404, 'INVALID_REQUEST', `No such endpoint: ${path.slice(0, 100)}`));
  });
}

/** What Node's parser refused, as status line and message. */
function clientErrorAnswer(error: Error & { code?: string }): [string, string] {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return ['408 Request Timeout', 'The request took too long to arrive.'];
    case 'HPE_HEADER_OVERFLOW':
      return ['431 Request Header Fields Too Large', 'The request headers are too large.'];
    default:
      return ['400 Bad Request', 'The request is not valid HTTP.'];
  }
}

/** Malformed HTTP (or too slow, or headers too large): an answer in the contract's shape, and hang up; never a crash. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, message] = clientErrorAnswer(error);
  const body = errorBody('INVALID_REQUEST', message);
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
