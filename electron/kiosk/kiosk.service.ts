import type { Kysely } from 'kysely';
import { AppError } from '../../shared/contract/errors';
import type { ParsedInput } from '../../shared/contract/contract';
import type { KioskCheckInResult } from '../../shared/kiosk/kiosk.contract';
import { dayBounds, dayOf } from '../../shared/schedule/wall-clock';
import { MINUTE_MS } from '../../shared/time/units';
import type { Database } from '../db/schema';
import { CHECKED_IN, checkInAppointment, checkInResultOf } from '../checkin/checkin.service';
import { displayNameOf, greetingNameOf } from '../display/display-name';
import { requireQueueRow, type QueueChange } from '../queue/queue.service';
import type { QueueEnv } from '../queue/queue-view.service';
import type { RequestContext } from '../rpc/context';
import { candidatesOfPatient, findCandidateByCode, findPatientsByBirthDateAndPhone, type Candidate, type DayRange } from './kiosk.repository';

/**
 * Why the kiosk gave no ticket. For the main process only (the audit log): the kiosk is
 * told `seeDesk` whatever the reason, so that it cannot tell a patient from a stranger.
 */
export type KioskRefusal =
  | { outcome: 'tooEarly'; minutesUntilOpen: number }
  | { outcome: 'tooLate' }
  | { outcome: 'noAppointment' }
  /** Several appointments in the window, several people matching, or a check-in the desk must sort out. */
  | { outcome: 'seeDesk' };

/** What the kiosk decided before acting: check one appointment in, hand back a ticket, or a refusal. */
export type KioskDecision =
  { kind: 'checkIn'; appointmentId: number } | { kind: 'alreadyCheckedIn'; appointmentId: number } | { kind: 'refuse'; reason: KioskRefusal };

/**
 * The kiosk's rule for one patient's appointments of today (any status):
 * 1. Already in the queue (checked in, called, in consultation): the same ticket again.
 * 2. Of the appointments still to check in (booked, or a no-show who came after all), the
 *    one whose window [start − early, start + late] holds `now` (both ends included) is
 *    checked in; several at once: the desk sorts it out.
 * 3. None in its window: too early if one is still to come (minutes until its window
 *    opens, rounded up), else too late. None at all: no appointment.
 */
export function decide(appointments: readonly Candidate[], now: number, earlyMinutes: number, lateMinutes: number): KioskDecision {
  const inQueue = appointments.filter((appointment) => CHECKED_IN.has(appointment.status)).sort((a, b) => a.starts_at - b.starts_at);
  if (inQueue[0]) return { kind: 'alreadyCheckedIn', appointmentId: inQueue[0].id };
  const open = appointments.filter((appointment) => appointment.status === 'booked' || appointment.status === 'no_show');
  if (open.length === 0) return { kind: 'refuse', reason: { outcome: 'noAppointment' } };
  const inWindow = open.filter(
    (appointment) => now >= appointment.starts_at - earlyMinutes * MINUTE_MS && now <= appointment.starts_at + lateMinutes * MINUTE_MS,
  );
  if (inWindow.length === 1) return { kind: 'checkIn', appointmentId: inWindow[0]!.id };
  if (inWindow.length > 1) return { kind: 'refuse', reason: { outcome: 'seeDesk' } };
  const opensAt = open
    .map((appointment) => appointment.starts_at - earlyMinutes * MINUTE_MS)
    .filter((at) => at > now)
    .sort((a, b) => a - b)[0];
  if (opensAt !== undefined) return { kind: 'refuse', reason: { outcome: 'tooEarly', minutesUntilOpen: Math.ceil((opensAt - now) / MINUTE_MS) } };
  return { kind: 'refuse', reason: { outcome: 'tooLate' } };
}

/** Today's appointments of the one patient the input identifies; null when nobody, or more than one person, matches. */
async function candidatesFor(db: Kysely<Database>, input: ParsedInput<'kiosk.checkIn'>, range: DayRange): Promise<Candidate[] | null> {
  if ('appointmentCode' in input) {
    const found = await findCandidateByCode(db, input.appointmentCode, range);
    return found ? [found] : null;
  }
  const people = await findPatientsByBirthDateAndPhone(db, input.dateOfBirth, input.phoneLast4, 2);
  // Two people sharing a birth date and a phone's last digits (twins on a parent's phone):
  // the kiosk cannot tell them apart, and must not guess.
  if (people.length !== 1) return people.length === 0 ? null : [];
  return candidatesOfPatient(db, people[0]!.id, range);
}

