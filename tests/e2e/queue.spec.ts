import type { BrowserContextOptions, Page } from '@playwright/test';
import { test as base, expect } from './fixtures';
import { bookToday, ClinicApi, clinicNow, createPatient, setUpTodayClinic } from './clinic-api';
import { hostNow } from './clock';
import { FrontDeskApp } from './page-models/app';
import { DisplayScreen, ScreensSettings } from './page-models/display';
import { KioskScreen } from './page-models/kiosk';
import { CheckInBoard, QueuePage, QueueSettingsPage, TICKET } from './page-models/queue';

/**
 * Check-in, the queue, the waiting-room display and the kiosk, with several browsers at once.
 * The demo clinic's own day depends on the hour (closed at night and on Sundays), so each
 * test makes its own "today": a practitioner who works all day, in a room of their own,
 * with patients booked a few minutes from now.
 */
const test = base.extend<{ newScreen: (options?: BrowserContextOptions) => Promise<Page> }>({
  // Other browsers on the LAN: each its own context (cookies, device token), closed after the test.
  newScreen: async ({ browser }, use) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    await use(async (options) => {
      const context = await browser.newContext(options);
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
});

// Patients booked a few minutes from now are seen today: near midnight the host runs at noon instead.
test.use({ minutesOfToday: 50 });

const TV = { viewport: { width: 1920, height: 1080 } };
const TABLET = { viewport: { width: 1280, height: 800 }, hasTouch: true };

const leonorFields = { fullName: 'Leonor Quintanilha Barbosa', dateOfBirth: '1987-04-12', phone: '+351 936 472 815', preferredLanguage: 'pt' as const };
const ruiFields = { fullName: 'Rui Tavares Coelho', dateOfBirth: '1979-09-03', phone: '+351 912 048 337' };

test('reception checks patients in and calls one; the display shows and announces the call in the privacy mode chosen', async ({
  app,
  page,
  host,
  newScreen,
}, testInfo) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  const clinic = await setUpTodayClinic(admin);
  const leonor = await createPatient(admin, leonorFields);
  const rui = await createPatient(admin, ruiFields);
  await bookToday(admin, clinic, leonor, 2);
  await bookToday(admin, clinic, rui, 2 + clinic.durationMinutes);

  const { code } = await admin.call('devices.createPairingCode', { role: 'display', name: 'Waiting room TV' });
  const display = new DisplayScreen(await newScreen(TV), host.url);
  await display.pair(code);
  await expect(display.current()).toHaveAttribute('data-ticket', '');
  await expect(display.waiting()).toHaveCount(0);

  // Check in: one with the card's button, the other with C on the selected card.
  await app.signIn('reception', 'demo');
  const board = new CheckInBoard(page);
  await board.showToday();
  const ticket = await board.checkInWithButton(leonor.fullName);
  expect(ticket.startsWith(`${clinic.ticketPrefix}-`)).toBe(true);
  await expect(app.toast()).toContainText(`${ticket} · ${leonor.fullName} is checked in`);
  const ruiTicket = await board.checkInWithKey(rui.fullName);
  expect(ruiTicket).not.toBe(ticket);

  // The waiting room sees both tickets, names reduced to "first name + last initial" (the default).
  await expect(display.waiting()).toHaveCount(2);
  await expect(display.waiting().first()).toHaveAttribute('data-ticket', ticket);
  await expect(display.waiting(ticket)).toContainText('Leonor B.');
  await expect(display.waiting(ruiTicket)).toContainText('Rui C.');
  await expect(display.board()).not.toContainText('Barbosa');

  const queue = new QueuePage(page);
  await queue.open();
  await expect(queue.entries(clinic.practitionerId)).toHaveCount(2);
  // On time, in appointment order.
  await expect(queue.entries(clinic.practitionerId).first()).toHaveAttribute('data-ticket', ticket);
  await expect(queue.entry(ticket)).toHaveAttribute('data-status', 'checked_in');
  await page.screenshot({ path: testInfo.outputPath('queue-view.png'), fullPage: true });

  await queue.callNext(clinic.practitionerId);
  const calledAt = Date.now();
  await expect(display.current()).toHaveAttribute('data-ticket', ticket, { timeout: 1_000 });
  testInfo.annotations.push({ type: 'call on display after', description: `${Date.now() - calledAt} ms` });
  await expect(display.currentName()).toHaveText('Leonor B.');
  await expect(display.currentRoom()).toHaveText(clinic.roomName);
  await expect(display.waiting()).toHaveCount(1);
  await expect(display.waiting().first()).toHaveAttribute('data-ticket', ruiTicket);
  await expect(queue.entry(ticket)).toHaveAttribute('data-status', 'called');
  // Spoken after the chime: what the waiting room heard.
  const spokenWithName = `${ticket}, Leonor B., ${clinic.roomName}`;
  await expect.poll(() => display.announcements()).toEqual([spokenWithName]);
  await display.page.screenshot({ path: testInfo.outputPath('display-called.png') });

  // The admin switches the display to tickets only: the names leave the screen at once.
  const adminPage = await newScreen();
  const adminDesk = new FrontDeskApp(adminPage, host.url);
  await adminDesk.open();
  await adminDesk.signIn('admin', 'demo');
  const settings = new QueueSettingsPage(adminPage);
  await settings.open();
  await expect(adminPage.getByTestId('privacy-firstNameLastInitial')).toBeChecked();
  await settings.setPrivacy('ticketOnly');

  await expect(display.currentName()).toHaveText('');
  await expect(display.current()).toHaveAttribute('data-ticket', ticket);
  await expect(display.waiting(ruiTicket)).toBeVisible();
  await expect(display.board()).not.toContainText('Leonor');
  await expect(display.board()).not.toContainText('Rui C.');

  // A recall is a new call: shown again and announced again, now without the name.
  const firstCallId = (await display.current().getAttribute('data-call-id'))!;
  expect(firstCallId).not.toBe('');
  await queue.recall(ticket);
  await expect(display.current()).not.toHaveAttribute('data-call-id', firstCallId);
  await expect(display.current()).toHaveAttribute('data-ticket', ticket);
  // The recall waits its turn behind the first announcement if a voice is still speaking it.
  await expect.poll(() => display.announcements(), { timeout: 20_000 }).toEqual([spokenWithName, `${ticket}, ${clinic.roomName}`]);
  await display.page.screenshot({ path: testInfo.outputPath('display-ticket-only.png') });

  await queue.start(ticket);
  await queue.finish(ticket);
  await expect(queue.entries(clinic.practitionerId)).toHaveCount(1);
});

test('a screen is paired with a code from "Add a screen", refused where its role does not reach, and sent back to pairing when revoked', async ({
  app,
  page,
  host,
  newScreen,
}) => {
  await app.signIn('reception', 'demo');
  const screens = new ScreensSettings(page);
  await screens.open();
  const code = await screens.createCode('display', 'Waiting room TV');

  // A browser that is neither signed in nor paired gets the pairing screen, and the host gives it nothing.
  const display = new DisplayScreen(await newScreen(TV), host.url);
  await display.open();
  await expect(display.pairing.codeInput()).toBeVisible();
  expect((await ClinicApi.anonymous(host.url).raw('display.state', {})).status).toBe(401);

  const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  await display.pairing.enter(wrongCode);
  await expect(display.page.getByTestId('error-message')).toBeVisible();
  await expect(display.board()).toHaveCount(0);
  await display.pairing.enter(code);
  await expect(display.board()).toBeVisible();
  await screens.closeDialog();
  await expect(screens.row('Waiting room TV')).toHaveAttribute('data-role', 'display');

  // The display's token reads the waiting-room view and nothing a receptionist may do.
  const token = (await display.page.context().cookies()).find((cookie) => cookie.name === 'fd_device')?.value;
  expect(token).toBeTruthy();
  const asDisplay = ClinicApi.anonymous(host.url, token);
  expect((await asDisplay.raw('display.state', {})).status).toBe(200);
  const refused = await asDisplay.raw('patients.search', { query: 'silva' });
  expect(refused.status).toBe(403);
  expect(refused.body.error?.code).toBe('FORBIDDEN');

  // A kiosk's token opens the kiosk, not the waiting-room display.
  const kioskCode = await screens.createCode('kiosk', 'Entrance tablet');
  const kiosk = new KioskScreen(await newScreen(TABLET), host.url);
  await kiosk.pair(kioskCode);
  await screens.closeDialog();
  await expect(screens.row('Entrance tablet')).toHaveAttribute('data-role', 'kiosk');
  await kiosk.page.goto(`${host.url}display`);
  await expect(kiosk.pairing.forbidden()).toBeVisible();
  await expect(kiosk.page.getByTestId('display')).toHaveCount(0);

  // Revoked: the display drops what it showed and asks for a code again, by itself.
  await screens.revoke('Waiting room TV');
  await expect(display.pairing.codeInput()).toBeVisible({ timeout: 15_000 });
  await expect(display.board()).toHaveCount(0);
  expect((await asDisplay.raw('display.state', {})).status).toBe(401);
  // The kiosk was not revoked.
  await kiosk.open();
  await expect(kiosk.page.getByTestId('kiosk-start')).toBeVisible();
});

test('a patient checks in at the kiosk by birth date and phone; a wrong phone reveals nothing; the ticket joins the waiting list', async ({
  app,
  page,
  host,
  newScreen,
}, testInfo) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  const clinic = await setUpTodayClinic(admin);
  const leonor = await createPatient(admin, leonorFields);
  // Inside the kiosk's window (60 minutes early by default).
  const startsAt = clinicNow().startOf('minute').plus({ minutes: 10 }).toMillis();
  await bookToday(admin, clinic, leonor, 10);

  const { code: displayCode } = await admin.call('devices.createPairingCode', { role: 'display', name: 'Waiting room TV' });
  const display = new DisplayScreen(await newScreen(TV), host.url);
  await display.pair(displayCode);

  await app.signIn('reception', 'demo');
  const screens = new ScreensSettings(page);
  await screens.open();
  const kioskCode = await screens.createCode('kiosk', 'Entrance tablet');
  const kiosk = new KioskScreen(await newScreen(TABLET), host.url);
  await kiosk.pair(kioskCode);
  await screens.closeDialog();

  // A wrong phone: sent to the desk, and neither the screen nor the answer names anyone.
  await kiosk.beginWithBirthDate();
  await kiosk.typeBirthDateAndPhone(leonor.dateOfBirth, '0000');
  const answer = kiosk.page.waitForResponse((response) => response.url().endsWith('/api/rpc/kiosk.checkIn'));
  await kiosk.submit();
  // The same answer as for a patient booked later, or too late, or nobody at all.
  expect(await (await answer).json()).toEqual({ ok: true, value: { outcome: 'seeDesk' } });
  await expect(kiosk.result()).toHaveAttribute('data-outcome', 'seeDesk');
  const everything = kiosk.page.locator('body');
  for (const secret of ['Leonor', 'Quintanilha', 'Barbosa', clinic.practitionerName, clinic.roomName]) await expect(everything).not.toContainText(secret);
  await expect(kiosk.page.getByTestId('kiosk-ticket')).toHaveCount(0);

  await kiosk.retry();
  await kiosk.typeBirthDateAndPhone(leonor.dateOfBirth, leonor.phone.replace(/\D/g, '').slice(-4));
  await kiosk.submit();
  await expect(kiosk.result()).toHaveAttribute('data-outcome', 'checkedIn');
  const ticketShown = kiosk.page.getByTestId('kiosk-ticket');
  await expect(ticketShown).toHaveText(TICKET);
  const ticket = (await ticketShown.textContent())!.trim();
  expect(ticket.startsWith(`${clinic.ticketPrefix}-`)).toBe(true);
  await expect(kiosk.page.getByTestId('kiosk-room')).toHaveText(clinic.roomName);
  // Nobody ahead: the wait is the time until the appointment, never less.
  const minutes = Number(await kiosk.page.getByTestId('kiosk-wait').getAttribute('data-minutes'));
  expect(Math.abs(minutes - (startsAt - hostNow()) / 60_000)).toBeLessThanOrEqual(1.5);
  // Greeted by first name only, then in their own language.
  await expect(kiosk.result()).toContainText('Leonor');
  await expect(kiosk.result()).not.toContainText('Barbosa');
  await expect(kiosk.page.getByTestId('kiosk-lang-pt')).toHaveAttribute('aria-pressed', 'true');
  await kiosk.page.screenshot({ path: testInfo.outputPath('kiosk-result.png') });

  // The waiting room shows the ticket at once; the desk's queue has it too.
  await expect(display.waiting(ticket)).toContainText('Leonor B.');
  await expect(display.waiting()).toHaveCount(1);
  await display.page.screenshot({ path: testInfo.outputPath('display-waiting.png') });
  const queue = new QueuePage(page);
  await queue.open();
  await expect(queue.entry(ticket)).toHaveAttribute('data-status', 'checked_in');
  await expect(queue.entries(clinic.practitionerId)).toHaveCount(1);

  // A second go at the kiosk is harmless: the same ticket again.
  await kiosk.done();
  await kiosk.beginWithBirthDate();
  await kiosk.typeBirthDateAndPhone(leonor.dateOfBirth, leonor.phone.replace(/\D/g, '').slice(-4));
  await kiosk.submit();
  await expect(kiosk.result()).toHaveAttribute('data-outcome', 'alreadyCheckedIn');
  await expect(ticketShown).toHaveText(ticket);
  await expect(display.waiting()).toHaveCount(1);
});
