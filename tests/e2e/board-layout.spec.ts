import { test, expect } from './fixtures';
import { bookToday, ClinicApi, clinicNow, createPatient, setUpTodayClinic, type TestPatient } from './clinic-api';

// Twelve visits of 20 minutes are booked from now on: near midnight the host runs at noon instead.
test.use({ minutesOfToday: 12 * 20 + 10 });

/**
 * The today board on a 1280 × 800 window, on a day of the test's own: a practitioner who
 * works all of today with a long list, and enough colleagues working today that the
 * columns outgrow the window. Nothing here depends on the hour, beyond leaving enough of
 * today for the bookings.
 */
test.use({ viewport: { width: 1280, height: 800 } });

const COLLEAGUES = ['Dr. Abel Matos', 'Dr.ª Beatriz Lobo', 'Dr. Caio Reis', 'Dr.ª Dina Faria', 'Dr. Edgar Sá'];

test('the board fits 1280 px: its own scroller, sticky names, a now line and finished visits hidden on request', async ({ page, app, host }) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  const clinic = await setUpTodayClinic(admin, { practitioner: 'Dr.ª Zulmira Teles', room: 'Sala 9' });
  for (const fullName of COLLEAGUES) {
    const colleague = await admin.call('practitioners.save', { fullName, specialtyIds: [clinic.specialtyId], defaultRoomId: null });
    await admin.call('workingHours.set', { practitionerId: colleague.id, intervals: [{ weekday: clinicNow().weekday, start: '00:00', end: '24:00' }] });
  }
  const patients: TestPatient[] = [];
  for (let i = 0; i < 12; i++) {
    const patient = await createPatient(admin, {
      fullName: `Layout Patient ${String(i + 1).padStart(2, '0')}`,
      dateOfBirth: '1970-01-01',
      phone: `+351 912 000 ${100 + i}`,
    });
    patients.push(patient);
    await bookToday(admin, clinic, patient, 2 + i * clinic.durationMinutes);
  }
  // The first visit is over already.
  const board = await admin.call('board.day', { day: clinicNow().toISODate()!, practitionerId: clinic.practitionerId });
  const first = board.appointments.find((a) => a.patientId === patients[0]!.id)!;
  await admin.call('checkin.checkIn', { appointmentId: first.id });
  await admin.call('queue.callNext', { practitionerId: clinic.practitionerId });
  await admin.call('queue.start', { appointmentId: first.id });
  await admin.call('queue.finish', { appointmentId: first.id });

  await app.signIn('reception', 'demo');
  const scroller = page.getByTestId('board');
  const column = page.getByTestId('board-column').filter({ hasText: clinic.practitionerName });
  await expect(column.getByTestId('board-appointment')).toHaveCount(12);

  // The page never scrolls sideways: the board does, inside itself.
  const widths = await page.evaluate(() => {
    const main = document.querySelector('.main')!;
    return { page: document.documentElement.scrollWidth - document.documentElement.clientWidth, main: main.scrollWidth - main.clientWidth };
  });
  expect(widths).toEqual({ page: 0, main: 0 });
  expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  const boardBox = (await scroller.boundingBox())!;
  expect(boardBox.x + boardBox.width).toBeLessThanOrEqual(1280);
  expect(boardBox.y + boardBox.height).toBeLessThanOrEqual(800);

  // Scrolled down to the end of this column, its practitioner's name stays on top. (Not to the
  // board's end: a demo column may be the longest, and how long depends on the hour.)
  const header = column.locator('.board-column-header');
  await header.scrollIntoViewIfNeeded();
  await column
    .getByTestId('board-appointment')
    .last()
    .evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await expect.poll(() => scroller.evaluate((el) => el.scrollTop)).toBeGreaterThan(200);
  await expect(column.getByTestId('board-appointment').last()).toBeInViewport();
  await expect(header).toBeInViewport();
  const headerBox = (await header.boundingBox())!;
  expect(Math.abs(headerBox.y - (await scroller.boundingBox())!.y)).toBeLessThanOrEqual(2);

  // Today has a now line in every column with cards; "Jump to now" brings it into view.
  await expect(column.getByTestId('board-now')).toHaveCount(1);
  await page.getByTestId('jump-to-now').click();
  await expect(column.getByTestId('board-now')).toBeInViewport();

  // Finished visits can be hidden, and the choice is remembered on this device.
  await expect(column.locator('[data-testid="board-appointment"][data-status="done"]')).toHaveCount(1);
  await page.getByLabel('Hide finished visits').check();
  await expect(column.locator('[data-testid="board-appointment"][data-status="done"]')).toHaveCount(0);
  await expect(column.getByTestId('board-appointment')).toHaveCount(11);
  await page.reload();
  await expect(page.getByLabel('Hide finished visits')).toBeChecked();
  await expect(column.getByTestId('board-appointment')).toHaveCount(11);
  await page.getByLabel('Hide finished visits').uncheck();
  await expect(column.locator('[data-testid="board-appointment"][data-status="done"]')).toHaveCount(1);

  // Another day has no now line.
  await page.getByRole('button', { name: 'Next day' }).click();
  await expect(page.getByTestId('board-now')).toHaveCount(0);
});
