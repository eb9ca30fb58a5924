import { test as base } from '@playwright/test';
import { test, expect } from './fixtures';
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
