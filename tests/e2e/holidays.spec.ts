import { DateTime } from 'luxon';
import { portugueseNationalHolidays } from '../../shared/holidays/portugal';
import { ClinicApi } from './clinic-api';
import { test, expect, freeMonday } from './fixtures';

const SCREENS = '/work/screens/desk-holidays';

/** A Monday two weeks or more ahead that is not a national holiday, whatever today is. */
function ownHolidayDay(): string {
  let day = freeMonday();
  const national = (d: string) => portugueseNationalHolidays(Number(d.slice(0, 4))).some((h) => h.day === d);
  while (national(day)) day = DateTime.fromISO(day).plus({ days: 7 }).toISODate()!;
  return day;
}

test('an admin pre-fills the national holidays and adds the clinic’s own; that day has no free times and refuses bookings', async ({ app, page, host }) => {
  const day = ownHolidayDay();
  const year = day.slice(0, 4);

  // Someone is booked on the day before it is closed: the admin is told, to move them.
  const desk = await ClinicApi.signIn(host.url, 'reception', 'demo');
  const specialty = (await desk.call('specialties.list', {})).find((s) => s.isActive)!;
  const patient = await desk.call('patients.create', { fields: { fullName: 'Rita Feriado Sousa', dateOfBirth: '1970-01-01', phone: '936 555 123' } });
  const [early] = (await desk.call('schedule.freeSlots', { specialtyId: specialty.id, day })).slots;
  await desk.call('appointments.book', { patientId: patient.id, specialtyId: specialty.id, practitionerId: early!.practitionerId, startsAt: early!.startsAt });

  await app.signIn('admin', 'demo');
  await app.goTo('setup');
  await page.getByTestId('setup-holidays').click();
  await page.getByLabel('Year').selectOption(year);
  await page.getByRole('button', { name: `Add Portugal’s national holidays for ${year}` }).click();
  const rows = page.getByTestId('holiday-row');
  await expect(rows).toHaveCount(13);
  await expect(rows.filter({ hasText: 'Good Friday' })).toContainText('National');
  // Again: nothing new, nothing doubled.
  await page.getByRole('button', { name: `Add Portugal’s national holidays for ${year}` }).click();
  await expect(app.toast()).toContainText(`Every national holiday of ${year} is on the list already.`);
  await expect(rows).toHaveCount(13);

  await page.getByRole('button', { name: 'Add holiday' }).click();
  const form = page.getByTestId('holiday-dialog');
  await form.getByLabel('Day').fill(day);
  await form.getByLabel('Name (Portuguese)').fill('Feriado municipal');
  await form.getByLabel('Name (English)').fill('Municipal holiday');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(rows).toHaveCount(14);
  await expect(rows.filter({ hasText: 'Municipal holiday' })).toContainText('Clinic’s own');
  await expect(page.getByTestId('holidays-stranded')).toContainText(patient.fullName);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByTestId('holidays-stranded').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/holidays-stranded-1280.png` });
  await page.getByTestId('holidays-stranded').getByRole('button', { name: 'Close' }).click();
  await page.screenshot({ path: `${SCREENS}/holidays-1280.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `${SCREENS}/holidays-1440.png` });

  // The clinic is closed that day, for everyone.
  expect((await desk.call('schedule.freeSlots', { specialtyId: specialty.id, day })).slots).toEqual([]);
  const { slots } = await desk.call('schedule.freeSlots', { specialtyId: specialty.id, day: DateTime.fromISO(day).plus({ days: 1 }).toISODate()! });
  const refused = await desk.raw('appointments.book', {
    patientId: patient.id,
    specialtyId: specialty.id,
    practitionerId: slots[0]!.practitionerId,
    startsAt: slots[0]!.startsAt - 24 * 3_600_000,
  });
  expect(refused.body.error?.code).toBe('CLINIC_CLOSED');
});
