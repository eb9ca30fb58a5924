import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../shared/contract/contract';
import type { Caller } from '../rpc/dispatch';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { addPatient, bookAt, deviceCaller } from '../queue/queue-fixtures';
import { KIOSK_ANSWER_MS } from './kiosk.handlers';

/**
 * Issue 11, Medium 3: the kiosk must not tell whether someone is a patient here, or when
 * they are due. Every answer that is not a ticket is the same on the wire, and takes the
 * same time.
 */

let t: TestDesk;
let p: Practice;
/** Every pause the kiosk asked for, in milliseconds, and a gate that holds it until released. */
let sleeps: number[];
let held: Array<() => void>;
let holdSleeps: boolean;
/** What the pacing clock reads next (a queue; 0 once empty): a look-up that takes no time by default. */
let ticks: number[];

beforeEach(async () => {
  sleeps = [];
  held = [];
  holdSleeps = false;
  ticks = [];
  const pacing = {
    minimumMs: KIOSK_ANSWER_MS,
    clock: () => ticks.shift() ?? 0,
    sleep: (ms: number) => {
      sleeps.push(ms);
      return holdSleeps ? new Promise<void>((resolve) => held.push(resolve)) : Promise.resolve();
    },
  };
  t = await createTestDesk({ now: '2026-06-15T08:00', frontDesk: { kioskPacing: pacing } });
  p = await seedPractice(t, 2);
});

afterEach(async () => {
  await t.close();
});

/** Each guess from a kiosk of its own, so that the rate limit never gets in the way. */
let kioskId = 100;
const freshKiosk = (): Caller => deviceCaller('kiosk', kioskId++);

async function answerOf(input: MethodInput<'kiosk.checkIn'>): Promise<string> {
  const answer = await t.desk.dispatch(freshKiosk(), 'kiosk.checkIn', input);
  return JSON.stringify(answer);
}

describe('kiosk.checkIn reveals nothing but a ticket', () => {
  it('answers made-up details, a patient with nothing today, one booked later, one too late and twins byte for byte the same', async () => {
    const rita = await addPatient(t, { fullName: 'Rita Rocha', dateOfBirth: '1975-05-20', phone: '913 222 444' });
    const later = await addPatient(t, { fullName: 'Luís Lopes', dateOfBirth: '1981-03-03', phone: '913 333 555' });
    const missed = await addPatient(t, { fullName: 'Marta Melo', dateOfBirth: '1990-09-09', phone: '913 444 666' });
    const twinA = await addPatient(t, { fullName: 'Ana Alves', dateOfBirth: '2001-01-01', phone: '913 555 777' });
    await addPatient(t, { fullName: 'Eva Alves', dateOfBirth: '2001-01-01', phone: '919 000 777' });
    await bookAt(t, p, '2026-06-15T17:00', { patientId: later });
    await bookAt(t, p, '2026-06-15T09:00', { patientId: missed });
    await bookAt(t, p, '2026-06-15T10:30', { patientId: twinA });
    const laterCode = t.desk.database.sqlite.prepare(`SELECT code FROM appointments WHERE patient_id = ?`).pluck().get(later) as string;
    t.now = t.at('2026-06-15T10:00');
    void rita;

    const answers = {
      madeUp: await answerOf({ dateOfBirth: '1950-12-31', phoneLast4: '1234' }),
      madeUpCode: await answerOf({ appointmentCode: 'ZZZZZZ' }),
      nothingToday: await answerOf({ dateOfBirth: '1975-05-20', phoneLast4: '2444' }),
      bookedLater: await answerOf({ dateOfBirth: '1981-03-03', phoneLast4: '3555' }),
      bookedLaterByCode: await answerOf({ appointmentCode: laterCode }),
      tooLate: await answerOf({ dateOfBirth: '1990-09-09', phoneLast4: '4666' }),
      twins: await answerOf({ dateOfBirth: '2001-01-01', phoneLast4: '0777' }),
    };
    const expected = JSON.stringify({ ok: true, value: { outcome: 'seeDesk' } });
    for (const [name, answer] of Object.entries(answers)) expect([name, answer]).toEqual([name, expected]);
    expect(t.desk.database.sqlite.prepare(`SELECT count(*) FROM appointments WHERE ticket IS NOT NULL`).pluck().get()).toBe(0);
  });

  it('pads every answer that is not a ticket to the same time, and a ticket not at all', async () => {
    const luis = await addPatient(t, { fullName: 'Luís Lopes', dateOfBirth: '1981-03-03', phone: '913 333 555' });
    await bookAt(t, p, '2026-06-15T17:00', { patientId: luis });
    t.now = t.at('2026-06-15T10:00');

    await answerOf({ dateOfBirth: '1950-12-31', phoneLast4: '1234' });
    await answerOf({ dateOfBirth: '1981-03-03', phoneLast4: '3555' });
    expect(sleeps).toEqual([KIOSK_ANSWER_MS, KIOSK_ANSWER_MS]);

    // A look-up that took 150 ms waits the rest; one that took longer does not wait.
    ticks = [1_000, 1_150];
    await answerOf({ appointmentCode: 'ZZZZZZ' });
    ticks = [2_000, 2_000 + KIOSK_ANSWER_MS + 50];
    await answerOf({ appointmentCode: 'YYYYYY' });
    expect(sleeps.slice(2)).toEqual([KIOSK_ANSWER_MS - 150]);

    // The answer comes only once the pause is over.
    holdSleeps = true;
    let isAnswered = false;
    const pending = answerOf({ dateOfBirth: '1981-03-03', phoneLast4: '3555' }).then((answer) => {
      isAnswered = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(held).toHaveLength(1);
    expect(isAnswered).toBe(false);
    held[0]!();
    expect(await pending).toBe(JSON.stringify({ ok: true, value: { outcome: 'seeDesk' } }));

    // A ticket is not held up.
    sleeps.length = 0;
    t.now = t.at('2026-06-15T16:30');
    expect(JSON.parse(await answerOf({ dateOfBirth: '1981-03-03', phoneLast4: '3555' }))).toMatchObject({ ok: true, value: { outcome: 'checkedIn' } });
    expect(sleeps).toEqual([]);
  });
});
