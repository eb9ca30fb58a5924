import { createRandom } from '../shared/random/seeded-random';
import { onTimeShare, type ArrivalOutcome, type ConsultationRecord } from '../shared/queue/durations';
import { orderQueue, type UpcomingAppointment } from '../shared/queue/queue-order';
import { laneOf, type QueueEntry, type QueueRules } from '../shared/queue/queue-rules';
import { planQueue, queueForecast, type WaitContext } from '../shared/queue/wait-estimate';
import { percentile, round, type BenchOptions, type BenchResult } from './harness';
import { DAY_MS, MINUTE_MS } from '../shared/time/units';

/**
 * queue.waitEstimate: how far our wait estimate is from the wait patients really get.
 *
 * A simulated clinic whose outcomes are known: 6 practitioners, 3 specialties with
 * booked (default) durations of 15, 20 and 30 minutes, each practitioner offering one or
 * two. Every practitioner × specialty has its own true consultation length, log-normal
 * with a median 0.65–1.45 × the default and a spread σ 0.2–0.45, so the default is wrong
 * for almost everyone, in both directions. Each simulated morning (08:00–13:00):
 * appointments on the booked grid (85% of slots taken); patients arrive early (up to 25
 * min, 71%), within the grace (12%), late (10%) or never (7%, no-show); 2–6 walk-ins per
 * practitioner; 28 days of earlier consultations from the same distributions as history.
 * The practitioner calls the head of `orderQueue` whenever free (waiting for an on-time
 * patient's appointment time, as the rules say), and today's finished consultations join
 * the history as the morning goes.
 *
 * At each check-in, the arriving patient's estimate (`planQueue`, with the consultation
 * under way and the booked appointments not yet arrived) is compared with the wait they
 * then really have (check-in → called). Beside it, the naive estimate: patients ahead
 * (waiting ahead in the rules' order, plus the one in consultation) × their specialty's
 * default duration; and, for fairness, that naive figure floored at the appointment time.
 * `mae_*` figures with a suffix are our estimate with one ingredient taken away (the
 * practitioners' history, the appointments still to come, the measured show rate, the
 * conditional remaining time of the consultation under way), to show what each is worth;
 * `remaining_*` compare the two ways of guessing how long the consultation under way at a
 * check-in still runs (ours: the median rest of this practitioner's consultations that
 * lasted at least as long; simple: max(typical − elapsed, 2 min)) against the truth.
 * Everything is drawn from a seeded generator: the error figures are the same on every
 * run; only the timings vary.
 */

const FIRST_DAY = Date.UTC(2030, 0, 7);
const DAYS = 20;
const PRACTITIONERS = 6;
const OPEN = 8 * 60;
const CLOSE = 13 * 60;
const HISTORY_DAYS = 28;
const rules: QueueRules = { graceMinutes: 10, noShowAfterMinutes: 30 };
const specialties = [
  { id: 1, minutes: 20 },
  { id: 2, minutes: 30 },
  { id: 3, minutes: 15 },
];
const specialtyMinutes = new Map(specialties.map((s) => [s.id, s.minutes]));

