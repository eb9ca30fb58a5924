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

/**
 * What keeps the practitioner busy before the next waiting patient: the consultation
 * under way (the latest started), and every patient already called and not yet in, since
 * those are seen before anyone who waits, whichever room they were called or sent to.
 */
function currentConsultations(active: readonly QueueRow[]): CurrentConsultation[] {
  const inRoom = active.filter((row) => row.status === 'in_consultation').sort((a, b) => (b.started_at ?? 0) - (a.started_at ?? 0))[0];
  const busy: CurrentConsultation[] = inRoom
    ? [{ specialtyId: inRoom.specialty_id, status: 'in_consultation', since: inRoom.started_at ?? inRoom.called_at ?? inRoom.starts_at }]
    : [];
  for (const row of active) {
    if (row.status === 'called') busy.push({ specialtyId: row.specialty_id, status: 'called', since: row.called_at ?? row.starts_at });
  }
  return busy;
}

/** A walk-in who is not in the queue yet, to ask where they would land. */
export interface WalkInProbe {
  practitionerId: number;
  specialtyId: number;
}

/** The id of the probe's stand-in entry: no appointment has it, and it loses every tie as a newcomer would. */
const PROBE_ID = Number.MAX_SAFE_INTEGER;

/**
 * The queues of a clinic day (today unless said), each ordered by the queue rules and
 * estimated by the method of shared/queue/wait-estimate.ts: the practitioner's own
 * consultation lengths of the last 28 days, the consultation under way and the patients
 * already called, the appointments still to come (weighed by the practitioner's share of
 * on-time arrivals).
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
  return (await planQueues(db, env, options)).queues;
}

/** When a walk-in arriving now would be called by this practitioner, as the queue rules would place them. */
export async function walkInWait(db: Kysely<Database>, env: QueueEnv, probe: WalkInProbe): Promise<WaitEstimate> {
  const { probed } = await planQueues(db, env, { practitionerId: probe.practitionerId }, probe);
  return probed ?? { entryId: PROBE_ID, minutes: 0, expectedStartAt: env.now };
}

async function planQueues(
  db: Kysely<Database>,
  env: QueueEnv,
  options: { day?: string | undefined; practitionerId?: number | undefined; isFreeNow?: boolean },
  probe?: WalkInProbe,
): Promise<{ queues: PlannedQueue[]; probed?: WaitEstimate }> {
  const { timeZone, graceMinutes } = env.settings;
  const day = options.day ?? dayOf(timeZone, env.now);
  const bounds = dayBounds(timeZone, day);
  const rows = await queueRows(db, { from: bounds.startsAt, to: bounds.endsAt }, options.practitionerId);
  if (rows.length === 0 && !probe) return { queues: [] };

  const byPractitioner = new Map<number, QueueRow[]>();
  if (probe) byPractitioner.set(probe.practitionerId, []);
  for (const row of rows) {
    const own = byPractitioner.get(row.practitioner_id);
    if (own) own.push(row);
    else byPractitioner.set(row.practitioner_id, [row]);
  }
  const waitingRows = rows.filter((row) => row.status === 'checked_in');
  const planned = [...new Set([...waitingRows.map((row) => row.practitioner_id), ...(probe ? [probe.practitionerId] : [])])];
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
  let probed: WaitEstimate | undefined;
  for (const [practitionerId, own] of byPractitioner) {
    const active = own.filter((row) => row.status !== 'checked_in').sort((a, b) => (a.called_at ?? 0) - (b.called_at ?? 0) || a.id - b.id);
    const waitingOwn = own.filter((row) => row.status === 'checked_in');
    const rowById = new Map(waitingOwn.map((row) => [row.id, row]));
    const isProbed = probe?.practitionerId === practitionerId;
    const practitionerName = own[0]?.practitioner_name ?? '';
    if (waitingOwn.length === 0 && !isProbed) {
      queues.push({ practitionerId, practitionerName, active, waiting: [] });
      continue;
    }
    const entries = waitingOwn.map((row) => toEntry(row, moves.get(row.id)));
    if (isProbed) entries.push({ id: PROBE_ID, kind: 'walkIn', specialtyId: probe.specialtyId, arrivedAt: env.now, status: 'checked_in', moves: [] });
    const plan = planQueue(entries, {
      now: env.now,
      practitionerId,
      rules: { graceMinutes },
      specialtyMinutes: minutes,
      history,
      current: options.isFreeNow ? null : currentConsultations(active),
      upcoming: upcoming.get(practitionerId) ?? [],
      upcomingShowRate: onTimeShare(outcomes.get(practitionerId) ?? [], graceMinutes, env.now, HISTORY_DAYS),
      timeOff: timeOff.get(practitionerId) ?? [],
    });
    const waiting: WaitingPatient[] = [];
    plan.order.forEach((entry, index) => {
      if (entry.id === PROBE_ID) {
        probed = plan.waits[index]!;
        return;
      }
      const entryMoves = moves.get(entry.id) ?? [];
      waiting.push({
        row: rowById.get(entry.id)!,
        entry,
        lane: laneOf(entry, { graceMinutes }),
        wait: plan.waits[index]!,
        movedReason: entryMoves.length > 0 ? entryMoves[entryMoves.length - 1]!.reason : null,
      });
    });
    if (own.length > 0) queues.push({ practitionerId, practitionerName, active, waiting });
  }
  queues.sort((a, b) => a.practitionerName.localeCompare(b.practitionerName) || a.practitionerId - b.practitionerId);
  return probed ? { queues, probed } : { queues };
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