export interface KioskOutcome {
  /** What the kiosk is told: a ticket, or `seeDesk`. */
  result: KioskCheckInResult;
  /** Why there is no ticket, for the audit log; never sent to the kiosk. Null with a ticket. */
  reason: KioskRefusal | null;
  /** Set when a patient was checked in: the queue changed. */
  change: QueueChange | null;
  /** Whether this attempt counts against the kiosk's rate limit (anything but a ticket). */
  isFailure: boolean;
}

/**
 * Self check-in. Every outcome but a ticket is the same `seeDesk`, and says nothing about
 * anybody: a patient learns names, rooms and waits only once they have matched (and then
 * only their own, by first or preferred name).
 */
export async function kioskCheckIn(db: Kysely<Database>, req: RequestContext, input: ParsedInput<'kiosk.checkIn'>): Promise<KioskOutcome> {
  const candidates = await candidatesFor(db, input, todayRange(req));
  if (candidates === null) return refused({ outcome: 'noAppointment' }, true);
  if (candidates.length === 0) return refused({ outcome: 'seeDesk' }, true);
  return settleCandidates(db, req, candidates, 'kiosk.checkIn');
}

/**
 * Self check-in of a patient identified another way (face check-in): the same window,
 * outcomes and check-in as the code and birth-date kiosk check-in.
 */
export async function kioskCheckInPatient(db: Kysely<Database>, req: RequestContext, patientId: number, action: string): Promise<KioskOutcome> {
  const candidates = await candidatesOfPatient(db, patientId, todayRange(req));
  return settleCandidates(db, req, candidates, action);
}

/** No ticket: the kiosk hears `seeDesk`, the reason stays here. */
function refused(reason: KioskRefusal, isFailure: boolean): KioskOutcome {
  return { result: { outcome: 'seeDesk' }, reason, change: null, isFailure };
}

function todayRange(env: QueueEnv): DayRange {
  const bounds = dayBounds(env.settings.timeZone, dayOf(env.settings.timeZone, env.now));
  return { from: bounds.startsAt, to: bounds.endsAt };
}

async function settleCandidates(db: Kysely<Database>, req: RequestContext, candidates: readonly Candidate[], action: string): Promise<KioskOutcome> {
  const { kioskEarlyMinutes, kioskLateMinutes } = req.settings;
  const decision = decide(candidates, req.now, kioskEarlyMinutes, kioskLateMinutes);
  if (decision.kind === 'refuse') return refused(decision.reason, true);

  if (decision.kind === 'alreadyCheckedIn') {
    const row = await requireQueueRow(db, decision.appointmentId);
    const ticket = await checkInResultOf(db, req, row);
    return {
      result: {
        outcome: 'alreadyCheckedIn',
        greetingName: greetingNameOf(row.patient_name, row.patient_preferred_name),
        ticketName: displayNameOf(req.settings.displayPrivacy, row.patient_name, row.patient_preferred_name),
        ticket: ticket.ticket,
        roomName: ticket.roomName,
        estimatedWaitMinutes: ticket.estimatedWaitMinutes,
        startsAt: row.starts_at,
        language: row.patient_language,
      },
      reason: null,
      change: null,
      isFailure: false,
    };
  }

  try {
    const { result, row, change } = await checkInAppointment(db, req, decision.appointmentId, action);
    return {
      result: {
        outcome: 'checkedIn',
        greetingName: greetingNameOf(row.patient_name, row.patient_preferred_name),
        ticketName: displayNameOf(req.settings.displayPrivacy, row.patient_name, row.patient_preferred_name),
        ticket: result.ticket,
        roomName: result.roomName,
        practitionerName: result.practitionerName,
        estimatedWaitMinutes: result.estimatedWaitMinutes,
        startsAt: row.starts_at,
        language: row.patient_language,
      },
      reason: null,
      change,
      isFailure: false,
    };
  } catch (error) {
    // A no-show whose slot went to someone else, a day's tickets used up: the desk can help.
    if (error instanceof AppError && (error.code === 'SLOT_TAKEN' || error.code === 'INVALID_TRANSITION')) {
      return refused({ outcome: 'seeDesk' }, false);
    }
    throw error;
  }
}
