import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../../shared/time/units';
import { useMigrationDatabase } from './migration-test-database';

const T0 = Date.UTC(2026, 5, 15, 9);

const m = useMigrationDatabase();

function run(sql: string, ...params: unknown[]) {
  return m.database.sqlite.prepare(sql).run(...params);
}

function all<T>(sql: string, ...params: unknown[]): T[] {
  return m.database.sqlite.prepare(sql).all(...params) as T[];
}

/** A small clinic on the 0003 schema: two practitioners, one room, appointments in every old status. */
function seedOldClinic(): void {
  run(`INSERT INTO specialties (id, name_en, name_pt, duration_minutes, price_cents, ticket_prefix) VALUES (1, 'General', 'Geral', 30, 4000, 'G')`);
  run(`INSERT INTO rooms (id, name) VALUES (1, 'Room 1')`);
  run(`INSERT INTO practitioners (id, full_name, default_room_id) VALUES (1, 'Ana Almeida', 1), (2, 'Bruno Borges', NULL)`);
  run(`INSERT INTO patients (id, full_name, date_of_birth, created_at, updated_at) VALUES (1, 'Rita Rocha', '1980-01-01', 0, 0)`);
  const insert = m.database.sqlite.prepare(
    `INSERT INTO appointments (id, patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status, status_changed_at, notes, price_cents, created_at, updated_at)
     VALUES (?, 1, ?, ?, 1, ?, ?, ?, 0, ?, 4000, 0, 0)`,
  );
  const statuses = ['booked', 'checked_in', 'called', 'in_consultation', 'done', 'no_show', 'cancelled'];
  statuses.forEach((status, index) => insert.run(index + 1, 1, 1, T0 + index * HOUR_MS, T0 + index * HOUR_MS + HOUR_MS / 2, status, `note ${index + 1}`));
  // Freed slots: a cancelled and a no-show appointment under active ones.
  insert.run(20, 1, 1, T0 + 5 * HOUR_MS, T0 + 5 * HOUR_MS + HOUR_MS / 2, 'booked', 'over the no-show');
  insert.run(21, 2, null, T0, T0 + HOUR_MS, 'booked', 'Bruno, no room');
}

