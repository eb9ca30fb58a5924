import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { bookToday, ClinicApi, clinicNow, createPatient, setUpTodayClinic, type TodayClinic } from './clinic-api';
import { KioskScreen } from './page-models/kiosk';
import { PatientsPage } from './page-models/patients';
import { CheckInBoard } from './page-models/queue';

/**
 * The desk's documents (day list, appointment slip, upcoming appointments) and the kiosk's
 * ticket, each printed to PDF by Chromium as the print dialog would (print media: only the
 * document) and read back with pdftotext. The clinic's day is the test's own: a practitioner
 * working all day, a patient booked minutes from now.
 */

test.use({ minutesOfToday: 60 });

const OUT = '/work/screens/print';
const TABLET = { viewport: { width: 1280, height: 800 }, hasTouch: true };
const ADDRESS = 'Rua Augusta 100, 1100-053 Lisboa';
const PHONE = '+351 213 000 000';
const leonorFields = { fullName: 'Leonor Quintanilha Barbosa', dateOfBirth: '1987-04-12', phone: '+351 936 472 815' };

/** Print media as the print dialog renders it, saved, its text back, and a picture of each page to look at. */
async function printToPdf(page: Page, name: string): Promise<{ text: string; widthMm: number; heightMm: number; pages: number }> {
  mkdirSync(OUT, { recursive: true });
  const path = `${OUT}/${name}.pdf`;
  await page.pdf({ path, preferCSSPageSize: true, printBackground: true });
  execFileSync('pdftoppm', ['-png', '-r', '60', path, `${OUT}/${name}-page`]);
  const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  const [, width, height] = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info)!;
  const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
  const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  const ptToMm = (pt: string) => (Number(pt) * 25.4) / 72;
  return { text: text.replace(/[ \t]+/g, ' '), widthMm: ptToMm(width!), heightMm: ptToMm(height!), pages };
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 1440, height: 900 },
  ]) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `${OUT}/${name}-${viewport.width}x${viewport.height}.png` });
  }
}

/** The same practitioner a week or more ahead (a holiday may close the first such day): the upcoming list's second line. */
async function bookWeeksAhead(admin: ClinicApi, clinic: TodayClinic, patientId: number): Promise<number> {
  for (const weeks of [1, 2, 3]) {
    const startsAt = clinicNow().startOf('minute').plus({ weeks, minutes: 10 }).toMillis();
    try {
      const appointment = await admin.call('appointments.book', {
        patientId,
        specialtyId: clinic.specialtyId,
        practitionerId: clinic.practitionerId,
        startsAt,
      });
      return appointment.startsAt;
    } catch (error) {
      if (!String(error).includes('CLINIC_CLOSED')) throw error;
    }
  }
  throw new Error('No open day in three weeks.');
}

