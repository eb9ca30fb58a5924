import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { CheckInResult } from '../../shared/checkin/checkin.contract';
import { formatTicket, nextTicketSequence } from '../../shared/checkin/tickets';
import { dayOf } from '../../shared/schedule/wall-clock';
import { MINUTE_MS } from '../../shared/time/units';
import { assertWorking, findClash, nextFree, writeOrSlotTaken } from '../appointments/appointments-placement';
import { walkInCandidates } from '../appointments/appointments.service';
import { findAppointment } from '../appointments/appointments.repository';
import type { Database } from '../db/schema';
import { findPractitioner, findSpecialty } from '../practice/practice.repository';
import type { RequestContext } from '../rpc/context';
import { scheduleEnvOf } from '../schedule/schedule.service';
import { insertWaitingWalkIn, lastTicketNumber, saveTicketNumber, setQueueFields, type QueueRow } from '../queue/queue.repository';
import { changeOf, requireQueueRow, type QueueChange } from '../queue/queue.service';
import { loadQueues, walkInWait, type QueueEnv } from '../queue/queue-view.service';

export interface CheckInOutcome {
  result: CheckInResult;
  row: QueueRow;
  change: QueueChange;
}

/** Statuses that are already in the queue: checking in again is refused (the kiosk hands back the ticket). */
export const CHECKED_IN: ReadonlySet<string> = new Set(['checked_in', 'called', 'in_consultation']);

/**
 * The day's next ticket for a prefix, to be saved with {@link saveTicketNumber}: the
 * counter only ever goes up, so no code comes back the same day.
 */
async function nextTicket(db: Kysely<Database>, day: string, prefix: string): Promise<{ sequence: number; ticket: string }> {
  let sequence: number;
  try {
    sequence = nextTicketSequence(await lastTicketNumber(db, day, prefix));
  } catch {
    throw new AppError('INVALID_TRANSITION', `Every ticket of ${prefix} has been issued today.`, { prefix });
  }
  return { sequence, ticket: formatTicket(prefix, sequence) };
}

/** The check-in result for a row in the queue: its ticket and its estimate, from the practitioner's whole queue. */
export async function checkInResultOf(db: Kysely<Database>, env: QueueEnv, row: QueueRow): Promise<CheckInResult> {
  const queue = (await loadQueues(db, env, { day: dayOf(env.settings.timeZone, row.starts_at), practitionerId: row.practitioner_id }))[0];
  const waiting = queue?.waiting.find((candidate) => candidate.row.id === row.id);
  return {
    appointmentId: row.id,
    ticket: row.ticket ?? '',
    roomName: row.room_name,
    practitionerName: row.practitioner_name,
    estimatedWaitMinutes: waiting?.wait.minutes ?? 0,
    expectedStartAt: waiting?.wait.expectedStartAt ?? env.now,
  };
}

/**
 * Checks in one of today's appointments (clinic time zone): stamps the arrival, issues the
 * day's next ticket of its specialty's prefix, and puts the patient in the queue. A
 * no-show who turns up after all may still be checked in (they wait as late), unless
 * their freed slot has been given away meanwhile (SLOT_TAKEN).
 */
export async function checkInAppointment(
  db: Kysely<Database>,
  req: RequestContext,
  appointmentId: number,
  action = 'checkin.checkIn',
): Promise<CheckInOutcome> {
  const { timeZone } = req.settings;
  const appointment = await findAppointment(db, appointmentId);
  if (!appointment) throw new AppError('NOT_FOUND', 'There is no such appointment.', { field: 'appointmentId' });
  if (CHECKED_IN.has(appointment.status)) {
    throw new AppError('INVALID_TRANSITION', `This patient is already checked in (${appointment.ticket ?? 'no ticket'}).`, {
      status: appointment.status,
      ticket: appointment.ticket,
    });
  }
  if (appointment.status !== 'booked' && appointment.status !== 'no_show') {
    throw new AppError('INVALID_TRANSITION', `An appointment that is ${appointment.status.replace('_', ' ')} cannot be checked in.`, {
      status: appointment.status,
    });
  }
  const today = dayOf(timeZone, req.now);
  const day = dayOf(timeZone, appointment.starts_at);
  if (day !== today) {
    throw new AppError('INVALID_TRANSITION', `Only today's appointments can be checked in; this one is on ${day}.`, { day });
  }
  const specialty = await findSpecialty(db, appointment.specialty_id);
  if (!specialty) throw new AppError('NOT_FOUND', 'There is no such specialty.', { field: 'specialtyId' });

  const prefix = specialty.ticket_prefix.toUpperCase();
  const { sequence, ticket } = await nextTicket(db, today, prefix);

  // Everything that can refuse comes before the first write, so a refusal the kiosk turns
  // into a friendly answer leaves nothing behind. Reviving a no-show is where the overlap
  // guard may refuse (its freed slot was given away): the status goes first.
  const practitioner = await findPractitioner(db, appointment.practitioner_id);
  if (!practitioner) throw new Error(`appointment ${appointment.id} has no practitioner`);
  await writeOrSlotTaken(
    db,
    scheduleEnvOf(req),
    {
      practitioner,
      specialtyId: appointment.specialty_id,
      roomId: appointment.room_id,
      startsAt: appointment.starts_at,
      endsAt: appointment.ends_at,
      excludeId: appointment.id,
    },
    async () => {
      await setQueueFields(db, appointment.id, { status: 'checked_in', checked_in_at: req.now, status_changed_at: req.now, updated_at: req.now });
      return appointment;
    },
  );
  await saveTicketNumber(db, today, prefix, sequence);
  await setQueueFields(db, appointment.id, { ticket_day: today, ticket });

  req.audit({
    action,
    entity: 'appointment',
    entityId: appointment.id,
    // No personal data: the ticket and how the arrival stood.
    detail: { ticket, from: appointment.status, minutesAfterStart: Math.round((req.now - appointment.starts_at) / MINUTE_MS) },
  });
  const row = await requireQueueRow(db, appointment.id);
  return { result: await checkInResultOf(db, req, row), row, change: changeOf(req, [row]) };
}

