import { z } from 'zod';
import { roles } from '../contract/method';
import { isoDay } from '../contract/common';
import { displayPrivacy } from '../display/display.contract';

/**
 * The wire format of the clinic's cloud API (docs/cloud-api/openapi.json, generated from
 * these and the cloud's routes, says the same for people): what Front Desk pushes and
 * pulls, and what the reference server in `cloud/` answers. Both sides parse with these
 * schemas, so neither trusts the other's JSON.
 *
 * Rows are named by `uid` (a UUID made where the row was created), never by a local
 * integer id: every desk numbers its own rows. References between rows are uids too.
 */

export const uid = z.uuid();
export const syncEntity = z.enum(['specialty', 'room', 'practitioner', 'patient', 'appointment', 'staff', 'clinic', 'holiday']);
export type SyncEntity = z.infer<typeof syncEntity>;

const instantMs = z.number().int().min(0).max(7_258_118_400_000);
const shortText = (max: number) => z.string().max(max);

export const specialtyData = z.strictObject({
  nameEn: shortText(120),
  namePt: shortText(120),
  durationMinutes: z.number().int().min(5).max(480),
  priceCents: z.number().int().min(0).max(100_000_000),
  ticketPrefix: shortText(3),
  isActive: z.boolean(),
});

export const roomData = z.strictObject({ name: shortText(120), isActive: z.boolean() });

export const practitionerData = z.strictObject({
  fullName: shortText(120),
  descriptionEn: shortText(2000),
  descriptionPt: shortText(2000),
  defaultRoomUid: uid.nullable(),
  isActive: z.boolean(),
  specialtyUids: z.array(uid).max(100),
  /** Weekly hours: ISO weekday 1–7, minutes after midnight on the clinic's clock. */
  workingHours: z
    .array(
      z.strictObject({ weekday: z.number().int().min(1).max(7), startMinute: z.number().int().min(0).max(1440), endMinute: z.number().int().min(0).max(1440) }),
    )
    .max(100),
  timeOff: z.array(z.strictObject({ startsAt: instantMs, endsAt: instantMs, reason: shortText(200) })).max(1000),
});

export const patientData = z.strictObject({
  fullName: shortText(120),
  preferredName: shortText(60),
  dateOfBirth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  sex: z.enum(['female', 'male', 'other', 'unknown']),
  phone: shortText(30),
  email: shortText(254),
  taxId: shortText(20),
  address: shortText(300),
  preferredLanguage: z.enum(['en', 'pt']),
  notes: shortText(2000),
  /** The tax id's country (ISO 3166-1 alpha-2); absent from older desks and the portal: PT. */
  taxCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  /** Set when this record was merged, as a duplicate, into that patient; absent: not merged. */
  mergedIntoUid: uid.nullable().optional(),
});

/** Statuses that hold their slot: the server refuses an overlap between two of these. */
export const activeAppointmentStatuses = ['booked', 'checked_in', 'called', 'in_consultation', 'done', 'left_unseen'] as const;

export const appointmentData = z.strictObject({
  patientUid: uid,
  practitionerUid: uid,
  roomUid: uid.nullable(),
  specialtyUid: uid,
  startsAt: instantMs,
  endsAt: instantMs,
  status: z.enum(['booked', 'checked_in', 'called', 'in_consultation', 'done', 'no_show', 'cancelled', 'left_unseen']),
  cancelReason: shortText(500),
  notes: shortText(2000),
  priceCents: z.number().int().min(0).max(100_000_000),
  isWalkIn: z.boolean(),
  /** Where it was booked: a desk's id, or 'online' for the patient portal. */
  origin: shortText(100),
  /** The series (a course of sessions) it belongs to; absent: none (and from older desks). */
  seriesId: uid.optional(),
  /** Its number in that series, from 1; present exactly when `seriesId` is. */
  seriesIndex: z.number().int().min(1).max(1000).optional(),
});

/**
 * A member of staff's account, the same on every desk of the clinic. The password travels
 * only as its stored hash (scrypt, with its salt and cost), so staff sign in offline on any
 * desk; per-desk state (failed attempts, lockouts, sessions) never travels. Accounts are
 * disabled, never deleted: the server refuses a delete.
 */
