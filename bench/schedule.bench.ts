import { createRandom } from '../shared/random/seeded-random';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { DateTime } from 'luxon';
import { startFrontDesk, type FrontDesk } from '../electron/app/front-desk';
import { bookAppointment } from '../electron/appointments/appointments.service';
import { auditRow, type Actor, type AuditNote } from '../electron/audit/audit';
import { insertAudit } from '../electron/audit/audit.repository';
import { boardDay } from '../electron/board/board.service';
import type { Caller } from '../electron/rpc/dispatch';
import type { RequestContext, Session } from '../electron/rpc/context';
import { findFreeSlots } from '../electron/schedule/schedule.service';
import { readSettings } from '../electron/settings/settings.repository';
import { compare, percentile, round, time, type BenchOptions, type BenchResult, type Timing } from './harness';
import { MINUTE_MS } from '../shared/time/units';

/**
 * The schedule figures of the issue, each on fresh database files:
 * - appointments.book: one booking through the service (validation, working hours,
 *   trigger, audit, commit with synchronous=FULL) against a bare one-row INSERT transaction
 *   on an identical database;
 * - schedule.freeSlots: 50 practitioners over 14 days at ~80% occupancy;
 * - board.day: a day with 1,000 appointments across 50 practitioners.
 * The main figure is the service call (with the settings read its handler does); the
 * whole dispatcher path (input parsing, role check, output check) is reported beside it.
 */

const ZONE = 'Europe/Lisbon';
const FIRST_DAY = '2030-01-07'; // a Monday
const PRACTITIONERS = 50;

const at = (day: string, minute: number) => DateTime.fromISO(day, { zone: ZONE }).plus({ minutes: minute }).toMillis();

interface Clinic {
  desk: FrontDesk;
  caller: Caller;
  staffId: number;
  specialtyId: number;
  practitionerIds: number[];
  patientIds: number[];
  /** Patients with nothing booked: who the booking benchmark books (a patient is in one place at a time). */
  freePatientIds: number[];
  /** Grid starts (30-minute visits) left free, per practitioner, in time order. */
  free: Array<{ practitionerId: number; roomId: number; startsAt: number }>;
}

interface ClinicShape {
  /** Working intervals per weekday (Mon–Fri), in minutes. */
  intervals: Array<[number, number]>;
  days: number;
  /** Share of grid slots held by an active appointment. */
  occupancy: number;
  /** Share of the other slots that hold a cancelled appointment (which must not block them). */
  cancelled: number;
}

