import type { Kysely } from 'kysely';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import { onTimeShare } from '../../shared/queue/durations';
import { laneOf, type QueueEntry, type QueueLane, type QueueStatus } from '../../shared/queue/queue-rules';
import { planQueue, type CurrentConsultation, type WaitEstimate } from '../../shared/queue/wait-estimate';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import { dayBounds, dayOf } from '../../shared/schedule/wall-clock';
import { DAY_MS } from '../../shared/time/units';
import type { Database } from '../db/schema';
import { listTimeOffRows } from '../practice/practice.repository';
import { arrivalOutcomes, consultationHistory, movesOf, queueRows, specialtyMinutes, upcomingAppointments, type QueueRow } from './queue.repository';

/**
 * The queues as they stand: a clinic day's rows, each practitioner's ordered by the queue
 * rules with its estimated waits, and the entries staff see. Acting on the queue (calls,
 * moves, status changes) is queue.service.ts's.
 */

/** Consultations and arrivals older than this do not shape today's estimates. */
export const HISTORY_DAYS = 28;

/** The moment and the clinic's settings every queue operation works with. */
export interface QueueEnv {
  now: number;
  settings: ClinicSettings;
}

export interface WaitingPatient {
  row: QueueRow;
  entry: QueueEntry;
  lane: QueueLane;
  wait: WaitEstimate;
  movedReason: string | null;
}

/** One practitioner's queue today: who is with them or called, and who waits, in calling order. */
export interface PlannedQueue {
  practitionerId: number;
  practitionerName: string;
  /** Called or in consultation, earliest call first. */
  active: QueueRow[];
  waiting: WaitingPatient[];
}

function toEntry(row: QueueRow, moves: QueueEntry['moves']): QueueEntry {
  const base = {
    id: row.id,
    specialtyId: row.specialty_id,
    arrivedAt: row.checked_in_at ?? row.starts_at,
    status: row.status as QueueStatus,
    moves: moves ?? [],
  };
  return row.is_walk_in === 1 ? { ...base, kind: 'walkIn' } : { ...base, kind: 'appointment', startsAt: row.starts_at };
}

/** The consultation that keeps the practitioner busy: one under way, else the latest call. */
function currentConsultation(active: readonly QueueRow[]): CurrentConsultation | null {
  const inRoom = active.filter((row) => row.status === 'in_consultation').sort((a, b) => (b.started_at ?? 0) - (a.started_at ?? 0))[0];
  if (inRoom) return { specialtyId: inRoom.specialty_id, status: 'in_consultation', since: inRoom.started_at ?? inRoom.called_at ?? inRoom.starts_at };
  const called = active.filter((row) => row.status === 'called').sort((a, b) => (b.called_at ?? 0) - (a.called_at ?? 0))[0];
  if (called) return { specialtyId: called.specialty_id, status: 'called', since: called.called_at ?? called.starts_at };
  return null;
}

/**
 * The queues of a clinic day (today unless said), each ordered by the queue rules and
 * estimated by the method of shared/queue/wait-estimate.ts: the practitioner's own
 * consultation lengths of the last 28 days, the consultation under way, the appointments
 * still to come (weighed by the practitioner's share of on-time arrivals).
 */
