import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../shared/contract/contract';
import type { Caller } from '../rpc/dispatch';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { addPatient, bookAt, deviceCaller } from '../queue/queue-fixtures';

/**
 * The kiosk's limits on a real clinic's day: per kiosk and per identity tried, growing
 * waits instead of one hard lock for everyone, and a desk that can see and clear them.
 */

let t: TestDesk;
let p: Practice;
let rita: number;
/** A paired kiosk with a row of its own, so that the desk can list and clear it. */
let lobby: Caller;
let lobbyId: number;

beforeEach(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 2);
  rita = await addPatient(t, { fullName: 'Rita Rocha', dateOfBirth: '1975-05-20', phone: '913 222 444' });
  lobbyId = Number(
    t.desk.database.sqlite
      .prepare(`INSERT INTO devices (name, role, token_hash, created_by, created_at) VALUES ('Lobby tablet', 'kiosk', 'x', NULL, ?)`)
      .run(t.now).lastInsertRowid,
  );
  lobby = deviceCaller('kiosk', lobbyId, 'Lobby tablet');
});

afterEach(async () => {
  await t.close();
});

const byBirth = { dateOfBirth: '1975-05-20', phoneLast4: '2444' };
/** Someone else's wrong guesses, each a different identity (so only the kiosk's limit counts). */
const guess = (n: number): MethodInput<'kiosk.checkIn'> => ({ dateOfBirth: '1990-01-01', phoneLast4: String(1000 + n) });

async function failFiveTimes(caller: Caller): Promise<void> {
  for (let n = 0; n < 5; n++) {
    expect(await t.ok(caller, 'kiosk.checkIn', guess(n))).toEqual({ outcome: 'seeDesk' });
    t.now += 10_000;
  }
}

describe('the kiosk limit per kiosk', () => {
  it('serves the next patient, with the right details, a few seconds after someone else failed five times', async () => {
    await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    t.now = t.at('2026-06-15T09:30');
    await failFiveTimes(lobby);
    expect(await t.ok(lobby, 'kiosk.checkIn', byBirth)).toMatchObject({ outcome: 'checkedIn', ticket: 'G-001' });
  });

  it('makes each further wrong try wait longer, seconds not minutes, and says how long', async () => {
    t.now = t.at('2026-06-15T09:30');
    for (let n = 0; n < 5; n++) await t.ok(lobby, 'kiosk.checkIn', guess(n));
    const waits: number[] = [];
    for (let n = 5; n < 10; n++) {
      const refused = await t.fail(lobby, 'kiosk.checkIn', guess(n));
      expect(refused.code).toBe('RATE_LIMITED');
      const wait = refused.details?.['retryAfterSeconds'] as number;
      waits.push(wait);
      t.now += wait * 1000;
      expect(await t.ok(lobby, 'kiosk.checkIn', guess(n))).toEqual({ outcome: 'seeDesk' });
    }
    expect(waits).toEqual([5, 10, 20, 40, 80]);
    // Another kiosk is not held up.
    expect(await t.ok(deviceCaller('kiosk', 99), 'kiosk.checkIn', guess(0))).toEqual({ outcome: 'seeDesk' });
    // A quiet quarter of an hour forgets the lot.
    t.now += 15 * 60_000;
    expect(await t.ok(lobby, 'kiosk.checkIn', guess(11))).toEqual({ outcome: 'seeDesk' });
  });

  it('holds when the tries arrive at the same instant: only five reach the look-up', async () => {
    t.now = t.at('2026-06-15T09:30');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, n) => t.desk.dispatch(lobby, 'kiosk.checkIn', guess(n))));
    expect(answers.filter((answer) => answer.ok)).toHaveLength(5);
    expect(answers.filter((answer) => !answer.ok && answer.error.code === 'RATE_LIMITED')).toHaveLength(7);
  });
});

