import { DateTime } from 'luxon';
import { ClinicApi, CLINIC_ZONE } from './clinic-api';
import { test, expect, freeMonday } from './fixtures';
import { PatientsPage } from './page-models/patients';

const SCREENS = '/work/screens/series';

test('a receptionist plans a series with a clash, takes the nearest free time, books it, sees it on the patient page and cancels from a session on', async ({
  app,
  page,
  host,
}) => {
  const monday = freeMonday();
  const desk = await ClinicApi.signIn(host.url, 'reception', 'demo');
  const specialty = (await desk.call('specialties.list', {})).find((s) => s.isActive)!;
  const [slot] = (await desk.call('schedule.freeSlots', { specialtyId: specialty.id, day: monday })).slots;
  const practitioner = (await desk.call('practitioners.list', {})).find((p) => p.id === slot!.practitionerId)!;
  const time = DateTime.fromMillis(slot!.startsAt, { zone: CLINIC_ZONE }).toFormat('HH:mm');
  await desk.call('patients.create', { fields: { fullName: 'Sofia Série Tavares', dateOfBirth: '1985-04-02', phone: '936 555 777' } });
  // Someone else already has the second Monday at that time.
  const other = await desk.call('patients.create', { fields: { fullName: 'Outro Utente Lopes', dateOfBirth: '1960-01-01', phone: '936 555 778' } });
  const secondMonday = DateTime.fromISO(`${DateTime.fromISO(monday).plus({ days: 7 }).toISODate()}T${time}`, { zone: CLINIC_ZONE }).toMillis();
  await desk.call('appointments.book', { patientId: other.id, specialtyId: specialty.id, practitionerId: practitioner.id, startsAt: secondMonday });

  await app.signIn('reception', 'demo');
  await app.goTo('patients');
  const patients = new PatientsPage(page);
  await patients.search('Sofia Série');
  await patients.result('Sofia Série Tavares').first().click();
  await patients.bookFromPatientPage();
  await expect(page.getByTestId('picked-patient')).toContainText('Sofia Série Tavares');
  const specialtySelect = page.getByTestId('booking-specialty');
  await specialtySelect.selectOption(String(specialty.id));
  await page.getByTestId('booking-practitioner').selectOption(String(practitioner.id));

  await page.getByTestId('series-open').click();
  const planner = page.getByTestId('series-planner');
  await expect(planner).toBeVisible();
  await planner.getByLabel('First day').fill(monday);
  await planner.getByLabel('Time').fill(time);
  await planner.getByLabel('sessions').fill('4');
  await planner.getByRole('button', { name: 'Show the sessions' }).click();

  const rows = planner.getByTestId('series-session');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toHaveAttribute('data-problem', 'ok');
  await expect(rows.nth(1)).toHaveAttribute('data-problem', 'taken');
  await expect(rows.nth(1)).toContainText('Nearest free:');
  // The clash takes the nearest free time unless told otherwise; pick it explicitly, as the desk would.
  await rows.nth(1).getByLabel('Session 2').selectOption('alternative');
  await expect(rows.nth(1)).toHaveAttribute('data-choice', 'alternative');

  await page.setViewportSize({ width: 1280, height: 800 });
  await rows.nth(1).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/planner-1280.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `${SCREENS}/planner-1440.png` });

  await planner.getByRole('button', { name: 'Book 4 sessions' }).click();
  await expect(app.toast()).toContainText('Series booked: 4 sessions.');
  await expect(planner).toBeHidden();

  await app.goTo('patients');
  await patients.search('Sofia Série');
  await patients.result('Sofia Série Tavares').first().click();
  const series = page.getByTestId('patient-series');
  await expect(series.getByTestId('series-summary')).toContainText(`with ${practitioner.fullName} · 0 of 4 done · next on`);
  await expect(series.getByTestId('series-item-session')).toHaveCount(4);
  for (const [width, height] of [
    [1280, 800],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    await series.getByTestId('series-item').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/patient-${width}.png` });
  }

  await series.getByRole('button', { name: 'Cancel this and later (3)' }).click();
  const dialog = page.getByTestId('series-action-dialog');
  await dialog.getByLabel('Reason').fill('Course stopped early');
  await dialog.getByRole('button', { name: 'Cancel the sessions' }).click();
  await expect(app.toast()).toContainText('2 sessions cancelled.');
  await expect(series.locator('[data-testid="series-item-session"][data-status="cancelled"]')).toHaveCount(2);
  await expect(series.getByTestId('series-summary')).toContainText('0 of 2 done');
});
