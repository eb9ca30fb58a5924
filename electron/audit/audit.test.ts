import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/audit/audit.contract';
import { MINUTE_MS } from '../../shared/time/units';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { insertAudit } from './audit.repository';

// Reading the audit log: filters, keyset pages, the CSV export, and that reading is recorded.

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Monday 15 June 2026, 08:00 in Lisbon (summer time: UTC+1).
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 3);
});

afterEach(async () => {
  await t.close();
});

const rows = (where = '1 = 1') =>
  t.desk.database.sqlite
    .prepare(`SELECT action, staff_id, workstation, entity, entity_id, patient_id, detail FROM audit_log WHERE ${where} ORDER BY id`)
    .all() as Array<Record<string, unknown>>;
const staffIdOf = (name: string) => (t.desk.database.sqlite.prepare(`SELECT id FROM staff WHERE display_name = ?`).get(name) as { id: number }).id;

async function bookAndMove(patientId: number, practitionerId = p.ana) {
  const booked = await t.ok(t.reception, 'appointments.book', {
    patientId,
    specialtyId: p.general,
    practitionerId,
    startsAt: t.at('2026-06-16T10:00'),
  });
  await t.ok(t.reception, 'appointments.reschedule', { id: booked.id, startsAt: t.at('2026-06-16T11:30') });
  return booked;
}

describe('whose record an entry is about', () => {
  it("files an appointment's entries under its patient, and a record's under the patient", async () => {
    const [maria] = p.patients as [number];
    const booked = await bookAndMove(maria);
    await t.ok(t.reception, 'patients.get', { id: maria });
    expect(rows(`patient_id IS NOT NULL`)).toMatchObject([
      { action: 'appointments.book', entity: 'appointment', entity_id: booked.id, patient_id: maria },
      { action: 'appointments.reschedule', entity: 'appointment', entity_id: booked.id, patient_id: maria },
      { action: 'patients.read', entity: 'patient', entity_id: maria, patient_id: maria },
    ]);
    // Entries about no patient keep none.
    expect(rows(`action = 'rooms.save'`).map((row) => row.patient_id)).toEqual([null, null]);
  });
});

describe('views of a record', () => {
  it('are written once per staff, workstation and patient within five minutes, then again', async () => {
    const [maria, joao] = p.patients as [number, number];
    const views = () => rows(`action = 'patients.read'`).map((row) => `${row.entity_id}:${row.detail}`);
    await t.ok(t.reception, 'patients.get', { id: maria });
    t.now += MINUTE_MS;
    await t.ok(t.reception, 'patients.get', { id: maria });
    await t.ok(t.reception, 'appointments.listForPatient', { patientId: maria });
    await t.ok(t.reception, 'appointments.listForPatient', { patientId: maria });
    await t.ok(t.reception, 'patients.get', { id: joao });
    // Another member of staff's look is theirs.
    await t.ok(t.admin, 'patients.get', { id: maria });
    expect(views()).toEqual([`${maria}:record`, `${maria}:appointments`, `${joao}:record`, `${maria}:record`]);
    t.now += 5 * MINUTE_MS;
    await t.ok(t.reception, 'patients.get', { id: maria });
    expect(views()).toHaveLength(5);
  });
});

