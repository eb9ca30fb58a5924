import { test, expect } from './fixtures';
import { bookToday, ClinicApi, createPatient, setUpTodayClinic } from './clinic-api';
import { QueuePage, TICKET } from './page-models/queue';

// Patients booked and waiting through the coming hour: near midnight the host runs at noon instead.
test.use({ minutesOfToday: 40 });

/**
 * A busy morning at the desk: a room holds one consultation at a time, and a walk-in for a
 * busy practitioner joins the queue instead of being turned away. The test makes its own
 * "today" (two practitioners of its own, one specialty nobody else offers).
 */

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
];

test('the room choice offers free rooms first and says who is in a busy one; a walk-in for a busy practitioner is queued, with the wait', async ({
  app,
  page,
  host,
}, testInfo) => {
  const admin = await ClinicApi.signIn(host.url, 'admin', 'demo');
  const clinic = await setUpTodayClinic(admin, { practitioner: 'Dr. Tomás Vieira', room: 'Sala 7' }, 'own');
  const colleague = await setUpTodayClinic(admin, { practitioner: 'Dr.ª Inês Faria', room: 'Sala 8' }, { id: clinic.specialtyId });
  const leonor = await createPatient(admin, { fullName: 'Leonor Quintanilha Barbosa', dateOfBirth: '1987-04-12', phone: '+351 936 472 815' });
  const rui = await createPatient(admin, { fullName: 'Rui Tavares Coelho', dateOfBirth: '1979-09-03', phone: '+351 912 048 337' });
  // A room nobody uses: the demo's own may all be in use at the hour the test runs.
  await admin.call('rooms.save', { name: 'Sala 9' });
  const marta = await createPatient(admin, { fullName: 'Marta Sequeira Lobo', dateOfBirth: '1991-02-20', phone: '+351 961 220 418' });

  // Leonor is in consultation with Dr. Tomás in Sala 7; Rui is called by Dr.ª Inês to Sala 8.
  const leonorVisit = await bookToday(admin, clinic, leonor, 1);
  const ruiVisit = await bookToday(admin, colleague, rui, 1);
  const leonorTicket = (await admin.call('checkin.checkIn', { appointmentId: leonorVisit })).ticket;
  const ruiTicket = (await admin.call('checkin.checkIn', { appointmentId: ruiVisit })).ticket;
  await admin.call('queue.callNext', { practitionerId: clinic.practitionerId });
  await admin.call('queue.start', { appointmentId: leonorVisit });
  await admin.call('queue.callNext', { practitionerId: colleague.practitionerId });

  await app.signIn('reception', 'demo');
  const queue = new QueuePage(page);
  await queue.open();
  await queue.entry(ruiTicket).getByTestId('queue-send-room').click();
  const select = page.getByTestId('queue-send-room-select');
  const busy = select.locator('option', { hasText: 'Sala 7' });
  await expect(busy).toHaveText(`Sala 7 · in use: ${leonorTicket} with Dr. Tomás Vieira`);
  await expect(busy).toBeDisabled();
  // Free rooms first: the busy one comes after every free one, and is not what is offered.
  const labels = await select.locator('option').allTextContents();
  expect(labels.at(-1)).toContain('in use');
  expect(labels).toContain('Sala 9 · free');
  expect(labels[0]).toContain('free');
  expect(await select.inputValue()).not.toBe(await busy.getAttribute('value'));
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: testInfo.outputPath(`send-to-room-${size.width}.png`) });
  }
  await page.getByTestId('queue-send-room-confirm').click();
  await expect(app.toast()).toContainText(`${ruiTicket} · ${rui.fullName} is sent to`);

  // Dr. Tomás is busy: Marta walks in for him all the same, and is told the wait.
  await app.goTo('book');
  await page.getByTestId('booking-patient-search').fill('Marta Sequeira');
  await page.getByTestId('patient-result').filter({ hasText: marta.fullName }).first().click();
  const specialty = page.getByTestId('booking-specialty');
  await specialty.selectOption((await specialty.locator('option', { hasText: 'E2E consultation' }).first().getAttribute('value'))!);
  const practitioner = page.getByTestId('booking-practitioner');
  await practitioner.selectOption((await practitioner.locator('option', { hasText: 'Dr. Tomás Vieira' }).first().getAttribute('value'))!);
  await page.getByTestId('walk-in-check-in').click();
  const issued = page.getByTestId('walk-in-ticket');
  await expect(issued.getByTestId('ticket-badge')).toHaveText(TICKET);
  await expect(issued).toContainText('Dr. Tomás Vieira');
  // Behind Leonor's consultation: a wait, not "next".
  await expect(issued).toContainText('Estimated wait about');
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: testInfo.outputPath(`walk-in-queued-${size.width}.png`) });
  }
});
