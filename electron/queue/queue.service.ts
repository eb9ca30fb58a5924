import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { QueueEntryView, RoomInUse } from '../../shared/queue/queue.contract';
import { moveInQueue } from '../../shared/queue/queue-order';
import { canTransition, type QueueStatus } from '../../shared/queue/queue-rules';
import { dayBounds, dayOf } from '../../shared/schedule/wall-clock';
import { MINUTE_MS } from '../../shared/time/units';
import type { Actor } from '../audit/audit';
import type { RequestContext } from '../rpc/context';
import type { AppointmentStatusColumn, Database } from '../db/schema';
import { firstClash } from '../appointments/appointments.repository';
import { findPractitioner, findRoom, findSpecialty } from '../practice/practice.repository';
import { findQueueRow, insertMove, isRoomOccupiedError, roomsInUse, setQueueFields, specialtyWalkInFor, type QueueRow } from './queue.repository';
import { loadQueues, queueViews, toQueueEntryView, type QueueEnv } from './queue-view.service';

/**
 * Acting on the queue: calling the next patient, calling again or to another room, seeing,
 * finishing, marking as gone, moving up or down. How the queues stand (loading, ordering,
 * estimates, the entries staff see) is queue-view.service.ts's.
 */

/** What changed, for the events every queue operation sends. */
export interface QueueChange {
  practitionerIds: number[];
  appointmentIds: number[];
  days: string[];
}

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
 * The slot a walk-in takes when called: from now, or the end of whatever the practitioner
 * still holds now (a consultation booked longer than it lasted), for the specialty's
 * length or until their next appointment, whichever comes first. Free by construction, so
 * the overlap triggers accept it; a walk-in never double-books anyone.
 */
async function walkInSlot(db: Kysely<Database>, env: QueueEnv, row: QueueRow): Promise<{ starts_at: number; ends_at: number }> {
  const specialty = await findSpecialty(db, row.specialty_id);
  const duration = (specialty?.duration_minutes ?? Math.round((row.ends_at - row.starts_at) / MINUTE_MS)) * MINUTE_MS;
  // Each holder asked on its own: the earliest clash of either is the one that matters.
  const holders = [{ practitionerId: row.practitioner_id }, ...(row.room_id === null ? [] : [{ roomId: row.room_id }])];
  const earliestClash = async (interval: { startsAt: number; endsAt: number }) => {
    const clashes = await Promise.all(holders.map((holder) => firstClash(db, holder, interval, row.id)));
    return clashes.filter((clash) => clash !== undefined).sort((a, b) => a.starts_at - b.starts_at)[0];
  };
  let startsAt = Math.floor(env.now / MINUTE_MS) * MINUTE_MS;
  for (;;) {
    const clash = await earliestClash({ startsAt, endsAt: startsAt + MINUTE_MS });
    if (!clash) break;
    startsAt = clash.ends_at;
  }
  const next = await earliestClash({ startsAt, endsAt: startsAt + duration });
  return { starts_at: startsAt, ends_at: next ? next.starts_at : startsAt + duration };
}

/**
 * With nobody waiting for them, a practitioner takes the longest-waiting walk-in for a
 * specialty they offer who is queued with someone else: a walk-in for the specialty is
 * seen by whoever is free first. Waiting, they hold no slot, so the move needs none.
 */
