import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { EventName, MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract';
import type { ErrorBody } from '../../shared/contract/errors';
import type { Role } from '../../shared/contract/method';
import { startFrontDesk, type FrontDesk, type FrontDeskOptions } from '../app/front-desk';
import { hashPassword } from '../auth/password';
import { insertStaff } from '../staff/staff.repository';
import type { Caller } from '../rpc/dispatch';
import type { Session, SessionBinding } from '../rpc/context';
import { writeSettings } from '../settings/settings.repository';
import type { KioskPacing } from '../kiosk/kiosk.handlers';

/**
 * A real Front Desk on a temp-dir SQLite file, with a settable clock, staff who are
 * already signed in, and a record of the events it published. For tests of the
 * practice, schedule, appointments and board features.
 */
export interface TestDesk {
  readonly desk: FrontDesk;
  readonly dir: string;
  readonly timeZone: string;
  /** The clock every call sees; tests move it. */
  now: number;
  readonly events: Array<{ event: EventName; payload: unknown }>;
  readonly admin: Caller;
  readonly reception: Caller;
  /** A signed-in doctor, linked to a practitioner (or to none). */
  doctor(practitionerId: number | null): Promise<Caller>;
  /** Calls and returns the value; fails the test with the error body otherwise. */
  ok<M extends MethodName>(caller: Caller, method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Calls and returns the error body; fails the test if the call succeeded. */
  fail<M extends MethodName>(caller: Caller, method: M, input: MethodInput<M>): Promise<ErrorBody>;
  /** `YYYY-MM-DDTHH:mm` on the clinic's wall clock, as an instant. */
  at(local: string): number;
  count(table: 'appointments' | 'audit_log' | 'time_off' | 'working_hours' | 'rooms' | 'specialties' | 'practitioners'): number;
  close(): Promise<void>;
}

const NO_WAIT: KioskPacing = { minimumMs: 0, clock: () => 0, sleep: () => Promise.resolve() };

// A cheap scrypt cost: these tests sign nobody in by password.
const TEST_COST = { N: 1024, r: 8, p: 1 };

export async function createTestDesk(options: {
  now: string;
  timeZone?: string;
  slotStepMinutes?: number;
  frontDesk?: Pick<FrontDeskOptions, 'env' | 'secretCipher' | 'kioskPacing'>;
}): Promise<TestDesk> {
  const timeZone = options.timeZone ?? 'Europe/Lisbon';
  const at = (local: string) => {
    const instant = DateTime.fromISO(local, { zone: timeZone });
    if (!instant.isValid) throw new Error(`not a local time: ${local}`);
    return instant.toMillis();
  };
  const dir = mkdtempSync(join(tmpdir(), 'fd-'));
  const state = { now: at(options.now) };
  // The kiosk's padded answers do not wait in tests, unless a test brings its own pacing.
  const desk = await startFrontDesk({ dataDir: dir, now: () => state.now, kioskPacing: NO_WAIT, ...options.frontDesk });
  const { db } = desk.database;
  await writeSettings(db, {
    clinicName: 'Test Clinic',
    timeZone,
    slotStepMinutes: options.slotStepMinutes ?? 15,
    setUpAt: state.now,
  });
  desk.settings.set({ ...desk.settings.get(), timeZone, slotStepMinutes: options.slotStepMinutes ?? 15 });

  const events: TestDesk['events'] = [];
  desk.bus.subscribe((event, payload) => events.push({ event, payload }));

  const passwordHash = await hashPassword('test', TEST_COST);
  let staffCount = 0;
  const signedIn = async (role: Role, practitionerId: number | null): Promise<Caller> => {
    staffCount += 1;
    const row = await insertStaff(db, {
      username: `${role}${staffCount}`,
      displayName: `${role} ${staffCount}`,
      role,
      passwordHash,
      practitionerId,
      locale: 'en',
      now: state.now,
    });
    let session: Session | null = {
      token: randomBytes(8).toString('hex'),
      staffId: row.id,
      username: row.username,
      role,
      practitionerId,
      lastActiveAt: state.now,
      isLocked: false,
    };
    const auth: SessionBinding = {
      current: () => {
        // Tests jump the clock by days; the idle lock is not what they test.
        if (session) session.lastActiveAt = state.now;
        return session;
      },
      signIn: () => {
        throw new Error('not used in these tests');
      },
      signOut: () => {
        session = null;
      },
    };
    return { transport: 'ipc', workstation: `test-${role}`, auth };
  };

  const admin = await signedIn('admin', null);
  const reception = await signedIn('receptionist', null);

  const count: TestDesk['count'] = (table) => (desk.database.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  return {
    desk,
    dir,
    timeZone,
    get now() {
      return state.now;
    },
    set now(value: number) {
      state.now = value;
    },
    events,
    admin,
    reception,
    doctor: (practitionerId) => signedIn('doctor', practitionerId),
    ok: async (caller, method, input) => {
      const result = await desk.dispatch(caller, method, input);
      if (!result.ok) throw new Error(`${method} failed: ${JSON.stringify(result.error)}`);
      return result.value as never;
    },
    fail: async (caller, method, input) => {
      const result = await desk.dispatch(caller, method, input);
      if (result.ok) throw new Error(`${method} should have failed but returned ${JSON.stringify(result.value)}`);
      return result.error;
    },
    at,
    count,
    close: async () => {
      await desk.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Practice {
  general: number;
  dentistry: number;
  room1: number;
  room2: number;
  /** General practice, room 1. */
  ana: number;
  /** General practice and dentistry, room 2. */
  bruno: number;
  /** General practice, no room. */
  carla: number;
  patients: number[];
}

export const WEEKDAYS_9_TO_6 = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, start: '09:00', end: '13:00' },
  { weekday, start: '14:00', end: '18:00' },
]);

/** A small clinic built through the admin methods: two specialties, two rooms, three practitioners, patients. */
export async function seedPractice(t: TestDesk, patientCount = 5): Promise<Practice> {
  const general = await t.ok(t.admin, 'specialties.save', {
    nameEn: 'General practice',
    namePt: 'Clínica geral',
    durationMinutes: 30,
    priceCents: 4000,
    ticketPrefix: 'G',
  });
  const dentistry = await t.ok(t.admin, 'specialties.save', {
    nameEn: 'Dentistry',
    namePt: 'Medicina dentária',
    durationMinutes: 60,
    priceCents: 6500,
    ticketPrefix: 'D',
  });
  const room1 = await t.ok(t.admin, 'rooms.save', { name: 'Room 1' });
  const room2 = await t.ok(t.admin, 'rooms.save', { name: 'Room 2' });
  const ana = await t.ok(t.admin, 'practitioners.save', { fullName: 'Ana Almeida', specialtyIds: [general.id], defaultRoomId: room1.id });
  const bruno = await t.ok(t.admin, 'practitioners.save', {
    fullName: 'Bruno Borges',
    specialtyIds: [general.id, dentistry.id],
    defaultRoomId: room2.id,
  });
  const carla = await t.ok(t.admin, 'practitioners.save', { fullName: 'Carla Costa', specialtyIds: [general.id], defaultRoomId: null });
  for (const practitioner of [ana, bruno, carla]) {
    await t.ok(t.admin, 'workingHours.set', { practitionerId: practitioner.id, intervals: WEEKDAYS_9_TO_6 });
  }
  const patients = await insertPatients(t, patientCount);
  return { general: general.id, dentistry: dentistry.id, room1: room1.id, room2: room2.id, ana: ana.id, bruno: bruno.id, carla: carla.id, patients };
}

/** Patients straight into the table: the patients feature is not under test here. */
export async function insertPatients(t: TestDesk, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 1; i <= count; i++) {
    const row = await t.desk.database.db
      .insertInto('patients')
      .values({
        full_name: `Patient ${i}`,
        preferred_name: i % 2 === 0 ? `P${i}` : '',
        date_of_birth: '1980-01-01',
        phone: `+351 91 000 00${String(i).padStart(2, '0')}`,
        created_at: t.now,
        updated_at: t.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}
