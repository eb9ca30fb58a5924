import { describe, expect, it } from 'vitest';
import { AppError } from '../contract/errors';
import { dueNoShows, nextNoShowAt } from './no-shows';
import { moveInQueue, orderQueue, projectQueue, type QueueForecast } from './queue-order';
import { canTransition, defaultQueueRules, laneOf, type ManualMove, type QueueEntry } from './queue-rules';
import { appointment, clock, walkIn } from './test-helpers';
import { MINUTE_MS } from '../time/units';

const rules = { graceMinutes: 10 };
const ids = (entries: readonly QueueEntry[]) => entries.map((entry) => entry.id);

/** A forecast where every consultation takes `minutes` and the practitioner is free at `freeAt`. */
function forecast(freeAt: string, minutes: number, upcoming: string[] = []): QueueForecast {
  return { freeAt: clock(freeAt), minutesFor: () => minutes, upcoming: upcoming.map((time) => ({ startsAt: clock(time), specialtyId: 1 })) };
}

function move(direction: 'up' | 'down', past: number[], at: string, reason = 'frail, cannot wait'): ManualMove {
  return { at: clock(at), direction, past, reason };
}

describe('who waits', () => {
  it('lists only checked-in patients, each once', () => {
    const entries = [
      appointment(1, '09:00', '08:50', { status: 'in_consultation' }),
      appointment(2, '09:20', '09:05'),
      appointment(3, '09:40', '09:10', { status: 'called' }),
      walkIn(4, '09:12', { status: 'left_unseen' }),
      appointment(5, '09:30', '09:15', { status: 'done' }),
      walkIn(6, '09:16'),
    ];
    expect(ids(orderQueue(entries, clock('09:25'), rules))).toEqual([2, 6]);
  });

  it('returns the very objects it was given', () => {
    const entry = appointment(1, '09:00', '08:55');
    expect(orderQueue([entry], clock('09:00'), rules)[0]).toBe(entry);
  });
});

describe('on time and late (rules 2–4)', () => {
  it('calls on-time patients in appointment order, whatever their arrival order', () => {
    const entries = [appointment(3, '10:00', '09:30'), appointment(1, '09:40', '09:38'), appointment(2, '09:20', '09:19')];
    expect(ids(orderQueue(entries, clock('10:05'), rules))).toEqual([2, 1, 3]);
  });

  it('counts checking in exactly at the end of the grace as on time, and a millisecond later as late', () => {
    expect(laneOf(appointment(1, '10:00', '10:10'), rules)).toBe('onTime');
    expect(laneOf({ ...appointment(1, '10:00', '10:10'), arrivedAt: clock('10:10') + 1 }, rules)).toBe('late');
    expect(laneOf(appointment(1, '10:00', '10:09'), { graceMinutes: 5 })).toBe('late');
    expect(laneOf(walkIn(1, '10:00'), rules)).toBe('walkIn');
  });

  it('puts a late patient behind the on-time patients who are due', () => {
    // 09:00 arrives at 09:15 (late with a 10-minute grace); 09:20 and 09:30 arrived early.
    const entries = [appointment(1, '09:00', '09:15'), appointment(2, '09:20', '09:10'), appointment(3, '09:30', '09:12')];
    expect(ids(orderQueue(entries, clock('09:35'), rules))).toEqual([2, 3, 1]);
  });

  it('keeps a patient within the grace in their appointment place', () => {
    const entries = [appointment(1, '09:00', '09:08'), appointment(2, '09:20', '09:10')];
    expect(ids(orderQueue(entries, clock('09:25'), rules))).toEqual([1, 2]);
    expect(ids(orderQueue(entries, clock('09:25'), { graceMinutes: 5 }))).toEqual([2, 1]);
  });

  it('lets a late patient fill the gap before an on-time patient who is not due yet', () => {
    const entries = [appointment(1, '09:00', '09:20'), appointment(2, '09:40', '09:10')];
    expect(ids(orderQueue(entries, clock('09:25'), rules))).toEqual([1, 2]);
  });

  it('serves walk-ins and late patients first come, first served', () => {
    const entries = [appointment(1, '09:00', '09:20'), walkIn(2, '09:05'), walkIn(3, '09:30'), appointment(4, '09:10', '09:25')];
    expect(ids(orderQueue(entries, clock('09:35'), rules))).toEqual([2, 1, 4, 3]);
  });
});