/**
 * A walk-in joins a queue at once, whoever is busy: the practitioner asked for, or, of those
 * who offer the specialty and work at the time they would be seen, the one who would see
 * them soonest (ties by name). They wait without a slot (migration 0010): the slot is
 * given when they are called, so waiting never double-books anyone.
 */
export async function checkInWalkIn(
  db: Kysely<Database>,
  req: RequestContext,
  input: { patientId: number; specialtyId: number; practitionerId?: number | undefined },
): Promise<CheckInOutcome> {
  const env = scheduleEnvOf(req);
  const { specialty, candidates } = await walkInCandidates(db, input);
  const duration = specialty.duration_minutes * MINUTE_MS;

  let chosen: { practitioner: (typeof candidates)[number]; expectedStartAt: number; isBooked: boolean } | undefined;
  let firstAway: AppError | undefined;
  for (const practitioner of candidates) {
    const { expectedStartAt } = await walkInWait(db, req, { practitionerId: practitioner.id, specialtyId: specialty.id });
    const startsAt = Math.floor(expectedStartAt / MINUTE_MS) * MINUTE_MS;
    try {
      await assertWorking(db, env, { practitioner, specialtyId: specialty.id, roomId: null, startsAt, endsAt: startsAt + duration });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'OUTSIDE_WORKING_HOURS') throw error;
      firstAway ??= error;
      continue;
    }
    // Of two who would see them as soon, the one with nothing booked now: a booked patient may still walk in.
    const isBooked = (await findClash(db, { practitioner, specialtyId: specialty.id, roomId: null, startsAt, endsAt: startsAt + duration })) !== undefined;
    if (!chosen || expectedStartAt < chosen.expectedStartAt || (expectedStartAt === chosen.expectedStartAt && chosen.isBooked && !isBooked)) {
      chosen = { practitioner, expectedStartAt, isBooked };
    }
  }
  if (!chosen) {
    throw new AppError(
      'OUTSIDE_WORKING_HOURS',
      candidates.length === 1 && firstAway ? firstAway.message : `Nobody who offers ${specialty.name_en} is working then.`,
      { nextFree: await nextFree(db, env, specialty.id, input.practitionerId, req.now) },
    );
  }

  const today = dayOf(req.settings.timeZone, req.now);
  const prefix = specialty.ticket_prefix.toUpperCase();
  const { sequence, ticket } = await nextTicket(db, today, prefix);
  // When they arrived, not a slot: the overlap triggers ignore a walk-in until the first call.
  const arrivedAt = Math.floor(req.now / MINUTE_MS) * MINUTE_MS;
  const id = await insertWaitingWalkIn(db, {
    patient_id: input.patientId,
    practitioner_id: chosen.practitioner.id,
    room_id: chosen.practitioner.default_room_id,
    specialty_id: specialty.id,
    starts_at: arrivedAt,
    ends_at: arrivedAt + duration,
    price_cents: specialty.price_cents,
    created_by: req.actor.staffId,
    now: req.now,
    ticket_day: today,
    ticket,
    for_specialty: input.practitionerId === undefined ? 1 : 0,
  });
  await saveTicketNumber(db, today, prefix, sequence);

  req.audit({
    action: 'appointments.bookWalkIn',
    entity: 'appointment',
    entityId: id,
    detail: { practitionerId: chosen.practitioner.id, queued: true },
  });
  req.audit({ action: 'checkin.walkIn', entity: 'appointment', entityId: id, detail: { ticket, from: 'walk_in', minutesAfterStart: 0 } });
  const row = await requireQueueRow(db, id);
  return { result: await checkInResultOf(db, req, row), row, change: changeOf(req, [row]) };
}
