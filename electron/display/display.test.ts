import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { displayState as displayStateSchema, type DisplayState } from '../../shared/display/display.contract';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { displayNameOf, greetingNameOf } from './display-name';
import { addPatient, bookAt, deviceCaller, eventsNamed, setSettings } from '../queue/queue-fixtures';

describe('displayNameOf', () => {
  it.each([
    ['firstNameLastInitial', 'Ana Sofia Silva', '', 'Ana S.'],
    ['firstNameLastInitial', 'Ana Sofia Silva', 'Sofia', 'Sofia S.'],
    ['firstNameLastInitial', 'Ana Sofia Silva', 'Sofia Maria', 'Sofia S.'],
    ['firstNameLastInitial', '  José   Gonçalves  ', '', 'José G.'],
    ['firstNameLastInitial', "Maria d'Almeida", '', 'Maria D.'],
    ['firstNameLastInitial', 'Madonna', '', 'Madonna'],
    ['firstNameLastInitial', 'Émilie Ørsted', '', 'Émilie Ø.'],
    ['initials', 'Ana Sofia Silva', '', 'A. S.'],
    ['initials', 'Ana Sofia Silva', 'Sofia', 'S. S.'],
    ['initials', 'Madonna', '', 'M.'],
    ['ticketOnly', 'Ana Sofia Silva', 'Sofia', ''],
  ] as const)('%s of %j (preferred %j) is %j', (privacy, fullName, preferred, expected) => {
    expect(displayNameOf(privacy, fullName, preferred)).toBe(expected);
  });

  it('greets by the preferred name, else the first name, never the full name', () => {
    expect(greetingNameOf('Ana Sofia Silva', '')).toBe('Ana');
    expect(greetingNameOf('Ana Sofia Silva', 'Sofia')).toBe('Sofia');
  });
});

let t: TestDesk;
let p: Practice;
let ana: number;
let rui: number;

const SECRET_BITS = ['Silva', 'Sofia Silva', 'Ferreira', '1985-03-09', '1990-11-30', '912345678', '351912345678', '966111222', 'Patient ', 'ana@mail.pt'];

beforeEach(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 2);
  ana = await addPatient(t, { fullName: 'Ana Sofia Silva', dateOfBirth: '1985-03-09', phone: '+351 912 345 678', preferredLanguage: 'en' });
  rui = await addPatient(t, {
    fullName: 'Rui Pedro Ferreira',
    preferredName: 'Pedro',
    dateOfBirth: '1990-11-30',
    phone: '966 111 222',
    preferredLanguage: 'pt',
  });
  await t.desk.database.db.updateTable('patients').set({ email: 'ana@mail.pt' }).where('id', '=', ana).execute();
  t.events.length = 0;
});

afterEach(async () => {
  await t.close();
});

async function dayWithACall(): Promise<{ anaAppointment: number; ruiAppointment: number }> {
  const anaAppointment = await bookAt(t, p, '2026-06-15T09:00', { patientId: ana });
  const ruiAppointment = await bookAt(t, p, '2026-06-15T09:30', { patientId: rui });
  t.now = t.at('2026-06-15T08:50');
  await t.ok(t.reception, 'checkin.checkIn', { appointmentId: anaAppointment });
  await t.ok(t.reception, 'checkin.checkIn', { appointmentId: ruiAppointment });
  t.now = t.at('2026-06-15T09:00');
  await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
  return { anaAppointment, ruiAppointment };
}