describe('walk-ins fill gaps (rule 5)', () => {
  const onTimeAt1030 = appointment(1, '10:30', '10:00');
  const walker = walkIn(2, '10:05');

  it('calls a walk-in while the next on-time appointment has not started', () => {
    expect(ids(orderQueue([onTimeAt1030, walker], clock('10:20'), rules))).toEqual([2, 1]);
  });

  it('calls the on-time patient first once their appointment has started', () => {
    expect(ids(orderQueue([onTimeAt1030, walker], clock('10:30'), rules))).toEqual([1, 2]);
  });

  it('calls a walk-in when nobody on time is waiting', () => {
    expect(ids(orderQueue([walker, appointment(3, '09:00', '09:40')], clock('10:20'), rules))).toEqual([3, 2]);
    expect(ids(orderQueue([walker], clock('10:20'), rules))).toEqual([2]);
  });

  it('judges "due" at each patient\'s projected call, not only now (rule 7)', () => {
    // Free at 10:20, 15-minute consultations: W2 10:20–10:35, then the 10:30 patient is due.
    const entries = [onTimeAt1030, walker, walkIn(3, '10:10')];
    expect(ids(orderQueue(entries, clock('10:20'), rules, forecast('10:20', 15)))).toEqual([2, 1, 3]);
    // Without a forecast, everyone is judged at 10:20: both walk-ins fit "before" 10:30.
    expect(ids(orderQueue(entries, clock('10:20'), rules))).toEqual([2, 3, 1]);
    // A practitioner busy until 10:31 finds the 10:30 patient due.
    expect(ids(orderQueue(entries, clock('10:20'), rules, forecast('10:31', 15)))).toEqual([1, 2, 3]);
  });

  it('gives an appointment still to come its turn before a walk-in, without listing it', () => {
    const entries = [walker, walkIn(3, '10:10')];
    const projected = projectQueue(entries, clock('10:20'), rules, forecast('10:20', 15, ['10:25']));
    expect(projected.map((item) => [item.entry.id, item.expectedStartAt])).toEqual([
      [2, clock('10:20')],
      [3, clock('10:50')],
    ]);
  });

  it('does not start an on-time patient before their appointment', () => {
    const projected = projectQueue([onTimeAt1030], clock('10:00'), rules, forecast('10:00', 15));
    expect(projected[0]!.expectedStartAt).toBe(clock('10:30'));
  });
});

describe('tie-breaks (rule 7)', () => {
  it('orders equal appointments by check-in, then id; equal walk-ins by appointment-first, then id', () => {
    const entries = [appointment(9, '10:00', '09:50'), appointment(4, '10:00', '09:50'), appointment(5, '10:00', '09:40')];
    expect(ids(orderQueue(entries, clock('10:00'), rules))).toEqual([5, 4, 9]);
    const fillers = [walkIn(7, '10:30'), appointment(8, '10:00', '10:30'), walkIn(3, '10:30')];
    expect(ids(orderQueue(fillers, clock('10:40'), rules))).toEqual([8, 3, 7]);
  });

  it('does not depend on the order of the input', () => {
    const entries = [
      appointment(1, '09:00', '09:20'),
      walkIn(2, '09:05'),
      appointment(3, '09:30', '09:00'),
      walkIn(4, '09:05'),
      appointment(5, '09:30', '09:00'),
    ];
    const reversed = [...entries].reverse();
    expect(ids(orderQueue(reversed, clock('09:35'), rules))).toEqual(ids(orderQueue(entries, clock('09:35'), rules)));
  });
});

