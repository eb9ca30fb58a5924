import { isErrorCode, type ErrorBody, type ErrorCode } from '../../shared/contract/errors';

/** A failed call, as the renderer sees it: the contract's error code, English message and details. */
export class RpcError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.details = details;
  }

  static fromBody(body: ErrorBody): RpcError {
    return new RpcError(body.code, body.message, body.details ?? {});
  }

  /** Anything thrown (a network failure, a bug) becomes an RpcError so the UI has one shape to show. */
  static from(error: unknown): RpcError {
    if (error instanceof RpcError) return error;
    if (isErrorBody(error)) return RpcError.fromBody(error);
    const message = error instanceof Error ? error.message : String(error);
    return new RpcError('INTERNAL', message || 'Something went wrong.');
  }

  /** True when the session is locked by inactivity rather than gone. */
  get isLocked(): boolean {
    return this.code === 'UNAUTHENTICATED' && this.details.locked === true;
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    isErrorCode((value as { code?: unknown }).code) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/** The VALIDATION error's `details.fields`, when present and well-formed. */
export function fieldIssues(error: RpcError): FieldIssue[] {
  if (error.code !== 'VALIDATION' || !Array.isArray(error.details.fields)) return [];
  return error.details.fields.filter(
    (field): field is FieldIssue => typeof field === 'object' && field !== null && typeof (field as FieldIssue).path === 'string',
  );
}
