import type { TFunction } from 'i18next';
import type { ZodType } from 'zod';
import type { Locale } from '../../shared/contract/common';
import { isErrorCode } from '../../shared/contract/errors';
import { fieldIssues, RpcError } from '../transport/rpc-error';

/**
 * The user-facing sentence for a failed call: translated by code, the English message as
 * fallback. `locale` picks between the names a server sends in both languages (a holiday's).
 */
export function errorText(t: TFunction, error: RpcError, locale: Locale = 'en'): string {
  if (error.code === 'INTERNAL' && error.details.offline === true) return t('errors.offline');
  if (!isErrorCode(error.code)) return error.message;
  if (error.code === 'WITHDRAWAL_UNFINISHED') return withdrawalUnfinishedText(t, error);
  if (error.code === 'CLOUD_UNAVAILABLE' && error.details.joined === true) return t('firstRun.join.unfinished');
  if (error.code === 'FORBIDDEN' && error.details.reason === 'NOT_YOUR_PATIENT') return t('patients.notYourPatient');
  if (error.code === 'CLINIC_CLOSED') {
    // The holiday's name in the UI language: the server sends both.
    const name = error.details[locale === 'pt' ? 'namePt' : 'nameEn'];
    return t('errors.CLINIC_CLOSED', { name: typeof name === 'string' ? name : '', defaultValue: error.message });
  }
  if (error.code === 'SERIES_SESSION_UNAVAILABLE') return seriesSessionText(t, error, locale);
  return t(`errors.${error.code}`, { defaultValue: error.message });
}

/** Which session of a series failed and why, in words: the why is the refusal it met. */
function seriesSessionText(t: TFunction, error: RpcError, locale: Locale): string {
  const { session, reason, reasonDetails } = error.details;
  if (typeof session !== 'number' || !isErrorCode(reason)) return t('errors.SERIES_SESSION_UNAVAILABLE');
  const inner = new RpcError(reason, '', typeof reasonDetails === 'object' && reasonDetails !== null ? (reasonDetails as Record<string, unknown>) : {});
  return t('series.unavailable', { session, reason: errorText(t, inner, locale) });
}

const withdrawalSteps = ['user', 'faces', 'photos'] as const;

/** A withdrawal stopped halfway: what is done and what remains, by the first step left (they run in order). */
function withdrawalUnfinishedText(t: TFunction, error: RpcError): string {
  const remaining = Array.isArray(error.details.remaining) ? (error.details.remaining as unknown[]) : [];
  const next = withdrawalSteps.find((step) => remaining.includes(step));
  return next ? t(`faces.withdrawalUnfinished.${next}`) : t('errors.WITHDRAWAL_UNFINISHED');
}

const formatHints: Record<string, string> = {
  phone: 'validation.phone',
  email: 'validation.email',
  taxId: 'validation.taxId',
  dateOfBirth: 'validation.date',
  username: 'validation.username',
  color: 'validation.color',
  ticketPrefix: 'validation.ticketPrefix',
  currency: 'validation.currency',
  timeZone: 'validation.timeZone',
  start: 'validation.clock',
  end: 'validation.clock',
  cloudUrl: 'validation.serviceUrl',
  rekognitionEndpoint: 'validation.serviceUrl',
  s3Endpoint: 'validation.serviceUrl',
};

export interface IssueLike {
  path: string;
  code: string;
  /** From zod: the limit of a too_small / too_big issue. */
  minimum?: unknown;
  maximum?: unknown;
  origin?: unknown;
  /** The server's English reason, when it sent one. */
  message?: unknown;
}

/** One translated sentence for a field issue, whichever side (client zod or server VALIDATION) found it. */
export function issueText(t: TFunction, issue: IssueLike): string {
  const field = issue.path.split('.').pop() ?? '';
  if (issue.code === 'too_small') {
    if (issue.origin === 'string' && (issue.minimum === 1 || issue.minimum === undefined)) return t('validation.required');
    if (issue.origin === 'string') return t('validation.tooShort', { min: Number(issue.minimum) });
    if (issue.origin === 'number') return t('validation.tooSmall', { min: Number(issue.minimum) });
    return t('validation.required');
  }
  if (issue.code === 'too_big') {
    if (issue.origin === 'number') return t('validation.tooBig', { max: Number(issue.maximum) });
    return t('validation.tooLong', { max: Number(issue.maximum) });
  }
  if (issue.code === 'invalid_type') return t('validation.required');
  // The host refuses a birth date after today: say so, not "after 1900".
  if (field === 'dateOfBirth' && typeof issue.message === 'string' && /future/i.test(issue.message)) return t('validation.dateInFuture');
  const hint = formatHints[field];
  if (hint) return t(hint as 'validation.phone');
  return t('validation.invalid');
}

/**
 * Field errors of a VALIDATION error, keyed by the field's path with `prefix` removed
 * (`fields.fullName` → `fullName` for `patients.create`).
 */
export function serverFieldErrors(t: TFunction, error: RpcError | null, prefix = ''): Record<string, string> {
  if (!error) return {};
  const result: Record<string, string> = {};
  for (const issue of fieldIssues(error)) {
    const path = prefix && issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path;
    if (!(path in result)) result[path] = issueText(t, { ...limitsFrom(issue.message), ...issue, path });
  }
  const named = typeof error.details.field === 'string' ? error.details.field : null;
  const field = named && prefix && named.startsWith(prefix) ? named.slice(prefix.length) : named;
  if (field && !(field in result))
    result[field] = error.code === 'ALREADY_EXISTS' && field === 'username' ? t('validation.usernameTaken') : errorText(t, error);
  return result;
}

// The server sends the limits (minimum, maximum, origin) beside zod's English message; the
// message is read only as a fallback, for a peer that sends no limits.
function limitsFrom(message: string): { origin?: string; minimum?: number; maximum?: number } {
  const origin = /string|character/i.test(message) ? 'string' : /number/i.test(message) ? 'number' : undefined;
  const limit = /[<>]=?\s*(\d+)/.exec(message);
  const value = limit ? Number(limit[1]) : undefined;
  return { ...(origin ? { origin } : {}), ...(value !== undefined ? { minimum: value, maximum: value } : {}) };
}

/** Checks form values with a contract schema before sending; the same messages as the server's. */
/** A birth date after today (the desk's own calendar day, `today` as YYYY-MM-DD): the error to show, or null. */
export function futureBirthDateError(t: TFunction, dateOfBirth: string, today: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth) && dateOfBirth > today ? t('validation.dateInFuture') : null;
}

/** Today's calendar day on this machine, as YYYY-MM-DD. */
export function localDay(now: number): string {
  const date = new Date(now);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

export function clientFieldErrors(t: TFunction, schema: ZodType, values: unknown): Record<string, string> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return {};
  const result: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.');
    if (path in result) continue;
    const limits = issue as unknown as { minimum?: unknown; maximum?: unknown; origin?: unknown };
    // An empty field that fails a format check is simply missing.
    if (valueAt(values, issue.path) === '') {
      result[path] = t('validation.required');
      continue;
    }
    result[path] = issueText(t, { path, code: issue.code, minimum: limits.minimum, maximum: limits.maximum, origin: limits.origin });
  }
  return result;
}

function valueAt(values: unknown, path: readonly PropertyKey[]): unknown {
  let current = values;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