describe('the kiosk limit per identity', () => {
  it('makes the same details wait after three wrong tries, at whichever kiosk, and a ticket forgives them', async () => {
    t.now = t.at('2026-06-15T09:30');
    for (let kiosk = 1; kiosk <= 3; kiosk++) expect(await t.ok(deviceCaller('kiosk', kiosk), 'kiosk.checkIn', byBirth)).toEqual({ outcome: 'seeDesk' });
    const refused = await t.fail(deviceCaller('kiosk', 4), 'kiosk.checkIn', byBirth);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 60 } });
    // Other details at that kiosk are not held up.
    expect(await t.ok(deviceCaller('kiosk', 4), 'kiosk.checkIn', guess(1))).toEqual({ outcome: 'seeDesk' });

    // Booked meanwhile at the desk: after the wait, the ticket, and the slate is clean.
    await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    t.now += 60_000;
    expect(await t.ok(deviceCaller('kiosk', 4), 'kiosk.checkIn', byBirth)).toMatchObject({ outcome: 'checkedIn' });
    for (let kiosk = 1; kiosk <= 4; kiosk++)
      expect(await t.ok(deviceCaller('kiosk', kiosk), 'kiosk.checkIn', byBirth)).toMatchObject({ outcome: 'alreadyCheckedIn' });
  });

  it('treats a code the same, in any case, and holds when the tries arrive at the same instant from many kiosks', async () => {
    t.now = t.at('2026-06-15T09:30');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, n) => t.desk.dispatch(deviceCaller('kiosk', 10 + n), 'kiosk.checkIn', { appointmentCode: n % 2 ? 'abcdef' : 'ABCDEF' })),
    );
    expect(answers.filter((answer) => answer.ok)).toHaveLength(3);
    expect(answers.filter((answer) => !answer.ok && answer.error.code === 'RATE_LIMITED')).toHaveLength(7);
  });

  it('keeps no identity in clear, in memory or in the audit log', async () => {
    t.now = t.at('2026-06-15T09:30');
    await t.ok(lobby, 'kiosk.checkIn', byBirth);
    const audit = JSON.stringify(t.desk.database.sqlite.prepare(`SELECT * FROM audit_log`).all());
    for (const secret of ['1975-05-20', '2444']) expect(audit).not.toContain(secret);
  });
});

describe('the desk and a waiting kiosk', () => {
  it('shows the kiosk as waiting on the Screens card and lets it try again at once, on the record', async () => {
    await bookAt(t, p, '2026-06-15T10:00', { patientId: rita });
    t.now = t.at('2026-06-15T09:30');
    t.events.length = 0;
    for (let n = 0; n < 5; n++) await t.ok(lobby, 'kiosk.checkIn', guess(n));
    // The fifth failure made the kiosk wait: the desk hears of it.
    expect(t.events.filter((event) => event.event === 'devices.changed')).toHaveLength(1);
    const listed = await t.ok(t.reception, 'devices.list', {});
    expect(listed.find((device) => device.id === lobbyId)?.throttledUntil).toBe(t.now + 5_000);
    expect((await t.fail(lobby, 'kiosk.checkIn', byBirth)).code).toBe('RATE_LIMITED');

    const cleared = await t.ok(t.reception, 'devices.clearThrottle', { id: lobbyId });
    expect(cleared.throttledUntil).toBeNull();
    expect(await t.ok(lobby, 'kiosk.checkIn', byBirth)).toMatchObject({ outcome: 'checkedIn' });
    const audit = t.desk.database.sqlite.prepare(`SELECT entity_id, staff_id FROM audit_log WHERE action = 'devices.clearThrottle'`).all();
    expect(audit).toEqual([{ entity_id: lobbyId, staff_id: expect.any(Number) }]);

    expect((await t.fail(t.reception, 'devices.clearThrottle', { id: 999 })).code).toBe('NOT_FOUND');
    expect((await t.fail(lobby, 'devices.clearThrottle', { id: lobbyId })).code).toBe('FORBIDDEN');
    expect((await t.fail(await t.doctor(p.ana), 'devices.clearThrottle', { id: lobbyId })).code).toBe('FORBIDDEN');
  });
});