test('the desk prints the day list, a slip and upcoming appointments; a kiosk with a printer prints the ticket', async ({ app, page, host, browser }) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  await admin.call('settings.update', { clinicAddress: ADDRESS, clinicPhone: PHONE, displayPrivacy: 'initials' });
  const clinic = await setUpTodayClinic(admin);
  const leonor = await createPatient(admin, leonorFields);
  const appointmentId = await bookToday(admin, clinic, leonor, 5);
  const { code } = await admin.call('appointments.get', { id: appointmentId });
  await bookWeeksAhead(admin, clinic, leonor.id);

  await app.signIn('reception', 'demo');
  // The browser host prints with the browser's own dialog: counted here instead of opened.
  await page.evaluate(() => {
    const counter = window as unknown as { __prints: string[] };
    counter.__prints = [];
    window.print = () => void counter.__prints.push(document.title);
  });
  const board = new CheckInBoard(page);
  await board.showToday();

  // The day list: one practitioner's, then the whole clinic's.
  await page.getByTestId('print-day-list').click();
  const view = page.getByTestId('print-view');
  await expect(view.getByTestId('doc-day-list')).toBeVisible();
  await view.getByTestId('print-practitioner').selectOption(String(clinic.practitionerId));
  await shoot(page, 'day-list-view');
  const dayList = await printToPdf(page, 'day-list');
  expect(dayList.widthMm).toBeCloseTo(210, 0);
  for (const text of ['Clínica Mar Azul', ADDRESS, PHONE, 'Day list', clinic.practitionerName, leonor.fullName, clinic.roomName, 'Booked', 'TIME', 'PATIENT']) {
    expect(dayList.text).toContain(text);
  }
  // Only the document: none of the app around it.
  expect(dayList.text).not.toContain('Save as PDF');
  expect(dayList.text).not.toContain('Hide finished');
  await view.getByTestId('print-practitioner').selectOption('');
  const wholeClinic = await printToPdf(page, 'day-list-whole-clinic');
  expect(wholeClinic.text).toContain('Whole clinic');
  expect(wholeClinic.text).toContain(clinic.practitionerName);
  await view.getByTestId('print-print').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __prints: string[] }).__prints)).toEqual([`Day list ${clinicNow().toISODate()}`]);
  await view.getByTestId('print-close').click();
  await expect(view).toBeHidden();

  // The slip, from the appointment's card.
  await board.card(leonor.fullName).getByTestId('print-slip').click();
  await expect(view.getByTestId('slip-code')).toHaveText(code);
  await shoot(page, 'slip-view');
  const slip = await printToPdf(page, 'slip');
  for (const text of [
    'Clínica Mar Azul',
    ADDRESS,
    PHONE,
    'Appointment',
    leonor.fullName,
    clinic.practitionerName,
    clinic.roomName,
    code,
    'KIOSK CHECK-IN CODE',
  ]) {
    expect(slip.text).toContain(text);
  }
  expect(slip.pages).toBe(1);
  await page.keyboard.press('Escape');
  await expect(view).toBeHidden();

  // Upcoming appointments, from the patient's page: today's and the one weeks ahead.
  await page.getByTestId('nav-patients').click();
  const patients = new PatientsPage(page);
  await patients.search(leonor.fullName);
  await patients.result(leonor.fullName).click();
  await page.getByTestId('print-upcoming').click();
  await expect(view.getByTestId('doc-upcoming').locator('tbody tr')).toHaveCount(2);
  await shoot(page, 'upcoming-view');
  const upcoming = await printToPdf(page, 'upcoming');
  for (const text of ['Upcoming appointments', leonor.fullName, clinic.practitionerName, clinic.roomName, PHONE]) expect(upcoming.text).toContain(text);
  await view.getByTestId('print-close').click();

  // The kiosk: paired, given a printer at the desk, it prints the ticket after check-in.
  const pairing = await admin.call('devices.createPairingCode', { role: 'kiosk', name: 'Entrance tablet' });
  const context = await browser.newContext(TABLET);
  try {
    const kioskPage = await context.newPage();
    await kioskPage.addInitScript(() => {
      const counter = window as unknown as { __prints: number };
      counter.__prints = 0;
      window.print = () => void (counter.__prints += 1);
    });
    const kiosk = new KioskScreen(kioskPage, host.url);
    await kiosk.pair(pairing.code);
    const device = (await admin.call('devices.list', {})).find((candidate) => candidate.name === 'Entrance tablet')!;
    await admin.call('devices.setPrinter', { id: device.id, hasPrinter: true });
    await kiosk.open();
    await kiosk.beginWithBirthDate();
    await kiosk.typeBirthDateAndPhone(leonor.dateOfBirth, leonor.phone.replace(/\D/g, '').slice(-4));
    await kiosk.submit();
    await expect(kiosk.result()).toHaveAttribute('data-outcome', 'checkedIn');
    const ticket = (await kioskPage.getByTestId('kiosk-ticket').textContent())!.trim();
    await expect.poll(() => kioskPage.evaluate(() => (window as unknown as { __prints: number }).__prints)).toBe(1);
    await shoot(kioskPage, 'kiosk-result');
    const printed = await printToPdf(kioskPage, 'kiosk-ticket');
    expect(printed.widthMm).toBeGreaterThan(79);
    expect(printed.widthMm).toBeLessThan(81);
    expect(printed.pages).toBe(1);
    expect(printed.heightMm).toBeLessThan(200);
    // Initials only (the privacy setting), the room, the ticket; never the full name.
    for (const text of ['Clínica Mar Azul', ticket, 'L. B.', clinic.roomName]) expect(printed.text).toContain(text);
    expect(printed.text).not.toContain('Leonor');
    expect(printed.text).not.toContain('Barbosa');
  } finally {
    await context.close();
  }
});

test('a kiosk without a printer prints nothing and works the same; the clinic’s address and phone are set in Setup', async ({ app, page, host, browser }) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  await app.signIn('admin', 'demo');
  await page.getByTestId('nav-setup').click();
  await page.getByTestId('setup-clinic').click();
  await page.getByLabel('Address').fill(ADDRESS);
  await page.getByLabel('Phone').fill('not a phone');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('field-error')).toBeVisible();
  await page.getByLabel('Phone').fill(PHONE);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(async () => (await admin.call('settings.get', {})).clinicPhone).toBe(PHONE);
  expect((await admin.call('settings.get', {})).clinicAddress).toBe(ADDRESS);
  await shoot(page, 'settings-clinic');

  const clinic = await setUpTodayClinic(admin);
  const rui = await createPatient(admin, { fullName: 'Rui Tavares Coelho', dateOfBirth: '1979-09-03', phone: '+351 912 048 337' });
  await bookToday(admin, clinic, rui, 5);
  const pairing = await admin.call('devices.createPairingCode', { role: 'kiosk', name: 'Lobby tablet' });
  const context = await browser.newContext(TABLET);
  try {
    const kioskPage = await context.newPage();
    await kioskPage.addInitScript(() => {
      const counter = window as unknown as { __prints: number };
      counter.__prints = 0;
      window.print = () => void (counter.__prints += 1);
    });
    const kiosk = new KioskScreen(kioskPage, host.url);
    await kiosk.pair(pairing.code);
    await kiosk.beginWithBirthDate();
    await kiosk.typeBirthDateAndPhone('1979-09-03', '8337');
    await kiosk.submit();
    await expect(kiosk.result()).toHaveAttribute('data-outcome', 'checkedIn');
    await expect(kioskPage.getByTestId('kiosk-ticket-sheet')).toHaveCount(0);
    expect(await kioskPage.evaluate(() => (window as unknown as { __prints: number }).__prints)).toBe(0);
  } finally {
    await context.close();
  }
});
