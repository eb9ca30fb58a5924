import type { Kysely } from 'kysely';
import type { DisplayCall, DisplayState } from '../../shared/display/display.contract';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import { dayBounds, dayOf } from '../../shared/schedule/wall-clock';
import type { Database } from '../db/schema';
import { displayNameOf } from './display-name';
import { latestCalls, type QueueRow } from '../queue/queue.repository';
import { loadQueues } from '../queue/queue-view.service';

/** A call stays "now calling" this long (unless another call replaces it); the screen may drop it itself after that. */
export const CURRENT_CALL_MINUTES = 5;
/** Earlier calls shown under the current one. */
export const RECENT_CALLS = 5;
/** The most waiting tickets the screen receives. */
export const MAX_WAITING = 100;

function callOf(row: QueueRow, settings: ClinicSettings): DisplayCall {
  return {
    callId: `${row.id}-${row.call_count}`,
    ticket: row.ticket ?? '',
    displayName: displayNameOf(settings.displayPrivacy, row.patient_name, row.patient_preferred_name),
    roomName: row.room_name ?? '',
    calledAt: row.called_at ?? 0,
    language: settings.announcementLanguage === 'patient' ? row.patient_language : settings.locale,
  };
}

/**
 * The waiting-room view, built whole and already reduced to what the clinic's privacy
 * setting allows: tickets, names as the setting says, rooms and estimated waits. Nothing
 * else about a patient is read into it, so nothing else can reach a display.
 *
 * `current` is the latest call (or recall) if it was made in the last
 * {@link CURRENT_CALL_MINUTES} minutes and the patient has not finished; `recentCalls`
 * are the calls before it, newest first; `waiting` is everyone checked in across all
 * queues, soonest expected first.
 */
export async function displayState(db: Kysely<Database>, settings: ClinicSettings, now: number): Promise<DisplayState> {
  const day = dayOf(settings.timeZone, now);
  const bounds = dayBounds(settings.timeZone, day);
  const queues = await loadQueues(db, { now, settings }, { day });
  const waiting = queues
    .flatMap((queue) => queue.waiting)
    .filter((patient) => patient.row.ticket !== null)
    .sort((a, b) => a.wait.expectedStartAt - b.wait.expectedStartAt || a.entry.arrivedAt - b.entry.arrivedAt || a.row.id - b.row.id)
    .slice(0, MAX_WAITING)
    .map((patient) => ({
      ticket: patient.row.ticket!,
      displayName: displayNameOf(settings.displayPrivacy, patient.row.patient_name, patient.row.patient_preferred_name),
      estimatedWaitMinutes: patient.wait.minutes,
    }));

  const calls = await latestCalls(db, { from: bounds.startsAt, to: bounds.endsAt }, RECENT_CALLS + 1);
  const latest = calls[0];
  const isCurrent = latest !== undefined && latest.status !== 'done' && latest.called_at !== null && now - latest.called_at <= CURRENT_CALL_MINUTES * 60_000;
  const current = isCurrent ? callOf(latest, settings) : null;
  const recentCalls = (isCurrent ? calls.slice(1) : calls).slice(0, RECENT_CALLS).map((row) => callOf(row, settings));

  return {
    clinicName: settings.clinicName,
    locale: settings.locale,
    timeZone: settings.timeZone,
    day,
    privacy: settings.displayPrivacy,
    generatedAt: now,
    current,
    recentCalls,
    waiting,
  };
}
