import { test as base } from '@playwright/test';
import { test, expect, freeMonday } from './fixtures';
import { BookPage } from './page-models/book';
import { startHost } from './host';
import { FrontDeskApp } from './page-models/app';

base('an empty database offers the demo clinic, which then signs in with the demo accounts', async ({ page }) => {
  const host = await startHost({ demo: false });
  try {
    const app = new FrontDeskApp(page, host.url);
    await app.open();
    await expect(page.getByRole('heading', { name: 'Welcome to Front Desk' })).toBeVisible();
    await page.getByRole('button', { name: 'Start with the demo clinic' }).click();
    await expect(page.getByTestId('demo-accounts')).toContainText('admin');
    await app.signIn('admin', 'demo');
    await expect(app.nav('setup')).toBeVisible();
  } finally {
    await host.stop();
  }
});

test('the common path needs no mouse: search, open, book, and the shortcut sheet', async ({ app, page }) => {
  await app.signIn('reception', 'demo');
  await page.keyboard.press('/');
  const search = page.getByTestId('patient-search');
  await expect(search).toBeFocused();
  await page.keyboard.type('silva');
  await expect(page.getByTestId('patient-search-results')).toHaveAttribute('data-results-for', 'silva');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('patient-detail');
  await expect(detail).toBeVisible();
  const patientId = await detail.getAttribute('data-patient-id');
  await page.keyboard.press('b');
  await expect(app.nav('book')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('picked-patient')).toHaveAttribute('data-patient-id', patientId!);

  await page.keyboard.press('Alt+1');
  await expect(app.nav('today')).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+k');
  await expect(page.getByTestId('command-palette')).toBeVisible();
});

test('Ctrl+K runs the command typed; a name is searched for, as the fallback', async ({ app, page }) => {
  await app.signIn('reception', 'demo');
  await page.keyboard.press('Control+k');
  await page.keyboard.type('queue');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('nav-queue')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('command-palette')).toBeHidden();

  await page.keyboard.press('Control+k');
  await page.keyboard.type('silva');
  await page.keyboard.press('Enter');
  await expect(app.nav('patients')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('patient-search')).toHaveValue('silva');
});

test('"/" puts the cursor in the search with what was there selected, and types no slash', async ({ app, page }) => {
  await app.signIn('reception', 'demo');
  await app.goTo('patients');
  const search = page.getByTestId('patient-search');
  await search.fill('silva');
  await page.getByRole('heading', { level: 1 }).click();
  await expect(search).not.toBeFocused();
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await expect(search).toHaveValue('silva');
  expect(await search.evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd])).toEqual([0, 5]);
  await page.keyboard.type('costa');
  await expect(search).toHaveValue('costa');

  // Already in the box (it has the focus when the page opens): selects, types no slash.
  await app.goTo('today');
  await app.goTo('patients');
  await expect(search).toBeFocused();
  await search.fill('rita');
  await page.keyboard.press('/');
  await expect(search).toHaveValue('rita');
  expect(await search.evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd])).toEqual([0, 4]);
  // Within a date it is a slash.
  await search.fill('12');
  await page.keyboard.press('/');
  await expect(search).toHaveValue('12/');
});

test('Book opens empty each time; "Change" goes to the search; Enter in Notes books', async ({ app, page }) => {
  await app.signIn('reception', 'demo');
  await app.goTo('book');
  const book = new BookPage(page);
  await book.choosePatient('silva', 'Silva');
  await page.keyboard.press('Alt+1');
  await expect(app.nav('today')).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('g');
  await page.keyboard.press('b');
  await expect(app.nav('book')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('picked-patient')).toHaveCount(0);
  await expect(page.getByTestId('booking-patient-search')).toHaveValue('');

  await book.choosePatient('costa', 'Costa');
  await page.getByTestId('change-patient').click();
  await expect(page.getByTestId('booking-patient-search')).toBeFocused();

  await book.choosePatient('costa', 'Costa');
  await book.choose({ specialty: 'Evaluation appointment', practitioner: 'Dr. Miguel Sousa', day: freeMonday() });
  await book.pickFirstSlot();
  await page.getByTestId('booking-notes').fill('Brings the X-ray');
  await page.getByTestId('booking-notes').press('Enter');
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();
});

test('the idle lock asks for the password again', async ({ app, page }) => {
  await app.signIn('reception', 'demo');
  await page.keyboard.press('Alt+l');
  const lock = page.getByTestId('lock-screen');
  await expect(lock).toBeVisible();
  await lock.getByLabel('Password').fill('wrong');
  await lock.getByRole('button', { name: 'Unlock' }).click();
  await expect(lock.getByTestId('error-message')).toHaveAttribute('data-error-code', 'INVALID_CREDENTIALS');
  await lock.getByLabel('Password').fill('demo');
  await lock.getByRole('button', { name: 'Unlock' }).click();
  await expect(lock).toBeHidden();
  await expect(page.getByTestId('current-user')).toBeVisible();
});