describe('display.state', () => {
  it('shows the call, the waiting list with estimates and the clinic, nothing more', async () => {
    await dayWithACall();
    const state = await t.ok(deviceCaller('display'), 'display.state', {});
    expect(state).toEqual({
      clinicName: 'Test Clinic',
      locale: 'en',
      timeZone: 'Europe/Lisbon',
      day: '2026-06-15',
      privacy: 'firstNameLastInitial',
      generatedAt: t.now,
      current: { callId: expect.any(String), ticket: 'G-001', displayName: 'Ana S.', roomName: 'Room 1', calledAt: t.now, language: 'en' },
      recentCalls: [],
      waiting: [{ ticket: 'G-002', displayName: 'Pedro F.', estimatedWaitMinutes: 30 }],
    });
    expect(displayStateSchema.safeParse(state).success).toBe(true);
  });

  it.each([
    ['firstNameLastInitial', 'Ana S.', 'Pedro F.'],
    ['initials', 'A. S.', 'P. F.'],
    ['ticketOnly', '', ''],
  ] as const)(
    'in %s mode shows %j and %j, and never a phone, a birth date or a surname, in the state or its events',
    async (privacy, calledName, waitingName) => {
      await setSettings(t, { displayPrivacy: privacy });
      await dayWithACall();
      const state = await t.ok(deviceCaller('display'), 'display.state', {});
      expect(state.privacy).toBe(privacy);
      expect(state.current!.displayName).toBe(calledName);
      expect(state.waiting[0]!.displayName).toBe(waitingName);

      const pushed = eventsNamed(t, 'display.changed') as DisplayState[];
      expect(pushed.length).toBeGreaterThanOrEqual(3);
      expect(pushed.at(-1)!.current!.displayName).toBe(calledName);
      for (const json of [JSON.stringify(state), ...pushed.map((event) => JSON.stringify(event))]) {
        for (const secret of SECRET_BITS) expect(json).not.toContain(secret);
        expect(json).not.toMatch(/patientId|phone|dateOfBirth|email|"id"/);
      }
    },
  );

  it('keeps the latest call current for five minutes, lists the earlier ones, and announces in the patient’s language when asked', async () => {
    const { ruiAppointment } = await dayWithACall();
    const [first] = (await t.ok(t.reception, 'queue.list', {})).entries;
    t.now = t.at('2026-06-15T09:01');
    await t.ok(t.reception, 'queue.start', { appointmentId: first!.appointmentId });
    t.now = t.at('2026-06-15T09:20');
    await t.ok(t.reception, 'queue.finish', { appointmentId: first!.appointmentId });

    t.now = t.at('2026-06-15T09:30');
    await setSettings(t, { announcementLanguage: 'patient' });
    await t.ok(t.reception, 'queue.callNext', { practitionerId: p.ana });
    let state = await t.ok(t.reception, 'display.state', {});
    expect(state.current).toMatchObject({ ticket: 'G-002', displayName: 'Pedro F.', language: 'pt', calledAt: t.now });
    expect(state.recentCalls.map((call) => [call.ticket, call.language])).toEqual([['G-001', 'en']]);
    expect(state.waiting).toEqual([]);

    t.now = t.at('2026-06-15T09:35');
    expect((await t.ok(t.reception, 'display.state', {})).current?.ticket).toBe('G-002');
    t.now = t.at('2026-06-15T09:35') + 1;
    state = await t.ok(t.reception, 'display.state', {});
    expect(state.current).toBeNull();
    expect(state.recentCalls.map((call) => call.ticket)).toEqual(['G-002', 'G-001']);

    // A recall makes it current again, with a new call id.
    await t.ok(t.reception, 'queue.recall', { appointmentId: ruiAppointment });
    const recalled = (await t.ok(t.reception, 'display.state', {})).current!;
    expect(recalled.ticket).toBe('G-002');
    expect(recalled.callId).not.toBe(state.recentCalls[0]!.callId);
  });

  it('takes the names off the screens as soon as the clinic switches to tickets only', async () => {
    await dayWithACall();
    t.events.length = 0;
    await t.ok(t.admin, 'settings.update', { displayPrivacy: 'ticketOnly' });
    await vi.waitFor(() => expect(eventsNamed(t, 'display.changed')).toHaveLength(1));
    const [state] = eventsNamed(t, 'display.changed') as DisplayState[];
    expect(state!.privacy).toBe('ticketOnly');
    expect(state!.current).toMatchObject({ ticket: 'G-001', displayName: '' });
    expect(state!.waiting).toEqual([{ ticket: 'G-002', displayName: '', estimatedWaitMinutes: 30 }]);
  });

  it('is for displays and staff: a kiosk, or nobody, gets nothing', async () => {
    expect((await t.fail(deviceCaller('kiosk'), 'display.state', {})).code).toBe('FORBIDDEN');
    expect((await t.ok(await t.doctor(p.ana), 'display.state', {})).clinicName).toBe('Test Clinic');
    expect((await t.fail(deviceCaller('display'), 'queue.list', {})).code).toBe('FORBIDDEN');
    expect((await t.fail(deviceCaller('display'), 'patients.search', { query: 'Ana' })).code).toBe('FORBIDDEN');
  });
});
