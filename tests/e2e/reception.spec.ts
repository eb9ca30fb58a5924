import { test, expect, freeMonday } from './fixtures';
import { FrontDeskApp } from './page-models/app';
import { BoardPage } from './page-models/board';
import { BookPage } from './page-models/book';
import { PatientsPage } from './page-models/patients';

const newPatient = {
  fullName: 'Leonor Quintanilha Barbosa',
  preferredName: 'Leo',
  dateOfBirth: '1987-04-12',
  phone: '+351 936 472 815',
  email: 'leonor.qb@example.pt',
};

test('a receptionist registers a patient, finds them, books, reschedules and cancels', async ({ app, page }, testInfo) => {
  await app.signIn('reception', 'demo');
  // The demo clinic is closed on Sundays: today's board may be an empty day, so wait for the view, not for columns.
  await expect(app.nav('today')).toHaveAttribute('aria-current', 'page');
  await page.screenshot({ path: testInfo.outputPath('today-board.png'), fullPage: true });

  await app.goTo('patients');
  const patients = new PatientsPage(page);
  await patients.register(newPatient);
  await page.screenshot({ path: testInfo.outputPath('patient-page.png'), fullPage: true });

  // Found by a prefix of the surname, accents and case aside, and by the last digits of the phone.
  await app.goTo('patients');
  await patients.search('quintan');
  await expect(patients.result(newPatient.fullName)).toHaveCount(1);
  await patients.search('2815');
  await expect(patients.result(newPatient.fullName)).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('patient-search.png'), fullPage: true });

  await patients.result(newPatient.fullName).click();
  await patients.bookFromPatientPage();
  const book = new BookPage(page);
  await expect(page.getByTestId('picked-patient')).toContainText(newPatient.fullName);
  const day = freeMonday();
  await book.choose({ specialty: 'Evaluation appointment', practitioner: 'Dr. Miguel Sousa', day });
  await page.screenshot({ path: testInfo.outputPath('book.png'), fullPage: true });
  const picked = await book.pickFirstSlot();
  await book.confirm();
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();

  await app.goTo('today');
  const board = new BoardPage(page);
  await board.showDay(day);
  const card = board.appointment(newPatient.fullName);
  await expect(card).toHaveCount(1);
  await expect(card).toHaveAttribute('data-status', 'booked');
  const before = await card.locator('.appt-time').textContent();

  await board.rescheduleToFirstFreeSlot(newPatient.fullName);
  await expect(card.locator('.appt-time')).not.toHaveText(before ?? '');
  await expect(app.toast()).toContainText(newPatient.fullName);

  await board.cancel(newPatient.fullName, 'Patient asked to cancel by phone');
  await board.showClosed();
  await expect(board.appointment(newPatient.fullName)).toHaveAttribute('data-status', 'cancelled');

  // The slot first booked is free again: it shows on the Book view.
  await app.goTo('book');
  await book.choose({ specialty: 'Evaluation appointment', practitioner: 'Dr. Miguel Sousa', day });
  await expect(book.slotAt(picked.startsAt, picked.practitionerId)).toBeVisible();
});

test('a second booking into a slot just taken is refused with a clear message and other times', async ({ app, page, host, browser }, testInfo) => {
  const day = freeMonday();
  await app.signIn('reception', 'demo');

  // A second desk that misses the push update, so that it really tries the taken slot.
  const otherContext = await browser.newContext();
  await otherContext.route('**/api/events', (route) => route.abort());
  const otherPage = await otherContext.newPage();
  const otherDesk = new FrontDeskApp(otherPage, host.url);
  await otherDesk.open();
  await otherDesk.signIn('admin', 'demo');
  await otherDesk.goTo('book');
  const otherBook = new BookPage(otherPage);
  await otherBook.choosePatient('silva', 'Silva');
  await otherBook.choose({ specialty: 'Evaluation appointment', practitioner: 'Dr. Miguel Sousa', day });
  const contested = await otherBook.pickFirstSlot();

  await app.goTo('book');
  const book = new BookPage(page);
  await book.choosePatient('costa', 'Costa');
  await book.choose({ specialty: 'Evaluation appointment', practitioner: 'Dr. Miguel Sousa', day });
  await book.slotAt(contested.startsAt, contested.practitionerId).click();
  await book.confirm();
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();

  await otherBook.confirm();
  const clash = otherPage.getByTestId('slot-taken-clash');
  await expect(clash).toBeVisible();
  await expect(clash).toContainText('Dr. Miguel Sousa');
  await expect(otherPage.getByText('That time was just taken.')).toBeVisible();
  await expect(otherPage.getByTestId('next-free-slot').first()).toBeVisible();
  await otherPage.screenshot({ path: testInfo.outputPath('slot-taken.png'), fullPage: true });
  await otherContext.close();
});

test('the interface switches to Portuguese', async ({ app, page }, testInfo) => {
  await app.signIn('reception', 'demo');
  await app.goTo('settings');
  await page.getByLabel('Português (Portugal)').click();
  await expect(app.nav('today')).toHaveText(/Hoje/);
  await expect(app.nav('patients')).toHaveText(/Utentes/);
  await expect(page.locator('html')).toHaveAttribute('lang', /^pt/);
  await page.screenshot({ path: testInfo.outputPath('settings-pt.png'), fullPage: true });
  // It follows the user: after signing in again, still Portuguese.
  await page.reload();
  await expect(app.nav('today')).toHaveText(/Hoje/);
});

test('a wrong password is refused with a clear message and the demo accounts are shown', async ({ app, page }) => {
  await expect(app.nav('today')).toHaveCount(0);
  await expect(page.getByTestId('demo-accounts')).toContainText('reception');
  await page.getByLabel('Username').fill('reception');
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('error-message')).toHaveAttribute('data-error-code', 'INVALID_CREDENTIALS');
});
