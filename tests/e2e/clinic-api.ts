import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract';

import { clinicNow } from './clock';

export { CLINIC_ZONE, clinicNow } from './clock';

/**
 * The browser host's RPC endpoint, called from the test as another client would: the same
 * CSRF header the renderer sends, the session cookie from `auth.signIn` (kept by hand:
 * it is Secure on loopback, which a cookie jar for plain http might drop).
 */
export class ClinicApi {
  private cookie = '';
  private bearer: string | null = null;

  private constructor(readonly baseUrl: string) {}

  static async signIn(baseUrl: string, username: string, password: string): Promise<ClinicApi> {
    const api = new ClinicApi(baseUrl);
    await api.call('auth.signIn', { username, password });
    return api;
  }

  /** A client that is neither signed in nor paired, or one that holds a device token. */
  static anonymous(baseUrl: string, deviceToken?: string): ClinicApi {
    const api = new ClinicApi(baseUrl);
    if (deviceToken) api.bearer = deviceToken;
    return api;
  }

  /** The raw answer: HTTP status and body, for tests of refusals. */
  async raw(method: string, input: unknown): Promise<{ status: number; body: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-front-desk': '1' };
    if (this.cookie) headers['cookie'] = this.cookie;
    if (this.bearer) headers['authorization'] = `Bearer ${this.bearer}`;
    const response = await fetch(`${this.baseUrl}api/rpc/${method}`, { method: 'POST', headers, body: JSON.stringify(input) });
    const session = response.headers.getSetCookie().find((line) => line.startsWith('fd_session='));
    if (session) this.cookie = session.split(';')[0]!;
    return { status: response.status, body: (await response.json()) as never };
  }

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const { status, body } = await this.raw(method, input);
    if (!body.ok) throw new Error(`${method} failed (${status} ${body.error?.code}): ${body.error?.message}`);
    return body.value as MethodOutput<M>;
  }
}

export interface TestPatient {
  id: number;
  fullName: string;
  dateOfBirth: string;
  phone: string;
}

/** A practitioner and room of the test's own, working all of today: nothing of the demo's day is in the way. */
export interface TodayClinic {
  practitionerId: number;
  practitionerName: string;
  roomName: string;
  specialtyId: number;
  ticketPrefix: string;
  durationMinutes: number;
}

/**
 * Sets up a practitioner who works the whole of today (whatever the weekday and hour: the
 * demo clinic is closed on Sundays and at night), in a room of their own, offering the
 * demo's shortest specialty.
 */
/**
 * A practitioner (and room) working all of today. By default they offer the demo clinic's
 * shortest specialty; `specialty: 'own'` gives them one nobody else offers, so that what
 * the desk offers for it does not depend on which demo practitioners still work at the
 * hour the test runs, and `{ id }` puts a colleague on the same one.
 */
export async function setUpTodayClinic(
  admin: ClinicApi,
  names = { practitioner: 'Dr. Tomás Vieira', room: 'Sala 7' },
  specialtyChoice: 'demo' | 'own' | { id: number } = 'demo',
): Promise<TodayClinic> {
  const specialties = await admin.call('specialties.list', {});
  const specialty =
    specialtyChoice === 'own'
      ? await admin.call('specialties.save', { nameEn: 'E2E consultation', namePt: 'Consulta E2E', durationMinutes: 15, priceCents: 4000, ticketPrefix: 'EZ' })
      : specialtyChoice === 'demo'
        ? [...specialties].filter((s) => s.isActive).sort((a, b) => a.durationMinutes - b.durationMinutes)[0]!
        : specialties.find((s) => s.id === specialtyChoice.id)!;
  const room = await admin.call('rooms.save', { name: names.room });
  const practitioner = await admin.call('practitioners.save', {
    fullName: names.practitioner,
    specialtyIds: [specialty.id],
    defaultRoomId: room.id,
    color: '#0f766e',
  });
  await admin.call('workingHours.set', {
    practitionerId: practitioner.id,
    intervals: [{ weekday: clinicNow().weekday, start: '00:00', end: '24:00' }],
  });
  return {
    practitionerId: practitioner.id,
    practitionerName: practitioner.fullName,
    roomName: room.name,
    specialtyId: specialty.id,
    ticketPrefix: specialty.ticketPrefix,
    durationMinutes: specialty.durationMinutes,
  };
}

export async function createPatient(
  desk: ClinicApi,
  fields: { fullName: string; dateOfBirth: string; phone: string; preferredLanguage?: 'en' | 'pt' },
): Promise<TestPatient> {
  const patient = await desk.call('patients.create', { fields, confirmedNotDuplicate: true });
  return { id: patient.id, fullName: patient.fullName, dateOfBirth: patient.dateOfBirth, phone: patient.phone };
}

/** Books the patient with the test's practitioner, `minutesFromNow` ahead (to the minute). */
export async function bookToday(desk: ClinicApi, clinic: TodayClinic, patient: TestPatient, minutesFromNow: number): Promise<number> {
  const startsAt = clinicNow().startOf('minute').plus({ minutes: minutesFromNow }).toMillis();
  const appointment = await desk.call('appointments.book', {
    patientId: patient.id,
    specialtyId: clinic.specialtyId,
    practitionerId: clinic.practitionerId,
    startsAt,
  });
  return appointment.id;
}
