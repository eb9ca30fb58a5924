import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { createTestDatabase, type TestDatabase } from '../../cloud/db/test-database';
import { startCloudServer, type CloudServer } from '../../cloud/server';
import { bookToday, ClinicApi, createPatient, setUpTodayClinic } from './clinic-api';
import { startHost, type RunningHost } from './host';
import { FrontDeskApp } from './page-models/app';
import { BoardPage } from './page-models/board';

const DESK_TOKEN = 'e2e-join-desk-token';
/** The first desk books this far ahead today: the host is started at noon when less of the day is left. */
const MINUTES_OF_TODAY = 240;
const SCREENS = '/work/screens/join-clinic';

/** The reference cloud on a free port, its own data folder. */
class Cloud {
  server: CloudServer | null = null;
  private database: TestDatabase | null = null;

  get url(): string {
    return this.server!.url;
  }

  async start(): Promise<void> {
    this.database = await createTestDatabase();
    this.server = await startCloudServer({ port: 0, host: '127.0.0.1', databaseUrl: this.database.url, tokens: { desk: [DESK_TOKEN] } });
  }

  async dispose(): Promise<void> {
    await this.server?.close();
    await this.database?.drop();
  }
}

const test = base.extend<{ cloud: Cloud; first: RunningHost }>({
  cloud: async ({}, use) => {
    const cloud = new Cloud();
    await cloud.start();
    await use(cloud);
    await cloud.dispose();
  },
  // The clinic's first desk: the demo clinic, syncing with a token from its environment.
  first: async ({ cloud }, use) => {
    const host = await startHost({
      demo: true,
      minutesOfToday: MINUTES_OF_TODAY,
      env: { FRONT_DESK_CLOUD_URL: cloud.url, FRONT_DESK_CLOUD_TOKEN: DESK_TOKEN },
    });
    await use(host);
    await host.stop();
  },
});

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: join(SCREENS, name), fullPage: true });
}

test('a new desk joins the clinic from its first-run screen with a code from the first desk’s Settings, then signs in and sees its bookings', async ({
  browser,
  cloud,
  first,
}) => {
  test.setTimeout(240_000);
  // The first desk: a practitioner of the test's own with a booking today, all synced.
  const admin = await ClinicApi.signIn(first.url, 'admin', 'demo');
  const clinic = await setUpTodayClinic(admin, { practitioner: 'Dr. Inês Juncal', room: 'Sala 9' }, 'own');
  const patient = await createPatient(admin, { fullName: 'Joana Adesão Pires', dateOfBirth: '1984-06-12', phone: '+351 914 555 666' });
  await bookToday(admin, clinic, patient, 90);
  await admin.call('sync.updateSettings', { enabled: true, pullIntervalSeconds: 5 });
  await expect
    .poll(
      async () => {
        const status = await admin.call('sync.now', {});
        return `${status.connection} ${status.pending}`;
      },
      { timeout: 90_000 },
    )
    .toBe('online 0');

  // Its administrator makes a code in Settings › Cloud sync › Add a desk.
  const firstPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const firstApp = new FrontDeskApp(firstPage, first.url);
  await firstApp.open();
  await firstApp.signIn('admin', 'demo');
  await firstApp.goTo('settings');
  const addDesk = firstPage.getByTestId('add-desk');
  await addDesk.scrollIntoViewIfNeeded();
  await addDesk.getByTestId('add-desk-create').click();
  const codeText = (await addDesk.getByTestId('join-code-value').textContent())!.trim();
  expect(codeText).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  await expect(addDesk.getByTestId('join-code-expiry')).toContainText('Good once, until');
  await expect(addDesk).toContainText(cloud.url);
  await addDesk.screenshot({ path: join(SCREENS, 'add-desk-1280.png') });
  await shoot(firstPage, 'settings-add-desk-1280.png');

  // A new computer: nothing set up, no cloud in its environment.
  const second = await startHost({ demo: false, minutesOfToday: MINUTES_OF_TODAY });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const app = new FrontDeskApp(page, second.url);
    await app.open();
    await expect(page.getByRole('heading', { name: 'Join a clinic' })).toBeVisible();
    await shoot(page, 'first-run-1280.png');
    await page.setViewportSize({ width: 1440, height: 900 });
    await shoot(page, 'first-run-1440.png');
    await page.setViewportSize({ width: 1280, height: 800 });
    // In European Portuguese too.
    await page.getByTestId('language-select').selectOption('pt');
    await expect(page.getByRole('heading', { name: 'Juntar-se a uma clínica' })).toBeVisible();
    await shoot(page, 'first-run-pt-1280.png');
    await page.getByTestId('first-run-join').click();
    await page.getByTestId('join-code').fill('ABC');
    await page.getByTestId('join-submit').click();
    await expect(page.getByText('Dez letras e algarismos, como XXXXX-XXXXX.')).toBeVisible();
    await shoot(page, 'join-form-pt-1280.png');
    await page.getByTestId('language-select').selectOption('en');

    // A mistyped code: said so, and nothing is spent or saved.
    await page.getByTestId('join-cloud-url').fill(cloud.url);
    await page.getByTestId('join-code').fill('ZZZZZ-ZZZZZ');
    await page.getByTestId('join-submit').click();
    await expect(page.getByTestId('error-message')).toHaveAttribute('data-error-code', 'JOIN_CODE_INVALID');
    await expect(page.getByTestId('error-message')).toContainText('The cloud did not accept that code');
    await shoot(page, 'join-wrong-code-1280.png');
    // An address that is not HTTPS (and not this computer) is refused before anything is sent.
    await page.getByTestId('join-cloud-url').fill('http://cloud.example.pt');
    await page.getByTestId('join-submit').click();
    await expect(page.getByText('An https:// address (plain http:// only to this computer).')).toBeVisible();

    // The right one, typed in lower case without the dash.
    await page.getByTestId('join-cloud-url').fill(cloud.url);
    await page.getByTestId('join-code').fill(codeText.replace('-', '').toLowerCase());
    await expect(page.getByTestId('join-code')).toHaveValue(codeText);
    await shoot(page, 'join-form-1280.png');
    // Held back a moment, so that the progress state can be seen (the download itself is quick).
    await page.route('**/api/rpc/setup.joinClinic', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await page.getByTestId('join-submit').click();
    await expect(page.getByTestId('join-progress')).toContainText('Downloading the clinic…');
    await shoot(page, 'join-progress-1280.png');
    await expect(page.getByLabel('Username')).toBeVisible({ timeout: 60_000 });
    await page.unroute('**/api/rpc/setup.joinClinic');
    await shoot(page, 'joined-sign-in-1280.png');

    // The same code does nothing a second time (here, straight at the cloud).
    const again = await fetch(`${cloud.url}/v1/join`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: codeText, deskName: 'again' }),
    });
    expect(again.status).toBe(403);

    // The clinic is here: its bookings are on the new desk's board.
    const board = new BoardPage(page);
    await app.signIn('admin', 'demo');
    await expect(board.appointment('Joana Adesão Pires')).toHaveCount(1, { timeout: 15_000 });
    await expect(page.getByText(clinic.practitionerName).first()).toBeVisible();
    await shoot(page, 'joined-board-1280.png');
  } finally {
    await second.stop();
  }
});
