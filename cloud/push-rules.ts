import { createHash } from 'node:crypto';
import {
  activeAppointmentStatuses,
  CLINIC_SETTINGS_UID,
  holidayUid,
  entityData,
  type Clash,
  type Mutation,
  type MutationResult,
  type ServerRow,
  type SyncEntity,
} from '../shared/sync/cloud-api';
import { canonicalJson } from '../shared/sync/canonical-json';
import type { ClashRow, Span, StoredRow } from './db/cloud.repository';
import { MAX_APPOINTMENT_MS } from './db/limits';

/**
 * Who is pushing: a front desk may change anything; the patient portal may only create
 * patients and online bookings (never staff accounts or the clinic's settings).
 */
export type Principal = 'desk' | 'portal';

/** An answer that ends one mutation early; `isStored` says whether a replay must get it again. */
export class Outcome {
  constructor(
    readonly result: MutationResult,
    readonly isStored: boolean,
  ) {}
}

export const rejected = (m: Mutation, reason: 'INVALID' | 'MISSING_REFERENCE' | 'FORBIDDEN', message: string, isStored: boolean) =>
  new Outcome({ mutationId: m.mutationId, status: 'rejected', reason, message: message.slice(0, 500) }, isStored);

export const conflict = (m: Mutation, current: StoredRow | undefined, clash: Clash | null) =>
  new Outcome({ mutationId: m.mutationId, status: 'conflict', current: current ? toServerRow(current) : null, clash }, true);

export function toServerRow(row: StoredRow): ServerRow {
  return { entity: row.entity, uid: row.uid, version: row.version, deleted: row.deleted, data: row.data === null ? null : JSON.parse(row.data) };
}

export const withoutNul = (text: string): string => text.replaceAll('\u0000', '\ufffd');

export const pgError = (error: unknown): { code?: string; constraint?: string } => (typeof error === 'object' && error !== null ? error : {});

/** Key order must not matter: a client may serialise the same change differently on a retry. */
export function fingerprintOf(m: Mutation, data: Record<string, unknown> | null): string {
  return createHash('sha256')
    .update(canonicalJson({ entity: m.entity, uid: m.uid, op: m.op, baseVersion: m.baseVersion, data }))
    .digest('base64url');
}

/** The rows a row refers to; each must be live on the server when the row is written. */
export function referencesOf(entity: SyncEntity, data: Record<string, unknown>): Array<[SyncEntity, string]> {
  const refs: Array<[SyncEntity, string]> = [];
  if (entity === 'appointment') {
    refs.push(['patient', data.patientUid as string], ['practitioner', data.practitionerUid as string], ['specialty', data.specialtyUid as string]);
    if (data.roomUid !== null) refs.push(['room', data.roomUid as string]);
  } else if (entity === 'practitioner') {
    if (data.defaultRoomUid !== null) refs.push(['room', data.defaultRoomUid as string]);
    for (const specialtyUid of data.specialtyUids as string[]) refs.push(['specialty', specialtyUid]);
  } else if (entity === 'staff' && data.practitionerUid !== null) {
    refs.push(['practitioner', data.practitionerUid as string]);
  }
  return refs;
}

/** An upsert's row as checked, and the JSON text it is stored as (made once: a push of 500 is 500 rows). */
export interface Checked {
  data: Record<string, unknown>;
  text: string;
}

/**
 * What can be said without the database: the shape of the data, and what the principal
 * may do. These answers depend on nothing stored, so they are not recorded: a replay
 * gets the same answer by computing it again.
 */
const DELETE_INSTEAD = { staff: ' (disable the account)', clinic: '', holiday: ' (turn it off: isActive false)' } as const;

export function checkStatelessly(m: Mutation, principal: Principal): Checked | null {
  if (principal === 'portal' && !((m.entity === 'appointment' || m.entity === 'patient') && m.op === 'upsert' && m.baseVersion === null)) {
    throw rejected(m, 'FORBIDDEN', 'The portal may only create patients and appointments.', false);
  }
  if (m.entity === 'clinic' && m.uid !== CLINIC_SETTINGS_UID)
    throw rejected(m, 'INVALID', `The clinic's settings are the one row ${CLINIC_SETTINGS_UID}.`, false);
  if (m.op === 'delete') {
    if (m.data !== null) throw rejected(m, 'INVALID', 'A delete carries no data (data must be null).', false);
    // Audit trails on every desk name accounts: an account is disabled, never deleted; the settings always exist;
    // a holiday's uid is its day's, and could never come back from a tombstone.
    if (m.entity === 'staff' || m.entity === 'clinic' || m.entity === 'holiday')
      throw rejected(m, 'INVALID', `A ${m.entity} row cannot be deleted${DELETE_INSTEAD[m.entity]}.`, false);
    return null;
  }
  if (m.data === null) throw rejected(m, 'INVALID', 'An upsert carries the whole row (data must not be null).', false);
  const parsed = entityData[m.entity].safeParse(m.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw rejected(m, 'INVALID', `Invalid ${m.entity}: ${issue ? `${issue.path.join('.') || '(row)'}: ${issue.message}` : 'invalid data'}`, false);
  }
  const data = parsed.data as Record<string, unknown>;
  const text = JSON.stringify(data);
  // PostgreSQL's text cannot hold U+0000 (nor can JSON read back as text): no desk writes one.
  if (text.includes('\\u0000')) throw rejected(m, 'INVALID', 'Text may not contain the character U+0000.', false);
  if (m.entity === 'holiday' && m.uid !== holidayUid(data.day as string))
    throw rejected(m, 'INVALID', `A holiday's uid is its day's: ${holidayUid(data.day as string)} for ${data.day as string}.`, false);
  if (m.entity === 'appointment') {
    const startsAt = data.startsAt as number;
    const endsAt = data.endsAt as number;
    if (!(endsAt > startsAt)) throw rejected(m, 'INVALID', 'An appointment must end after it starts.', false);
    if (endsAt - startsAt > MAX_APPOINTMENT_MS) throw rejected(m, 'INVALID', 'An appointment lasts at most 12 hours.', false);
    if (principal === 'portal' && (data.status !== 'booked' || data.origin !== 'online')) {
      throw rejected(m, 'FORBIDDEN', "The portal books with status 'booked' and origin 'online' only.", false);
    }
  }
  return { data, text };
}

export const EXCLUSION_VIOLATION = '23P01';
export const UNIQUE_VIOLATION = '23505';

export const usernameTaken = (m: Mutation, username: string) =>
  rejected(m, 'INVALID', `The username ${username} is taken by another account of the clinic.`, true);

export const clashOf = (kind: Clash['kind'], other: ClashRow): Clash => ({
  kind,
  uid: other.uid,
  startsAt: other.startsAt,
  endsAt: other.endsAt,
  ...(other.origin === null ? {} : { origin: other.origin.slice(0, 100) }),
});

export const isActive = (status: string) => (activeAppointmentStatuses as readonly string[]).includes(status);

export function spanOf(m: Mutation, data: Record<string, unknown>): Span {
  return {
    uid: m.uid,
    practitionerUid: data.practitionerUid as string,
    roomUid: data.roomUid as string | null,
    startsAt: data.startsAt as number,
    endsAt: data.endsAt as number,
    status: data.status as string,
  };
}
