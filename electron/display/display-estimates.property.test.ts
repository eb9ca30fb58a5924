import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MethodName } from '../../shared/contract/contract';
import { laneOf } from '../../shared/queue/queue-rules';
import { MINUTE_MS } from '../../shared/time/units';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';
import { bookAt } from '../queue/queue-fixtures';
import { loadQueues } from '../queue/queue-view.service';

/**
 * Whatever the desk does to the queues (check-ins, walk-ins, calls, recalls, rooms, moves,
 * patients leaving, time passing), the waiting-room screen tells the truth: along each
 * practitioner's queue the estimates never go down, the next to be called shows the
 * smallest, and when the practitioner is free and anyone waiting could be called now, the
 * next to be called is told "now" (a patient moved up is called where staff put them).
 */

const who = fc.constantFrom<'ana' | 'bruno'>('ana', 'bruno');
const action = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('tick' as const), minutes: fc.integer({ min: 1, max: 25 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('checkIn' as const), index: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('walkIn' as const), who: fc.option(who, { nil: undefined }), patient: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('callNext' as const), who, room: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('start' as const), who }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('finish' as const), who }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('recall' as const), who }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('sendToRoom' as const), who, room: fc.integer({ min: 0, max: 2 }) }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('move' as const), who, index: fc.nat(), places: fc.integer({ min: -3, max: 3 }).filter((n) => n !== 0) }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('leftUnseen' as const), who, index: fc.nat() }), weight: 1 },
);
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

async function call(t: TestDesk, method: MethodName, input: unknown): Promise<unknown> {
  const result = await t.desk.dispatch(t.reception, method, input as never);
  // Refusals are part of the game (a room in use, nobody to call); a crash is not.
  if (!result.ok && result.error.code === 'INTERNAL') throw new Error(`${method}: ${result.error.message}`);
  return result.ok ? result.value : null;
}

async function checkDisplay(t: TestDesk, p: Practice): Promise<void> {
  const settings = t.desk.settings.get();
  const display = await call(t, 'display.state', {});
  const shown = new Map(
    (display as { waiting: Array<{ ticket: string; estimatedWaitMinutes: number }> }).waiting.map((w) => [w.ticket, w.estimatedWaitMinutes]),
  );
  const queues = await loadQueues(t.desk.database.db, { now: t.now, settings });
  for (const queue of queues) {
    const minutes = queue.waiting.map((patient) => shown.get(patient.row.ticket!)!);
    for (let i = 1; i < minutes.length; i++) expect(minutes[i]).toBeGreaterThanOrEqual(minutes[i - 1]!);
    if (minutes.length > 0) expect(minutes[0]).toBe(Math.min(...minutes));
    const isFree = queue.active.length === 0;
    const anyoneCallable = queue.waiting.some(
      (patient) => laneOf(patient.entry, settings) !== 'onTime' || (patient.entry.kind === 'appointment' && patient.entry.startsAt <= t.now),
    );
    if (isFree && anyoneCallable && [p.ana, p.bruno].includes(queue.practitionerId)) expect(minutes[0]).toBe(0);
  }
}

async function act(t: TestDesk, p: Practice, booked: number[], step: Action): Promise<void> {
  const practitionerId = 'who' in step && step.who ? p[step.who] : undefined;
  const rooms = [p.room1, p.room2, null];
  const queue = async () =>
    practitionerId === undefined ? undefined : (await loadQueues(t.desk.database.db, { now: t.now, settings: t.desk.settings.get() }, { practitionerId }))[0];
  switch (step.kind) {
    case 'tick':
      t.now += step.minutes * MINUTE_MS;
      return;
    case 'checkIn':
      await call(t, 'checkin.checkIn', { appointmentId: booked[step.index % booked.length]! });
      return;
    case 'walkIn':
      await call(t, 'checkin.walkIn', {
        patientId: p.patients[16 + (step.patient % 14)]!,
        specialtyId: p.general,
        ...(practitionerId ? { practitionerId } : {}),
      });
      return;
    case 'callNext': {
      const current = await queue();
      // The practitioner calls when free: whoever was with them is finished first.
      for (const row of current?.active ?? []) {
        if (row.status === 'called') await call(t, 'queue.start', { appointmentId: row.id });
        await call(t, 'queue.finish', { appointmentId: row.id });
      }
      const room = step.room === undefined ? undefined : rooms[step.room];
      await call(t, 'queue.callNext', { practitionerId: practitionerId!, ...(room ? { roomId: room } : {}) });
      return;
    }
    case 'start':
    case 'finish':
    case 'recall': {
      const status = step.kind === 'finish' ? 'in_consultation' : 'called';
      const row = (await queue())?.active.find((candidate) => candidate.status === status);
      if (row) await call(t, `queue.${step.kind}`, { appointmentId: row.id });
      return;
    }
    case 'sendToRoom': {
      const row = (await queue())?.active[0];
      const room = rooms[step.room];
      if (row && room) await call(t, 'queue.sendToRoom', { appointmentId: row.id, roomId: room });
      return;
    }
    case 'move':
    case 'leftUnseen': {
      const waiting = (await queue())?.waiting ?? [];
      if (waiting.length === 0) return;
      const appointmentId = waiting[step.index % waiting.length]!.row.id;
      if (step.kind === 'move') await call(t, 'queue.move', { appointmentId, places: step.places, reason: 'Property test' });
      else await call(t, 'queue.leftUnseen', { appointmentId, reason: '' });
      return;
    }
  }
}

describe('the waiting-room estimates, whatever the desk does', () => {
  it('never go down along a practitioner’s queue, and the next to be called shows the smallest (now, when they could be called now)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40 }), fc.array(action, { minLength: 5, maxLength: 30 }), async (startStep, steps) => {
        // Monday 15 June 2026 in Lisbon: Ana and Bruno see General patients every half hour from 09:00.
        const t = await createTestDesk({ now: '2026-06-15T07:00' });
        try {
          const p = await seedPractice(t, 30);
          const booked: number[] = [];
          for (let slot = 0; slot < 8; slot++) {
            const time = `2026-06-15T${String(9 + Math.floor(slot / 2)).padStart(2, '0')}:${slot % 2 === 0 ? '00' : '30'}`;
            booked.push(await bookAt(t, p, time, { patientId: p.patients[slot]!, practitionerId: p.ana }));
            booked.push(await bookAt(t, p, time, { patientId: p.patients[8 + slot]!, practitionerId: p.bruno }));
          }
          t.now = t.at('2026-06-15T08:40') + startStep * 5 * MINUTE_MS;
          for (const step of steps) {
            await act(t, p, booked, step);
            await checkDisplay(t, p);
          }
        } finally {
          await t.close();
        }
      }),
      {
        numRuns: 15,
        examples: [
          // The desk's report: at 09:05 Ana's 09:00 patient waits, due; her 12:30 patient, early, is moved up past them.
          [
            5,
            [
              { kind: 'checkIn', index: 0 },
              { kind: 'checkIn', index: 14 },
              { kind: 'move', who: 'ana', index: 1, places: -1 },
              { kind: 'callNext', who: 'ana', room: undefined },
            ],
          ],
        ],
      },
    );
  }, 240_000);
});
