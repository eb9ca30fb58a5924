import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { ClinicApi } from './clinic-api';
import { ScreensSettings } from './page-models/display';
import { KioskScreen } from './page-models/kiosk';

/**
 * A kiosk after someone else's wrong tries: it says how long to wait (seconds, not five
 * minutes), the desk sees it waiting on the Screens card and lets it try again. Nothing
 * here depends on the clinic's day: no appointment is needed to be refused.
 */

const TABLET = { viewport: { width: 1280, height: 800 }, hasTouch: true };
const SCREENS = '/work/screens/hkiosk';

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 1440, height: 900 },
  ]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${SCREENS}/${name}-${viewport.width}x${viewport.height}.png` });
  }
}

test('a kiosk that waits after wrong tries says how long; the desk sees it and lets it try again', async ({ app, page, host, browser }) => {
  await app.signIn('admin', 'demo');
  const screens = new ScreensSettings(page);
  await screens.open();
  const code = await screens.createCode('kiosk', 'Entrance tablet');

  const context = await browser.newContext(TABLET);
  try {
    const kiosk = new KioskScreen(await context.newPage(), host.url);
    await kiosk.pair(code);
    await screens.closeDialog();
    // Connected, without a reload of the desk.
    await expect(screens.row('Entrance tablet')).toHaveAttribute('data-status', 'online');

    // Someone else's wrong tries (details nobody has), each different, sent with the kiosk's
    // own token: five, then each after the wait it was given, until the next wait is long
    // enough (20 s) for what follows to be seen on any machine.
    const token = (await context.cookies()).find((cookie) => cookie.name === 'fd_device')?.value;
    expect(token).toBeTruthy();
    const asKiosk = ClinicApi.anonymous(host.url, token);
    const waits: number[] = [];
    for (let attempt = 0; attempt < 12 && (waits.at(-1) ?? 0) < 20; attempt++) {
      const answer = await asKiosk.raw('kiosk.checkIn', { dateOfBirth: '1950-01-01', phoneLast4: String(1000 + attempt) });
      if (answer.status === 429) {
        const wait = (answer.body.error as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds ?? 0;
        waits.push(wait);
        if (wait < 20) await kiosk.page.waitForTimeout(wait * 1000 + 200);
      } else {
        expect(answer.body).toEqual({ ok: true, value: { outcome: 'seeDesk' } });
      }
    }
    // Growing waits, seconds not minutes.
    expect(waits[0]).toBeLessThanOrEqual(5);
    expect(waits.at(-1)).toBeGreaterThanOrEqual(20);
    expect(waits.at(-1)).toBeLessThanOrEqual(90);

    // The patient at the kiosk is told how long.
    await kiosk.beginWithBirthDate();
    await kiosk.typeBirthDateAndPhone('1950-01-01', '1999');
    await kiosk.submit();
    await expect(kiosk.result()).toHaveAttribute('data-outcome', 'rateLimited');
    await expect(kiosk.page.getByTestId('kiosk-result-text')).toContainText(/Please wait \d+ seconds? and try again/);
    await expect(kiosk.page.getByTestId('kiosk-retry')).toBeDisabled();
    await shoot(kiosk.page, 'kiosk-wait');

    // The desk sees it waiting, and lets it try again.
    const row = screens.row('Entrance tablet');
    await expect(row.getByTestId('device-throttled')).toBeVisible();
    await shoot(page, 'screens-throttled');
    await row.getByTestId('device-clear-throttle').click();
    await expect(app.toast()).toContainText('Entrance tablet takes check-ins again.');
    await expect(row.getByTestId('device-throttled')).toHaveCount(0);

    await kiosk.done();
    await kiosk.beginWithBirthDate();
    await kiosk.typeBirthDateAndPhone('1950-01-01', '2000');
    await kiosk.submit();
    await expect(kiosk.result()).toHaveAttribute('data-outcome', 'seeDesk');
  } finally {
    await context.close();
  }
});