describe('manual moves (rule 6)', () => {
  const base = [appointment(1, '09:00', '08:50'), appointment(2, '09:15', '08:55'), appointment(3, '09:30', '09:00'), walkIn(4, '09:05')];
  const now = clock('09:40');

  it('moves a patient up past the patients above, with the reason kept', () => {
    const order = orderQueue(base, now, rules);
    expect(ids(order)).toEqual([1, 2, 3, 4]);
    const moved = moveInQueue(order, 4, -2, '  in pain  ', clock('09:41'), 7);
    expect(moved).toEqual({ at: clock('09:41'), direction: 'up', past: [3, 2], reason: 'in pain', staffId: 7 });
    const entries = base.map((entry) => (entry.id === 4 ? { ...entry, moves: [moved!] } : entry));
    expect(ids(orderQueue(entries, now, rules))).toEqual([1, 4, 2, 3]);
  });

  it('moves a patient down past the patients below', () => {
    const order = orderQueue(base, now, rules);
    const moved = moveInQueue(order, 1, 2, 'waiting for test results', now)!;
    expect(moved.past).toEqual([2, 3]);
    const entries = base.map((entry) => (entry.id === 1 ? { ...entry, moves: [moved] } : entry));
    expect(ids(orderQueue(entries, now, rules))).toEqual([2, 3, 1, 4]);
  });

  it('stops at the ends of the list and returns null when there is no one to pass', () => {
    const order = orderQueue(base, now, rules);
    expect(moveInQueue(order, 2, -10, 'urgent', now)!.past).toEqual([1]);
    expect(moveInQueue(order, 1, -1, 'urgent', now)).toBeNull();
    expect(moveInQueue(order, 4, 3, 'later', now)).toBeNull();
  });

  it('refuses a blank reason, a patient not waiting, and a fractional move', () => {
    const order = orderQueue(base, now, rules);
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof AppError ? error.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => moveInQueue(order, 4, -1, '   ', now))).toBe('VALIDATION');
    expect(codeOf(() => moveInQueue(order, 99, -1, 'urgent', now))).toBe('NOT_FOUND');
    expect(() => moveInQueue(order, 4, -0.5, 'urgent', now)).toThrow(RangeError);
  });

  it('keeps the move while time passes and others are called, and lets it lapse for those gone', () => {
    // Walk-in 4 moved up past 2 and 3 at 09:41.
    const moved = move('up', [3, 2], '09:41');
    let entries: QueueEntry[] = base.map((entry) => (entry.id === 4 ? { ...entry, moves: [moved] } : entry));
    // 1 is called; a later on-time patient arrives.
    entries = entries.map((entry) => (entry.id === 1 ? { ...entry, status: 'called' as const } : entry));
    entries.push(appointment(5, '09:45', '09:42'));
    expect(ids(orderQueue(entries, clock('09:50'), rules))).toEqual([4, 2, 3, 5]);
    // 2 is called out of turn: 4 still goes before 3 but is not pushed ahead of anyone else.
    entries = entries.map((entry) => (entry.id === 2 ? { ...entry, status: 'in_consultation' as const } : entry));
    expect(ids(orderQueue(entries, clock('09:50'), rules))).toEqual([4, 3, 5]);
  });

  it('pulls a moved-up walk-in just ahead of the patient passed, without reordering the others', () => {
    // At 10:20 the walk-in W sits between A (10:15, due) and B (10:40, not due); staff move
    // W up past A. At 10:45, B is due too: W must still go before A, and A before B.
    const a = appointment(1, '10:15', '10:00');
    const b = appointment(2, '10:40', '10:05');
    const w = walkIn(3, '10:10', { moves: [move('up', [1], '10:20')] });
    expect(ids(orderQueue([a, b, w], clock('10:45'), rules))).toEqual([3, 1, 2]);
  });

  it('lets the newer of two conflicting moves win', () => {
    const first = appointment(1, '09:00', '08:50', { moves: [move('down', [2], '09:10')] });
    const second = appointment(2, '09:15', '08:55', { moves: [move('down', [1], '09:20')] });
    expect(ids(orderQueue([first, second], clock('09:30'), rules))).toEqual([1, 2]);
    const again = { ...first, moves: [...first.moves!, move('down', [2], '09:25')] };
    expect(ids(orderQueue([again, second], clock('09:30'), rules))).toEqual([2, 1]);
  });

  it('ignores moves that contradict newer ones in a cycle', () => {
    // By the rules: 3, 2, 1. Moves: 1 before 2 (09:30), 2 before 3 (09:20), and 3 before 1
    // (09:10, the oldest, which would close a cycle: dropped).
    const entries = [
      appointment(1, '09:10', '08:50', { moves: [move('up', [2], '09:30')] }),
      appointment(2, '09:05', '08:50', { moves: [move('up', [3], '09:20')] }),
      appointment(3, '09:00', '08:50', { moves: [move('up', [1], '09:10')] }),
    ];
    expect(ids(orderQueue(entries, clock('09:40'), rules))).toEqual([1, 2, 3]);
  });
});