export const staffData = z.strictObject({
  username: z
    .string()
    .min(2)
    .max(40)
    .regex(/^[a-zA-Z0-9._-]+$/),
  displayName: shortText(80).min(1),
  role: z.enum(roles),
  passwordHash: shortText(500).min(1),
  practitionerUid: uid.nullable(),
  locale: z.enum(['en', 'pt']),
  isDisabled: z.boolean(),
});

/** The uid of the clinic's one settings row (entity `clinic`): the same on every desk and server. */
export const CLINIC_SETTINGS_UID = '00000000-0000-4000-8000-000000000001';

/**
 * The clinic-wide settings, one row (uid CLINIC_SETTINGS_UID). What belongs to one desk (the
 * names its browser host answers to, its second screen, whether it is the demo, when it was
 * set up, its paired screens, its secrets) never travels. The server refuses a delete.
 */
export const clinicData = z.strictObject({
  clinicName: shortText(120),
  /** Absent from desks older than the field: they keep what they have. */
  clinicAddress: shortText(300).optional(),
  clinicPhone: shortText(40).optional(),
  timeZone: shortText(64).min(1),
  locale: z.enum(['en', 'pt']),
  currency: z.string().regex(/^[A-Z]{3}$/),
  idleLockMinutes: z.number().int().min(1).max(480),
  slotStepMinutes: z.literal([5, 10, 15, 20, 30, 60]),
  graceMinutes: z.number().int().min(0).max(60),
  noShowAfterMinutes: z.number().int().min(5).max(240),
  kioskEarlyMinutes: z.number().int().min(0).max(240),
  kioskLateMinutes: z.number().int().min(0).max(120),
  displayPrivacy,
  announcementLanguage: z.enum(['clinic', 'patient']),
});

/**
 * A day the whole clinic is closed, named by its day: the uid is `holidayUid(day)`, the same
 * on every desk, so two desks that both list New Year's Day hold one row (the second desk's
 * push meets the first's row, equal, and takes its version), and the cloud refuses any other
 * uid. Never deleted (a uid cannot come back from a tombstone): a day that is no longer a
 * holiday is kept with `isActive: false`, and listed again by turning it back on.
 */
export const holidayData = z.strictObject({
  day: isoDay,
  nameEn: shortText(120),
  namePt: shortText(120),
  /** Pre-filled from the country's list (shared/holidays/portugal.ts), not added by hand. */
  isNational: z.boolean(),
  isActive: z.boolean(),
});

/** The uid of the holiday on `day` (YYYY-MM-DD): fixed digits, then the day's. */
export const holidayUid = (day: string): string => `00000000-0000-4000-8001-0000${day.replaceAll('-', '')}`;

export const entityData = {
  specialty: specialtyData,
  room: roomData,
  practitioner: practitionerData,
  patient: patientData,
  appointment: appointmentData,
  staff: staffData,
  clinic: clinicData,
  holiday: holidayData,
} as const satisfies Record<SyncEntity, z.ZodType>;

export type EntityData<E extends SyncEntity> = z.infer<(typeof entityData)[E]>;

