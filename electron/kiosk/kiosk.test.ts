import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskCheckInResult } from '../../shared/kiosk/kiosk.contract';
import { MINUTE_MS } from '../../shared/time/units';
import type { Caller } from '../rpc/dispatch';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { decide } from './kiosk.service';
import { addPatient, bookAt, deviceCaller, setSettings } from '../queue/queue-fixtures';

describe('the kiosk rule', () => {
  const at10 = Date.UTC(2030, 0, 7, 10);
  const booked = (id: number, startsAt: number, status = 'booked' as const) => ({ id, patient_id: 1, status, starts_at: startsAt });

  it('opens the window start − early and closes it start + late, both ends included', () => {
    expect(decide([booked(1, at10)], at10 - 60 * MINUTE_MS - 1, 60, 30)).toEqual({ kind: 'refuse', reason: { outcome: 'tooEarly', minutesUntilOpen: 1 } });
    expect(decide([booked(1, at10)], at10 - 60 * MINUTE_MS, 60, 30)).toEqual({ kind: 'checkIn', appointmentId: 1 });
    expect(decide([booked(1, at10)], at10 + 30 * MINUTE_MS, 60, 30)).toEqual({ kind: 'checkIn', appointmentId: 1 });
    expect(decide([booked(1, at10)], at10 + 30 * MINUTE_MS + 1, 60, 30)).toEqual({ kind: 'refuse', reason: { outcome: 'tooLate' } });
    expect(decide([booked(1, at10)], at10 - 3 * 60 * MINUTE_MS, 60, 30)).toEqual({ kind: 'refuse', reason: { outcome: 'tooEarly', minutesUntilOpen: 120 } });
  });

  it('prefers an appointment still to come over a missed one, and sends two in the window to the desk', () => {
    const missed = booked(1, at10 - 3 * 60 * MINUTE_MS, 'no_show' as never);
    expect(decide([missed, booked(2, at10)], at10 - 90 * MINUTE_MS, 60, 30)).toEqual({ kind: 'refuse', reason: { outcome: 'tooEarly', minutesUntilOpen: 30 } });
    expect(decide([booked(1, at10), booked(2, at10 + 30 * MINUTE_MS)], at10, 60, 30)).toEqual({ kind: 'refuse', reason: { outcome: 'seeDesk' } });
    expect(decide([], at10, 60, 30)).toEqual({ kind: 'refuse', reason: { outcome: 'noAppointment' } });
  });
});

let t: TestDesk;
let p: Practice;
let kiosk: Caller;
let rita: number;

beforeEach(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 2);
  rita = await addPatient(t, {
    fullName: 'Rita Maria Rocha',
    preferredName: 'Ritinha',
    dateOfBirth: '1975-05-20',
    phone: '+351 913 222 444',
    preferredLanguage: 'en',
  });
  kiosk = deviceCaller('kiosk', 7, 'Lobby tablet');
  t.events.length = 0;
});

afterEach(async () => {
  await t.close();
});

const byBirth = { dateOfBirth: '1975-05-20', phoneLast4: '2444' };

function ticketOf(id: number): string | null {
  return (t.desk.database.sqlite.prepare(`SELECT ticket FROM appointments WHERE id = ?`).get(id) as { ticket: string | null }).ticket;
}