describe('no-shows (rule 8)', () => {
  const booked = [
    { id: 1, startsAt: clock('09:00'), status: 'booked' },
    { id: 2, startsAt: clock('09:30'), status: 'booked' },
    { id: 3, startsAt: clock('08:00'), status: 'checked_in' },
    { id: 4, startsAt: clock('08:00'), status: 'booked', isWalkIn: true },
    { id: 5, startsAt: clock('08:30'), status: 'booked' },
  ];

  it('turns an appointment not checked in into a no-show exactly at start + minutes', () => {
    expect(dueNoShows(booked, clock('09:30') - 1, 30)).toEqual([5]);
    expect(dueNoShows(booked, clock('09:30'), 30)).toEqual([5, 1]);
    expect(dueNoShows(booked, clock('10:00'), 30)).toEqual([5, 1, 2]);
  });

  it('never touches checked-in appointments or walk-ins', () => {
    expect(dueNoShows(booked, clock('23:00'), 0)).not.toContain(3);
    expect(dueNoShows(booked, clock('23:00'), 0)).not.toContain(4);
  });

  it('uses the configured minutes, and rejects nonsense', () => {
    expect(dueNoShows(booked, clock('09:15'), 15)).toEqual([5, 1]);
    expect(() => dueNoShows(booked, clock('09:15'), -1)).toThrow(RangeError);
    expect(() => dueNoShows(booked, clock('09:15'), Number.NaN)).toThrow(RangeError);
  });

  it('tells when the next one falls due', () => {
    expect(nextNoShowAt(booked, clock('09:00'), 30)).toBe(clock('09:30'));
    expect(nextNoShowAt(booked, clock('09:30'), 30)).toBe(clock('10:00'));
    expect(nextNoShowAt(booked, clock('10:00'), 30)).toBeNull();
  });

  it('has sensible defaults', () => {
    expect(defaultQueueRules).toEqual({ graceMinutes: 10, noShowAfterMinutes: 30 });
  });
});

describe('statuses (rule 1)', () => {
  it('allows the queue path and forbids skipping or undoing it', () => {
    expect(canTransition('booked', 'checked_in')).toBe(true);
    expect(canTransition('booked', 'no_show')).toBe(true);
    expect(canTransition('checked_in', 'called')).toBe(true);
    expect(canTransition('called', 'in_consultation')).toBe(true);
    expect(canTransition('called', 'checked_in')).toBe(true);
    expect(canTransition('in_consultation', 'done')).toBe(true);
    expect(canTransition('checked_in', 'left_unseen')).toBe(true);
    expect(canTransition('checked_in', 'done')).toBe(false);
    expect(canTransition('done', 'checked_in')).toBe(false);
    expect(canTransition('in_consultation', 'left_unseen')).toBe(false);
    expect(canTransition('booked', 'called')).toBe(false);
  });
});

describe('projection times', () => {
  it("starts at the practitioner's free time and adds each expected consultation", () => {
    const entries = [appointment(1, '09:00', '08:50'), appointment(2, '09:05', '08:55'), walkIn(3, '09:00')];
    const projected = projectQueue(entries, clock('09:10'), rules, forecast('09:12', 20));
    expect(projected.map((item) => [item.entry.id, (item.expectedStartAt - clock('09:00')) / MINUTE_MS])).toEqual([
      [1, 12],
      [2, 32],
      [3, 52],
    ]);
  });
});
