import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KioskCheckInResult } from '../../shared/kiosk/kiosk.contract';
import { createFakeTransport, fail, type FakeHandlers } from '../test/fake-transport';
import { createKioskStore } from './kiosk.store';

const checkedIn: KioskCheckInResult = {
  outcome: 'checkedIn',
  greetingName: 'Ana',
  ticketName: 'Ana S.',
  ticket: 'M-007',
  roomName: 'Sala 3',
  practitionerName: 'Inês Carvalho',
  estimatedWaitMinutes: 12,
  startsAt: Date.UTC(2030, 0, 7, 10, 0),
  language: 'en',
};

function setup(handlers: FakeHandlers = {}) {
  const fake = createFakeTransport({
    'kiosk.info': () => ({ clinicName: 'Clínica Mar Azul', locale: 'pt', timeZone: 'Europe/Lisbon', hasPrinter: false }),
    'kiosk.checkIn': () => checkedIn,
    ...handlers,
  });
  const lost: string[] = [];
  const store = createKioskStore(fake.transport, { initialLocale: 'en', onAccessLost: (error) => lost.push(error.code) });
  return { fake, store, lost };
}

const type = (store: ReturnType<typeof setup>['store'], keys: string) => [...keys].forEach((key) => store.getState().press(key));

afterEach(() => vi.useRealTimers());

describe('kiosk store', () => {
  it('checks in by date of birth (day first) and phone, moving from field to field, and forgets what was typed', async () => {
    const { fake, store } = setup();
    await store.getState().load();
    expect(store.getState().locale).toBe('pt');
    store.getState().begin();
    store.getState().chooseMethod('dob');
    type(store, '0503');
    expect(store.getState().field).toBe('year');
    type(store, '19801234');
    expect(store.getState().values).toEqual({ day: '05', month: '03', year: '1980', phone: '1234', code: '' });

    await store.getState().submit();
    expect(fake.callsOf('kiosk.checkIn').map((c) => c.input)).toEqual([{ dateOfBirth: '1980-03-05', phoneLast4: '1234' }]);
    expect(store.getState().step).toBe('result');
    expect(store.getState().outcome).toEqual(checkedIn);
    expect(store.getState().values).toEqual({ day: '', month: '', year: '', phone: '', code: '' });
    // The patient did not choose a language: the result speaks theirs.
    expect(store.getState().locale).toBe('en');
  });

  it('moves on after a day or month that cannot take a second digit, and steps back on erase', () => {
    const { store } = setup();
    store.getState().chooseMethod('dob');
    type(store, '5');
    expect(store.getState().field).toBe('month');
    type(store, '3');
    expect(store.getState().field).toBe('year');
    store.getState().erase();
    expect(store.getState()).toMatchObject({ field: 'month', values: { day: '5', month: '' } });
  });

  it('refuses a date that does not exist, without asking the host', async () => {
    const { fake, store } = setup();
    store.getState().chooseMethod('dob');
    type(store, '310219801234');
    await store.getState().submit();
    expect(store.getState().isDateInvalid).toBe(true);
    expect(store.getState().step).toBe('dob');
    expect(fake.callsOf('kiosk.checkIn')).toHaveLength(0);
  });

  it('takes an appointment code from the keypad or a keyboard, in capitals', async () => {
    const { fake, store } = setup();
    store.getState().chooseMethod('code');
    store.getState().setValue('code', 'ab-12c');
    type(store, '3x');
    expect(store.getState().values.code).toBe('AB12C3');
    await store.getState().submit();
    expect(fake.callsOf('kiosk.checkIn')[0]?.input).toEqual({ appointmentCode: 'AB12C3' });
  });

  it('maps every answer to an outcome that sends the patient to the desk when it is not a check-in', async () => {
    const answers: Array<[FakeHandlers['kiosk.checkIn'], string]> = [
      [() => ({ outcome: 'seeDesk' }), 'seeDesk'],
      [() => fail('RATE_LIMITED', { retryAfterSeconds: 60 }), 'rateLimited'],
      [() => fail('INTERNAL', { offline: true }), 'error'],
    ];
    for (const [answer, outcome] of answers) {
      const { store } = setup({ 'kiosk.checkIn': answer });
      store.getState().chooseMethod('code');
      type(store, 'ABC123');
      await store.getState().submit();
      expect(store.getState().outcome?.outcome).toBe(outcome);
      store.getState().dispose();
    }
    const { store } = setup({ 'kiosk.checkIn': () => fail('RATE_LIMITED', { retryAfterSeconds: 60 }) });
    store.getState().chooseMethod('code');
    type(store, 'ABC123');
    await store.getState().submit();
    expect(store.getState().outcome).toEqual({ outcome: 'rateLimited', retryAfterSeconds: 60 });
  });

  it('"Try again" reopens the same method with empty fields', async () => {
    const { store } = setup({ 'kiosk.checkIn': () => ({ outcome: 'seeDesk' }) });
    store.getState().chooseMethod('code');
    type(store, 'ABC123');
    await store.getState().submit();
    store.getState().retry();
    expect(store.getState()).toMatchObject({ step: 'code', field: 'code', values: { code: '' }, outcome: null });
  });

  it('goes back to the start in the clinic’s language after a minute without a touch', async () => {
    vi.useFakeTimers();
    const { store } = setup();
    await store.getState().load();
    store.getState().setLocale('en');
    store.getState().begin();
    store.getState().chooseMethod('dob');
    type(store, '15');
    await vi.advanceTimersByTimeAsync(59_000);
    store.getState().touch();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(store.getState().step).toBe('dob');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.getState()).toMatchObject({ step: 'start', locale: 'pt', values: { day: '' } });
  });

  it('clears a result after 15 seconds', async () => {
    vi.useFakeTimers();
    const { store } = setup();
    store.getState().setLocale('en');
    store.getState().chooseMethod('code');
    type(store, 'ABC123');
    await store.getState().submit();
    expect(store.getState().step).toBe('result');
    // Chosen by the patient: kept for their result.
    expect(store.getState().locale).toBe('en');
    await vi.advanceTimersByTimeAsync(14_900);
    expect(store.getState().step).toBe('result');
    await vi.advanceTimersByTimeAsync(200);
    expect(store.getState()).toMatchObject({ step: 'start', outcome: null });
  });

  it('never resets in the middle of a check-in', async () => {
    vi.useFakeTimers();
    let answer!: (value: KioskCheckInResult) => void;
    const { store } = setup({ 'kiosk.checkIn': () => new Promise<KioskCheckInResult>((resolve) => (answer = resolve)) });
    store.getState().chooseMethod('code');
    type(store, 'ABC123');
    const submitting = store.getState().submit();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(store.getState().isSubmitting).toBe(true);
    answer(checkedIn);
    await submitting;
    expect(store.getState().step).toBe('result');
  });

  it('hands a refused kiosk back to pairing', async () => {
    const { store, lost } = setup({ 'kiosk.info': () => fail('UNAUTHENTICATED'), 'kiosk.checkIn': () => fail('FORBIDDEN') });
    await store.getState().load();
    store.getState().chooseMethod('code');
    type(store, 'ABC123');
    await store.getState().submit();
    expect(lost).toEqual(['UNAUTHENTICATED', 'FORBIDDEN']);
  });
});

