import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import { onTimeShare } from '../../shared/queue/durations';
import { canTransition, laneOf, moveInQueue, type QueueEntry, type QueueLane, type QueueStatus } from '../../shared/queue/queue-rules';
import { planQueue, type CurrentConsultation, type WaitEstimate } from '../../shared/queue/wait-estimate';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import { dayBounds, dayOf } from '../../shared/schedule/wall-clock';
import { DAY_MS, MINUTE_MS } from '../../shared/time/units';
import type { Actor } from '../audit/audit';
import type { RequestContext } from '../rpc/context';
import type { AppointmentStatusColumn, Database } from '../db/schema';
import { findPractitioner, findRoom } from '../practice/practice.repository';
import {
  arrivalOutcomes,
  consultationHistory,
  findQueueRow,
  insertMove,
  movesOf,
  queueRows,
  setQueueFields,
  specialtyMinutes,
  upcomingAppointments,
  type QueueRow,
} from './queue.repository';

/** Consultations and arrivals older than this do not shape today's estimates. */
export const HISTORY_DAYS = 28;

/** The moment and the clinic's settings every queue operation works with. */
export interface QueueEnv {
  now: number;
  settings: ClinicSettings;
}

/** What changed, for the events every queue operation sends. */
export interface QueueChange {
  practitionerIds: number[];
  appointmentIds: number[];
  days: string[];
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

// Acting on the queue

/** A doctor acts on their own practitioner's queue only. */
export function assertMayActFor(actor: Actor, practitionerId: number): void {
  if (actor.role === 'doctor' && actor.practitionerId !== practitionerId) {
    throw new AppError('FORBIDDEN', "You may act only on your own patients' queue.", { practitionerId });
  }
}

export async function requireQueueRow(db: Kysely<Database>, id: number): Promise<QueueRow> {
  const row = await findQueueRow(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'There is no such appointment.', { field: 'appointmentId' });
  return row;
}

const statusWords: Record<AppointmentStatusColumn, string> = {
  booked: 'not checked in',
  checked_in: 'waiting',
  called: 'called',
  in_consultation: 'in consultation',
  done: 'done',
  no_show: 'a no-show',
  left_unseen: 'gone without being seen',
  cancelled: 'cancelled',
};

function assertTransition(row: QueueRow, to: QueueStatus, action: string): void {
  const from = row.status;
  if (from === 'cancelled' || !canTransition(from, to)) {
    throw new AppError('INVALID_TRANSITION', `A patient who is ${statusWords[from]} cannot be ${action}.`, { status: from });
  }
}

async function requireActiveRoom(db: Kysely<Database>, roomId: number): Promise<number> {
  const room = await findRoom(db, roomId);
  if (!room) throw new AppError('NOT_FOUND', 'There is no such room.', { field: 'roomId' });
  if (room.is_active !== 1) {
    throw new AppError('VALIDATION', `${room.name} is not in use.`, { fields: [{ path: 'roomId', code: 'custom', message: `${room.name} is not in use.` }] });
  }
  return room.id;
}

export function changeOf(env: QueueEnv, rows: readonly QueueRow[]): QueueChange {
  return {
    practitionerIds: [...new Set(rows.map((row) => row.practitioner_id))],
    appointmentIds: rows.map((row) => row.id),
    days: [...new Set(rows.map((row) => dayOf(env.settings.timeZone, row.starts_at)))].sort(),
  };
}

/** The row again after a write, as a queue entry. */
async function freshView(db: Kysely<Database>, env: QueueEnv, id: number): Promise<{ row: QueueRow; view: QueueEntryView }> {
  const row = await requireQueueRow(db, id);
  if (row.status === 'checked_in') {
    const queue = (await loadQueues(db, env, { day: dayOf(env.settings.timeZone, row.starts_at), practitionerId: row.practitioner_id }))[0];
    const waiting = queue?.waiting.find((candidate) => candidate.row.id === id);
    if (waiting) return { row, view: toQueueEntryView(row, env.settings.graceMinutes, waiting) };
  }
  return { row, view: toQueueEntryView(row, env.settings.graceMinutes) };
}

export interface QueueOutcome {
  view: QueueEntryView;
  change: QueueChange;
}

/** A call (or recall, or a call to another room): a new call id for the display, at `now`. */
async function stampCall(db: Kysely<Database>, env: QueueEnv, row: QueueRow, values: { status?: 'called'; roomId: number | null }): Promise<void> {
  await setQueueFields(db, row.id, {
    ...(values.status ? { status: values.status, status_changed_at: env.now } : {}),
    called_at: env.now,
    called_room_id: values.roomId,
    call_count: row.call_count + 1,
    updated_at: env.now,
  });
}

/**
 * Calls the first waiting patient of the practitioner's queue (rules of queue-rules.ts),
 * to the room asked for, else the appointment's room, else the practitioner's own.
 */
export async function callNext(db: Kysely<Database>, req: RequestContext, practitionerId: number, roomId: number | undefined): Promise<QueueOutcome | null> {
  assertMayActFor(req.actor, practitionerId);
  const practitioner = await findPractitioner(db, practitionerId);
  if (!practitioner) throw new AppError('NOT_FOUND', 'There is no such practitioner.', { field: 'practitionerId' });
  const askedRoom = roomId === undefined ? undefined : await requireActiveRoom(db, roomId);
  // Whoever calls is free now: rule 7 decides the head at the moment the practitioner is free.
  const queue = (await loadQueues(db, req, { practitionerId, isFreeNow: true }))[0];
  const next = queue?.waiting[0];
  if (!next) return null;
  const room = askedRoom ?? next.row.room_id ?? practitioner.default_room_id;
  await stampCall(db, req, next.row, { status: 'called', roomId: room });
  req.audit({ action: 'queue.callNext', entity: 'appointment', entityId: next.row.id, detail: { ticket: next.row.ticket, roomId: room } });
  const { row, view } = await freshView(db, req, next.row.id);
  return { view, change: changeOf(req, [row]) };
}

async function actOn(
  db: Kysely<Database>,
  req: RequestContext,
  appointmentId: number,
  act: (row: QueueRow) => Promise<Record<string, unknown>>,
  action: string,
): Promise<QueueOutcome> {
  const before = await requireQueueRow(db, appointmentId);
  assertMayActFor(req.actor, before.practitioner_id);
  const detail = await act(before);
  req.audit({ action, entity: 'appointment', entityId: before.id, detail: { ticket: before.ticket, ...detail } });
  const { row, view } = await freshView(db, req, appointmentId);
  return { view, change: changeOf(req, [row]) };
}

export function recall(db: Kysely<Database>, req: RequestContext, appointmentId: number): Promise<QueueOutcome> {
  return actOn(
    db,
    req,
    appointmentId,
    async (row) => {
      if (row.status !== 'called') {
        throw new AppError('INVALID_TRANSITION', `A patient who is ${statusWords[row.status]} cannot be called again.`, { status: row.status });
      }
      await stampCall(db, req, row, { roomId: row.called_room_id });
      return { call: row.call_count + 1 };
    },
    'queue.recall',
  );
}

export function start(db: Kysely<Database>, req: RequestContext, appointmentId: number): Promise<QueueOutcome> {
  return actOn(
    db,
    req,
    appointmentId,
    async (row) => {
      assertTransition(row, 'in_consultation', 'seen now');
      await setQueueFields(db, row.id, { status: 'in_consultation', started_at: req.now, status_changed_at: req.now, updated_at: req.now });
      return {};
    },
    'queue.start',
  );
}

export function finish(db: Kysely<Database>, req: RequestContext, appointmentId: number): Promise<QueueOutcome> {
  return actOn(
    db,
    req,
    appointmentId,
    async (row) => {
      assertTransition(row, 'done', 'finished');
      await setQueueFields(db, row.id, { status: 'done', finished_at: req.now, status_changed_at: req.now, updated_at: req.now });
      return { minutes: row.started_at === null ? null : Math.round((req.now - row.started_at) / MINUTE_MS) };
    },
    'queue.finish',
  );
}

/** Another room for a called or in-consultation patient, and a new call there (the status stays). */
export function sendToRoom(db: Kysely<Database>, req: RequestContext, appointmentId: number, roomId: number): Promise<QueueOutcome> {
  return actOn(
    db,
    req,
    appointmentId,
    async (row) => {
      if (row.status !== 'called' && row.status !== 'in_consultation') {
        throw new AppError('INVALID_TRANSITION', `A patient who is ${statusWords[row.status]} cannot be sent to a room.`, { status: row.status });
      }
      const room = await requireActiveRoom(db, roomId);
      await stampCall(db, req, row, { roomId: room });
      return { from: row.called_room_id, roomId: room };
    },
    'queue.sendToRoom',
  );
}

/** Left without being seen: keeps the record (and the slot); the reason goes in cancel_reason. */
export function leftUnseen(db: Kysely<Database>, req: RequestContext, appointmentId: number, reason: string): Promise<QueueOutcome> {
  return actOn(
    db,
    req,
    appointmentId,
    async (row) => {
      assertTransition(row, 'left_unseen', 'marked as gone');
      await setQueueFields(db, row.id, { status: 'left_unseen', cancel_reason: reason, status_changed_at: req.now, updated_at: req.now });
      return { from: row.status };
    },
    'queue.leftUnseen',
  );
}

/**
 * Moves a waiting patient up (negative places) or down in their practitioner's queue, as
 * staff see it now (rule 6): the move is stored and every later ordering keeps it.
 */
export async function move(
  db: Kysely<Database>,
  req: RequestContext,
  input: { appointmentId: number; places: number; reason: string },
): Promise<{ entries: QueueEntryView[]; change: QueueChange }> {
  const row = await requireQueueRow(db, input.appointmentId);
  assertMayActFor(req.actor, row.practitioner_id);
  if (row.status !== 'checked_in') {
    throw new AppError('INVALID_TRANSITION', `A patient who is ${statusWords[row.status]} cannot be moved in the queue.`, { status: row.status });
  }
  const day = dayOf(req.settings.timeZone, row.starts_at);
  const before = (await loadQueues(db, req, { day, practitionerId: row.practitioner_id }))[0];
  const order = before?.waiting.map((waiting) => waiting.entry) ?? [];
  const manual = moveInQueue(order, row.id, input.places, input.reason, req.now, req.actor.staffId);
  if (manual) {
    await insertMove(db, row.id, manual);
    req.audit({
      action: 'queue.move',
      entity: 'appointment',
      entityId: row.id,
      detail: { ticket: row.ticket, places: input.places, passed: manual.past.length, reason: input.reason },
    });
  }
  const after = (await loadQueues(db, req, { day, practitionerId: row.practitioner_id }))[0];
  const entries = after ? queueViews(after, req.settings.graceMinutes) : [];
  return { entries, change: changeOf(req, [row]) };
}
