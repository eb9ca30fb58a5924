import type { Kysely } from 'kysely';
import { entityData, holidayUid, type EntityData, type ServerRow, type SyncEntity } from '../../shared/sync/cloud-api';
import { foldText, phoneDigits } from '../../shared/patients/patient-keys';
import { dayOf } from '../../shared/schedule/wall-clock';
import type { Database } from '../db/schema';
import {
  beginApplySavepoint,
  deleteAppointmentByUid,
  deleteRowByUid,
  releaseApplySavepoint,
  rollBackApplySavepoint,
  upsertAppointment,
  upsertHoliday,
  upsertPatient,
  upsertPractitioner,
  upsertRoom,
  upsertSpecialty,
  upsertStaff,
  writeClinicSettings,
} from './sync-apply.repository';
import { clearConflict, localIdOf, recordProblem, setVersion } from './sync.repository';

/** What applying server rows changed here, for the events the screens refresh on. */
export class AppliedEffects {
  readonly appointmentIds = new Set<number>();
  readonly days = new Set<string>();
  readonly practitionerIds = new Set<number>();
  readonly patientIds = new Set<number>();
  isPracticeChanged = false;
  /** An appointment of today (on the clinic's clock) changed, came or went: the queues and the waiting room show it. */
  isTodayTouched = false;
  /** The clinic-wide settings changed: the settings cache and the screens refresh. */
  isSettingsChanged = false;
  /** An account came or changed. */
  isStaffChanged = false;
  /** Accounts disabled, or given another role or password, elsewhere: their sessions here end (after the commit). */
  readonly signedOutStaffIds = new Set<number>();

  get isEmpty(): boolean {
    return this.appointmentIds.size === 0 && this.patientIds.size === 0 && !this.isPracticeChanged && !this.isSettingsChanged && !this.isStaffChanged;
  }
}

export interface ApplyContext {
  now: number;
  timeZone: string;
  effects: AppliedEffects;
  /** Local ids by `entity:uid`, for one transaction: a page refers to the same few practitioners again and again. */
  ids: Map<string, number>;
  /**
   * False when the caller knows no conflict is recorded (a page of a pull found none when it
   * began, and a pull records none): no appointment it applies then has one to settle.
   */
  mayHaveConflicts?: boolean;
}

/**
 * applied: the local row is the server's now (its version stored). parked: not applicable yet
 * (a reference not here, a local appointment in the slot, a row still in use); the caller
 * keeps it and tries again later. invalid: the server's data breaks the wire schema.
 */
export type ApplyOutcome = { status: 'applied'; isConflictSettled: boolean } | { status: 'parked'; reason: string } | { status: 'invalid'; message: string };

class Park extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const bool = (value: boolean) => (value ? 1 : 0);

async function idOf(trx: Kysely<Database>, ctx: ApplyContext, entity: SyncEntity, uid: string): Promise<number> {
  const key = `${entity}:${uid}`;
  const cached = ctx.ids.get(key);
  if (cached !== undefined) return cached;
  const id = await localIdOf(trx, entity, uid);
  if (id === null) throw new Park('MISSING_REFERENCE');
  ctx.ids.set(key, id);
  return id;
}

/**
 * Makes the local row what the server holds, in a savepoint: a row that cannot be applied
 * leaves nothing half-written. The caller has set the `applying` flag (whileApplying) and
 * decided the row may be overwritten (no local change pending).
 */
export async function applyServerRow(trx: Kysely<Database>, row: ServerRow, ctx: ApplyContext): Promise<ApplyOutcome> {
  let data: Record<string, unknown> | null = null;
  if (!row.deleted) {
    const parsed = entityData[row.entity].safeParse(row.data);
    if (!parsed.success) return { status: 'invalid', message: `The cloud sent an invalid ${row.entity}: ${parsed.error.issues[0]?.message ?? 'invalid data'}` };
    data = parsed.data as Record<string, unknown>;
    // Any other uid would be a second row for the day (the cloud refuses one; an older cloud may not).
    if (row.entity === 'holiday' && row.uid !== holidayUid(data.day as string))
      return { status: 'invalid', message: `The cloud sent a holiday whose uid is not its day's.` };
  }
  // Every writer but the practitioner's and the clinic's writes one statement, after its
  // lookups: a failed statement undoes itself. Those two write several: a savepoint.
  const isSavepoint = row.entity === 'practitioner' || row.entity === 'clinic';
  if (isSavepoint) await beginApplySavepoint(trx);
  try {
    if (data === null) await deleteLocal(trx, row.entity, row.uid, ctx);
    else await writers[row.entity](trx, row.uid, data as never, ctx);
    await setVersion(trx, row.entity, row.uid, row.version);
    if (isSavepoint) await releaseApplySavepoint(trx);
    const isConflictSettled = row.entity === 'appointment' && ctx.mayHaveConflicts !== false && (await settleConflict(trx, row.uid, ctx));
    return { status: 'applied', isConflictSettled };
  } catch (error) {
    if (isSavepoint) await rollBackApplySavepoint(trx);
    ctx.ids.delete(`${row.entity}:${row.uid}`);
    if (error instanceof Park) return { status: 'parked', reason: error.reason };
    const message = error instanceof Error ? error.message : String(error);
    // The local overlap triggers: an appointment of this desk holds the slot (see the pull).
    if (/SLOT_TAKEN/.test(message)) return { status: 'parked', reason: 'SLOT_TAKEN' };
    if (/FOREIGN KEY constraint failed/.test(message)) return { status: 'parked', reason: 'IN_USE' };
    // A CHECK or UNIQUE of this desk's schema the cloud does not share (a room name taken here).
    if (/constraint failed/i.test(message)) return { status: 'parked', reason: 'LOCAL_CONSTRAINT' };
    throw error;
  }
}

