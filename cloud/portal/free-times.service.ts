import type { FreeTime, FreeTimesQuery, FreeTimesResponse } from '../../shared/portal/portal-api';
import { computeFreeSlots, type SlotPractitioner } from '../../shared/schedule/slots';
import { addDays, dayBounds, dayOf, dayToUtcMs, type Interval } from '../../shared/schedule/wall-clock';
import { clinicData, holidayData, holidayUid, practitionerData, specialtyData } from '../../shared/sync/cloud-api';
import { MINUTE_MS } from '../../shared/time/units';
import type { CloudDb } from '../db/cloud-db';
import * as repo from '../db/portal.repository';
import { inClinic } from '../db/tenancy.repository';
import { HttpError } from '../http/errors';

/**
 * Free times for the patient portal: the desk's own computation (computeFreeSlots, the one
 * `schedule.freeSlots` runs) over what the desks synced to the cloud, on the clinic's clock,
 * from now plus the clinic's minimum notice up to as far ahead as it takes online bookings.
 * Read in one REPEATABLE READ transaction: hours, bookings and holidays of one moment.
 */

const DEFAULT_STEP_MINUTES = 15;

const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `There is no such ${what}.`);

export async function freeTimes(db: CloudDb, clinicId: number, query: FreeTimesQuery, now: number): Promise<FreeTimesResponse> {
  return inClinic(
    db,
    clinicId,
    async (trx) => {
      const facts = await repo.bookingFacts(trx, clinicId, query.specialtyUid);
      // The desks' word on their clinic's clock and grid; the cloud's record until a desk has synced one.
      const settings = facts.settings === null ? null : clinicData.safeParse(JSON.parse(facts.settings)).data;
      const timeZone = settings?.timeZone ?? facts.timeZone;
      const step = settings?.slotStepMinutes ?? DEFAULT_STEP_MINUTES;
      const bookableFrom = now + facts.minNoticeMinutes * MINUTE_MS;
      const bookableUntilDay = addDays(dayOf(timeZone, now), facts.horizonDays);
      const answer = (slots: FreeTime[]): FreeTimesResponse => ({ timeZone, bookableFrom, bookableUntilDay, slots });

      const specialty = facts.specialty === null ? undefined : specialtyData.safeParse(JSON.parse(facts.specialty)).data;
      if (!specialty) throw notFound('specialty');
      const offering = facts.practitioners.flatMap(({ uid, data }) => {
        const parsed = practitionerData.safeParse(JSON.parse(data));
        return parsed.success ? [{ uid, ...parsed.data }] : [];
      });
      if (query.practitionerUid !== undefined && !offering.some((p) => p.uid === query.practitionerUid)) throw notFound('practitioner');
      const practitioners = offering.filter((p) => p.isActive && (query.practitionerUid === undefined || p.uid === query.practitionerUid));
      // Days past the horizon are not offered: the range is cut, not refused (a calendar asks for whole weeks).
      const days = Math.min(query.days, (dayToUtcMs(bookableUntilDay) - dayToUtcMs(query.fromDay)) / (24 * 60 * MINUTE_MS) + 1);
      if (!specialty.isActive || practitioners.length === 0 || days < 1) return answer([]);

      const lastDay = addDays(query.fromDay, days - 1);
      const from = Math.max(dayBounds(timeZone, query.fromDay).startsAt, bookableFrom);
      const to = dayBounds(timeZone, lastDay).endsAt;
      if (from >= to) return answer([]);

      const roomUids = [...new Set(practitioners.flatMap((p) => (p.defaultRoomUid === null ? [] : [p.defaultRoomUid])))];
      const spans = await repo.busySpans(
        trx,
        clinicId,
        practitioners.map((p) => p.uid),
        roomUids,
        from,
        to,
      );
      const dayList = Array.from({ length: days }, (_, i) => addDays(query.fromDay, i));
      const closedDays = new Set<string>();
      for (const row of await repo.holidayRows(
        trx,
        clinicId,
        dayList.map((day) => holidayUid(day)),
      )) {
        const holiday = holidayData.safeParse(JSON.parse(row)).data;
        if (holiday?.isActive) closedDays.add(holiday.day);
      }

      // computeFreeSlots names practitioners and rooms by number: their places in these lists.
      const roomIndex = new Map(roomUids.map((uid, i) => [uid, i]));
      const busyOf = new Map<string, Interval[]>(practitioners.map((p) => [p.uid, p.timeOff.map(({ startsAt, endsAt }) => ({ startsAt, endsAt }))]));
      const roomBusy = new Map<number, Interval[]>();
      for (const span of spans) {
        busyOf.get(span.practitionerUid)?.push(span);
        const room = span.roomUid === null ? undefined : roomIndex.get(span.roomUid);
        if (room !== undefined) roomBusy.set(room, [...(roomBusy.get(room) ?? []), span]);
      }
      const slotPractitioners: SlotPractitioner[] = practitioners.map((p, i) => ({
        practitionerId: i,
        roomId: p.defaultRoomUid === null ? null : roomIndex.get(p.defaultRoomUid)!,
        workingHours: p.workingHours,
        busy: busyOf.get(p.uid)!,
      }));
      const slots = computeFreeSlots({
        timeZone,
        fromDay: query.fromDay,
        days,
        stepMinutes: step,
        durationMinutes: specialty.durationMinutes,
        notBefore: from,
        practitioners: slotPractitioners,
        roomBusy,
        closedDays,
      });
      return answer(
        slots.map((slot) => ({
          practitionerUid: practitioners[slot.practitionerId]!.uid,
          roomUid: slot.roomId === null ? null : roomUids[slot.roomId]!,
          startsAt: slot.startsAt,
          endsAt: slot.endsAt,
        })),
      );
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}