/** A clinic written with raw statements in one transaction: seeding speed is not what is measured. */
async function openClinic(dir: string, shape: ClinicShape, now: number): Promise<Clinic> {
  mkdirSync(dir, { recursive: true });
  const desk = await startFrontDesk({ dataDir: dir, now: () => now });
  const sqlite = desk.database.sqlite;
  const next = createRandom(42);
  const clinic = sqlite.transaction(() => {
    const setting = sqlite.prepare(`INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)`);
    for (const [key, value] of Object.entries({ clinicName: 'Bench', timeZone: ZONE, slotStepMinutes: 15, setUpAt: now })) {
      setting.run(key, JSON.stringify(value));
    }
    const specialtyId = Number(
      sqlite
        .prepare(`INSERT INTO specialties (name_en, name_pt, duration_minutes, price_cents, ticket_prefix) VALUES ('General', 'Geral', 30, 4000, 'G')`)
        .run().lastInsertRowid,
    );
    const staffId = Number(
      sqlite.prepare(`INSERT INTO staff (username, display_name, role, password_hash, created_at) VALUES ('desk', 'Desk', 'receptionist', 'x', ?)`).run(now)
        .lastInsertRowid,
    );
    const patient = sqlite.prepare(
      `INSERT INTO patients (full_name, preferred_name, date_of_birth, phone, created_at, updated_at) VALUES (?, '', '1980-01-01', ?, ?, ?)`,
    );
    const patientIds = Array.from({ length: 2000 }, (_, i) =>
      Number(patient.run(`Patient ${i + 1}`, `+351 910 000 ${String(i).padStart(3, '0')}`, now, now).lastInsertRowid),
    );

    const freePatientIds = Array.from({ length: 2000 }, (_, i) =>
      Number(patient.run(`New patient ${i + 1}`, `+351 911 000 ${String(i).padStart(3, '0')}`, now, now).lastInsertRowid),
    );

    const room = sqlite.prepare(`INSERT INTO rooms (name) VALUES (?)`);
    const practitioner = sqlite.prepare(`INSERT INTO practitioners (full_name, default_room_id) VALUES (?, ?)`);
    const offers = sqlite.prepare(`INSERT INTO practitioner_specialties (practitioner_id, specialty_id) VALUES (?, ?)`);
    const hours = sqlite.prepare(`INSERT INTO working_hours (practitioner_id, weekday, start_minute, end_minute) VALUES (?, ?, ?, ?)`);
    const appointment = sqlite.prepare(
      `INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status, status_changed_at, price_cents, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 4000, ?, ?)`,
    );
    const statuses = ['booked', 'booked', 'booked', 'checked_in', 'done'];

    const practitionerIds: number[] = [];
    const free: Clinic['free'] = [];
    for (let i = 0; i < PRACTITIONERS; i++) {
      const roomId = Number(room.run(`Room ${i + 1}`).lastInsertRowid);
      const id = Number(practitioner.run(`Practitioner ${String(i + 1).padStart(2, '0')}`, roomId).lastInsertRowid);
      practitionerIds.push(id);
      offers.run(id, specialtyId);
      for (let weekday = 1; weekday <= 5; weekday++) for (const [start, end] of shape.intervals) hours.run(id, weekday, start, end);

      for (let d = 0; d < shape.days; d++) {
        const day = DateTime.fromISO(FIRST_DAY, { zone: ZONE }).plus({ days: d });
        if (day.weekday > 5) continue;
        const iso = day.toISODate()!;
        for (const [start, end] of shape.intervals) {
          for (let minute = start; minute + 30 <= end; minute += 30) {
            const startsAt = at(iso, minute);
            const patientId = patientIds[Math.floor(next() * patientIds.length)]!;
            if (next() < shape.occupancy) {
              const status = statuses[Math.floor(next() * statuses.length)]!;
              appointment.run(patientId, id, roomId, specialtyId, startsAt, startsAt + 30 * MINUTE_MS, status, now, now, now);
            } else {
              if (next() < shape.cancelled) {
                appointment.run(patientId, id, roomId, specialtyId, startsAt, startsAt + 30 * MINUTE_MS, 'cancelled', now, now, now);
              }
              free.push({ practitionerId: id, roomId, startsAt });
            }
          }
        }
      }
    }
    return { specialtyId, staffId, practitionerIds, patientIds, freePatientIds, free };
  })();
  desk.settings.set(await readSettings(desk.database.db));

  const session: Session = {
    token: 'bench',
    staffId: clinic.staffId,
    username: 'desk',
    role: 'receptionist',
    practitionerId: null,
    lastActiveAt: now,
    isLocked: false,
  };
  const caller: Caller = {
    transport: 'ipc',
    workstation: 'bench',
    auth: {
      current: () => session,
      signIn: () => session,
      signOut: () => undefined,
    },
  };
  clinic.free.sort((a, b) => a.startsAt - b.startsAt || a.practitionerId - b.practitionerId);
  return { desk, caller, ...clinic };
}

/** Like `time`, for several functions called in turn, so that they share the machine's mood. */
async function timeRoundRobin(fns: Array<() => unknown>, iterations: number, warmup: number): Promise<Timing[]> {
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const samples = fns.map(() => [] as number[]);
  for (let i = 0; i < iterations; i++) {
    for (const [index, fn] of fns.entries()) {
      const start = performance.now();
      await fn();
      samples[index]!.push(performance.now() - start);
    }
  }
  return samples.map((list) => {
    list.sort((a, b) => a - b);
    return { p50: percentile(list, 50), p95: percentile(list, 95), samples: list.length };
  });
}

async function dispatchTiming(clinic: Clinic, method: 'schedule.freeSlots' | 'board.day', input: unknown, iterations: number): Promise<Timing> {
  return time(async () => {
    const result = await clinic.desk.dispatch(clinic.caller, method, input);
    if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
  }, iterations);
}

