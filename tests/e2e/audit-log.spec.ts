import { readFileSync } from 'node:fs';
import { ClinicApi } from './clinic-api';
import { test, expect, freeMonday } from './fixtures';

const SCREENS = '/work/screens/desk-audit';

test('an admin reads the audit log in words, filtered by a patient, and exports it; a receptionist cannot', async ({ app, page, host }) => {
  // A receptionist books and moves an appointment (the API, as another desk would).
  const desk = await ClinicApi.signIn(host.url, 'reception', 'demo');
  const patient = await desk.call('patients.create', { fields: { fullName: 'Leonor Auditada Figueira', dateOfBirth: '1961-05-02', phone: '936 555 010' } });
  const specialty = (await desk.call('specialties.list', {})).find((s) => s.isActive)!;
  const { slots } = await desk.call('schedule.freeSlots', { specialtyId: specialty.id, day: freeMonday() });
  const [first, second] = [
    slots[0]!,
    slots.find((slot) => slot.practitionerId === slots[0]!.practitionerId && slot.startsAt > slots[0]!.startsAt + 3_600_000)!,
  ];
  const booked = await desk.call('appointments.book', {
    patientId: patient.id,
    specialtyId: specialty.id,
    practitionerId: first.practitionerId,
    startsAt: first.startsAt,
  });
  await desk.call('appointments.reschedule', { id: booked.id, startsAt: second.startsAt });
  // The contract refuses the log to a receptionist, whatever the UI shows.
  expect((await desk.raw('audit.list', {})).body.error?.code).toBe('FORBIDDEN');

  await app.signIn('admin', 'demo');
  await app.goTo('audit');
  const view = page.getByTestId('audit-view');
  await expect(view.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await expect(view.getByTestId('audit-entry').first()).toContainText('Marta Figueiredo signed in');

  await view.getByTestId('audit-filter-patient').fill('Leonor Auditada');
  await view.getByTestId('audit-patient-result').filter({ hasText: patient.fullName }).click();
  await expect(view.getByTestId('audit-filter-patient-chosen')).toContainText(patient.fullName);
  const moved = view.getByTestId('audit-entry').filter({ hasText: 'moved' });
  await expect(moved).toHaveCount(1);
  await expect(moved.getByTestId('audit-what')).toHaveText(
    new RegExp(`^Carla Nunes moved ${patient.fullName}’s appointment from \\w{3} \\d{1,2} \\w{3} \\d{2}:\\d{2} to \\d{2}:\\d{2}$`),
  );
  await expect(moved).toContainText('Appointment moved');
  await expect(view.getByTestId('audit-entry').filter({ hasText: 'booked an appointment for' })).toHaveCount(1);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENS}/audit-log-1280.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `${SCREENS}/audit-log-1440.png` });

  const [download] = await Promise.all([page.waitForEvent('download'), view.getByTestId('audit-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\uFEFF"When","Who","Where","Action","Patient","What","Detail"\r\n')).toBe(true);
  expect(csv).toContain(`"Carla Nunes","`);
  expect(csv).toMatch(new RegExp(`"Carla Nunes moved ${patient.fullName}’s appointment from [^"]+ to \\d{2}:\\d{2} at [^"]+"`));
  await expect(app.toast()).toContainText('Exported');
  // Opening and exporting the log are themselves on record.
  await view.getByRole('button', { name: 'Clear filters' }).click();
  const entries = view.getByTestId('audit-entry');
  await expect(entries.nth(0)).toContainText(`Marta Figueiredo exported who has seen or changed ${patient.fullName}’s record`);
  await expect(entries.nth(1)).toContainText(`Marta Figueiredo looked at who has seen or changed ${patient.fullName}’s record`);
  await expect(entries.filter({ hasText: 'Marta Figueiredo opened the audit log' }).first()).toBeVisible();

  await app.toast().getByRole('button', { name: 'Dismiss' }).click();

  // The patient's own page: who has seen or changed this record.
  await page.goto(`${host.url}#/patients/${patient.id}`);
  const section = page.getByTestId('patient-audit');
  await expect(section.getByRole('heading', { name: 'Who has seen or changed this record' })).toBeVisible();
  await expect(section.getByTestId('audit-entry').filter({ hasText: 'Marta Figueiredo viewed' }).first()).toBeVisible();
  await expect(section.getByTestId('audit-entry').filter({ hasText: 'moved' })).toHaveCount(1);
  await section.scrollIntoViewIfNeeded();
  await page.setViewportSize({ width: 1280, height: 800 });
  await section.screenshot({ path: `${SCREENS}/patient-audit-1280.png` });
  await page.screenshot({ path: `${SCREENS}/patient-page-1280.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
  await section.screenshot({ path: `${SCREENS}/patient-audit-1440.png` });

  // A receptionist sees neither the view nor the section, and a typed address falls back to Today.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await app.signIn('reception', 'demo');
  await expect(app.nav('today')).toBeVisible();
  await expect(app.nav('audit')).toHaveCount(0);
  await page.goto(`${host.url}#/audit`);
  await expect(app.nav('today')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('audit-view')).toHaveCount(0);
  await page.goto(`${host.url}#/patients/${patient.id}`);
  await expect(page.getByTestId('patient-detail')).toContainText(patient.fullName);
  await expect(page.getByTestId('patient-audit')).toHaveCount(0);
});
