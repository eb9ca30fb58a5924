import { test as base } from '@playwright/test';
import { clinicNow } from './clock';
import { startHost, type RunningHost } from './host';
import { FrontDeskApp } from './page-models/app';

/** Each test gets its own browser host on a fresh data directory with the demo clinic. */
export const test = base.extend<{ minutesOfToday: number; host: RunningHost; app: FrontDeskApp }>({
  /** How much of the clinic's day the test needs ahead of "now" (`test.use({ minutesOfToday: 50 })`). */
  minutesOfToday: [0, { option: true }],
  host: async ({ minutesOfToday }, use) => {
    const host = await startHost({ demo: true, minutesOfToday });
    await use(host);
    await host.stop();
  },
  app: async ({ page, host }, use) => {
    const app = new FrontDeskApp(page, host.url);
    await app.open();
    await use(app);
  },
});

export { expect } from '@playwright/test';

/**
 * A Monday past the demo clinic's bookings (they reach 14 days ahead), in its time zone:
 * every demo practitioner works then and the whole day is free, whenever the tests run.
 */
export function freeMonday(): string {
  const start = clinicNow().startOf('day').plus({ days: 15 });
  return start.plus({ days: (8 - start.weekday) % 7 }).toISODate()!;
}