async function benchBook(workDir: string): Promise<BenchResult> {
  const now = at(FIRST_DAY, 0) - 60 * MINUTE_MS;
  const shape: ClinicShape = {
    intervals: [
      [540, 780],
      [840, 1080],
    ],
    days: 14,
    occupancy: 0.8,
    cancelled: 0.25,
  };
  const ours = await openClinic(join(workDir, 'book-service'), shape, now);
  const viaDispatch = await openClinic(join(workDir, 'book-dispatch'), shape, now);
  const reference = await openClinic(join(workDir, 'book-reference'), shape, now);
  try {
    const iterations = 400;
    const warmup = 50;
    const needed = iterations + warmup;
    if (ours.free.length < needed) throw new Error(`only ${ours.free.length} free slots to book`);
    const actor: Actor = { staffId: ours.staffId, role: 'receptionist', practitionerId: null, workstation: 'bench' };
    const input = (i: number, clinic: Clinic) => ({
      patientId: clinic.freePatientIds[i % clinic.freePatientIds.length]!,
      specialtyId: clinic.specialtyId,
      practitionerId: clinic.free[i]!.practitionerId,
      startsAt: clinic.free[i]!.startsAt,
      notes: '',
    });

    // Round-robin rather than one after the other: an fsync's cost drifts with whatever
    // else the disk is doing, and each side should see the same drift.
    let nextOurs = 0;
    let nextDispatch = 0;
    let nextReference = 0;
    const sqlite: BetterSqlite3.Database = reference.desk.database.sqlite;
    const insert = sqlite.prepare(
      `INSERT INTO appointments (patient_id, practitioner_id, room_id, specialty_id, starts_at, ends_at, status, status_changed_at, price_cents, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'booked', ?, 4000, ?, ?)`,
    );
    const insertOne = sqlite.transaction((i: number) => {
      const slot = reference.free[i]!;
      const patientId = reference.freePatientIds[i % reference.freePatientIds.length];
      insert.run(patientId, slot.practitionerId, slot.roomId, reference.specialtyId, slot.startsAt, slot.startsAt + 30 * MINUTE_MS, now, now, now);
    });
    const { db } = ours.desk.database;
    const [service, dispatched, raw] = await timeRoundRobin(
      [
        // What the dispatcher does around the handler: one transaction, the settings read, the service, the audit entry.
        () =>
          db.transaction().execute(async (trx) => {
            const notes: AuditNote[] = [];
            const req: RequestContext = { now, settings: await readSettings(trx), actor, audit: (note) => notes.push(note) };
            const change = await bookAppointment(trx, input(nextOurs++, ours), req);
            for (const note of notes) await insertAudit(trx, auditRow(note, actor, now));
            return change;
          }),
        async () => {
          const result = await viaDispatch.desk.dispatch(viaDispatch.caller, 'appointments.book', input(nextDispatch++, viaDispatch));
          if (!result.ok) throw new Error(`appointments.book failed: ${JSON.stringify(result.error)}`);
        },
        () => insertOne(nextReference++),
      ],
      iterations,
      warmup,
    );

    const result = compare('appointments.book', service!, raw, 'ratio ≤ 2× a raw one-row INSERT transaction', (r) => (r.ratio ?? Infinity) <= 2);
    result.dispatch_p50_ms = round(dispatched!.p50);
    result.dispatch_p95_ms = round(dispatched!.p95);
    result.dispatch_ratio = round(dispatched!.p95 / raw!.p95, 2);
    return result;
  } finally {
    await ours.desk.close();
    await viaDispatch.desk.close();
    await reference.desk.close();
  }
}

async function benchFreeSlots(workDir: string): Promise<BenchResult> {
  const now = at(FIRST_DAY, 0) - 60 * MINUTE_MS;
  const shape: ClinicShape = {
    intervals: [
      [540, 780],
      [840, 1080],
    ],
    days: 14,
    occupancy: 0.8,
    cancelled: 0.25,
  };
  const clinic = await openClinic(join(workDir, 'free-slots'), shape, now);
  try {
    const { db } = clinic.desk.database;
    const request = { specialtyId: clinic.specialtyId, day: FIRST_DAY, days: 14 };
    const count = clinic.desk.database.sqlite.prepare(`SELECT count(*) AS n FROM appointments WHERE status NOT IN ('cancelled', 'no_show')`);
    const booked = (count.get() as { n: number }).n;
    let slots = 0;
    const service = await time(
      async () => {
        const settings = await readSettings(db);
        slots = (await findFreeSlots(db, request, { timeZone: settings.timeZone, slotStepMinutes: settings.slotStepMinutes, now })).length;
      },
      200,
      20,
    );
    const dispatched = await dispatchTiming(clinic, 'schedule.freeSlots', request, 200);
    const result = compare('schedule.freeSlots', service, undefined, 'p95 ≤ 20 ms (50 practitioners × 14 days, ~80% booked)', (r) => r.p95_ms <= 20);
    result.dispatch_p50_ms = round(dispatched.p50);
    result.dispatch_p95_ms = round(dispatched.p95);
    result.slots = slots;
    result.active_appointments = booked;
    return result;
  } finally {
    await clinic.desk.close();
  }
}

async function benchBoard(workDir: string): Promise<BenchResult> {
  const now = at(FIRST_DAY, 0) - 60 * MINUTE_MS;
  // 08:00–18:00 fully booked: 20 half-hour visits × 50 practitioners = 1,000 a day, for a week.
  const clinic = await openClinic(join(workDir, 'board'), { intervals: [[480, 1080]], days: 7, occupancy: 1, cancelled: 0 }, now);
  try {
    const { db } = clinic.desk.database;
    let count = 0;
    const service = await time(
      async () => {
        const settings = await readSettings(db);
        count = (await boardDay(db, { day: FIRST_DAY }, settings.timeZone)).appointments.length;
      },
      200,
      20,
    );
    const dispatched = await dispatchTiming(clinic, 'board.day', { day: FIRST_DAY }, 200);
    const result = compare('board.day', service, undefined, 'p95 ≤ 10 ms (1,000 appointments, 50 practitioners)', (r) => r.p95_ms <= 10);
    result.dispatch_p50_ms = round(dispatched.p50);
    result.dispatch_p95_ms = round(dispatched.p95);
    result.appointments = count;
    return result;
  } finally {
    await clinic.desk.close();
  }
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  return [await benchBook(opts.workDir), await benchFreeSlots(opts.workDir), await benchBoard(opts.workDir)];
}
