import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { patientClashDetails } from '../../shared/appointments/appointments.contract';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';

// One patient, two practitioners at the same time: only as a combined visit, on purpose.

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

const patient = () => p.patients[0]!;

function book(practitionerId: number, local: string, combinedVisit?: boolean) {
  return { patientId: patient(), specialtyId: p.general, practitionerId, startsAt: t.at(local), ...(combinedVisit === undefined ? {} : { combinedVisit }) };
}

const combinedFlag = (id: number) => t.desk.database.sqlite.prepare('SELECT is_combined_visit FROM appointments WHERE id = ?').pluck().get(id);

describe('a patient booked twice at once', () => {
  it('is refused with the clashing appointment, writing nothing', async () => {
    const first = await t.ok(t.reception, 'appointments.book', book(p.ana, '2026-06-15T14:00'));
    const before = { appointments: t.count('appointments'), audit: t.count('audit_log') };
    const refused = await t.fail(t.reception, 'appointments.book', book(p.bruno, '2026-06-15T14:15'));
    expect(refused.code).toBe('PATIENT_ALREADY_BOOKED');
    expect(patientClashDetails.parse(refused.details)).toEqual({
      clash: {
        appointmentId: first.id,
        startsAt: t.at('2026-06-15T14:00'),
        endsAt: t.at('2026-06-15T14:30'),
        practitionerId: p.ana,
        practitionerName: 'Ana Almeida',
      },
    });
    expect({ appointments: t.count('appointments'), audit: t.count('audit_log') }).toEqual(before);
    // Back to back is not at once; another patient at the same time is not this one.
    await t.ok(t.reception, 'appointments.book', book(p.bruno, '2026-06-15T14:30'));
    await t.ok(t.reception, 'appointments.book', { ...book(p.carla, '2026-06-15T14:00'), patientId: p.patients[1]! });
  });

  it('is booked as a combined visit when the desk says so, recorded on the appointment and in the audit log', async () => {
    const first = await t.ok(t.reception, 'appointments.book', book(p.ana, '2026-06-15T14:00'));
    const second = await t.ok(t.reception, 'appointments.book', book(p.bruno, '2026-06-15T14:00', true));
    expect(combinedFlag(second.id)).toBe(1);
    expect(combinedFlag(first.id)).toBe(0);
    const detail = t.desk.database.sqlite.prepare(`SELECT detail FROM audit_log WHERE action = 'appointments.book' AND entity_id = ?`).pluck().get(second.id);
    expect(JSON.parse(detail as string)).toMatchObject({ combinedVisitWith: first.id });
    // Saying so without a clash books an ordinary appointment.
    const alone = await t.ok(t.reception, 'appointments.book', book(p.ana, '2026-06-15T16:00', true));
    expect(combinedFlag(alone.id)).toBe(0);
  });

  it('does not count a cancelled or finished appointment', async () => {
    const first = await t.ok(t.reception, 'appointments.book', book(p.ana, '2026-06-15T14:00'));
    await t.ok(t.reception, 'appointments.cancel', { id: first.id, reason: 'Changed plans' });
    await t.ok(t.reception, 'appointments.book', book(p.bruno, '2026-06-15T14:00'));
  });

  it('applies to a move: refused over another of the patient’s appointments unless combined', async () => {
    await t.ok(t.reception, 'appointments.book', book(p.ana, '2026-06-15T14:00'));
    const other = await t.ok(t.reception, 'appointments.book', book(p.bruno, '2026-06-15T16:00'));
    const moved = { id: other.id, startsAt: t.at('2026-06-15T14:00') };
    expect((await t.fail(t.reception, 'appointments.reschedule', moved)).code).toBe('PATIENT_ALREADY_BOOKED');
    expect((await t.ok(t.reception, 'appointments.reschedule', { ...moved, combinedVisit: true })).startsAt).toBe(t.at('2026-06-15T14:00'));
    expect(combinedFlag(other.id)).toBe(1);
    // Moving itself over its own old time is no clash, and a move away clears the mark.
    await t.ok(t.reception, 'appointments.reschedule', { id: other.id, startsAt: t.at('2026-06-15T16:15') });
    expect(combinedFlag(other.id)).toBe(0);
    await t.ok(t.reception, 'appointments.reschedule', { id: other.id, startsAt: t.at('2026-06-15T16:30') });
  });

  it('applies to a walk-in booked now', async () => {
    await t.ok(t.reception, 'appointments.book', book(p.ana, '2026-06-15T14:00'));
    t.now = t.at('2026-06-15T14:05');
    const refused = await t.fail(t.reception, 'appointments.bookWalkIn', { patientId: patient(), specialtyId: p.general, practitionerId: p.bruno });
    expect(refused.code).toBe('PATIENT_ALREADY_BOOKED');
    const walkIn = await t.ok(t.reception, 'appointments.bookWalkIn', {
      patientId: patient(),
      specialtyId: p.general,
      practitionerId: p.bruno,
      combinedVisit: true,
    });
    expect(combinedFlag(walkIn.id)).toBe(1);
  });
});
