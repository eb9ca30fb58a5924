import type { BrowserContext } from '@playwright/test';
import { DateTime } from 'luxon';

/** The demo clinic's time zone: "today" is the clinic's day, not the machine's. */
export const CLINIC_ZONE = 'Europe/Lisbon';

/**
 * The whole suite can be run as if it were another moment: `E2E_CLOCK=2027-03-28T00:50:00Z
 * npm run test:e2e`. Each browser host then starts its day at that instant (the host's
 * `--test-now`), and each browser's clock is set to the host's. Unset: the real clock.
 */
export const SUITE_CLOCK_ENV = 'E2E_CLOCK';

/** The running host's clock minus the machine's; 0 on the real clock. */
let hostOffsetMs = 0;

/** Now as the host under test sees it. */
export function hostNow(): number {
  return Date.now() + hostOffsetMs;
}

/** Now in the clinic's zone, on the host's clock. */
export function clinicNow(): DateTime {
  return DateTime.fromMillis(hostNow(), { zone: CLINIC_ZONE });
}

/** Remembers the clock of the host just started: what the test's own "now" and its browsers follow. */
export function useHostClock(offsetMs: number): void {
  hostOffsetMs = offsetMs;
}

/**
 * The `--test-now` for a host whose test needs `minutesOfToday` minutes of the clinic's day
 * still ahead (appointments made "now" must start and end today): the suite's moment when
 * that leaves enough, otherwise noon of the same day. Undefined: the real clock will do.
 */
export function hostClockFor(minutesOfToday: number): string | undefined {
  const suite = process.env[SUITE_CLOCK_ENV];
  const at = (suite ? DateTime.fromISO(suite, { setZone: true }) : DateTime.now()).setZone(CLINIC_ZONE);
  if (!at.isValid) throw new Error(`${SUITE_CLOCK_ENV}=${suite} is not an ISO 8601 instant.`);
  const left = at.endOf('day').diff(at, 'minutes').minutes;
  if (left >= minutesOfToday) return suite;
  return at.set({ hour: 12, minute: 0, second: 0, millisecond: 0 }).toISO()!;
}

const clockedContexts = new WeakSet<BrowserContext>();

/**
 * Sets a browser context's clock to the host's before its first page loads (the page models
 * call it before they navigate): the screens then agree with the host on what "today" and
 * "in 10 minutes" are. Timers run as usual. Once per context.
 */
export async function installHostClock(context: BrowserContext): Promise<void> {
  if (hostOffsetMs === 0 || clockedContexts.has(context)) return;
  clockedContexts.add(context);
  await context.clock.install({ time: hostNow() });
}