describe('kiosk.checkIn', () => {
  it('checks in by birth date and the last four digits of the phone, and greets by preferred name', async () => {
    const appointment = await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    t.events.length = 0;
    t.now = t.at('2026-06-15T09:10');
    const result = await t.ok(kiosk, 'kiosk.checkIn', byBirth);
    expect(result).toEqual({
      outcome: 'checkedIn',
      greetingName: 'Ritinha',
      ticketName: 'Ritinha R.',
      ticket: 'G-001',
      roomName: 'Room 1',
      practitionerName: 'Ana Almeida',
      estimatedWaitMinutes: 50,
      startsAt: t.at('2026-06-15T10:00'),
      language: 'en',
    });
    expect(ticketOf(appointment)).toBe('G-001');
    expect(t.events.map((event) => event.event)).toEqual(['appointments.changed', 'queue.changed', 'display.changed']);

    // Audited as the kiosk, with nothing about the patient.
    const audit = t.desk.database.sqlite.prepare(`SELECT staff_id, workstation, detail FROM audit_log WHERE action = 'kiosk.checkIn'`).all() as Array<{
      staff_id: null;
      workstation: string;
      detail: string;
    }>;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.staff_id).toBeNull();
    expect(audit[0]!.workstation).toContain('kiosk #7 "Lobby tablet"');
    for (const secret of ['Rita', 'Rocha', '1975', '2444']) expect(audit[0]!.detail).not.toContain(secret);

    // A second tap: the same ticket, nothing new.
    t.events.length = 0;
    t.now = t.at('2026-06-15T09:12');
    expect(await t.ok(kiosk, 'kiosk.checkIn', byBirth)).toEqual({
      outcome: 'alreadyCheckedIn',
      greetingName: 'Ritinha',
      ticketName: 'Ritinha R.',
      ticket: 'G-001',
      roomName: 'Room 1',
      estimatedWaitMinutes: 48,
      startsAt: t.at('2026-06-15T10:00'),
      language: 'en',
    });
    expect(t.events).toEqual([]);
  });

  it('checks in by appointment code, in any case', async () => {
    const appointment = await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    const { code } = t.desk.database.sqlite.prepare(`SELECT code FROM appointments WHERE id = ?`).get(appointment) as { code: string };
    t.now = t.at('2026-06-15T09:55');
    const result = await t.ok(kiosk, 'kiosk.checkIn', { appointmentCode: ` ${code.toLowerCase()} ` });
    expect(result).toMatchObject({ outcome: 'checkedIn', ticket: 'G-001', greetingName: 'Ritinha' });
  });

  it('sends to the desk, saying no more, before and after the window, and when nothing matches', async () => {
    await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    t.now = t.at('2026-06-15T09:00') - 1;
    expect(await t.ok(kiosk, 'kiosk.checkIn', byBirth)).toEqual({ outcome: 'seeDesk' });
    t.now = t.at('2026-06-15T10:30') + 1;
    expect(await t.ok(kiosk, 'kiosk.checkIn', byBirth)).toEqual({ outcome: 'seeDesk' });

    await setSettings(t, { kioskEarlyMinutes: 15, kioskLateMinutes: 5 });
    t.now = t.at('2026-06-15T09:44');
    expect(await t.ok(kiosk, 'kiosk.checkIn', byBirth)).toEqual({ outcome: 'seeDesk' });
    t.now = t.at('2026-06-15T10:05');
    expect(await t.ok(kiosk, 'kiosk.checkIn', byBirth)).toMatchObject({ outcome: 'checkedIn' });

    const other = deviceCaller('kiosk', 8);
    expect(await t.ok(other, 'kiosk.checkIn', { dateOfBirth: '1975-05-21', phoneLast4: '2444' })).toEqual({ outcome: 'seeDesk' });
    expect(await t.ok(other, 'kiosk.checkIn', { appointmentCode: 'ZZZZZZ' })).toEqual({ outcome: 'seeDesk' });
  });

  it('at the edge of the late window checks in a no-show who came after all', async () => {
    const appointment = await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    t.now = t.at('2026-06-15T10:30');
    expect(await t.desk.runNoShowSweep()).toEqual([appointment]);
    expect(await t.ok(kiosk, 'kiosk.checkIn', byBirth)).toMatchObject({ outcome: 'checkedIn', ticket: 'G-001' });
    expect((await t.ok(t.reception, 'queue.list', {})).entries[0]).toMatchObject({ appointmentId: appointment, isLate: true });
  });

  it('sends to the desk when the data fit several people, or one person has two appointments in the window', async () => {
    // Twins on a parent's phone: same birth date, same last digits; only one has an appointment.
    const twin = await addPatient(t, { fullName: 'Rui Rocha', dateOfBirth: '1975-05-20', phone: '913 000 444' });
    await bookAt(t, p, '2026-06-15T10:00', { patientId: twin, practitionerId: p.bruno });
    const alone = await addPatient(t, { fullName: 'Sara Santos', dateOfBirth: '1960-01-01', phone: '917 000 001' });
    await bookAt(t, p, '2026-06-15T10:00', { patientId: alone, practitionerId: p.ana });
    await bookAt(t, p, '2026-06-15T10:30', { patientId: alone, practitionerId: p.carla });
    t.now = t.at('2026-06-15T09:50');
    expect(await t.ok(kiosk, 'kiosk.checkIn', byBirth)).toEqual({ outcome: 'seeDesk' });
    expect(await t.ok(kiosk, 'kiosk.checkIn', { dateOfBirth: '1960-01-01', phoneLast4: '0001' })).toEqual({ outcome: 'seeDesk' });
    expect(t.desk.database.sqlite.prepare(`SELECT count(*) AS n FROM appointments WHERE ticket IS NOT NULL`).get()).toEqual({ n: 0 });
  });

  it('reveals nothing to someone who has not matched', async () => {
    await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    const cancelled = await bookAt(t, p, '2026-06-15T11:00', { patientId: p.patients[0] });
    await t.ok(t.reception, 'appointments.cancel', { id: cancelled, reason: 'Away' });
    t.now = t.at('2026-06-15T09:30');
    const guesses = [
      { dateOfBirth: '1975-05-20', phoneLast4: '2445' },
      { dateOfBirth: '1980-01-01', phoneLast4: '0001' }, // Patient 1: their only appointment is cancelled
      { appointmentCode: 'ABCDEF' },
    ];
    for (const guess of guesses) {
      const result: KioskCheckInResult = await t.ok(deviceCaller('kiosk', 9), 'kiosk.checkIn', guess);
      expect(result).toEqual({ outcome: 'seeDesk' });
      expect(JSON.stringify(result)).not.toMatch(/Rita|Rocha|Patient|Ana|Room/);
    }
  });

  it('is for kiosks and the desk: a display or a doctor may not', async () => {
    expect((await t.fail(deviceCaller('display'), 'kiosk.checkIn', byBirth)).code).toBe('FORBIDDEN');
    expect((await t.fail(await t.doctor(p.ana), 'kiosk.checkIn', byBirth)).code).toBe('FORBIDDEN');
    expect((await t.fail(kiosk, 'checkin.checkIn', { appointmentId: 1 })).code).toBe('FORBIDDEN');
    expect((await t.fail(kiosk, 'patients.search', { query: 'Rita' })).code).toBe('FORBIDDEN');
    expect(await t.ok(kiosk, 'kiosk.info', {})).toEqual({ clinicName: 'Test Clinic', locale: 'en', timeZone: 'Europe/Lisbon', hasPrinter: false });
  });
});
