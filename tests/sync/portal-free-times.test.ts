import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FreeTimesResponse } from '../../shared/portal/portal-api';
import { setClinic } from '../../cloud/admin/clinics.service';
import { DESK_TOKEN, PORTAL_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

/**
 * The portal's free times are the desk's: computed in the cloud with the same code from what
 * the desk synced (hours, time off, bookings, holidays), they equal `schedule.freeSlots` at
 * the desk; the clinic's minimum notice and horizon then cut them.
 */

describe('free times in the cloud', () => {
  let cloud: TestCloud;
  let clock: Clock;
  let a: SyncDesk;
  let practice: Practice;

  beforeEach(async () => {
    clock = { now: at('2030-03-25T08:00') }; // the Monday after which Lisbon goes to summer time (Sunday 31 March)
    cloud = await startTestCloud({ now: () => clock.now });
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    practice = await seedPractice(a, 3);
  });
  afterEach(async () => {
    await a.close();
    await cloud.close();
  });

  const ask = async (query: Record<string, string | number | undefined>, token = PORTAL_TOKEN) => {
    const response = await fetch(
      `${cloud.server.url}/v1/portal/free-times?${new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])))}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    return { status: response.status, body: (await response.json()) as FreeTimesResponse & { error?: { code: string } } };
  };

  it('equal the desk’s free slots, across a holiday, time off, bookings and the change to summer time', async () => {
    await a.ok(a.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at('2030-03-25T10:00'),
    });
    await a.ok(a.reception, 'appointments.book', {
      patientId: practice.patients[1]!,
      specialtyId: practice.general,
      practitionerId: practice.bruno,
      startsAt: at('2030-04-01T09:30'),
    });
    await a.ok(a.admin, 'timeOff.add', { practitionerId: practice.ana, startsAt: at('2030-03-26T13:00'), endsAt: at('2030-03-27T12:00'), reason: 'Course' });
    await a.ok(a.admin, 'holidays.add', { day: '2030-03-28', nameEn: 'Bridge day', namePt: 'Ponte' });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0 });
    await setClinic(cloud.server.db, 'default', { portalMinNoticeMinutes: 0, portalHorizonDays: 366 }, clock.now);

    const specialtyUid = a.uidOf('specialties', practice.general);
    const { status, body } = await ask({ specialtyUid, fromDay: '2030-03-25', days: 14 });
    expect(status).toBe(200);
    const atDesk = await a.ok(a.reception, 'schedule.freeSlots', { specialtyId: practice.general, day: '2030-03-25', days: 14 });
    const practitionerUid = new Map([
      [practice.ana, a.uidOf('practitioners', practice.ana)],
      [practice.bruno, a.uidOf('practitioners', practice.bruno)],
    ]);
    const roomUid = new Map([
      [practice.room1, a.uidOf('rooms', practice.room1)],
      [practice.room2, a.uidOf('rooms', practice.room2)],
    ]);
    expect(atDesk.slots.length).toBeGreaterThan(200);
    const sorted = (slots: FreeTimesResponse['slots']) =>
      [...slots].sort((x, y) => x.startsAt - y.startsAt || x.practitionerUid.localeCompare(y.practitionerUid));
    expect(sorted(body.slots)).toEqual(
      sorted(
        atDesk.slots.map((slot) => ({
          practitionerUid: practitionerUid.get(slot.practitionerId)!,
          roomUid: slot.roomId === null ? null : roomUid.get(slot.roomId)!,
          startsAt: slot.startsAt,
          endsAt: slot.endsAt,
        })),
      ),
    );
    // What the desk's data says, checked once more by hand: no time on the holiday; 09:00 on either side of the clock change.
    expect(body.timeZone).toBe('Europe/Lisbon');
    expect(body.slots.some((slot) => slot.startsAt >= at('2030-03-28T00:00') && slot.startsAt < at('2030-03-29T00:00'))).toBe(false);
    expect(body.slots.some((slot) => slot.startsAt === at('2030-03-29T09:00'))).toBe(true);
    expect(body.slots.some((slot) => slot.startsAt === at('2030-04-01T09:00'))).toBe(true);
    expect(body.slots.some((slot) => slot.startsAt === at('2030-03-25T10:00') && slot.practitionerUid === practitionerUid.get(practice.ana))).toBe(false);
  });

  it('starts no sooner than the clinic’s notice and ends at its horizon; refuses what it does not know', async () => {
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });
    const specialtyUid = a.uidOf('specialties', practice.general);
    await setClinic(cloud.server.db, 'default', { portalMinNoticeMinutes: 180, portalHorizonDays: 3 }, clock.now);

    const { status, body } = await ask({ specialtyUid, fromDay: '2030-03-25', days: 7 });
    expect(status).toBe(200);
    expect(body).toMatchObject({ bookableFrom: at('2030-03-25T11:00'), bookableUntilDay: '2030-03-28' });
    expect(body.slots[0]!.startsAt).toBe(at('2030-03-25T11:00'));
    expect(Math.max(...body.slots.map((slot) => slot.startsAt))).toBeLessThan(at('2030-03-29T00:00'));
    // Past the horizon: nothing, not an error.
    expect((await ask({ specialtyUid, fromDay: '2030-04-10', days: 7 })).body.slots).toEqual([]);

    // One practitioner; someone who does not offer it; a specialty the clinic does not have; a bad question.
    const ana = a.uidOf('practitioners', practice.ana);
    const onlyAna = await ask({ specialtyUid, practitionerUid: ana, fromDay: '2030-03-25', days: 2 });
    expect(new Set(onlyAna.body.slots.map((slot) => slot.practitionerUid))).toEqual(new Set([ana]));
    expect(await ask({ specialtyUid, practitionerUid: specialtyUid, fromDay: '2030-03-25' })).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
    expect(await ask({ specialtyUid: ana, fromDay: '2030-03-25' })).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    for (const bad of [
      { specialtyUid, fromDay: '2030-02-30' },
      { specialtyUid, fromDay: '2030-03-25', days: 32 },
      { specialtyUid: 'not-a-uid', fromDay: '2030-03-25' },
      { specialtyUid, fromDay: '2030-03-25', extra: 1 },
    ]) {
      expect(await ask(bad), JSON.stringify(bad)).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    }
    expect((await ask({ specialtyUid, fromDay: '2030-03-25' }, 'wrong-token')).status).toBe(401);
  });
});
