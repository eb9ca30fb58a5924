import { sql, type Kysely } from 'kysely';
import type { BoardAppointment } from '../../shared/board/board.contract';
import type { Database } from '../db/schema';

/** A board row as SQLite builds it: the contract's shape, except that isWalkIn is 0 or 1. */
export type BoardJsonRow = Omit<BoardAppointment, 'isWalkIn'> & { isWalkIn: number };

/**
 * Every appointment starting in [from, to), whatever its status, by practitioner (name)
 * then time, in one query. SQLite returns the day as one JSON array: better-sqlite3 builds
 * each row object through N-API, column by column, which for a thousand appointments of
 * seventeen columns cost more than the query; V8's JSON.parse builds the same objects
 * several times faster.
 */
export async function boardAppointmentRows(db: Kysely<Database>, range: { from: number; to: number }, practitionerId?: number): Promise<BoardJsonRow[]> {
  let query = db
    .selectFrom('appointments as a')
    .innerJoin('patients as pt', 'pt.id', 'a.patient_id')
    .innerJoin('practitioners as pr', 'pr.id', 'a.practitioner_id')
    .innerJoin('specialties as s', 's.id', 'a.specialty_id')
    // The room the patient is in once called (or sent elsewhere), else the booked one.
    .leftJoin('rooms as r', (join) => join.on((eb) => eb('r.id', '=', eb.fn.coalesce('a.called_room_id', 'a.room_id'))))
    .select(
      sql<string | null>`json_group_array(json_object(
        'id', a.id,
        'patientId', a.patient_id,
        'patientName', pt.full_name,
        'patientPreferredName', pt.preferred_name,
        'patientPhone', pt.phone,
        'practitionerId', a.practitioner_id,
        'roomId', coalesce(a.called_room_id, a.room_id),
        'roomName', r.name,
        'specialtyId', a.specialty_id,
        'specialtyNameEn', s.name_en,
        'specialtyNamePt', s.name_pt,
        'startsAt', a.starts_at,
        'endsAt', a.ends_at,
        'status', a.status,
        'statusChangedAt', a.status_changed_at,
        'isWalkIn', a.is_walk_in,
        'priceCents', a.price_cents,
        'seriesIndex', a.series_index
      ) ORDER BY pr.full_name COLLATE NOCASE, a.practitioner_id, a.starts_at, a.id)`.as('list'),
    )
    .where('a.starts_at', '>=', range.from)
    .where('a.starts_at', '<', range.to);
  if (practitionerId !== undefined) query = query.where('a.practitioner_id', '=', practitionerId);
  const row = await query.executeTakeFirst();
  return row?.list ? (JSON.parse(row.list) as BoardJsonRow[]) : [];
}

/** Practitioners on the board: active ones who work that weekday, and anyone with an appointment that day. */
export function boardPractitionerRows(
  db: Kysely<Database>,
  weekday: number,
  range: { from: number; to: number },
  practitionerId?: number,
): Promise<Array<{ id: number; full_name: string; color: string }>> {
  let query = db
    .selectFrom('practitioners as p')
    .select(['p.id', 'p.full_name', 'p.color'])
    .where((eb) =>
      eb.or([
        eb.and([
          eb('p.is_active', '=', 1),
          eb.exists(eb.selectFrom('working_hours as w').select('w.id').whereRef('w.practitioner_id', '=', 'p.id').where('w.weekday', '=', weekday)),
        ]),
        eb.exists(
          eb
            .selectFrom('appointments as a')
            .select('a.id')
            .whereRef('a.practitioner_id', '=', 'p.id')
            .where('a.starts_at', '>=', range.from)
            .where('a.starts_at', '<', range.to),
        ),
      ]),
    );
  if (practitionerId !== undefined) query = query.where('p.id', '=', practitionerId);
  return query
    .orderBy(sql`p.full_name COLLATE NOCASE`)
    .orderBy('p.id')
    .execute();
}
