import { describe, expect, it } from 'vitest';
import type { FaceCheckInResult } from '../../shared/faces/faces.contract';
import { createFakeTransport, deferred, fail, flush, type FakeHandlers } from '../test/fake-transport';
import { createKioskFaceStore } from './kiosk-face.store';

const face = { centreStdDev: 50, centreEdges: 30, motion: 1 };
const nobody = { centreStdDev: 2, centreEdges: 0, motion: 0 };
const checkedIn: FaceCheckInResult = {
  outcome: 'checkedIn',
  greetingName: 'Ana',
  ticketName: 'Ana S.',
  ticket: 'M-007',
  roomName: 'Sala 3',
  practitionerName: 'Inês Carvalho',
  estimatedWaitMinutes: 12,
  startsAt: Date.UTC(2030, 0, 7, 10, 0),
  language: 'pt',
};

function setup(handlers: FakeHandlers = {}) {
  const fake = createFakeTransport({ 'faces.availability': () => ({ faceCheckIn: true }), 'kiosk.faceCheckIn': () => checkedIn, ...handlers });
  let clock = 100_000;
  const shown: FaceCheckInResult[] = [];
  const lost: string[] = [];
  const store = createKioskFaceStore(fake.transport, {
    now: () => clock,
    onResult: (result) => {
      shown.push(result);
      return true;
    },
    onAccessLost: (error) => lost.push(error.code),
  });
  let captures = 0;
  const frame = (stats = face) => ({
    stats: () => stats,
    capture: async () => {
      captures += 1;
      return `/9j/frame${captures}`;
    },
  });
  return { fake, store, shown, lost, frame, captures: () => captures, tick: (ms: number) => (clock += ms) };
}

describe('kiosk face check-in', () => {
  it('sends nothing until the host says face check-in is on', async () => {
    const { fake, store, frame } = setup({ 'faces.availability': () => ({ faceCheckIn: false }) });
    expect(store.getState().offer(frame())).toBe('nobody');
    await store.getState().loadAvailability();
    expect(store.getState().availability).toBe('off');
    expect(store.getState().offer(frame())).toBe('nobody');
    expect(fake.callsOf('kiosk.faceCheckIn')).toHaveLength(0);
  });

  it('sends a still face, shows the check-in, then keeps quiet through the cooldown', async () => {
    const { fake, store, shown, frame, tick } = setup();
    await store.getState().loadAvailability();
    expect(store.getState().offer(frame())).toBe('send');
    await flush();
    expect(fake.callsOf('kiosk.faceCheckIn').map((call) => call.input)).toEqual([{ image: '/9j/frame1' }]);
    expect(shown).toEqual([checkedIn]);
    tick(9_000);
    expect(store.getState().offer(frame())).toBe('cooldown');
    tick(1_000);
    expect(store.getState().offer(frame())).toBe('send');
  });

  it('never sends an empty frame, a second request while one is in flight, or more than one every 2 s', async () => {
    const answer = deferred<FaceCheckInResult>();
    const { fake, store, frame, tick } = setup({ 'kiosk.faceCheckIn': () => answer.promise });
    await store.getState().loadAvailability();
    expect(store.getState().offer(frame(nobody))).toBe('nobody');
    expect(store.getState().offer(frame())).toBe('send');
    await flush();
    tick(5_000);
    expect(store.getState().offer(frame())).toBe('inFlight');
    answer.resolve({ outcome: 'notRecognised', reason: 'noFace' });
    await flush();
    // Rekognition found no face in what looked like one: keep looking, and say how.
    expect(store.getState().hint).toBe('comeCloser');
    expect(store.getState().offer(frame())).toBe('send');
    await flush();
    expect(fake.callsOf('kiosk.faceCheckIn')).toHaveLength(2);
    tick(1_999);
    expect(store.getState().offer(frame())).toBe('throttled');
    tick(1);
    expect(store.getState().offer(frame())).toBe('send');
  });

  it('falls back on no match and on errors, and slows down when the host asks', async () => {
    let reply: () => FaceCheckInResult = () => ({ outcome: 'notRecognised', reason: 'noMatch' });
    const { store, shown, frame, tick, lost } = setup({ 'kiosk.faceCheckIn': () => reply() });
    await store.getState().loadAvailability();
    store.getState().offer(frame());
    await flush();
    expect(shown).toEqual([{ outcome: 'notRecognised', reason: 'noMatch' }]);

    reply = () => fail('CLOUD_UNAVAILABLE');
    tick(10_000);
    store.getState().offer(frame());
    await flush();
    expect(shown.at(-1)).toEqual({ outcome: 'notRecognised', reason: 'unavailable' });

    reply = () => fail('RATE_LIMITED', { retryAfterSeconds: 30 });
    tick(10_000);
    expect(store.getState().offer(frame())).toBe('send');
    await flush();
    expect(shown).toHaveLength(2);
    tick(29_000);
    expect(store.getState().offer(frame())).toBe('cooldown');

    reply = () => fail('FORBIDDEN');
    tick(1_000);
    store.getState().offer(frame());
    await flush();
    expect(lost).toEqual(['FORBIDDEN']);
  });

  it('turns the camera off when the host says face check-in is off', async () => {
    const { store, shown, frame } = setup({ 'kiosk.faceCheckIn': () => ({ outcome: 'notRecognised', reason: 'off' }) });
    await store.getState().loadAvailability();
    store.getState().offer(frame());
    await flush();
    expect(store.getState().availability).toBe('off');
    expect(shown).toEqual([]);
  });

  it('drops an answer that arrives after the camera screen is gone', async () => {
    const answer = deferred<FaceCheckInResult>();
    const { store, shown, frame } = setup({ 'kiosk.faceCheckIn': () => answer.promise });
    await store.getState().loadAvailability();
    store.getState().offer(frame());
    await flush();
    store.getState().dispose();
    answer.resolve(checkedIn);
    await flush();
    expect(shown).toEqual([]);
    expect(store.getState().isInFlight).toBe(false);
  });

  it('falls back instead of hanging when the host does not answer', async () => {
    const fake = createFakeTransport({ 'faces.availability': () => ({ faceCheckIn: true }), 'kiosk.faceCheckIn': () => new Promise<never>(() => {}) });
    const shown: FaceCheckInResult[] = [];
    const store = createKioskFaceStore(fake.transport, { onResult: (result) => shown.push(result) > 0, answerTimeoutMs: 20 });
    await store.getState().loadAvailability();
    store.getState().offer({ stats: () => face, capture: async () => '/9j/x' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(shown).toEqual([{ outcome: 'notRecognised', reason: 'unavailable' }]);
    expect(store.getState().isInFlight).toBe(false);
  });
});