function normal(next: () => number): number {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

interface Practitioner {
  id: number;
  /** Offered specialties with this practitioner's true log-normal duration (median, σ). */
  offers: Array<{ specialtyId: number; median: number; sigma: number }>;
}

function drawMinutes(next: () => number, offer: Practitioner['offers'][number]): number {
  return Math.min(180, Math.max(3, offer.median * Math.exp(offer.sigma * normal(next))));
}

function clinic(next: () => number): Practitioner[] {
  return Array.from({ length: PRACTITIONERS }, (_, index) => {
    const first = specialties[index % specialties.length]!;
    const chosen = next() < 0.5 ? [first] : [first, specialties[(index + 1) % specialties.length]!];
    return {
      id: index + 1,
      offers: chosen.map((specialty) => ({
        specialtyId: specialty.id,
        median: specialty.minutes * (0.65 + 0.8 * next()),
        sigma: 0.2 + 0.25 * next(),
      })),
    };
  });
}

interface Patient {
  entry: QueueEntry;
  /** Null for a no-show. */
  arrivesAt: number | null;
  trueMinutes: number;
}

/** When the patient of a booking checks in: null (7%), late (10%), within the grace (12%), early (71%). */
function arrival(next: () => number, startsAt: number): number | null {
  const roll = next();
  if (roll < 0.07) return null;
  if (roll < 0.17) return startsAt + (rules.graceMinutes + 1 + next() * 14) * MINUTE_MS;
  if (roll < 0.29) return startsAt + next() * rules.graceMinutes * MINUTE_MS;
  return startsAt - next() * 25 * MINUTE_MS;
}

/** How the clinic's bookings of the last weeks turned out: what `onTimeShare` learns from. */
function pastArrivals(next: () => number, dayStart: number): ArrivalOutcome[] {
  const outcomes: ArrivalOutcome[] = [];
  for (let daysAgo = 1; daysAgo <= HISTORY_DAYS; daysAgo++) {
    for (let i = 0; i < PRACTITIONERS * 14; i++) {
      const startsAt = dayStart - daysAgo * DAY_MS + (OPEN + next() * (CLOSE - OPEN)) * MINUTE_MS;
      outcomes.push({ startsAt, checkedInAt: arrival(next, startsAt) });
    }
  }
  return outcomes;
}

function pastConsultations(next: () => number, practitioner: Practitioner, dayStart: number): ConsultationRecord[] {
  const records: ConsultationRecord[] = [];
  for (let daysAgo = 1; daysAgo <= HISTORY_DAYS; daysAgo++) {
    const weekday = new Date(dayStart - daysAgo * DAY_MS).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    let t = dayStart - daysAgo * DAY_MS + OPEN * MINUTE_MS;
    const end = dayStart - daysAgo * DAY_MS + CLOSE * MINUTE_MS;
    while (t < end) {
      const offer = practitioner.offers[Math.floor(next() * practitioner.offers.length)]!;
      const minutes = drawMinutes(next, offer);
      records.push({ practitionerId: practitioner.id, specialtyId: offer.specialtyId, startedAt: t, endedAt: t + minutes * MINUTE_MS });
      t += (minutes + next() * 5) * MINUTE_MS;
    }
  }
  return records;
}

function morning(next: () => number, practitioner: Practitioner, dayStart: number, firstId: number): Patient[] {
  const patients: Patient[] = [];
  let id = firstId;
  let minute = OPEN;
  for (;;) {
    const offer = practitioner.offers[Math.floor(next() * practitioner.offers.length)]!;
    const booked = specialtyMinutes.get(offer.specialtyId)!;
    if (minute + booked > CLOSE) break;
    if (next() < 0.85) {
      const startsAt = dayStart + minute * MINUTE_MS;
      const arrivesAt = arrival(next, startsAt);
      patients.push({
        entry: { id: id++, kind: 'appointment', startsAt, arrivedAt: arrivesAt ?? startsAt, specialtyId: offer.specialtyId, status: 'checked_in' },
        arrivesAt,
        trueMinutes: drawMinutes(next, offer),
      });
    }
    minute += booked;
  }
  const walkIns = 2 + Math.floor(next() * 5);
  for (let i = 0; i < walkIns; i++) {
    const offer = practitioner.offers[Math.floor(next() * practitioner.offers.length)]!;
    const arrivesAt = dayStart + (OPEN + next() * (CLOSE - OPEN - 60)) * MINUTE_MS;
    patients.push({
      entry: { id: id++, kind: 'walkIn', arrivedAt: arrivesAt, specialtyId: offer.specialtyId, status: 'checked_in' },
      arrivesAt,
      trueMinutes: drawMinutes(next, offer),
    });
  }
  return patients;
}

/** Our estimate with one ingredient taken away, to show what each is worth. */
const variants = {
  defaultDurations: (context: WaitContext): WaitContext => ({ ...context, history: [] }),
  ignoringUpcoming: (context: WaitContext): WaitContext => ({ ...context, upcoming: [] }),
  everyBookingShows: (context: WaitContext): WaitContext => ({ ...context, upcomingShowRate: 1 }),
  simpleRemaining: (context: WaitContext): WaitContext => ({ ...context, options: { minTailSamples: Number.POSITIVE_INFINITY } }),
};
type Variant = keyof typeof variants;

interface Sample {
  trueMinutes: number;
  oursMinutes: number;
  variantMinutes: Record<Variant, number>;
  naiveMinutes: number;
  naiveFlooredMinutes: number;
  kind: QueueEntry['kind'];
}

/** At a check-in during a consultation: minutes it still had to run, and what each method said. */
interface Remaining {
  trueMinutes: number;
  conditionalMinutes: number;
  simpleMinutes: number;
}

/** One practitioner's morning, event by event; returns one sample per check-in. */
function simulate(
  practitioner: Practitioner,
  patients: Patient[],
  history: ConsultationRecord[],
  showRate: number,
  timings: number[],
  remaining: Remaining[],
): Sample[] {
  const arrivals = patients.filter((p) => p.arrivesAt !== null).sort((a, b) => a.arrivesAt! - b.arrivesAt! || a.entry.id - b.entry.id);
  const byId = new Map(patients.map((p) => [p.entry.id, p]));
  const arrived = new Set<number>();
  const told = new Map<number, { ours: number; variants: Record<Variant, number>; naive: number; naiveFloored: number; at: number }>();
  const samples: Sample[] = [];
  const today: ConsultationRecord[] = [];
  let waiting: QueueEntry[] = [];
  let current: { entry: QueueEntry; since: number; endsAt: number } | null = null;
  let nextArrival = 0;
  let t = arrivals[0]?.arrivesAt ?? 0;

  for (;;) {
    if (current && current.endsAt <= t) {
      today.push({ practitionerId: practitioner.id, specialtyId: current.entry.specialtyId, startedAt: current.since, endedAt: current.endsAt });
      current = null;
    }
    while (nextArrival < arrivals.length && arrivals[nextArrival]!.arrivesAt! <= t) {
      const patient = arrivals[nextArrival++]!;
      arrived.add(patient.entry.id);
      waiting.push(patient.entry);
      const upcoming: UpcomingAppointment[] = patients.flatMap(({ entry }) =>
        entry.kind === 'appointment' && !arrived.has(entry.id) ? [{ startsAt: entry.startsAt, specialtyId: entry.specialtyId }] : [],
      );
      const context: WaitContext = {
        now: t,
        practitionerId: practitioner.id,
        rules,
        specialtyMinutes,
        history: today.length > 0 ? history.concat(today) : history,
        current: current && { specialtyId: current.entry.specialtyId, status: 'in_consultation', since: current.since },
        upcoming,
        upcomingShowRate: showRate,
      };
      const started = performance.now();
      const plan = planQueue(waiting, context);
      timings.push(performance.now() - started);
      if (current) {
        remaining.push({
          trueMinutes: (current.endsAt - t) / MINUTE_MS,
          conditionalMinutes: (queueForecast(context).freeAt - t) / MINUTE_MS,
          simpleMinutes: (queueForecast(variants.simpleRemaining(context)).freeAt - t) / MINUTE_MS,
        });
      }
      const minutesOf = (waits: typeof plan.waits) => waits.find((wait) => wait.entryId === patient.entry.id)!.minutes;
      const ours = minutesOf(plan.waits);
      const others = Object.fromEntries(
        Object.entries(variants).map(([name, change]) => [name, minutesOf(planQueue(waiting, change(context)).waits)]),
      ) as Record<Variant, number>;
      const ahead = orderQueue(waiting, t, rules).findIndex((entry) => entry.id === patient.entry.id) + (current ? 1 : 0);
      const naive = ahead * specialtyMinutes.get(patient.entry.specialtyId)!;
      const untilAppointment = patient.entry.kind === 'appointment' ? Math.max(0, (patient.entry.startsAt - t) / MINUTE_MS) : 0;
      told.set(patient.entry.id, { ours, variants: others, naive, naiveFloored: Math.max(naive, untilAppointment), at: t });
    }
    let nextCall = Number.POSITIVE_INFINITY;
    if (!current && waiting.length > 0) {
      const head = orderQueue(waiting, t, rules)[0]!;
      if (head.kind === 'appointment' && head.startsAt > t && laneOf(head, rules) === 'onTime') {
        nextCall = head.startsAt;
      } else {
        waiting = waiting.filter((entry) => entry !== head);
        current = { entry: head, since: t, endsAt: t + byId.get(head.id)!.trueMinutes * MINUTE_MS };
        const estimate = told.get(head.id)!;
        samples.push({
          trueMinutes: (t - estimate.at) / MINUTE_MS,
          oursMinutes: estimate.ours,
          variantMinutes: estimate.variants,
          naiveMinutes: estimate.naive,
          naiveFlooredMinutes: estimate.naiveFloored,
          kind: head.kind,
        });
        continue;
      }
    }
    const next = Math.min(current ? current.endsAt : Number.POSITIVE_INFINITY, arrivals[nextArrival]?.arrivesAt ?? Number.POSITIVE_INFINITY, nextCall);
    if (next === Number.POSITIVE_INFINITY) break;
    t = next;
  }
  return samples;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const mae = (samples: Sample[], pick: (s: Sample) => number) => mean(samples.map((s) => Math.abs(pick(s) - s.trueMinutes)));

/** Runs the simulated clinic; separate from `run` so a test or a script can check determinism. */
export function simulateClinic(seed = 2030): { samples: Sample[]; timings: number[]; remaining: Remaining[] } {
  const next = createRandom(seed);
  const practitioners = clinic(next);
  const samples: Sample[] = [];
  const timings: number[] = [];
  const remaining: Remaining[] = [];
  let nextId = 1;
  for (let day = 0, simulated = 0; simulated < DAYS; day++) {
    const dayStart = FIRST_DAY + day * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    simulated++;
    const showRate = onTimeShare(pastArrivals(next, dayStart), rules.graceMinutes, dayStart, HISTORY_DAYS);
    for (const practitioner of practitioners) {
      const history = pastConsultations(next, practitioner, dayStart);
      const patients = morning(next, practitioner, dayStart, nextId);
      nextId += patients.length;
      samples.push(...simulate(practitioner, patients, history, showRate, timings, remaining));
    }
  }
  return { samples, timings, remaining };
}

export async function run(_opts: BenchOptions): Promise<BenchResult[]> {
  const { samples, timings, remaining } = simulateClinic();
  const remainingError = (pick: (r: Remaining) => number) => round(mean(remaining.map((r) => Math.abs(pick(r) - r.trueMinutes))), 2);
  timings.sort((a, b) => a - b);
  const ours = mae(samples, (s) => s.oursMinutes);
  const naive = mae(samples, (s) => s.naiveMinutes);
  const walkIns = samples.filter((s) => s.kind === 'walkIn');
  const appointments = samples.filter((s) => s.kind === 'appointment');
  return [
    {
      name: 'queue.waitEstimate',
      p50_ms: round(percentile(timings, 50)),
      p95_ms: round(percentile(timings, 95)),
      samples: samples.length,
      mae_minutes: round(ours, 2),
      naive_mae_minutes: round(naive, 2),
      naive_floored_mae_minutes: round(
        mae(samples, (s) => s.naiveFlooredMinutes),
        2,
      ),
      mae_appointments_minutes: round(
        mae(appointments, (s) => s.oursMinutes),
        2,
      ),
      naive_mae_appointments_minutes: round(
        mae(appointments, (s) => s.naiveMinutes),
        2,
      ),
      mae_walk_ins_minutes: round(
        mae(walkIns, (s) => s.oursMinutes),
        2,
      ),
      naive_mae_walk_ins_minutes: round(
        mae(walkIns, (s) => s.naiveMinutes),
        2,
      ),
      mae_default_durations_minutes: round(
        mae(samples, (s) => s.variantMinutes.defaultDurations),
        2,
      ),
      mae_ignoring_upcoming_minutes: round(
        mae(samples, (s) => s.variantMinutes.ignoringUpcoming),
        2,
      ),
      mae_every_booking_shows_minutes: round(
        mae(samples, (s) => s.variantMinutes.everyBookingShows),
        2,
      ),
      mae_simple_remaining_minutes: round(
        mae(samples, (s) => s.variantMinutes.simpleRemaining),
        2,
      ),
      remaining_mae_minutes: remainingError((r) => r.conditionalMinutes),
      remaining_simple_mae_minutes: remainingError((r) => r.simpleMinutes),
      mean_true_wait_minutes: round(mean(samples.map((s) => s.trueMinutes)), 2),
      target: 'MAE below the naive estimate (position × default duration)',
      met: ours < naive,
    },
  ];
}