async function takeSpecialtyWalkIn(
  db: Kysely<Database>,
  req: RequestContext,
  practitioner: { id: number; default_room_id: number | null },
): Promise<{ id: number; from: number } | null> {
  const id = await specialtyWalkInFor(db, practitioner.id, todayOf(req));
  if (id === null) return null;
  const row = await requireQueueRow(db, id);
  await setQueueFields(db, id, { practitioner_id: practitioner.id, room_id: practitioner.default_room_id, updated_at: req.now });
  return { id, from: row.practitioner_id };
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
  let queue = (await loadQueues(db, req, { practitionerId, isFreeNow: true }))[0];
  const taken = queue?.waiting[0] ? null : await takeSpecialtyWalkIn(db, req, practitioner);
  if (taken) queue = (await loadQueues(db, req, { practitionerId, isFreeNow: true }))[0];
  const next = queue?.waiting[0];
  if (!next) return null;
  const room = askedRoom ?? next.row.room_id ?? practitioner.default_room_id;
  if (next.row.is_walk_in === 1) await setQueueFields(db, next.row.id, await walkInSlot(db, req, next.row));
  await stampCall(db, req, next.row, { status: 'called', roomId: room });
  req.audit({
    action: 'queue.callNext',
    entity: 'appointment',
    entityId: next.row.id,
    detail: { ticket: next.row.ticket, roomId: room, ...(taken ? { takenFrom: taken.from } : {}) },
  });
  const { row, view } = await freshView(db, req, next.row.id);
  const change = changeOf(req, [row]);
  // The queue they were taken from changed too.
  if (taken) change.practitionerIds.push(taken.from);
  return { view, change };
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

function todayOf(env: QueueEnv): { day: string; from: number; to: number } {
  const day = dayOf(env.settings.timeZone, env.now);
  const bounds = dayBounds(env.settings.timeZone, day);
  return { day, from: bounds.startsAt, to: bounds.endsAt };
}

/** The active rooms, free ones first, each with the consultation in it today. */
export async function listRooms(db: Kysely<Database>, env: QueueEnv): Promise<RoomInUse[]> {
  const seen = new Set<number>();
  const rooms: RoomInUse[] = [];
  for (const row of await roomsInUse(db, todayOf(env))) {
    if (seen.has(row.room_id)) continue;
    seen.add(row.room_id);
    rooms.push({
      roomId: row.room_id,
      roomName: row.room_name,
      occupant:
        row.appointment_id === null
          ? null
          : {
              appointmentId: row.appointment_id,
              ticket: row.ticket ?? '',
              practitionerId: row.practitioner_id!,
              practitionerName: row.practitioner_name ?? '',
            },
    });
  }
  return [...rooms.filter((room) => !room.occupant), ...rooms.filter((room) => room.occupant)];
}

async function roomOccupied(db: Kysely<Database>, env: QueueEnv, roomId: number, appointmentId: number): Promise<AppError> {
  const room = (await listRooms(db, env)).find((candidate) => candidate.roomId === roomId);
  const occupant = room?.occupant;
  const who = occupant ? `${occupant.ticket || 'a patient'} with ${occupant.practitionerName}` : 'another patient';
  return new AppError('ROOM_OCCUPIED', `${room?.roomName ?? 'That room'} has ${who} in consultation.`, {
    roomId,
    appointmentId: occupant?.appointmentId ?? null,
    ticket: occupant?.ticket ?? null,
    practitionerName: occupant?.practitionerName ?? null,
    forAppointmentId: appointmentId,
  });
}

/**
 * A write that puts a consultation in a room: refused with ROOM_OCCUPIED when another one
 * holds it today. The pre-check names who is there; the unique index is the guarantee, for
 * two desks at once.
 */
async function intoRoom(db: Kysely<Database>, env: QueueEnv, row: QueueRow, roomId: number | null, write: () => Promise<void>): Promise<void> {
  if (roomId !== null) {
    const holder = (await listRooms(db, env)).find((candidate) => candidate.roomId === roomId)?.occupant;
    if (holder && holder.appointmentId !== row.id) throw await roomOccupied(db, env, roomId, row.id);
  }
  try {
    await write();
  } catch (error) {
    if (roomId !== null && isRoomOccupiedError(error)) throw await roomOccupied(db, env, roomId, row.id);
    throw error;
  }
}

export function start(db: Kysely<Database>, req: RequestContext, appointmentId: number): Promise<QueueOutcome> {
  return actOn(
    db,
    req,
    appointmentId,
    async (row) => {
      assertTransition(row, 'in_consultation', 'seen now');
      await intoRoom(db, req, row, row.called_room_id ?? row.room_id, () =>
        setQueueFields(db, row.id, { status: 'in_consultation', started_at: req.now, status_changed_at: req.now, updated_at: req.now }),
      );
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
      // Called patients too: they are sent there to be seen, and the choice offers only free rooms.
      await intoRoom(db, req, row, room, () => stampCall(db, req, row, { roomId: room }));
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