describe('0004_queue', () => {
  it('rebuilds appointments keeping every row, index and overlap guard, and adds the queue columns', async () => {
    expect((await m.migrator.migrateTo('0003_appointment_spans')).error).toBeUndefined();
    seedOldClinic();
    const before = all<Record<string, unknown>>(`SELECT * FROM appointments ORDER BY id`);

    expect((await m.migrator.migrateTo('0004_queue')).error).toBeUndefined();

    const after = all<Record<string, unknown>>(`SELECT * FROM appointments ORDER BY id`);
    expect(
      after.map(
        ({
          id,
          patient_id,
          practitioner_id,
          room_id,
          specialty_id,
          starts_at,
          ends_at,
          status,
          status_changed_at,
          is_walk_in,
          cancel_reason,
          notes,
          price_cents,
          created_by,
          created_at,
          updated_at,
        }) => ({
          id,
          patient_id,
          practitioner_id,
          room_id,
          specialty_id,
          starts_at,
          ends_at,
          status,
          status_changed_at,
          is_walk_in,
          cancel_reason,
          notes,
          price_cents,
          created_by,
          created_at,
          updated_at,
        }),
      ),
    ).toEqual(before);
    for (const row of after) {
      expect(row).toMatchObject({
        checked_in_at: null,
        ticket: null,
        ticket_day: null,
        called_at: null,
        called_room_id: null,
        call_count: 0,
        started_at: null,
        finished_at: null,
      });
      expect(row.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}$/);
    }
    expect(new Set(after.map((row) => row.code)).size).toBe(after.length);

    const indexes = all<{ name: string }>(
      `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'appointments' AND sql IS NOT NULL ORDER BY name`,
    ).map((row) => row.name);
    expect(indexes).toEqual([
      'appointments_booked_by_start',
      'appointments_by_call',
      'appointments_by_code',
      'appointments_by_patient',
      'appointments_by_practitioner',
      'appointments_by_room',
      'appointments_by_start',
      'appointments_by_ticket',
      'appointments_spans',
    ]);
    const triggers = all<{ name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'appointments' ORDER BY name`).map(
      (row) => row.name,
    );
    expect(triggers).toEqual([
      'appointments_code_after_insert',
      'appointments_no_practitioner_overlap_insert',
      'appointments_no_practitioner_overlap_update',
      'appointments_no_room_overlap_insert',
      'appointments_no_room_overlap_update',
    ]);
    expect(m.database.sqlite.pragma('foreign_key_check')).toEqual([]);
    expect(m.database.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');

    const insertAt = (practitionerId: number, roomId: number | null, startsAt: number, status = 'booked') =>
      run(
        `INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status, status_changed_at, created_at, updated_at)
         VALUES (1, ?, ?, 1, ?, ?, ?, 0, 0, 0)`,
        practitionerId,
        roomId,
        startsAt,
        startsAt + HOUR_MS / 2,
        status,
      );
    // Still refused: the practitioner's and the room's overlaps, on insert and on update.
    expect(() => insertAt(1, null, T0 + HOUR_MS / 4)).toThrow('SLOT_TAKEN:practitioner');
    expect(() => insertAt(2, 1, T0 + HOUR_MS / 4)).toThrow('SLOT_TAKEN:room');
    expect(() => run(`UPDATE appointments SET starts_at = ?, ends_at = ? WHERE id = 21`, T0 + HOUR_MS, T0 + 2 * HOUR_MS)).not.toThrow();
    expect(() => run(`UPDATE appointments SET room_id = 1 WHERE id = 21`)).toThrow('SLOT_TAKEN:room');
    // Reviving the cancelled appointment whose slot is held by another: refused.
    expect(() => run(`UPDATE appointments SET status = 'booked' WHERE id = 6`)).toThrow(/SLOT_TAKEN/);
    // A freed slot takes a new booking, and left_unseen is a status now (keeping its slot).
    expect(() => insertAt(1, 1, T0 + 6 * HOUR_MS)).not.toThrow();
    run(`UPDATE appointments SET status = 'left_unseen' WHERE id = 2`);
    expect(() => insertAt(1, null, T0 + HOUR_MS)).toThrow('SLOT_TAKEN:practitioner');
    expect(() => run(`UPDATE appointments SET status = 'gone' WHERE id = 2`)).toThrow(/CHECK/);

    // New rows get a code of their own; stamping queue columns does not run the overlap guard.
    const fresh = all<{ code: string }>(`SELECT code FROM appointments WHERE id = (SELECT max(id) FROM appointments)`)[0]!;
    expect(fresh.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}$/);
    run(`UPDATE appointments SET ticket_day = '2026-06-15', ticket = 'G-001', checked_in_at = ? WHERE id = 1`, T0);
    expect(() => run(`UPDATE appointments SET ticket_day = '2026-06-15', ticket = 'G-001' WHERE id = 20`)).toThrow(/UNIQUE/);
    expect(() => run(`UPDATE appointments SET ticket_day = '2026-06-16', ticket = 'G-001' WHERE id = 20`)).not.toThrow();
    expect(() => run(`UPDATE appointments SET code = ? WHERE id = 20`, fresh.code)).toThrow(/UNIQUE/);
  });

  it('can be undone, keeping the rows', async () => {
    expect((await m.migrator.migrateTo('0003_appointment_spans')).error).toBeUndefined();
    seedOldClinic();
    expect((await m.migrator.migrateTo('0004_queue')).error).toBeUndefined();
    run(`UPDATE appointments SET status = 'left_unseen', cancel_reason = 'went home' WHERE id = 2`);
    expect((await m.migrator.migrateTo('0003_appointment_spans')).error).toBeUndefined();
    const rows = all<{ id: number; status: string; cancel_reason: string }>(`SELECT id, status, cancel_reason FROM appointments ORDER BY id`);
    expect(rows).toHaveLength(9);
    expect(rows[1]).toEqual({ id: 2, status: 'cancelled', cancel_reason: 'went home' });
    expect(all(`SELECT name FROM sqlite_schema WHERE name IN ('devices', 'pairing_codes', 'queue_moves', 'ticket_counters')`)).toEqual([]);
    expect(() => run(`UPDATE appointments SET starts_at = ?, ends_at = ? WHERE id = 21`, T0 + 2 * HOUR_MS, T0 + 3 * HOUR_MS)).not.toThrow();
    expect(() => run(`UPDATE appointments SET room_id = 1 WHERE id = 21`)).toThrow('SLOT_TAKEN:room');
  });

  it('gives each of thousands of appointments inserted at once a distinct code', async () => {
    expect((await m.migrator.migrateToLatest()).error).toBeUndefined();
    run(`INSERT INTO specialties (id, name_en, name_pt, duration_minutes, price_cents, ticket_prefix) VALUES (1, 'General', 'Geral', 30, 4000, 'G')`);
    run(`INSERT INTO practitioners (id, full_name) VALUES (1, 'Ana Almeida')`);
    run(`INSERT INTO patients (id, full_name, date_of_birth, created_at, updated_at) VALUES (1, 'Rita Rocha', '1980-01-01', 0, 0)`);
    const insert = m.database.sqlite.prepare(
      `INSERT INTO appointments (patient_id, practitioner_id, specialty_id, starts_at, ends_at, status_changed_at, created_at, updated_at) VALUES (1, 1, 1, ?, ?, 0, 0, 0)`,
    );
    m.database.sqlite.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(T0 + i * HOUR_MS, T0 + i * HOUR_MS + HOUR_MS / 2);
    })();
    const codes = all<{ code: string | null }>(`SELECT code FROM appointments`).map((row) => row.code);
    expect(codes.every((code) => code !== null && /^[A-Z2-9]{6}$/.test(code))).toBe(true);
    expect(new Set(codes).size).toBe(5000);
  });
});
