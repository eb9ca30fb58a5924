import { sql } from 'kysely';
import { activeAppointmentStatuses, CLINIC_SETTINGS_UID } from '../../shared/sync/cloud-api';
import type { Executor } from './cloud-db';
import { earliestStart, overlapping } from './cloud.repository';

/**
 * What the portal reads to offer free times: the rows the desks synced (JSON as sent; the
 * service parses them with the wire schemas), the appointments' spans, and the clinic's
 * online booking policy. In the caller's clinic transaction.
 */

const ACTIVE = sql.join(activeAppointmentStatuses.map((status) => sql.lit(status)));

async function all<T>(ex: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await query.execute(ex)).rows as T[];
}

export interface BookingFacts {
  timeZone: string;
  minNoticeMinutes: number;
  horizonDays: number;
  /** The desks' clinic settings row (JSON), when one was synced. */
  settings: string | null;
  /** The specialty's row (JSON), null when the clinic has none live by that uid. */
  specialty: string | null;
  /** Every live practitioner offering the specialty. */
  practitioners: Array<{ uid: string; data: string }>;
}

export async function bookingFacts(ex: Executor, clinicId: number, specialtyUid: string): Promise<BookingFacts> {
  const [facts] = await all<BookingFacts>(
    ex,
    sql`SELECT c.time_zone AS "timeZone", c.portal_min_notice_minutes AS "minNoticeMinutes", c.portal_horizon_days AS "horizonDays",
        (SELECT data FROM rows WHERE clinic_id = ${clinicId} AND entity = 'clinic' AND uid = ${CLINIC_SETTINGS_UID} AND NOT deleted) AS settings,
        (SELECT data FROM rows WHERE clinic_id = ${clinicId} AND entity = 'specialty' AND uid = ${specialtyUid} AND NOT deleted) AS specialty,
        (SELECT coalesce(json_agg(json_build_object('uid', uid, 'data', data) ORDER BY uid), '[]'::json) FROM rows
          WHERE clinic_id = ${clinicId} AND entity = 'practitioner' AND NOT deleted
            AND (data::jsonb -> 'specialtyUids') ? ${specialtyUid}) AS practitioners
      FROM clinics c WHERE c.id = ${clinicId}`,
  );
  return facts!;
}

export interface BusySpan {
  practitionerUid: string;
  roomUid: string | null;
  startsAt: number;
  endsAt: number;
}

/** Active appointments of these practitioners or in these rooms overlapping [from, to). */
export async function busySpans(ex: Executor, clinicId: number, practitionerUids: string[], roomUids: string[], from: number, to: number): Promise<BusySpan[]> {
  const rows = await all<{ practitionerUid: string; roomUid: string | null; startsAt: string; endsAt: string }>(
    ex,
    sql`SELECT s.practitioner_uid AS "practitionerUid", s.room_uid AS "roomUid", s.starts_at AS "startsAt", s.ends_at AS "endsAt"
      FROM appointment_spans s
      WHERE s.clinic_id = ${clinicId} AND s.status IN (${ACTIVE})
        AND (s.practitioner_uid = ANY(${practitionerUids}::text[]) OR s.room_uid = ANY(${roomUids}::text[]))
        AND ${overlapping('s', sql`${from}::bigint`, sql`${to}::bigint`, sql`${earliestStart(from)}::bigint`)}`,
  );
  return rows.map((row) => ({ ...row, startsAt: Number(row.startsAt), endsAt: Number(row.endsAt) }));
}

/** The holiday rows (JSON) of these uids (a holiday's uid is its day's). */
export async function holidayRows(ex: Executor, clinicId: number, uids: string[]): Promise<string[]> {
  const rows = await all<{ data: string }>(
    ex,
    sql`SELECT data FROM rows WHERE clinic_id = ${clinicId} AND entity = 'holiday' AND uid = ANY(${uids}::text[]) AND NOT deleted`,
  );
  return rows.map((row) => row.data);
}