/**
 * The cloud's row of an appointment it had refused a change of (a conflict) is here now: the
 * refused change is over, whichever way the row went (moved, cancelled at another desk). A
 * conflict left behind would hide the row from every later pull and offer ways out of a
 * clash that is gone. Staff are told, as for any change the cloud's row replaced.
 */
async function settleConflict(trx: Kysely<Database>, uid: string, ctx: ApplyContext): Promise<boolean> {
  if (!(await clearConflict(trx, uid))) return false;
  await recordProblem(trx, {
    entity: 'appointment',
    uid,
    op: 'upsert',
    reason: 'SUPERSEDED',
    message: 'This appointment was changed elsewhere while the cloud refused this desk’s change of it; the cloud’s version was kept.',
    at: ctx.now,
  });
  return true;
}

async function deleteLocal(trx: Kysely<Database>, entity: SyncEntity, uid: string, ctx: ApplyContext): Promise<void> {
  // The cloud refuses to delete either; a tombstone means a cloud that lost the row (restored
  // from a backup, seen by a resync). Nobody is locked out for that, and the settings stay:
  // the next change here sends the row again as new.
  if (entity === 'staff' || entity === 'clinic' || entity === 'holiday') return;
  if (entity === 'appointment') {
    const before = await deleteAppointmentByUid(trx, uid);
    if (!before) return;
    ctx.ids.delete(`appointment:${uid}`);
    noteAppointment(ctx, before.id, before.practitioner_id, [before.starts_at]);
    return;
  }
  const id = await deleteRowByUid(trx, entity, uid);
  if (id === null) return;
  ctx.ids.delete(`${entity}:${uid}`);
  if (entity === 'patient') ctx.effects.patientIds.add(id);
  else ctx.effects.isPracticeChanged = true;
}

function noteAppointment(ctx: ApplyContext, id: number, practitionerId: number, startsAt: number[]): void {
  ctx.effects.appointmentIds.add(id);
  ctx.effects.practitionerIds.add(practitionerId);
  const today = dayOf(ctx.timeZone, ctx.now);
  for (const instant of startsAt) {
    const day = dayOf(ctx.timeZone, instant);
    ctx.effects.days.add(day);
    if (day === today) ctx.effects.isTodayTouched = true;
  }
}

type Writer<E extends SyncEntity> = (trx: Kysely<Database>, uid: string, data: EntityData<E>, ctx: ApplyContext) => Promise<void>;

