import { DateTime } from 'luxon';

/**
 * A clock for test runs of the browser host: "now" starts at a chosen instant and runs on
 * from there (or stays put), so the end-to-end suite can be run at 08:00, at 23:50 or on a
 * day the clocks change, on any machine, at any hour. Never for a clinic's real day: the
 * host accepts it only when the environment says it is a test run.
 */
export interface TestClockSpec {
  /** The instant "now" is when the clock starts. */
  at: number;
  /** Whether time stands still at `at` instead of running on from it. */
  frozen: boolean;
}

/** The environment variable that must be `1` for the host to take a test clock. */
export const TEST_RUN_ENV = 'FRONT_DESK_TEST_RUN';

/**
 * Parses `--test-now`: an ISO 8601 instant with its offset (`2027-03-28T00:50:00Z`,
 * `2026-12-09T09:10:00+00:00`), optionally followed by `!` to freeze it. Returns the spec
 * or why it is not one.
 */
export function parseTestClock(text: string): TestClockSpec | string {
  const frozen = text.endsWith('!');
  const iso = frozen ? text.slice(0, -1) : text;
  // An instant needs its offset: a local time would mean another instant on each machine.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) {
    return `--test-now ${JSON.stringify(text)} is not an ISO 8601 instant with an offset (e.g. 2027-03-28T00:50:00Z, or ...Z! to freeze it).`;
  }
  const parsed = DateTime.fromISO(iso, { setZone: true });
  if (!parsed.isValid) return `--test-now ${JSON.stringify(text)} is not a real date and time.`;
  return { at: parsed.toMillis(), frozen };
}

/** A clock that reads `spec.at` at the moment it is made and runs on (or not) from there. */
export function testClock(spec: TestClockSpec, realNow: () => number = Date.now): () => number {
  if (spec.frozen) return () => spec.at;
  const offset = spec.at - realNow();
  return () => realNow() + offset;
}
