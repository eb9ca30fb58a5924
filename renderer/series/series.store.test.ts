import { describe, expect, it } from 'vitest';
import type { PlannedSession } from '../../shared/series/series.contract';
import { createFakeTransport, fail } from '../test/fake-transport';
import { createSeriesStore } from './series.store';

const at = (day: number, hh: number) => Date.UTC(2030, 2, day, hh);
const session = (index: number, overrides: Partial<PlannedSession> = {}): PlannedSession => ({
  index,
  day: `2030-03-0${index}`,
  practitionerId: 1,
  practitionerName: 'Ana',
  roomId: 2,
  startsAt: at(index, 10),
  endsAt: at(index, 10) + 1_800_000,
  problem: null,
  holiday: null,
  alternative: null,
  ...overrides,
});
const alternative = { practitionerId: 1, practitionerName: 'Ana', roomId: 2, startsAt: at(2, 11), endsAt: at(2, 11) + 1_800_000 };
const rule = {
  patientId: 7,
  specialtyId: 3,
  practitionerId: 1,
  firstDay: '2030-03-01',
  time: '10:00',
  repeat: { kind: 'weekly' as const, weekdays: [5] },
  count: 3,
};

describe('series store', () => {
  it('keeps free sessions, takes the nearest free time for a clash, skips one with none; books what is chosen', async () => {
    const fake = createFakeTransport({
      'series.plan': () => ({
        durationMinutes: 30,
        sessions: [session(1), session(2, { problem: 'taken', alternative }), session(3, { problem: 'clinic_closed' })],
      }),
      'series.book': (input) => ({ seriesId: '3f0e4a52-5b1c-4c6e-9d3a-2b7f8e9a1c4d', appointments: input.sessions.map(() => ({}) as never) }),
    });
    const store = createSeriesStore(fake.transport);
    await store.getState().plan(rule);
    expect(Object.values(store.getState().choices).map((c) => c.kind)).toEqual(['keep', 'alternative', 'skip']);
    expect(
      store
        .getState()
        .toBook()
        .map((s) => s.startsAt),
    ).toEqual([at(1, 10), at(2, 11)]);

    // Session 3 at another time, typed; session 1 skipped.
    store.getState().choose(3, { kind: 'other', startsAt: at(4, 9) });
    store.getState().choose(1, { kind: 'skip' });
    expect(await store.getState().book({ patientId: 7, specialtyId: 3 })).toBe(2);
    expect(fake.callsOf('series.book')[0]?.input).toEqual({
      patientId: 7,
      specialtyId: 3,
      notes: '',
      sessions: [
        { practitionerId: 1, roomId: 2, startsAt: at(2, 11), index: 2 },
        { practitionerId: 1, roomId: 2, startsAt: at(4, 9), index: 3 },
      ],
    });
    expect(store.getState().sessions).toBeNull();
  });

  it('keeps the plan and the refusal when the series cannot be booked', async () => {
    const fake = createFakeTransport({
      'series.plan': () => ({ durationMinutes: 30, sessions: [session(1)] }),
      'series.book': () => fail('SERIES_SESSION_UNAVAILABLE', { session: 1, startsAt: at(1, 10), reason: 'SLOT_TAKEN' }),
    });
    const store = createSeriesStore(fake.transport);
    await store.getState().plan(rule);
    expect(await store.getState().book({ patientId: 7, specialtyId: 3 })).toBeNull();
    expect(store.getState().bookError?.code).toBe('SERIES_SESSION_UNAVAILABLE');
    expect(store.getState().sessions).toHaveLength(1);
  });
});
