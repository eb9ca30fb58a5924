import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDesk, seedPractice, WEEKDAYS_9_TO_6, type Practice, type TestDesk } from './test-fixtures';

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Monday 15 June 2026, 08:00 in Lisbon: everyone works 09:00–13:00 and 14:00–18:00.
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t);
});

afterEach(async () => {
  await t.close();
});

async function book(local: string, patientIndex: number, practitionerId = p.ana): Promise<number> {
  const appointment = await t.ok(t.reception, 'appointments.book', {
    patientId: p.patients[patientIndex]!,
    specialtyId: p.general,
    practitionerId,
    startsAt: t.at(local),
  });
  return appointment.id;
}

const flags = async (day = '2026-06-15') => (await t.ok(t.reception, 'board.day', { day })).scheduleProblems;
const unsettledIds = async (practitionerId?: number) =>
  (await t.ok(t.admin, 'schedule.unsettled', practitionerId === undefined ? {} : { practitionerId })).appointments.map((a) => a.appointmentId);

describe('time off and working hours over booked patients', () => {
  it('lists and flags the appointments time off strands, with the patient to call and where they could go', async () => {
    const a10 = await book('2026-06-15T10:00', 0);
    const a11 = await book('2026-06-15T11:00', 1);
    const a15 = await book('2026-06-15T15:00', 2);
    const bruno = await book('2026-06-15T10:00', 3, p.bruno);
    await t.desk.database.db.updateTable('patients').set({ preferred_language: 'en' }).where('id', '=', p.patients[1]!).execute();
    expect(await flags()).toEqual([]);

    await t.ok(t.admin, 'timeOff.add', { practitionerId: p.ana, startsAt: t.at('2026-06-15T09:00'), endsAt: t.at('2026-06-15T13:00'), reason: 'Congress' });

    expect(await flags()).toEqual([
      { appointmentId: a10, problem: 'time_off' },
      { appointmentId: a11, problem: 'time_off' },
    ]);
    const { appointments } = await t.ok(t.admin, 'schedule.unsettled', { practitionerId: p.ana });
    expect(appointments.map((a) => a.appointmentId)).toEqual([a10, a11]);
    expect(appointments[1]).toMatchObject({
      practitionerName: 'Ana Almeida',
      patientName: 'Patient 2',
      patientPhone: '+351 91 000 0002',
      patientLanguage: 'en',
      startsAt: t.at('2026-06-15T11:00'),
      status: 'booked',
      problem: 'time_off',
      // Ana's first free time after her time off; someone else of the specialty before that.
      nextFreeSame: { practitionerId: p.ana, practitionerName: 'Ana Almeida', startsAt: t.at('2026-06-15T14:00') },
      nextFreeOther: { practitionerId: p.bruno, practitionerName: 'Bruno Borges', startsAt: t.at('2026-06-15T09:00') },
    });
    expect(appointments[0]!.patientLanguage).toBe('pt');
    expect(await unsettledIds()).toEqual([a10, a11]);

    // Shortening her Mondays to the morning strands the afternoon patient too.
    await t.ok(t.admin, 'workingHours.set', {
      practitionerId: p.ana,
      intervals: WEEKDAYS_9_TO_6.filter((interval) => interval.weekday !== 1 || interval.start === '09:00'),
    });
    expect(await flags()).toContainEqual({ appointmentId: a15, problem: 'outside_hours' });
    expect(await unsettledIds(p.ana)).toEqual([a10, a11, a15]);
    expect((await flags()).map((flag) => flag.appointmentId)).not.toContain(bruno);

    // Each way out settles its row: moved, kept on purpose, cancelled.
    const moveTo = appointments[0]!.nextFreeOther!;
    await t.ok(t.reception, 'appointments.reschedule', { id: a10, startsAt: moveTo.startsAt, practitionerId: moveTo.practitionerId, roomId: moveTo.roomId });
    await t.ok(t.reception, 'schedule.keep', { appointmentId: a11 });
    await t.ok(t.reception, 'appointments.cancel', { id: a15, reason: 'Doctor away' });
    expect(await flags()).toEqual([]);
    expect(await unsettledIds()).toEqual([]);
    const audit = t.desk.database.sqlite.prepare(`SELECT action, entity, entity_id FROM audit_log WHERE action = 'schedule.keep'`).all();
    expect(audit).toEqual([{ action: 'schedule.keep', entity: 'appointment', entity_id: a11 }]);
    expect(t.events.filter((event) => event.event === 'appointments.changed').at(-1)?.payload).toMatchObject({ appointmentIds: [a15] });
  });

  it('a keep holds only where and when it was given, and only for appointments still to be seen', async () => {
    const a10 = await book('2026-06-15T10:00', 0);
    await t.ok(t.admin, 'timeOff.add', { practitionerId: p.ana, startsAt: t.at('2026-06-15T09:00'), endsAt: t.at('2026-06-15T13:00') });
    await t.ok(t.reception, 'schedule.keep', { appointmentId: a10 });
    expect(await flags()).toEqual([]);
    // Moved somewhere else the old keep no longer matches; moved back into the time off is
    // impossible anyway, so simulate a later change of time straight in the table.
    t.desk.database.sqlite.prepare(`UPDATE appointments SET starts_at = starts_at + 1800000, ends_at = ends_at + 1800000 WHERE id = ?`).run(a10);
    expect(await flags()).toEqual([{ appointmentId: a10, problem: 'time_off' }]);

    // The keep lives and dies with its appointment (migration 0011's foreign key).
    const keptRows = () => t.desk.database.sqlite.prepare(`SELECT appointment_id FROM schedule_kept`).all();
    expect(keptRows()).toEqual([{ appointment_id: a10 }]);
    await t.ok(t.reception, 'appointments.cancel', { id: a10, reason: 'Away' });
    expect((await t.fail(t.reception, 'schedule.keep', { appointmentId: a10 })).code).toBe('INVALID_TRANSITION');
    expect((await t.fail(t.reception, 'schedule.keep', { appointmentId: 99_999 })).code).toBe('NOT_FOUND');
    expect((await t.fail(t.admin, 'schedule.unsettled', { practitionerId: 99_999 })).code).toBe('NOT_FOUND');
    expect((await t.fail(await t.doctor(p.ana), 'schedule.unsettled', {})).code).toBe('FORBIDDEN');
    // Past appointments are history, not something to settle.
    const b10 = await book('2026-06-16T10:00', 1);
    await t.ok(t.admin, 'timeOff.add', { practitionerId: p.ana, startsAt: t.at('2026-06-16T00:00'), endsAt: t.at('2026-06-17T00:00') });
    expect(await unsettledIds()).toEqual([b10]);
    t.now = t.at('2026-06-16T12:00');
    expect(await unsettledIds()).toEqual([]);
    t.desk.database.sqlite.prepare(`DELETE FROM appointments WHERE id = ?`).run(a10);
    expect(keptRows()).toEqual([]);
  });

  it('a check-in never promises a time inside the practitioner’s time off', async () => {
    const noon = await book('2026-06-15T12:30', 0);
    await t.ok(t.admin, 'timeOff.add', { practitionerId: p.ana, startsAt: t.at('2026-06-15T12:00'), endsAt: t.at('2026-06-15T15:00') });
    t.now = t.at('2026-06-15T12:10');
    const result = await t.ok(t.reception, 'checkin.checkIn', { appointmentId: noon });
    expect(result.expectedStartAt).toBe(t.at('2026-06-15T15:00'));
    expect(result.estimatedWaitMinutes).toBe(170);
    const queue = await t.ok(t.reception, 'queue.list', { practitionerId: p.ana });
    expect(JSON.stringify(queue)).toContain(String(t.at('2026-06-15T15:00')));
  });
});