const writers: { [E in SyncEntity]: Writer<E> } = {
  specialty: async (trx, uid, data, ctx) => {
    await upsertSpecialty(trx, uid, {
      name_en: data.nameEn,
      name_pt: data.namePt,
      duration_minutes: data.durationMinutes,
      price_cents: data.priceCents,
      ticket_prefix: data.ticketPrefix,
      is_active: bool(data.isActive),
    });
    ctx.effects.isPracticeChanged = true;
  },

  room: async (trx, uid, data, ctx) => {
    await upsertRoom(trx, uid, { name: data.name, is_active: bool(data.isActive) });
    ctx.effects.isPracticeChanged = true;
  },

  practitioner: async (trx, uid, data, ctx) => {
    const values = {
      full_name: data.fullName,
      description_en: data.descriptionEn,
      description_pt: data.descriptionPt,
      default_room_id: data.defaultRoomUid === null ? null : await idOf(trx, ctx, 'room', data.defaultRoomUid),
      is_active: bool(data.isActive),
    };
    const specialtyIds: number[] = [];
    for (const specialtyUid of new Set(data.specialtyUids)) specialtyIds.push(await idOf(trx, ctx, 'specialty', specialtyUid));
    await upsertPractitioner(trx, uid, values, {
      specialtyIds,
      workingHours: data.workingHours.map((hours) => ({ weekday: hours.weekday, start_minute: hours.startMinute, end_minute: hours.endMinute })),
      timeOff: data.timeOff.map((off) => ({ starts_at: off.startsAt, ends_at: off.endsAt, reason: off.reason })),
    });
    ctx.effects.isPracticeChanged = true;
  },

  patient: async (trx, uid, data, ctx) => {
    const mergedIntoId = data.mergedIntoUid ? await idOf(trx, ctx, 'patient', data.mergedIntoUid) : null;
    const values = {
      full_name: data.fullName,
      preferred_name: data.preferredName,
      date_of_birth: data.dateOfBirth,
      sex: data.sex,
      phone: data.phone,
      email: data.email,
      tax_id: data.taxId,
      address: data.address,
      preferred_language: data.preferredLanguage,
      notes: data.notes,
      name_key: foldText(data.fullName),
      phone_digits: phoneDigits(data.phone),
      tax_country: data.taxCountry ?? 'PT',
      // Another desk checked it; one that did not (an older one) may send a phone as typed.
      phone_needs_review: data.phone === '' || /^\+[1-9]\d{6,14}$/.test(data.phone) ? 0 : 1,
      merged_into_id: mergedIntoId,
      merged_at: mergedIntoId === null ? null : ctx.now,
      updated_at: ctx.now,
    };
    const id = await upsertPatient(trx, uid, values, ctx.now);
    ctx.effects.patientIds.add(id);
  },

  /**
   * An account as the clinic holds it. A username taken here by another account is a UNIQUE
   * failure: parked (LOCAL_CONSTRAINT). The local rules about one's own account (an admin
   * cannot disable themself) guard an action taken here, not a pulled row: the desk that made
   * the change checked them, and the account that made it is an admin on every desk.
   */
  staff: async (trx, uid, data, ctx) => {
    const values = {
      username: data.username,
      display_name: data.displayName,
      role: data.role,
      password_hash: data.passwordHash,
      practitioner_id: data.practitionerUid === null ? null : await idOf(trx, ctx, 'practitioner', data.practitionerUid),
      locale: data.locale,
      is_active: bool(!data.isDisabled),
    };
    const { id, before } = await upsertStaff(trx, uid, values, ctx.now);
    ctx.effects.isStaffChanged = true;
    // As staff.update does here: a disabled account, a new role or a new password ends that person's sessions.
    if (before && (values.is_active === 0 || before.role !== values.role || before.password_hash !== values.password_hash)) {
      ctx.effects.signedOutStaffIds.add(id);
    }
  },

  /** The clinic-wide settings; the per-desk ones are not on the wire, so they stay as they are. */
  clinic: async (trx, _uid, data, ctx) => {
    await writeClinicSettings(trx, data);
    ctx.effects.isSettingsChanged = true;
  },

  /** A day closed (or no longer closed): free times change. */
  holiday: async (trx, uid, data, ctx) => {
    await upsertHoliday(
      trx,
      { day: data.day, name_en: data.nameEn, name_pt: data.namePt, is_national: bool(data.isNational), is_active: bool(data.isActive) },
      ctx.now,
    );
    ctx.effects.isPracticeChanged = true;
  },

  appointment: async (trx, uid, data, ctx) => {
    const values = {
      patient_id: await idOf(trx, ctx, 'patient', data.patientUid),
      practitioner_id: await idOf(trx, ctx, 'practitioner', data.practitionerUid),
      room_id: data.roomUid === null ? null : await idOf(trx, ctx, 'room', data.roomUid),
      specialty_id: await idOf(trx, ctx, 'specialty', data.specialtyUid),
      starts_at: data.startsAt,
      ends_at: data.endsAt,
      status: data.status,
      cancel_reason: data.cancelReason,
      notes: data.notes,
      price_cents: data.priceCents,
      is_walk_in: bool(data.isWalkIn),
      origin: data.origin,
      // Both or neither, as the local trigger insists; a row from an older desk has neither.
      series_id: data.seriesId !== undefined && data.seriesIndex !== undefined ? data.seriesId : null,
      series_index: data.seriesId !== undefined && data.seriesIndex !== undefined ? data.seriesIndex : null,
      updated_at: ctx.now,
    };
    const { id, before } = await upsertAppointment(trx, uid, values, ctx.now);
    // An update touches where the appointment was too: its old day and practitioner.
    if (before) noteAppointment(ctx, id, before.practitioner_id, [before.starts_at]);
    noteAppointment(ctx, id, values.practitioner_id, [values.starts_at]);
  },
};