export async function loadQueues(
  db: Kysely<Database>,
  env: QueueEnv,
  options: {
    day?: string | undefined;
    practitionerId?: number | undefined;
    /** Order as if the practitioner were free now (they are calling the next patient), whatever is under way. */
    isFreeNow?: boolean;
  } = {},
): Promise<PlannedQueue[]> {
  const { timeZone, graceMinutes } = env.settings;
  const day = options.day ?? dayOf(timeZone, env.now);
  const bounds = dayBounds(timeZone, day);
  const rows = await queueRows(db, { from: bounds.startsAt, to: bounds.endsAt }, options.practitionerId);
  if (rows.length === 0) return [];

  const byPractitioner = new Map<number, QueueRow[]>();
  for (const row of rows) {
    const own = byPractitioner.get(row.practitioner_id);
    if (own) own.push(row);
    else byPractitioner.set(row.practitioner_id, [row]);
  }
  const waitingRows = rows.filter((row) => row.status === 'checked_in');
  const planned = [...new Set(waitingRows.map((row) => row.practitioner_id))];
  const since = env.now - HISTORY_DAYS * DAY_MS;
  const moves = await movesOf(
    db,
    waitingRows.map((row) => row.id),
  );
  const upcoming = await upcomingAppointments(db, planned, { from: env.now, to: bounds.endsAt });
  const history = await consultationHistory(db, planned, since, env.now);
  const outcomes = await arrivalOutcomes(db, planned, since, env.now);
  const minutes = planned.length > 0 ? await specialtyMinutes(db) : new Map<number, number>();
  const timeOff = new Map<number, Array<{ startsAt: number; endsAt: number }>>();
  for (const row of await listTimeOffRows(db, { practitionerIds: planned, from: env.now, to: bounds.endsAt + DAY_MS })) {
    const own = timeOff.get(row.practitioner_id) ?? [];
    own.push({ startsAt: row.starts_at, endsAt: row.ends_at });
    timeOff.set(row.practitioner_id, own);
  }

  const queues: PlannedQueue[] = [];
  for (const [practitionerId, own] of byPractitioner) {
    const active = own.filter((row) => row.status !== 'checked_in').sort((a, b) => (a.called_at ?? 0) - (b.called_at ?? 0) || a.id - b.id);
    const waitingOwn = own.filter((row) => row.status === 'checked_in');
    const rowById = new Map(waitingOwn.map((row) => [row.id, row]));
    if (waitingOwn.length === 0) {
      queues.push({ practitionerId, practitionerName: own[0]!.practitioner_name, active, waiting: [] });
      continue;
    }
    const entries = waitingOwn.map((row) => toEntry(row, moves.get(row.id)));
    const plan = planQueue(entries, {
      now: env.now,
      practitionerId,
      rules: { graceMinutes },
      specialtyMinutes: minutes,
      history,
      current: options.isFreeNow ? null : currentConsultation(active),
      upcoming: upcoming.get(practitionerId) ?? [],
      upcomingShowRate: onTimeShare(outcomes.get(practitionerId) ?? [], graceMinutes, env.now, HISTORY_DAYS),
      timeOff: timeOff.get(practitionerId) ?? [],
    });
    const waiting = plan.order.map((entry, index) => {
      const entryMoves = moves.get(entry.id) ?? [];
      return {
        row: rowById.get(entry.id)!,
        entry,
        lane: laneOf(entry, { graceMinutes }),
        wait: plan.waits[index]!,
        movedReason: entryMoves.length > 0 ? entryMoves[entryMoves.length - 1]!.reason : null,
      };
    });
    queues.push({ practitionerId, practitionerName: own[0]!.practitioner_name, active, waiting });
  }
  return queues.sort((a, b) => a.practitionerName.localeCompare(b.practitionerName) || a.practitionerId - b.practitionerId);
}

/** A queue row as staff see it; `waiting` (its place and estimate) for a patient still waiting. */
export function toQueueEntryView(row: QueueRow, graceMinutes: number, waiting?: WaitingPatient): QueueEntryView {
  const lane = waiting?.lane ?? laneOf(toEntry(row, []), { graceMinutes });
  return {
    appointmentId: row.id,
    ticket: row.ticket ?? '',
    patientId: row.patient_id,
    patientName: row.patient_name,
    patientPreferredName: row.patient_preferred_name,
    practitionerId: row.practitioner_id,
    practitionerName: row.practitioner_name,
    roomId: row.called_room_id ?? row.room_id,
    roomName: row.room_name,
    specialtyId: row.specialty_id,
    status: row.status as QueueStatus,
    startsAt: row.starts_at,
    arrivedAt: row.checked_in_at ?? row.starts_at,
    calledAt: row.called_at,
    isWalkIn: row.is_walk_in === 1,
    isLate: lane === 'late',
    estimatedWaitMinutes: waiting ? waiting.wait.minutes : null,
    expectedStartAt: waiting ? waiting.wait.expectedStartAt : null,
    movedReason: waiting?.movedReason ?? null,
  };
}

/** A queue as staff see it: who is in the room or called, then who waits, in calling order. */
export function queueViews(queue: PlannedQueue, graceMinutes: number): QueueEntryView[] {
  const inRoom = queue.active.filter((row) => row.status === 'in_consultation');
  const called = queue.active.filter((row) => row.status === 'called');
  return [
    ...[...inRoom, ...called].map((row) => toQueueEntryView(row, graceMinutes)),
    ...queue.waiting.map((waiting) => toQueueEntryView(waiting.row, graceMinutes, waiting)),
  ];
}

export async function listQueue(
  db: Kysely<Database>,
  env: QueueEnv,
  options: { day?: string | undefined; practitionerId?: number | undefined },
): Promise<QueueEntryView[]> {
  const queues = await loadQueues(db, env, options);
  return queues.flatMap((queue) => queueViews(queue, env.settings.graceMinutes));
}