/** One local change, as the outbox keeps it and the push sends it. */
export const mutation = z.strictObject({
  /** Made by the client once, kept across retries: the server's idempotency key. */
  mutationId: uid,
  entity: syncEntity,
  uid,
  op: z.enum(['upsert', 'delete']),
  /** The server version the change was made on; null for a row the server has never seen. */
  baseVersion: z.number().int().min(1).nullable(),
  /** The whole row after the change (validated per entity); null for a delete. */
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type Mutation = z.infer<typeof mutation>;

export const PUSH_BATCH_MAX = 500;

export const pushRequest = z.strictObject({
  /** Which desk is pushing (for the server's log and `origin`). */
  clientId: shortText(100).min(1),
  mutations: z.array(mutation).min(1).max(PUSH_BATCH_MAX),
});
export type PushRequest = z.infer<typeof pushRequest>;

/** A row as the server holds it now. */
export const serverRow = z.strictObject({
  entity: syncEntity,
  uid,
  version: z.number().int().min(1),
  deleted: z.boolean(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type ServerRow = z.infer<typeof serverRow>;

export const clash = z.strictObject({
  /** The practitioner when both the practitioner and the room are taken. */
  kind: z.enum(['practitioner', 'room']),
  uid,
  startsAt: instantMs,
  endsAt: instantMs,
  /** Where the appointment in the way was booked (its `origin`: 'online' or a desk's id); absent from older servers. */
  origin: shortText(100).optional(),
});
export type Clash = z.infer<typeof clash>;

export const mutationResult = z.discriminatedUnion('status', [
  z.strictObject({ mutationId: uid, status: z.literal('applied'), version: z.number().int().min(1) }),
  /**
   * Not applied: the row changed on the server since `baseVersion` (current: the server's
   * row), or an appointment would overlap an active one (clash: which one).
   */
  z.strictObject({ mutationId: uid, status: z.literal('conflict'), current: serverRow.nullable(), clash: clash.nullable() }),
  /** Never applicable as sent (invalid data, a reference to a row the server does not have). */
  z.strictObject({ mutationId: uid, status: z.literal('rejected'), reason: z.enum(['INVALID', 'MISSING_REFERENCE', 'FORBIDDEN']), message: shortText(500) }),
]);
export type MutationResult = z.infer<typeof mutationResult>;

export const pushResponse = z.strictObject({ results: z.array(mutationResult) });
export type PushResponse = z.infer<typeof pushResponse>;

export const change = serverRow.extend({
  /** The server's change sequence: strictly increasing, one per applied change. */
  seq: z.number().int().min(1),
});
export type Change = z.infer<typeof change>;

export const PULL_PAGE_MAX = 1000;

/** GET /v1/changes?cursor=&limit=: changes after the cursor (an opaque string), oldest first. */
export const pullResponse = z.strictObject({
  changes: z.array(change),
  /** Pass back as `cursor`; stays the same when there was nothing new. */
  cursor: z.string().min(1).max(200),
  hasMore: z.boolean(),
});
export type PullResponse = z.infer<typeof pullResponse>;

/**
 * Why a cursor cannot be served. TOO_OLD: deletes after it were purged (the client missed them).
 * AHEAD: the server is behind the client (restored from an older backup), and OTHER_DATABASE:
 * the cursor is another database's (the server was replaced): in both the client may hold
 * changes the server lost, and sends them again.
 */
export const cursorRefusal = z.enum(['TOO_OLD', 'AHEAD', 'OTHER_DATABASE']);
export type CursorRefusal = z.infer<typeof cursorRefusal>;

/** Every error body. 410 CURSOR_EXPIRED means: start again without a cursor (a full resync); `reason` says why. */
export const errorResponse = z.strictObject({
  error: z.strictObject({
    code: z.enum([
      'UNAUTHORIZED',
      'FORBIDDEN',
      'INVALID_REQUEST',
      'NOT_FOUND',
      'PAYLOAD_TOO_LARGE',
      'CURSOR_EXPIRED',
      'RATE_LIMITED',
      'INTERNAL',
      'UNAVAILABLE',
    ]),
    message: shortText(500),
    reason: cursorRefusal.optional(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponse>;

/** Server-sent events at GET /v1/events: `event: changes` with `{ "seq": n }` when something was applied. */
export const changesEvent = z.strictObject({ seq: z.number().int().min(0) });

/** POST /v1/join-codes (a desk's token): a one-time code another desk joins the clinic with. */
export const joinCodeResponse = z.strictObject({
  /** XXXXX-XXXXX, Crockford base32 (shared/sync/join-code.ts). */
  code: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/),
  expiresAt: instantMs,
});
export type JoinCodeResponse = z.infer<typeof joinCodeResponse>;

/** POST /v1/join (no token): a code, once, for this desk's own token. */
export const joinRequest = z.strictObject({
  /** As typed: case, spaces and the dash do not matter. */
  code: z.string().min(1).max(40),
  /** How the cloud's records name the new desk. */
  deskName: z.string().min(1).max(100),
});
export type JoinRequest = z.infer<typeof joinRequest>;

export const joinResponse = z.strictObject({
  /** The new desk's bearer token (shown once; the cloud keeps only its hash). */
  token: z.string().min(32).max(200),
});
export type JoinResponse = z.infer<typeof joinResponse>;
