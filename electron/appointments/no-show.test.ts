import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { NoShowTimer, sweepNoShows } from './no-show.service';
import { bookAt, eventsNamed, setSettings } from '../queue/queue-fixtures';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 4);
  t.events.length = 0;
});

afterEach(async () => {
  await t.close();
});

function statusOf(id: number): string {
  return (t.desk.database.sqlite.prepare(`SELECT status FROM appointments WHERE id = ?`).get(id) as { status: string }).status;
}

describe('the no-show sweep', () => {
  it('marks an appointment nobody checked in at exactly start + noShowAfterMinutes, and frees its slot', async () => {
    // Bruno's hour of dentistry, 10:00–11:00; a walk-in booked for 10:30 does not fit while it is booked.
    const dental = await bookAt(t, p, '2026-06-15T10:00', { practitionerId: p.bruno, specialtyId: p.dentistry });
    const checkedIn = await bookAt(t, p, '2026-06-15T10:00', { patientId: p.patients[1], practitionerId: p.ana });
    t.now = t.at('2026-06-15T09:55');
    await t.ok(t.reception, 'checkin.checkIn', { appointmentId: checkedIn });
    t.events.length = 0;

    t.now = t.at('2026-06-15T10:30') - 1;
    expect(await t.desk.runNoShowSweep()).toEqual([]);
    expect(statusOf(dental)).toBe('booked');
    expect(t.events).toEqual([]);
    const refused = await t.fail(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[2]!, specialtyId: p.general, practitionerId: p.bruno });
    expect(refused.code).toBe('SLOT_TAKEN');

    t.now = t.at('2026-06-15T10:30');
    expect(await t.desk.runNoShowSweep()).toEqual([dental]);
    expect(statusOf(dental)).toBe('no_show');
    expect(statusOf(checkedIn)).toBe('checked_in');
    expect(t.events.map((event) => event.event)).toEqual(['appointments.changed', 'queue.changed', 'display.changed']);
    expect(eventsNamed(t, 'appointments.changed')[0]).toEqual({ appointmentIds: [dental], days: ['2026-06-15'] });
    const audit = t.desk.database.sqlite.prepare(`SELECT staff_id, action, entity_id FROM audit_log WHERE action = 'appointments.noShow.auto'`).all();
    expect(audit).toEqual([{ staff_id: null, action: 'appointments.noShow.auto', entity_id: dental }]);

    // The freed half hour takes the walk-in now.
    const walkIn = await t.ok(t.reception, 'appointments.bookWalkIn', { patientId: p.patients[2]!, specialtyId: p.general, practitionerId: p.bruno });
    expect(walkIn.practitionerId).toBe(p.bruno);
    // A second sweep finds nothing more; walk-ins never become no-shows.
    t.now = t.at('2026-06-15T12:00');
    expect(await t.desk.runNoShowSweep()).toEqual([]);
  });

  it('follows the setting, and says when the next one falls due', async () => {
    await setSettings(t, { noShowAfterMinutes: 15 });
    const nine = await bookAt(t, p, '2026-06-15T09:00');
    const ten = await bookAt(t, p, '2026-06-15T10:00');
    const sweep = await sweepNoShows(t.desk.database.db, t.at('2026-06-15T09:15'));
    expect(sweep.ids).toEqual([nine]);
    expect(sweep.nextAt).toBe(t.at('2026-06-15T10:15'));
    expect(sweep.events.map(([event]) => event)).toEqual(['appointments.changed', 'queue.changed', 'display.changed']);
    expect(statusOf(ten)).toBe('booked');
    expect((await sweepNoShows(t.desk.database.db, t.at('2026-06-15T10:20'))).nextAt).toBeNull();
  });
});

describe('NoShowTimer', () => {
  it('sweeps at once, again when the next one falls due, and stops cleanly', async () => {
    const calls: number[] = [];
    let clock = 1_000_000;
    const timer = new NoShowTimer(
      async () => {
        calls.push(clock);
        clock += 30;
        return calls.length < 3 ? clock + 20 : null;
      },
      () => clock,
    );
    timer.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls).toHaveLength(3);
    await timer.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toHaveLength(3);
  });

  it('keeps going after a failed sweep, and reports it', async () => {
    const logged: string[] = [];
    const timer = new NoShowTimer(
      async () => {
        throw new Error('disk full');
      },
      () => 0,
      (line) => logged.push(line),
    );
    timer.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await timer.stop();
    expect(logged).toEqual(['no-show sweep failed: disk full']);
  });
});