describe('audit.list', () => {
  it('answers FORBIDDEN to anyone but an admin, for the log, the export and the choices', async () => {
    const doctor = await t.doctor(p.ana);
    for (const caller of [t.reception, doctor]) {
      expect(await t.fail(caller, 'audit.list', {})).toMatchObject({ code: 'FORBIDDEN' });
      expect(await t.fail(caller, 'audit.export', {})).toMatchObject({ code: 'FORBIDDEN' });
      expect(await t.fail(caller, 'audit.choices', {})).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(rows(`action LIKE 'audit.%'`)).toEqual([]);
  });

  it('refuses hostile or impossible filters with VALIDATION, and writes nothing', async () => {
    const before = t.count('audit_log');
    for (const filters of [
      { from: '2026-06-20', to: '2026-06-10' },
      { from: '2026-02-30' },
      { to: 'yesterday' },
      { workstation: 'x'.repeat(201) },
      { action: `a${'.b'.repeat(60)}` },
      { action: "x'; DROP TABLE audit_log; --" },
      { patientId: -1 },
      { staffId: 1.5 },
      { what: 'else' },
    ]) {
      expect(await t.fail(t.admin, 'audit.list', { filters } as never), JSON.stringify(filters).slice(0, 60)).toMatchObject({ code: 'VALIDATION' });
    }
    expect(await t.fail(t.admin, 'audit.list', { limit: 201 })).toMatchObject({ code: 'VALIDATION' });
    expect(t.count('audit_log')).toBe(before);
  });

  it('filters by patient, staff member, workstation, action and days, newest first, with names', async () => {
    const [maria, joao] = p.patients as [number, number];
    const booked = await bookAndMove(maria);
    await bookAndMove(joao, p.bruno);
    const receptionist = staffIdOf('receptionist 2');
    const page = await t.ok(t.admin, 'audit.list', { filters: { patientId: maria } });
    expect(page.next).toBeNull();
    expect(page.entries).toEqual<AuditEntry[]>([
      expect.objectContaining({
        action: 'appointments.reschedule',
        patientId: maria,
        patientName: 'Patient 1',
        staffId: receptionist,
        staffName: 'receptionist 2',
      }),
      expect.objectContaining({ action: 'appointments.book', entity: 'appointment', entityId: booked.id, workstation: 'test-receptionist' }),
    ]);
    const only = async (filters: object) => (await t.ok(t.admin, 'audit.list', { filters })).entries.map((entry) => entry.action);
    expect(await only({ action: 'appointments.book' })).toEqual(['appointments.book', 'appointments.book']);
    expect(await only({ staffId: receptionist, action: 'appointments.reschedule', patientId: joao })).toEqual(['appointments.reschedule']);
    expect((await only({ workstation: 'test-admin' })).every((action) => !action.startsWith('appointments.'))).toBe(true);
    // Days are the clinic's: the entries were all written on 15 June, Lisbon time.
    expect(await only({ from: '2026-06-15', to: '2026-06-15', action: 'appointments.book' })).toHaveLength(2);
    expect(await only({ from: '2026-06-16' })).toEqual([]);
    expect(await only({ to: '2026-06-14' })).toEqual([]);
  });

  it('pages by keyset, newest first, with no entry twice or missed, ties on the same instant included', async () => {
    const { db } = t.desk.database;
    const base = t.at('2026-06-01T09:00');
    for (let i = 0; i < 25; i++) {
      // Pairs share an instant: the id breaks the tie.
      await insertAudit(db, {
        at: base + Math.floor(i / 2) * 1000,
        staffId: null,
        workstation: 'bench',
        action: 'queue.recall',
        entity: '',
        entityId: null,
        detail: `n${i}`,
      });
    }
    const seen: string[] = [];
    let after: { at: number; id: number } | undefined;
    let pages = 0;
    do {
      const page = await t.ok(t.admin, 'audit.list', { filters: { workstation: 'bench' }, limit: 7, ...(after ? { after } : {}) });
      seen.push(...page.entries.map((entry) => entry.detail));
      after = page.next ?? undefined;
      pages += 1;
    } while (after);
    expect(pages).toBe(4);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `n${24 - i}`));
    // Opening the log was recorded once, for the first page only.
    expect(rows(`action = 'audit.open'`)).toEqual([
      {
        action: 'audit.open',
        staff_id: staffIdOf('admin 1'),
        workstation: 'test-admin',
        entity: '',
        entity_id: null,
        patient_id: null,
        detail: '{"filters":{"workstation":"bench"}}',
      },
    ]);
  });

  it('walks an index for every filter, in order, without sorting', async () => {
    const plan = (where: string) =>
      (
        t.desk.database.sqlite
          .prepare(`EXPLAIN QUERY PLAN SELECT id FROM audit_log l WHERE ${where} AND (l.at, l.id) < (?, ?) ORDER BY l.at DESC, l.id DESC LIMIT 51`)
          .all(Date.now(), 1) as Array<{ detail: string }>
      )
        .map((row) => row.detail)
        .join(' | ');
    for (const [where, index] of [
      ['l.patient_id = 1', 'audit_log_by_patient'],
      ['l.staff_id = 1', 'audit_log_by_staff'],
      ["l.workstation = 'x'", 'audit_log_by_workstation'],
      ["l.action = 'x'", 'audit_log_by_action'],
      ['1 = 1', 'audit_log_by_time'],
    ]) {
      expect(plan(where!), where).toContain(index);
      expect(plan(where!), where).not.toContain('TEMP B-TREE');
    }
  });

  it('offers the staff, and the workstations and actions the log holds', async () => {
    await bookAndMove(p.patients[0]!);
    const choices = await t.ok(t.admin, 'audit.choices', {});
    expect(choices.staff.map((staff) => staff.displayName)).toEqual(['admin 1', 'receptionist 2']);
    expect(choices.workstations).toEqual(['test-admin', 'test-receptionist']);
    expect(choices.actions).toEqual([
      'appointments.book',
      'appointments.reschedule',
      'practitioners.save',
      'rooms.save',
      'specialties.save',
      'workingHours.set',
    ]);
  });
});

describe("a patient's own history", () => {
  it('is recorded as a look at that patient when an admin opens it, once per sitting', async () => {
    const [maria] = p.patients as [number];
    await t.ok(t.admin, 'audit.list', { filters: { patientId: maria } });
    await t.ok(t.admin, 'audit.list', { filters: { patientId: maria } });
    expect(rows(`action = 'audit.open'`)).toMatchObject([{ entity: 'patient', entity_id: maria, patient_id: maria }]);
  });

  it('includes the entries about a duplicate merged into the patient (a duplicate of a duplicate too)', async () => {
    const [survivor, duplicate, older] = p.patients as [number, number, number];
    await t.ok(t.reception, 'patients.get', { id: older });
    await bookAndMove(duplicate);
    await t.ok(t.reception, 'patients.merge', { survivorId: duplicate, duplicateId: older });
    await t.ok(t.reception, 'patients.merge', { survivorId: survivor, duplicateId: duplicate });
    const history = (await t.ok(t.admin, 'audit.list', { filters: { patientId: survivor } })).entries.map((entry) => [entry.action, entry.patientId]);
    expect(history).toEqual([
      ['patients.merge', survivor],
      ['patients.merge', duplicate],
      ['appointments.reschedule', duplicate],
      ['appointments.book', duplicate],
      ['patients.read', older],
    ]);
    // The duplicate's own history is not the survivor's.
    expect((await t.ok(t.admin, 'audit.list', { filters: { patientId: older } })).entries.map((entry) => entry.action)).toEqual(['patients.read']);
  });
});
