import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from '../../../shared/time/units';
import { useMigrationDatabase } from './migration-test-database';

const T0 = Date.UTC(2026, 5, 15, 9);

const m = useMigrationDatabase();

function run(sql: string, ...params: unknown[]) {
  return m.database.sqlite.prepare(sql).run(...params);
}

function all<T>(sql: string, ...params: unknown[]): T[] {
  return m.database.sqlite.prepare(sql).all(...params) as T[];
}

/** A small clinic; on the old schema three specialties hand out "A" tickets. */
function seed(prefixes = ['A', 'A', 'a']): void {
  run(
    `INSERT INTO specialties (id, name_en, name_pt, duration_minutes, price_cents, ticket_prefix) VALUES
    (1, 'Evaluation', 'Avaliação', 30, 4000, ?), (2, 'Acupuncture', 'Acupuntura', 30, 4000, ?),
    (3, 'Aromatherapy', 'Aromaterapia', 30, 4000, ?), (4, 'Massage', 'Massagem', 30, 4000, 'M')`,
    ...prefixes,
  );
  run(`INSERT INTO specialties (id, name_en, name_pt, duration_minutes, price_cents, ticket_prefix, is_active) VALUES (5, 'Old', 'Antiga', 30, 0, 'M', 0)`);
  run(`INSERT INTO rooms (id, name) VALUES (1, 'Sala 1'), (4, 'Sala 4')`);
  run(`INSERT INTO practitioners (id, full_name, default_room_id) VALUES (1, 'Ana Almeida', 1), (2, 'Bruno Borges', 4)`);
  run(`INSERT INTO patients (id, full_name, date_of_birth, created_at, updated_at) VALUES (1, 'Rita Rocha', '1980-01-01', 0, 0)`);
}

const insert = (values: {
  id: number;
  practitioner: number;
  room: number | null;
  at: number;
  status: string;
  walkIn?: 0 | 1;
  calledRoom?: number | null;
  calledAt?: number | null;
}) =>
  run(
    `INSERT INTO appointments (id, patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status, status_changed_at, is_walk_in, called_room_id, called_at, created_at, updated_at)
     VALUES (?, 1, ?, ?, 1, ?, ?, ?, 0, ?, ?, ?, 0, 0)`,
    values.id,
    values.practitioner,
    values.room,
    values.at,
    values.at + 30 * MINUTE_MS,
    values.status,
    values.walkIn ?? 0,
    values.calledRoom ?? null,
    values.calledAt ?? null,
  );

describe('0010_queue_truth', () => {
  it('gives clashing ticket prefixes of active specialties a free one, the oldest keeping its own, and then refuses a clash', async () => {
    expect((await m.migrator.migrateTo('0008_sync_resync')).error).toBeUndefined();
    seed();
    expect((await m.migrator.migrateTo('0010_queue_truth')).error).toBeUndefined();
    expect(all(`SELECT id, ticket_prefix FROM specialties ORDER BY id`)).toEqual([
      { id: 1, ticket_prefix: 'A' },
      { id: 2, ticket_prefix: 'A2' },
      { id: 3, ticket_prefix: 'A3' },
      { id: 4, ticket_prefix: 'M' },
      // Inactive: hands out no tickets, so it may share.
      { id: 5, ticket_prefix: 'M' },
    ]);
    expect(() => run(`UPDATE specialties SET ticket_prefix = 'm' WHERE id = 1`)).toThrow(/UNIQUE/);
    expect(() => run(`UPDATE specialties SET is_active = 1 WHERE id = 5`)).toThrow(/UNIQUE/);
  });

  it('lets a room hold one consultation a day at a time, the latest to start keeping it where two were recorded', async () => {
    expect((await m.migrator.migrateTo('0008_sync_resync')).error).toBeUndefined();
    seed();
    insert({ id: 1, practitioner: 1, room: 1, at: T0, status: 'in_consultation', calledRoom: 4, calledAt: T0 });
    insert({ id: 2, practitioner: 2, room: 4, at: T0, status: 'in_consultation', calledRoom: 4, calledAt: T0 + MINUTE_MS });
    // Yesterday's consultation nobody finished, in the same room: another day, no clash.
    insert({ id: 3, practitioner: 2, room: 4, at: T0 - 24 * HOUR_MS, status: 'in_consultation' });
    run(`UPDATE appointments SET ticket_day = '2026-06-15', ticket = 'A-00' || id WHERE id IN (1, 2)`);
    run(`UPDATE appointments SET ticket_day = '2026-06-14', ticket = 'A-001' WHERE id = 3`);
    expect((await m.migrator.migrateTo('0010_queue_truth')).error).toBeUndefined();
    expect(all(`SELECT id, status, called_room_id FROM appointments ORDER BY id`)).toEqual([
      { id: 1, status: 'done', called_room_id: 4 },
      { id: 2, status: 'in_consultation', called_room_id: 4 },
      { id: 3, status: 'in_consultation', called_room_id: null },
    ]);
    expect(() => run(`UPDATE appointments SET status = 'in_consultation' WHERE id = 1`)).toThrow(/UNIQUE/);
    // Called to an occupied room is fine (they wait at the door); only the consultations are one per room.
    run(`UPDATE appointments SET status = 'called' WHERE id = 2`);
    run(`UPDATE appointments SET status = 'in_consultation' WHERE id = 1`);
  });

  it('lets a walk-in wait without a slot, and judges them like any appointment from their first call', async () => {
    expect((await m.migrator.migrateTo('0010_queue_truth')).error).toBeUndefined();
    seed(['A', 'U', 'R']);
    insert({ id: 1, practitioner: 1, room: 1, at: T0, status: 'booked' });
    insert({ id: 2, practitioner: 1, room: 1, at: T0 + 10 * MINUTE_MS, status: 'checked_in', walkIn: 1 });
    insert({ id: 3, practitioner: 1, room: 1, at: T0 + 10 * MINUTE_MS, status: 'checked_in', walkIn: 1 });
    run(`UPDATE appointments SET status = 'left_unseen' WHERE id = 3`);
    // A booking made over waiting walk-ins is fine: they hold no time.
    insert({ id: 4, practitioner: 1, room: 1, at: T0 + 30 * MINUTE_MS, status: 'booked' });
    expect(() => run(`UPDATE appointments SET status = 'called', called_at = ? WHERE id = 2`, T0)).toThrow(/SLOT_TAKEN/);
    run(`UPDATE appointments SET status = 'called', called_at = ?, starts_at = ?, ends_at = ? WHERE id = 2`, T0, T0 + HOUR_MS, T0 + HOUR_MS + 30 * MINUTE_MS);
    // A walk-in booked for now (not checked in) holds their slot like any booking.
    expect(() => insert({ id: 5, practitioner: 1, room: null, at: T0, status: 'booked', walkIn: 1 })).toThrow(/SLOT_TAKEN:practitioner/);
  });

  it('goes down again', async () => {
    expect((await m.migrator.migrateTo('0010_queue_truth')).error).toBeUndefined();
    expect((await m.migrator.migrateTo('0008_sync_resync')).error).toBeUndefined();
    seed();
    insert({ id: 1, practitioner: 1, room: 1, at: T0, status: 'booked' });
    expect(() => insert({ id: 2, practitioner: 1, room: null, at: T0, status: 'checked_in', walkIn: 1 })).toThrow(/SLOT_TAKEN:practitioner/);
  });
});
