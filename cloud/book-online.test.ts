import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntityData } from '../shared/sync/cloud-api';
import { fitsWorkingHours } from '../shared/schedule/slots';
import { replay } from './cloud-client';
import { bookOnline } from './book-online';
import { DESK_TOKEN, PORTAL_TOKEN, practitioner, seedClinic, startTestCloud, type Clinic, type TestCloud } from './test-fixtures';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../shared/time/units';

let cloud: TestCloud;
let clinic: Clinic;

beforeEach(async () => {
  cloud = await startTestCloud();
  clinic = await seedClinic(cloud.desk);
});
afterEach(async () => {
  await cloud.close();
});

/** Sunday 2030-01-06 12:00 UTC: the next working day is Monday. */
const SUNDAY_NOON = Date.UTC(2030, 0, 6, 12);

async function liveAppointments() {
  return [...replay((await cloud.desk.pullAll()).changes).values()]
    .filter((row) => row.entity === 'appointment')
    .map((row) => row.data as EntityData<'appointment'>);
}

describe('online bookings', () => {
  for (const zone of ['Europe/Lisbon', 'Asia/Tokyo']) {
    it(`books free times within working hours on the clinic's clock (${zone}), as the portal`, async () => {
      const booked = await bookOnline({ url: cloud.server.url, token: PORTAL_TOKEN, count: 30, zone, days: 3, now: SUNDAY_NOON, seed: 7 });
      expect(booked).toHaveLength(30);
      const appointments = await liveAppointments();
      expect(appointments).toHaveLength(30);
      const hours = practitioner([], null).workingHours;
      for (const a of appointments) {
        expect(a).toMatchObject({ origin: 'online', status: 'booked', specialtyUid: clinic.specialtyUid });
        expect(a.endsAt - a.startsAt).toBe(20 * MINUTE_MS);
        expect(fitsWorkingHours(zone, hours, a.startsAt, a.endsAt)).toBe(true);
        expect(a.startsAt).toBeGreaterThan(SUNDAY_NOON);
      }
      expect(await cloud.server.overlaps()).toEqual([]);
    });
  }

  it('fills a day without ever overlapping, also around bookings made at the desk, and reuses patients it can see', async () => {
    const first = await bookOnline({
      url: cloud.server.url,
      token: DESK_TOKEN,
      count: 10,
      days: 1,
      now: SUNDAY_NOON + DAY_MS - HOUR_MS,
      leadMinutes: 0,
      seed: 1,
    });
    expect(first).toHaveLength(10);
    // Two booking runs at once compete for one day's slots: conflicts are retried elsewhere.
    const [a, b] = await Promise.all([
      bookOnline({ url: cloud.server.url, token: PORTAL_TOKEN, count: 200, days: 2, now: SUNDAY_NOON, seed: 2 }),
      bookOnline({ url: cloud.server.url, token: PORTAL_TOKEN, count: 200, days: 2, now: SUNDAY_NOON, seed: 3 }),
    ]);
    const appointments = await liveAppointments();
    expect(appointments).toHaveLength(10 + a.length + b.length);
    expect(await cloud.server.overlaps()).toEqual([]);
    // Sunday and Monday: only Monday has hours, and it is full now (at most 2 practitioners × 8 h of 20-minute visits).
    expect(a.length + b.length).toBeGreaterThan(0);
    expect(10 + a.length + b.length).toBeLessThanOrEqual(2 * 24);
    expect(await bookOnline({ url: cloud.server.url, token: PORTAL_TOKEN, count: 1, days: 2, now: SUNDAY_NOON, seed: 4 })).toEqual([]);
    expect(new Set(first.map((booking) => booking.patientUid)).size).toBeLessThan(10);
  });
});
