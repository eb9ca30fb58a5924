/**
 * Every failure a user can cause is a value with one of these codes. The renderer
 * translates the code (i18n key `errors.<CODE>`); `details` carries whatever the
 * message needs (the clashing appointment, the next free slots, the invalid fields).
 */
export const errorCodes = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'UNKNOWN_METHOD',
  'INVALID_CREDENTIALS',
  'ACCOUNT_DISABLED',
  'RATE_LIMITED',
  'SLOT_TAKEN',
  'OUTSIDE_WORKING_HOURS',
  'IN_THE_PAST',
  'INVALID_TRANSITION',
  'ALREADY_EXISTS',
  'POSSIBLE_DUPLICATE',
  /** A tax id that cannot be right: a NIF whose check digit or first digit is wrong (details.reason), or an unknown country. */
  'INVALID_TAX_ID',
  /** A phone number that cannot be read as one (details.reason). */
  'INVALID_PHONE',
  /** The patient already has an active appointment at that time (details.clash); book it as a combined visit if intended. */
  'PATIENT_ALREADY_BOOKED',
  /** These two records cannot be merged (details.reason: same patient, or one is already merged). */
  'MERGE_REFUSED',
  'IN_USE',
  'NOT_SET_UP',
  'ALREADY_SET_UP',
  'PAYLOAD_TOO_LARGE',
  /** Face check-in is not configured (no AWS settings) or switched off. */
  'FACE_CHECKIN_OFF',
  /** An action that needs the patient's recorded consent (face enrolment) without it. */
  'CONSENT_REQUIRED',
  /** A photo without exactly one clear, usable face (details.photo, details.reason). */
  'PHOTO_UNUSABLE',
  /** Enrolment photos that do not show the same person (details.photos: the ones unlike the first); take new ones. */
  'PHOTOS_NOT_SAME_PERSON',
  /** A cloud service (AWS, the clinic's cloud API) could not be reached or refused us (details.problem). */
  'CLOUD_UNAVAILABLE',
  /** The cloud refused a join code (mistyped, used or expired: it does not say which). */
  'JOIN_CODE_INVALID',
  /**
   * A face check-in withdrawal stopped halfway: the consent is withdrawn, some AWS steps are
   * done and others remain, to be finished by running it again (details.done, details.remaining, details.problem).
   */
  'WITHDRAWAL_UNFINISHED',
  /** Secrets cannot be stored encrypted on this machine (details.reason). */
  'SECURE_STORAGE_UNAVAILABLE',
  /** A room that already holds another consultation (details.roomId, details.ticket, details.practitionerName). */
  'ROOM_OCCUPIED',
  /** A ticket prefix another active specialty hands out already (details.prefix, details.specialtyId). */
  'TICKET_PREFIX_TAKEN',
  /** The clinic is closed that day, a holiday (details.day, details.nameEn, details.namePt). */
  'CLINIC_CLOSED',
  /** A session of a series cannot be booked or moved (details.session, details.reason): nothing of the series was written. */
  'SERIES_SESSION_UNAVAILABLE',
  /** The backup folder does not exist (or is not a folder), e.g. a disk or network share not connected (details.folder). */
  'BACKUP_FOLDER_MISSING',
  /** The desk cannot write in the backup folder (details.folder). */
  'BACKUP_FOLDER_NOT_WRITABLE',
  /** A backup folder inside the desk's data folder: it would be lost with the disk it protects against (details.folder). */
  'BACKUP_FOLDER_INSIDE_DATA',
  /** A backup was written but did not pass its check (details.reason); the file was deleted. Also: no folder chosen yet (details.reason: NO_FOLDER). */
  'BACKUP_FAILED',
  /** A file that cannot be restored: not a Front Desk backup, damaged, or from a newer version (details.reason). */
  'RESTORE_FILE_INVALID',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorBody {
  code: ErrorCode;
  /** English fallback for logs and for callers without the i18n catalogue. */
  message: string;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }
}

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

/** HTTP status for each error code, used by the browser host. */
export const httpStatusOf: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_METHOD: 404,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_DISABLED: 403,
  RATE_LIMITED: 429,
  SLOT_TAKEN: 409,
  OUTSIDE_WORKING_HOURS: 409,
  IN_THE_PAST: 409,
  INVALID_TRANSITION: 409,
  ALREADY_EXISTS: 409,
  POSSIBLE_DUPLICATE: 409,
  INVALID_TAX_ID: 422,
  INVALID_PHONE: 422,
  PATIENT_ALREADY_BOOKED: 409,
  MERGE_REFUSED: 409,
  IN_USE: 409,
  NOT_SET_UP: 409,
  ALREADY_SET_UP: 409,
  PAYLOAD_TOO_LARGE: 413,
  FACE_CHECKIN_OFF: 409,
  CONSENT_REQUIRED: 409,
  PHOTO_UNUSABLE: 422,
  PHOTOS_NOT_SAME_PERSON: 422,
  CLOUD_UNAVAILABLE: 503,
  JOIN_CODE_INVALID: 422,
  WITHDRAWAL_UNFINISHED: 503,
  SECURE_STORAGE_UNAVAILABLE: 409,
  ROOM_OCCUPIED: 409,
  TICKET_PREFIX_TAKEN: 409,
  CLINIC_CLOSED: 409,
  SERIES_SESSION_UNAVAILABLE: 409,
  BACKUP_FOLDER_MISSING: 422,
  BACKUP_FOLDER_NOT_WRITABLE: 422,
  BACKUP_FOLDER_INSIDE_DATA: 422,
  BACKUP_FAILED: 409,
  RESTORE_FILE_INVALID: 422,
  INTERNAL: 500,
};

/**
 * Codes any method may answer with, whatever it does, so no method lists them in its
 * `errors`: the dispatcher's (VALIDATION: the input does not match the schema;
 * UNAUTHENTICATED: no session, or a locked one; FORBIDDEN: the caller's role may not call
 * it; UNKNOWN_METHOD; INTERNAL: an unexpected failure, or an output the contract refuses)
 * and the transports' (PAYLOAD_TOO_LARGE: the input is over their size limit).
 */
export const universalErrorCodes = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'UNKNOWN_METHOD',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
] as const satisfies readonly ErrorCode[];