describe('kiosk store: face check-in results', () => {
  it('shows a face check-in on the result screen, in the patient’s language, only from the start screen', async () => {
    const { store } = setup();
    await store.getState().load();
    expect(store.getState().showFaceResult({ ...checkedIn, language: 'en' })).toBe(true);
    expect(store.getState().step).toBe('result');
    expect(store.getState().outcome).toMatchObject({ outcome: 'checkedIn', greetingName: 'Ana' });
    expect(store.getState().locale).toBe('en');

    store.getState().reset();
    store.getState().begin();
    store.getState().chooseMethod('dob');
    // Someone already typing is not pulled away by a late answer from the camera.
    expect(store.getState().showFaceResult(checkedIn)).toBe(false);
    expect(store.getState().step).toBe('dob');
  });

  it('offers the birth-date check-in after "not recognised", and Try again goes there', () => {
    const { store } = setup();
    store.getState().chooseMethod('code');
    store.getState().reset();
    expect(store.getState().showFaceResult({ outcome: 'notRecognised', reason: 'noMatch' })).toBe(true);
    expect(store.getState().outcome).toEqual({ outcome: 'notRecognised', reason: 'noMatch' });
    store.getState().retry();
    expect(store.getState().step).toBe('dob');
  });

  it('says it is still there while nobody checks in, so that the desk does not show it offline, and stops when disposed', async () => {
    vi.useFakeTimers();
    const { fake, store } = setup();
    await store.getState().load();
    expect(fake.callsOf('kiosk.info')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    // At least once a minute (the desk counts a screen connected when heard within two).
    expect(fake.callsOf('kiosk.info').length).toBeGreaterThanOrEqual(4);
    // A second load (after a reconnect) does not start a second heartbeat.
    await store.getState().load();
    const before = fake.callsOf('kiosk.info').length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.callsOf('kiosk.info').length - before).toBeLessThanOrEqual(2);
    store.getState().dispose();
    const after = fake.callsOf('kiosk.info').length;
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(fake.callsOf('kiosk.info')).toHaveLength(after);
  });
});
