import type { DeviceRole } from '../../shared/contract/method';
import { phoneDigits } from '../../shared/patients/patient-keys';
import type { Caller } from '../rpc/dispatch';
import type { DeviceIdentity } from '../rpc/context';
import type { Practice, TestDesk } from '../schedule/test-fixtures';
import { writeSettings } from '../settings/settings.repository';

/** Test helpers for the queue, kiosk, display and devices tests (on top of schedule/test-fixtures). */

/** A caller that speaks for a paired device (or a built-in window, with id null), with no staff session. */
export function deviceCaller(role: DeviceRole, id: number | null = 1, name = `${role} ${id ?? 'built-in'}`): Caller {
  const device: DeviceIdentity = { id, role, name };
  return {
    transport: 'http',
    workstation: `test ${role} ${id ?? 'built-in'}`,
    auth: {
      current: () => null,
      signIn: () => {
        throw new Error('not used in these tests');
      },
      signOut: () => undefined,
    },
    device: {
      current: () => device,
      pair: () => {
        throw new Error('not used in these tests');
      },
    },
  };
}

export interface PatientFields {
  fullName: string;
  preferredName?: string;
  dateOfBirth?: string;
  phone?: string;
  preferredLanguage?: 'en' | 'pt';
}

/** A patient straight into the table, with the derived phone digits the kiosk matches on. */
export async function addPatient(t: TestDesk, fields: PatientFields): Promise<number> {
  const phone = fields.phone ?? '';
  const row = await t.desk.database.db
    .insertInto('patients')
    .values({
      full_name: fields.fullName,
      preferred_name: fields.preferredName ?? '',
      date_of_birth: fields.dateOfBirth ?? '1980-01-01',
      phone,
      phone_digits: phoneDigits(phone),
      preferred_language: fields.preferredLanguage ?? 'pt',
      created_at: t.now,
      updated_at: t.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Books through the desk's method (the clock must be before `local`). */
export async function bookAt(
  t: TestDesk,
  p: Practice,
  local: string,
  options: { patientId?: number; practitionerId?: number; specialtyId?: number; roomId?: number | null } = {},
): Promise<number> {
  const appointment = await t.ok(t.reception, 'appointments.book', {
    patientId: options.patientId ?? p.patients[0]!,
    specialtyId: options.specialtyId ?? p.general,
    practitionerId: options.practitionerId ?? p.ana,
    startsAt: t.at(local),
    ...(options.roomId !== undefined ? { roomId: options.roomId } : {}),
  });
  return appointment.id;
}

/** Changes settings the way an admin would, and in the desk's cache. */
export async function setSettings(t: TestDesk, values: Parameters<typeof writeSettings>[1]): Promise<void> {
  await writeSettings(t.desk.database.db, values);
  t.desk.settings.set({ ...t.desk.settings.get(), ...values });
}

/** Events of one name published since the test desk started (or since `t.events` was emptied). */
export function eventsNamed<E extends TestDesk['events'][number]['event']>(t: TestDesk, event: E): unknown[] {
  return t.events.filter((entry) => entry.event === event).map((entry) => entry.payload);
}
