import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoWeekday } from '../../shared/schedule/wall-clock';
import { createTestDesk, insertPatients, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { applyPendingRestore, stageRestore } from './restore';
import { openCheckedDatabase } from './damaged-database';

let t: TestDesk;
let p: Practice;
let folder: string;
let restoreDir: string;

beforeAll(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 0);
  folder = mkdtempSync(join(tmpdir(), 'fd-backups-'));
  restoreDir = mkdtempSync(join(tmpdir(), 'fd-restored-'));
});

afterAll(async () => {
  await t.close();
  rmSync(folder, { recursive: true, force: true });
  rmSync(restoreDir, { recursive: true, force: true });
});

/** Every 30-minute slot of the three practitioners' weekdays, from the first day on, until `count`. */
function slots(count: number): Array<{ practitionerId: number; startsAt: number }> {
  const found: Array<{ practitionerId: number; startsAt: number }> = [];
  for (let day = '2026-06-15'; found.length < count; day = addDays(day, 1)) {
    if (isoWeekday(day) > 5) continue;
    for (const [from, to] of [
      [9, 13],
      [14, 18],
    ] as const) {
      for (let minute = from * 60; minute < to * 60; minute += 30) {
        const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
        for (const practitionerId of [p.ana, p.bruno, p.carla]) found.push({ practitionerId, startsAt: t.at(`${day}T${time}`) });
      }
    }
  }
  return found.slice(0, count);
}

function check(file: string) {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check'),
      foreignKeys: db.pragma('foreign_key_check'),
      appointments: (db.prepare('SELECT count(*) AS n FROM appointments').get() as { n: number }).n,
      // Whole: every appointment with its patient, practitioner and specialty, a real span, and its audit entry.
      broken: db
        .prepare(
          `SELECT a.id FROM appointments a
           LEFT JOIN patients pa ON pa.id = a.patient_id
           LEFT JOIN practitioners pr ON pr.id = a.practitioner_id
           LEFT JOIN specialties s ON s.id = a.specialty_id
           WHERE pa.id IS NULL OR pr.id IS NULL OR s.id IS NULL OR a.ends_at - a.starts_at != 30 * 60000
              OR NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.action = 'appointments.book' AND l.entity_id = a.id)`,
        )
        .all(),
      overlaps: db
        .prepare(
          `SELECT a.id, b.id FROM appointments a JOIN appointments b
             ON a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
            AND (a.practitioner_id = b.practitioner_id OR a.patient_id = b.patient_id OR a.room_id = b.room_id)
           WHERE a.status NOT IN ('cancelled', 'no_show') AND b.status NOT IN ('cancelled', 'no_show')`,
        )
        .all(),
      // Audit entries of bookings whose appointment is not in the copy: half a booking.
      orphanAudits: (
        db
          .prepare(
            `SELECT count(*) AS n FROM audit_log l WHERE l.action = 'appointments.book' AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.id = l.entity_id)`,
          )
          .get() as { n: number }
      ).n,
    };
  } finally {
    db.close();
  }
}

describe('a backup taken during a thousand bookings', () => {
  it('restores to a consistent database: each booking is in it whole or not at all', async () => {
    const patients = await insertPatients(t, 1000);
    await t.ok(t.admin, 'backup.setFolder', { folder });

    const todo = slots(1000);
    let isBackupDone = false;
    let bookedDuringBackup = 0;
    let booked = 0;
    // Four receptionists booking at once, each booking its own transaction, the event loop turning
    // between them: the backup's steps run in those turns, between one commit and the next.
    const desks = 4;
    const bookings = Promise.all(
      Array.from({ length: desks }, async (_, desk) => {
        for (let i = desk; i < todo.length; i += desks) {
          await t.ok(t.reception, 'appointments.book', { patientId: patients[i]!, specialtyId: p.general, ...todo[i]! });
          booked += 1;
          if (!isBackupDone) bookedDuringBackup += 1;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    // Start once some bookings are in, so the copy begins mid-stream.
    while (booked < 50) await new Promise((resolve) => setImmediate(resolve));
    const bookedAtStart = booked;
    const attempt = await t.ok(t.admin, 'backup.run', {});
    isBackupDone = true;
    await bookings;
    expect(booked).toBe(1000);
    expect(attempt.isOk).toBe(true);
    // The copy was taken while bookings went on: some were made during it.
    expect(bookedDuringBackup).toBeGreaterThan(bookedAtStart);
    expect(bookedDuringBackup).toBeLessThan(1000);

    const inBackup = check(attempt.file!);
    expect(inBackup.integrity).toEqual([{ integrity_check: 'ok' }]);
    expect(inBackup.foreignKeys).toEqual([]);
    expect(inBackup.broken).toEqual([]);
    expect(inBackup.overlaps).toEqual([]);
    expect(inBackup.orphanAudits).toBe(0);
    expect(inBackup.appointments).toBeGreaterThanOrEqual(bookedAtStart);
    expect(inBackup.appointments).toBeLessThanOrEqual(bookedDuringBackup);

    // And restored: staged, checked, swapped in, opened as the desk opens it.
    await stageRestore({ file: attempt.file!, dataDir: restoreDir, now: t.now, staffId: null, workstation: 'test' });
    await applyPendingRestore(restoreDir, t.now);
    const restored = await openCheckedDatabase(restoreDir, join(restoreDir, 'front-desk.db'));
    await restored.close();
    const after = check(join(restoreDir, 'front-desk.db'));
    expect(after).toEqual({ ...inBackup });
  }, 120_000);
});
