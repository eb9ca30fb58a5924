import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
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

    // Five wrong tries (details nobody has), each a different one.
    for (let attempt = 0; attempt < 5; attempt++) {
      await kiosk.beginWithBirthDate();
      await kiosk.typeBirthDateAndPhone('1950-01-01', `100${attempt}`);
      await kiosk.submit();
      await expect(kiosk.result()).toHaveAttribute('data-outcome', 'seeDesk');
      await kiosk.done();
    }
    await kiosk.beginWithBirthDate();
    await kiosk.typeBirthDateAndPhone('1950-01-01', '1009');
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
    await kiosk.typeBirthDateAndPhone('1950-01-01', '1010');
    await kiosk.submit();
    await expect(kiosk.result()).toHaveAttribute('data-outcome', 'seeDesk');
  } finally {
    await context.close();
  }
});
