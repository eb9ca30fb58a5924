import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract';
import type { ErrorBody, RpcResult } from '../../shared/contract/errors';
import type { Role } from '../../shared/contract/method';
import type { SyncStatus } from '../../shared/sync/sync.contract';
import { startFrontDesk, type FrontDesk } from '../../electron/app/front-desk';
import { hashPassword } from '../../electron/auth/password';
import { insertStaff } from '../../electron/staff/staff.repository';
import type { Caller } from '../../electron/rpc/dispatch';
import type { Session, SessionBinding } from '../../electron/rpc/context';
import { writeSettings } from '../../electron/settings/settings.repository';
import { fakeKeyring } from '../../electron/secrets/fake-keyring';
import type { SecretCipher } from '../../electron/secrets/secret-cipher';
import { localCaller } from '../../electron/rpc/local-caller';

export const TIME_ZONE = 'Europe/Lisbon';

/** `YYYY-MM-DDTHH:mm` on the clinic's clock, as an instant. */
export function at(local: string): number {
  const instant = DateTime.fromISO(local, { zone: TIME_ZONE });
  if (!instant.isValid) throw new Error(`not a local time: ${local}`);
  return instant.toMillis();
}

/** A clock several desks share; tests move it. */
export interface Clock {
  now: number;
}

