import type { Kysely } from 'kysely';
import type { AppointmentRow, Database } from '../db/schema';

/** A series' sessions, in their order. */
export function sessionsOfSeries(db: Kysely<Database>, seriesId: string): Promise<AppointmentRow[]> {
  return db.selectFrom('appointments').selectAll().where('series_id', '=', seriesId).orderBy('series_index').execute();
}

/** Every session of every series of a patient, series by series, in order. */
export function seriesSessionsOfPatient(db: Kysely<Database>, patientId: number): Promise<AppointmentRow[]> {
  return db
    .selectFrom('appointments')
    .selectAll()
    .where('patient_id', '=', patientId)
    .where('series_id', 'is not', null)
    .orderBy('series_id')
    .orderBy('series_index')
    .execute();
}

/** The sessions of a series from `index` on (inclusive) that are still booked. */
export function bookedSessionsFrom(db: Kysely<Database>, seriesId: string, index: number): Promise<AppointmentRow[]> {
  return db
    .selectFrom('appointments')
    .selectAll()
    .where('series_id', '=', seriesId)
    .where('series_index', '>=', index)
    .where('status', '=', 'booked')
    .orderBy('series_index')
    .execute();
}
