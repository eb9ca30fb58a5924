import { test, expect } from './fixtures';
import { bookToday, ClinicApi, clinicNow, createPatient, setUpTodayClinic } from './clinic-api';

// Bookings and time off hours ahead today: near midnight the host runs at noon instead.
test.use({ minutesOfToday: 5 * 60 });

/**
 * Time off over booked patients is never accepted in silence: Setup lists them to be moved,
 * cancelled (with the phone and language to call) or kept, and the board flags what is
 * left until someone deals with it. A day of the test's own, whatever the hour.
 */
test('adding time off lists the booked patients it strands; the board flags the rest until kept', async ({ page, app, host }) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  const clinic = await setUpTodayClinic(admin, { practitioner: 'Dr.ª Ana Teste', room: 'Sala 7' }, 'own');
  const colleague = await setUpTodayClinic(admin, { practitioner: 'Dr. Rui Colega', room: 'Sala 8' }, { id: clinic.specialtyId });
  const moved = await createPatient(admin, { fullName: 'Mara Movida', dateOfBirth: '1980-02-02', phone: '+351 912 111 001' });
  const cancelled = await createPatient(admin, {
    fullName: 'Carl Cancel',
    dateOfBirth: '1975-03-03',
    phone: '+351 912 111 002',
    preferredLanguage: 'en',
  });
  const kept = await createPatient(admin, { fullName: 'Quim Fica', dateOfBirth: '1990-04-04', phone: '+351 912 111 003' });
  await bookToday(admin, clinic, moved, 60);
  await bookToday(admin, clinic, cancelled, 90);
  await bookToday(admin, clinic, kept, 120);

  await app.signIn('admin', 'demo');
  await app.goTo('setup');
  await page.getByTestId('setup-timeOff').click();
  await page.getByRole('button', { name: 'Add time off' }).click();
  const form = page.getByTestId('time-off-dialog');
  await form.getByLabel('Practitioner').selectOption({ label: clinic.practitionerName });
  const local = (minutes: number) => clinicNow().plus({ minutes }).toFormat("yyyy-MM-dd'T'HH:mm");
  await form.getByLabel('From').fill(local(10));
  await form.getByLabel('Until').fill(local(4 * 60));
  await form.getByRole('button', { name: 'Add', exact: true }).click();

  const dialog = page.getByTestId('unsettled-dialog');
  await expect(dialog).toBeVisible();
  const rows = dialog.getByTestId('unsettled-row');
  await expect(rows).toHaveCount(3);
  const row = (name: string) => rows.filter({ hasText: name });
  await expect(row(cancelled.fullName).getByTestId('unsettled-contact')).toHaveText('Call +351 912 111 002 · speaks English');
  await expect(row(moved.fullName)).toContainText('The practitioner is away at this time');

  // Moved to the colleague who offers the same specialty.
  await expect(row(moved.fullName).getByTestId('unsettled-move-other')).toContainText(colleague.practitionerName);
  await row(moved.fullName).getByTestId('unsettled-move-other').click();
  await expect(rows).toHaveCount(2);
  await row(cancelled.fullName).getByTestId('unsettled-cancel').click();
  await row(cancelled.fullName).getByTestId('unsettled-confirm-cancel').click();
  await expect(rows).toHaveCount(1);
  await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(dialog).toBeHidden();

  // What was left is flagged on the board until it is dealt with.
  await app.goTo('today');
  const card = page.getByTestId('board-appointment').filter({ hasText: kept.fullName });
  await expect(card.getByTestId('schedule-problem')).toHaveText(/The practitioner is away at this time/);
  await expect(page.getByTestId('board-appointment').filter({ hasText: moved.fullName })).toContainText('Sala 8');
  await expect(page.getByTestId('board-appointment').filter({ hasText: moved.fullName }).getByTestId('schedule-problem')).toHaveCount(0);
  await card.getByRole('button', { name: `Keep as is: ${kept.fullName}` }).click();
  await expect(card.getByTestId('schedule-problem')).toHaveCount(0);
  await expect(app.toast()).toContainText(`${kept.fullName}’s appointment is kept as it is.`);
});