export interface SyncDesk {
  readonly name: string;
  readonly desk: FrontDesk;
  readonly dir: string;
  readonly admin: Caller;
  readonly reception: Caller;
  ok<M extends MethodName>(caller: Caller, method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  fail<M extends MethodName>(caller: Caller, method: M, input: MethodInput<M>): Promise<ErrorBody>;
  /** One sync round (sync.now), returning the status. */
  sync(): Promise<SyncStatus>;
  /** Every appointment as the cloud names it, sorted by uid: what replicas must agree on. */
  appointments(): AppointmentView[];
  localId(table: 'appointments' | 'patients' | 'practitioners' | 'specialties' | 'rooms' | 'staff' | 'clinic_holidays', uid: string): number;
  uidOf(table: 'appointments' | 'patients' | 'practitioners' | 'specialties' | 'rooms' | 'staff', id: number): string;
  close(): Promise<void>;
}

export interface AppointmentView {
  uid: string;
  patientUid: string;
  practitionerUid: string;
  roomUid: string | null;
  specialtyUid: string;
  startsAt: number;
  endsAt: number;
  status: string;
}

const TEST_COST = { N: 1024, r: 8, p: 1 };
let testHash: Promise<string> | null = null;

export interface SyncDeskOptions {
  name: string;
  clock: Clock;
  cloudUrl: string;
  token: string;
  /** Reuse a data folder (a restart); a new temp folder otherwise. */
  dataDir?: string;
}

/** A Front Desk on its own data folder, pointed at the cloud by env, the worker off (tests run rounds). */
export async function startSyncDesk(options: SyncDeskOptions): Promise<SyncDesk> {
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), `fd-sync-${options.name}-`));
  const desk = await startFrontDesk({
    dataDir: dir,
    now: () => options.clock.now,
    env: { FRONT_DESK_CLOUD_URL: options.cloudUrl, FRONT_DESK_CLOUD_TOKEN: options.token },
    syncWorker: false,
  });
  const { db } = desk.database;
  if ((desk.database.sqlite.prepare(`SELECT value FROM settings WHERE key = 'setUpAt'`).get() as unknown) === undefined) {
    await writeSettings(db, { clinicName: `Clinic ${options.name}`, timeZone: TIME_ZONE, slotStepMinutes: 15, setUpAt: options.clock.now });
  }
  desk.settings.set({ ...desk.settings.get(), timeZone: TIME_ZONE, slotStepMinutes: 15 });

  const signedIn = (role: Role) => signedInAs(desk, options.name, options.clock, role);
  const admin = await signedIn('admin');
  const reception = await signedIn('receptionist');

  const ok: SyncDesk['ok'] = async (caller, method, input) => {
    const result = await desk.dispatch(caller, method, input);
    if (!result.ok) throw new Error(`${options.name}: ${method} failed: ${JSON.stringify(result.error)}`);
    return result.value as never;
  };
  const sqlite = desk.database.sqlite;
  return {
    name: options.name,
    desk,
    dir,
    admin,
    reception,
    ok,
    fail: async (caller, method, input) => {
      const result = await desk.dispatch(caller, method, input);
      if (result.ok) throw new Error(`${method} should have failed but returned ${JSON.stringify(result.value)}`);
      return result.error;
    },
    sync: () => ok(reception, 'sync.now', {}),
    appointments: () =>
      sqlite
        .prepare(
          `SELECT a.uid, p.uid AS patientUid, pr.uid AS practitionerUid, r.uid AS roomUid, s.uid AS specialtyUid,
                  a.starts_at AS startsAt, a.ends_at AS endsAt, a.status
           FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN practitioners pr ON pr.id = a.practitioner_id
           LEFT JOIN rooms r ON r.id = a.room_id JOIN specialties s ON s.id = a.specialty_id
           ORDER BY a.uid`,
        )
        .all() as AppointmentView[],
    localId: (table, uid) => (sqlite.prepare(`SELECT id FROM ${table} WHERE uid = ?`).get(uid) as { id: number } | undefined)?.id ?? Number.NaN,
    uidOf: (table, id) => (sqlite.prepare(`SELECT uid FROM ${table} WHERE id = ?`).get(id) as { uid: string }).uid,
    close: async () => {
      await desk.close();
      if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A member of staff made for the test, signed in on this desk (its session held in memory). */
export async function signedInAs(desk: FrontDesk, name: string, clock: Clock, role: Role): Promise<Caller> {
  const row = await insertStaff(desk.database.db, {
    username: `${role}-${randomBytes(4).toString('hex')}`,
    displayName: role,
    role,
    passwordHash: await (testHash ??= hashPassword('test', TEST_COST)),
    practitionerId: null,
    locale: 'en',
    now: clock.now,
  });
  const session: Session = {
    token: randomBytes(8).toString('hex'),
    staffId: row.id,
    username: row.username,
    role,
    practitionerId: null,
    lastActiveAt: clock.now,
    isLocked: false,
  };
  const auth: SessionBinding = {
    current: () => {
      session.lastActiveAt = clock.now;
      return session;
    },
    signIn: () => {
      throw new Error('not used in these tests');
    },
    signOut: () => {},
  };
  return { transport: 'ipc', workstation: `${name}-${role}`, auth };
}

/** A desk on its first run: nothing set up, no cloud in its environment, a keyring to keep a token in. */
export interface FreshDesk {
  readonly desk: FrontDesk;
  readonly dir: string;
  /** Nobody signed in: what the first-run screen calls as. */
  readonly anonymous: Caller;
  call<M extends MethodName>(caller: Caller, method: M, input: MethodInput<M>): Promise<RpcResult<MethodOutput<M>>>;
  close(): Promise<void>;
}

export async function startFreshDesk(options: { name: string; clock: Clock; secretCipher?: SecretCipher }): Promise<FreshDesk> {
  const dir = mkdtempSync(join(tmpdir(), `fd-fresh-${options.name}-`));
  const desk = await startFrontDesk({
    dataDir: dir,
    now: () => options.clock.now,
    env: {},
    syncWorker: false,
    secretCipher: options.secretCipher ?? fakeKeyring,
  });
  return {
    desk,
    dir,
    anonymous: localCaller(desk.sessions, `${options.name}-first-run`),
    call: async (caller, method, input) => (await desk.dispatch(caller, method, input)) as never,
    close: async () => {
      await desk.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const WEEKDAYS_9_TO_6 = [1, 2, 3, 4, 5, 6].flatMap((weekday) => [
  { weekday, start: '09:00', end: '13:00' },
  { weekday, start: '14:00', end: '18:00' },
]);

export interface Practice {
  general: number;
  room1: number;
  room2: number;
  /** General practice, room 1. */
  ana: number;
  /** General practice, room 2. */
  bruno: number;
  patients: number[];
}

/** A small clinic made through the admin methods (so every row goes through the triggers). */
export async function seedPractice(t: SyncDesk, patientCount = 6): Promise<Practice> {
  const general = await t.ok(t.admin, 'specialties.save', {
    nameEn: 'General practice',
    namePt: 'Clínica geral',
    durationMinutes: 30,
    priceCents: 4000,
    ticketPrefix: 'G',
  });
  const room1 = await t.ok(t.admin, 'rooms.save', { name: 'Room 1' });
  const room2 = await t.ok(t.admin, 'rooms.save', { name: 'Room 2' });
  const ana = await t.ok(t.admin, 'practitioners.save', { fullName: 'Ana Almeida', specialtyIds: [general.id], defaultRoomId: room1.id });
  const bruno = await t.ok(t.admin, 'practitioners.save', { fullName: 'Bruno Borges', specialtyIds: [general.id], defaultRoomId: room2.id });
  for (const practitioner of [ana, bruno]) await t.ok(t.admin, 'workingHours.set', { practitionerId: practitioner.id, intervals: WEEKDAYS_9_TO_6 });
  const patients: number[] = [];
  for (let i = 1; i <= patientCount; i++) {
    const patient = await t.ok(t.reception, 'patients.create', {
      fields: {
        fullName: `Patient ${String.fromCharCode(64 + i)} Test`,
        preferredName: '',
        dateOfBirth: '1980-01-01',
        sex: 'unknown',
        phone: `+351 91 000 00${String(i).padStart(2, '0')}`,
        email: '',
        taxId: '',
        address: '',
        preferredLanguage: 'pt',
        notes: '',
      },
      confirmedNotDuplicate: true,
    });
    patients.push(patient.id);
  }
  return { general: general.id, room1: room1.id, room2: room2.id, ana: ana.id, bruno: bruno.id, patients };
}
