import { CompiledQuery, sql, type Kysely, type Selectable } from 'kysely';
import type { AppointmentsTable, Database, PatientsTable, PractitionersTable, RoomsTable, SpecialtiesTable, StaffTable } from '../db/schema';
import { localIdOf, tableOf, type TableEntity } from './sync.repository';

/**
 * The writes of a server row applied here (see sync-apply.ts, which decides what is written):
 * every function runs in the pull's transaction, with the `applying` flag set.
 */

export type SpecialtyColumns = Omit<Selectable<SpecialtiesTable>, 'id' | 'uid'>;
export type RoomColumns = Omit<Selectable<RoomsTable>, 'id' | 'uid'>;
export type PractitionerColumns = Omit<Selectable<PractitionersTable>, 'id' | 'uid' | 'color'>;
export type PatientColumns = Omit<Selectable<PatientsTable>, 'id' | 'uid' | 'created_at'>;
export type StaffColumns = Omit<Selectable<StaffTable>, 'id' | 'uid' | 'created_at'>;
export type AppointmentColumns = Pick<
  Selectable<AppointmentsTable>,
  | 'patient_id'
  | 'practitioner_id'
  | 'room_id'
  | 'specialty_id'
  | 'starts_at'
  | 'ends_at'
  | 'status'
  | 'cancel_reason'
  | 'notes'
  | 'price_cents'
  | 'is_walk_in'
  | 'origin'
  | 'series_id'
  | 'series_index'
  | 'updated_at'
>;

/** A practitioner's lists, the server's as a whole. */
export interface PractitionerLists {
  specialtyIds: readonly number[];
  workingHours: ReadonlyArray<{ weekday: number; start_minute: number; end_minute: number }>;
  timeOff: ReadonlyArray<{ starts_at: number; ends_at: number; reason: string }>;
}

/** Where an appointment was: the day and practitioner whose views it leaves. */
export interface AppointmentPlacement {
  id: number;
  starts_at: number;
  practitioner_id: number;
}

// The savepoint of a row written in several statements (a practitioner)

export async function beginApplySavepoint(trx: Kysely<Database>): Promise<void> {
  await sql`SAVEPOINT sync_apply`.execute(trx);
}

export async function releaseApplySavepoint(trx: Kysely<Database>): Promise<void> {
  await sql`RELEASE sync_apply`.execute(trx);
}

/** Undoes what was written since the savepoint, and ends it. */
export async function rollBackApplySavepoint(trx: Kysely<Database>): Promise<void> {
  await sql`ROLLBACK TO sync_apply`.execute(trx);
  await sql`RELEASE sync_apply`.execute(trx);
}

// A tombstone

/** Deletes the appointment with this uid; returns where it was, or undefined when this desk has none. */
export async function deleteAppointmentByUid(trx: Kysely<Database>, uid: string): Promise<AppointmentPlacement | undefined> {
  const before = await trx.selectFrom('appointments').select(['id', 'starts_at', 'practitioner_id']).where('uid', '=', uid).executeTakeFirst();
  if (!before) return undefined;
  await trx.deleteFrom('appointments').where('id', '=', before.id).execute();
  return before;
}

/** Deletes the row with this uid; returns its local id, or null when this desk has none. */
export async function deleteRowByUid(
  trx: Kysely<Database>,
  entity: Exclude<TableEntity, 'appointment' | 'holiday' | 'staff'>,
  uid: string,
): Promise<number | null> {
  const id = await localIdOf(trx, entity, uid);
  if (id === null) return null;
  await trx.deleteFrom(tableOf[entity]).where('id', '=', id).execute();
  return id;
}

// A row as the server holds it

export async function upsertSpecialty(trx: Kysely<Database>, uid: string, values: SpecialtyColumns): Promise<number> {
  return upsertByUid(trx, 'specialties', uid, values, values);
}

export async function upsertRoom(trx: Kysely<Database>, uid: string, values: RoomColumns): Promise<number> {
  return upsertByUid(trx, 'rooms', uid, values, values);
}

/** The practitioner's row, then its lists, replaced (not merged). Several statements: run it in the savepoint. */
export async function upsertPractitioner(trx: Kysely<Database>, uid: string, values: PractitionerColumns, lists: PractitionerLists): Promise<number> {
  const id = await upsertByUid(trx, 'practitioners', uid, values, values);
  await trx.deleteFrom('practitioner_specialties').where('practitioner_id', '=', id).execute();
  if (lists.specialtyIds.length > 0) {
    await trx
      .insertInto('practitioner_specialties')
      .values(lists.specialtyIds.map((specialty_id) => ({ practitioner_id: id, specialty_id })))
      .execute();
  }
  await trx.deleteFrom('working_hours').where('practitioner_id', '=', id).execute();
  if (lists.workingHours.length > 0) {
    await trx
      .insertInto('working_hours')
      .values(
        lists.workingHours.map((hours) => ({ practitioner_id: id, weekday: hours.weekday, start_minute: hours.start_minute, end_minute: hours.end_minute })),
      )
      .execute();
  }
  await trx.deleteFrom('time_off').where('practitioner_id', '=', id).execute();
  for (let start = 0; start < lists.timeOff.length; start += 200) {
    await trx
      .insertInto('time_off')
      .values(
        lists.timeOff.slice(start, start + 200).map((off) => ({ practitioner_id: id, starts_at: off.starts_at, ends_at: off.ends_at, reason: off.reason })),
      )
      .execute();
  }
  return id;
}

