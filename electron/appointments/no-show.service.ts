import type { Kysely } from 'kysely';
import type { EventName, EventPayload } from '../../shared/contract/contract';
import { dueNoShows, nextNoShowAt } from '../../shared/queue/no-shows';
import { dayOf } from '../../shared/schedule/wall-clock';
import { MINUTE_MS } from '../../shared/time/units';
import { SYSTEM_ACTOR, writeAudit } from '../audit/audit';
import type { Database } from '../db/schema';
import { readSettings } from '../settings/settings.repository';
import { displayState } from '../display/display.service';
import { bookedStartedBy, earliestBookedAfter, markNoShows } from '../queue/queue.repository';

/** Ids per UPDATE: a backlog after days switched off must not exceed SQLite's parameter limit. */
const CHUNK = 500;

export type PendingEvent = { [E in EventName]: [E, EventPayload<E>] }[EventName];

export interface NoShowSweep {
  /** Appointments that became no-shows. */
  ids: number[];
  /** When the next one will, if nothing changes (null: none booked). */
  nextAt: number | null;
  /** To publish once the sweep has committed. */
  events: PendingEvent[];
}

/**
 * Rule 8 of the queue rules, applied at `now`: every booked appointment (not a walk-in)
 * not checked in `noShowAfterMinutes` after its start becomes a no-show, in one
 * transaction, which frees its slot for walk-ins (the overlap guard ignores no-shows).
 */
export async function sweepNoShows(db: Kysely<Database>, now: number): Promise<NoShowSweep> {
  return db.transaction().execute(async (trx) => {
    const settings = await readSettings(trx);
    const minutes = settings.noShowAfterMinutes;
    const candidates = await bookedStartedBy(trx, now - minutes * MINUTE_MS);
    const due = dueNoShows(
      candidates.map((row) => ({ id: row.id, startsAt: row.starts_at, status: row.status, isWalkIn: row.is_walk_in === 1 })),
      now,
      minutes,
    );
    const changed: Array<{ id: number; starts_at: number; practitioner_id: number }> = [];
    for (let index = 0; index < due.length; index += CHUNK) changed.push(...(await markNoShows(trx, due.slice(index, index + CHUNK), now)));
    for (const row of changed) {
      await writeAudit(trx, SYSTEM_ACTOR, now, { action: 'appointments.noShow.auto', entity: 'appointment', entityId: row.id });
    }
    const next = await earliestBookedAfter(trx, now - minutes * MINUTE_MS);
    const nextAt = next ? nextNoShowAt([{ id: next.id, startsAt: next.starts_at, status: 'booked' }], now, minutes) : null;

    const events: PendingEvent[] = [];
    if (changed.length > 0) {
      const ids = changed.map((row) => row.id);
      const days = [...new Set(changed.map((row) => dayOf(settings.timeZone, row.starts_at)))].sort();
      events.push(['appointments.changed', { appointmentIds: ids, days }]);
      events.push(['queue.changed', { practitionerIds: [...new Set(changed.map((row) => row.practitioner_id))], appointmentIds: ids }]);
      events.push(['display.changed', await displayState(trx, settings, now)]);
    }
    return { ids: changed.map((row) => row.id), nextAt, events };
  });
}

/** The longest the timer sleeps: new bookings and changed settings are seen within this. */
export const MAX_SLEEP_MS = 60_000;

/**
 * Runs the no-show sweep when the next appointment falls due (at most a minute apart),
 * never two at once; `stop` waits for a sweep under way.
 */
export class NoShowTimer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private isStopped = false;

  constructor(
    private readonly sweep: () => Promise<number | null>,
    private readonly now: () => number,
    private readonly log: (message: string) => void = (message) => console.error(message),
  ) {}

  start(): void {
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.isStopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), Math.min(MAX_SLEEP_MS, Math.max(0, delay)));
    this.timer.unref?.();
  }

  private tick(): void {
    this.timer = null;
    this.running = this.sweep()
      .then(
        (nextAt) => this.schedule(nextAt === null ? MAX_SLEEP_MS : nextAt - this.now()),
        (error: unknown) => {
          this.log(`no-show sweep failed: ${error instanceof Error ? error.message : String(error)}`);
          this.schedule(MAX_SLEEP_MS);
        },
      )
      .finally(() => {
        this.running = null;
      });
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