/** `createdAt` is for a patient new here. */
export async function upsertPatient(trx: Kysely<Database>, uid: string, values: PatientColumns, createdAt: number): Promise<number> {
  return upsertByUid(trx, 'patients', uid, values, { ...values, created_at: createdAt });
}

/** What an account was before a pulled change: whether its sessions must end depends on it. */
export type StaffBefore = Pick<Selectable<StaffTable>, 'id' | 'role' | 'password_hash' | 'is_active'>;

/**
 * The holiday of its day, as the cloud holds it: its uid is the day's (a generated column),
 * so the day finds it.
 */
export async function upsertHoliday(
  trx: Kysely<Database>,
  values: { day: string; name_en: string; name_pt: string; is_national: number; is_active: number },
  now: number,
): Promise<void> {
  await trx
    .insertInto('clinic_holidays')
    .values({ ...values, created_at: now, updated_at: now })
    .onConflict((conflict) =>
      conflict.column('day').doUpdateSet({
        name_en: values.name_en,
        name_pt: values.name_pt,
        is_national: values.is_national,
        is_active: values.is_active,
        updated_at: now,
      }),
    )
    .execute();
}

/** Updates the account with this uid, or inserts it (created now); returns its id and what it was. */
export async function upsertStaff(
  trx: Kysely<Database>,
  uid: string,
  values: StaffColumns,
  createdAt: number,
): Promise<{ id: number; before: StaffBefore | undefined }> {
  const before = await trx.selectFrom('staff').select(['id', 'role', 'password_hash', 'is_active']).where('uid', '=', uid).executeTakeFirst();
  const id = await upsertByUid(trx, 'staff', uid, values, { ...values, created_at: createdAt });
  return { id, before };
}

/** Writes the clinic-wide settings (JSON per key, as settings.repository stores them). Several statements: run it in the savepoint. */
export async function writeClinicSettings(trx: Kysely<Database>, values: Readonly<Record<string, unknown>>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    const json = JSON.stringify(value);
    await trx
      .insertInto('settings')
      .values({ key, value: json })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value: json }))
      .execute();
  }
}

/**
 * Updates the appointment with this uid, or inserts it; returns its local id and, for an
 * update, where it was. `now` is the status's change time when the status changes (and a new
 * appointment's creation time). Plain SQL, compiled once: a full resync applies every
 * appointment of the clinic here.
 */
export async function upsertAppointment(
  trx: Kysely<Database>,
  uid: string,
  values: AppointmentColumns,
  now: number,
): Promise<{ id: number; before: AppointmentPlacement | undefined }> {
  const [before] = await rawRows<AppointmentPlacement>(trx, 'SELECT id, starts_at, practitioner_id FROM appointments WHERE uid = ?', [uid]);
  const columns = [
    values.patient_id,
    values.practitioner_id,
    values.room_id,
    values.specialty_id,
    values.starts_at,
    values.ends_at,
    values.status,
    values.cancel_reason,
    values.notes,
    values.price_cents,
    values.is_walk_in,
    values.origin,
    values.series_id,
    values.series_index,
    values.updated_at,
  ];
  if (before) {
    await rawRows(
      trx,
      `UPDATE appointments SET patient_id = ?, practitioner_id = ?, room_id = ?, specialty_id = ?, starts_at = ?, ends_at = ?,
           status = ?, cancel_reason = ?, notes = ?, price_cents = ?, is_walk_in = ?, origin = ?,
           series_id = ?, series_index = ?, updated_at = ?,
           status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END
         WHERE id = ?`,
      [...columns, values.status, now, before.id],
    );
    return { id: before.id, before };
  }
  const [inserted] = await rawRows<{ id: number }>(
    trx,
    `INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status, cancel_reason, notes,
           price_cents, is_walk_in, origin, series_id, series_index, updated_at, status_changed_at, created_at, uid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    [...columns, now, now, uid],
  );
  return { id: inserted!.id, before: undefined };
}

async function rawRows<Row>(db: Kysely<Database>, sqlText: string, parameters: readonly unknown[]): Promise<Row[]> {
  return (await db.executeQuery<Row>(CompiledQuery.raw(sqlText, parameters as unknown[]))).rows;
}

type UidTable = 'specialties' | 'rooms' | 'practitioners' | 'patients' | 'staff';

/** Updates the row with this uid, or inserts it; returns the local id. */
async function upsertByUid(
  trx: Kysely<Database>,
  table: UidTable,
  uid: string,
  update: Record<string, unknown>,
  insert: Record<string, unknown>,
): Promise<number> {
  const existing = await trx.selectFrom(table).select('id').where('uid', '=', uid).executeTakeFirst();
  if (existing) {
    await trx
      .updateTable(table)
      .set(update as never)
      .where('id', '=', existing.id)
      .execute();
    return existing.id;
  }
  const inserted = await trx
    .insertInto(table)
    .values({ ...insert, uid } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}
