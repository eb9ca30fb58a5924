import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClinicApi, createPatient } from './clinic-api';
import { test, expect } from './fixtures';

const SCREENS = '/work/screens/backup';

test('an admin chooses the backup folder, backs up now and sees the last backup; a folder inside the data folder is refused', async ({ app, page, host }) => {
  const folder = mkdtempSync(join(tmpdir(), 'fd-e2e-backups-'));
  try {
    await app.signIn('admin', 'demo');
    await app.goTo('settings');
    const card = page.locator('.backup-card');
    await expect(card.getByTestId('backup-last')).toContainText('No backup folder yet');
    await expect(card.getByTestId('backup-now')).toBeDisabled();

    // Inside the desk's own data folder: refused, in words.
    const inside = join(host.dataDir, 'backups');
    mkdirSync(inside);
    await card.getByTestId('backup-folder').fill(inside);
    await card.getByRole('button', { name: 'Use this folder' }).click();
    await expect(card).toContainText('The backup folder cannot be inside Front Desk’s data folder');

    await card.getByTestId('backup-folder').fill(folder);
    await card.getByRole('button', { name: 'Use this folder' }).click();
    await expect(app.toast()).toContainText(`Backups will go to ${folder}.`);

    await card.getByTestId('backup-now').click();
    await expect(app.toast()).toContainText('Backup taken and checked');
    await expect(card.getByTestId('backup-result')).toContainText('Taken and checked');
    await expect(card.getByTestId('backup-file')).toContainText(folder);
    await expect(card.getByTestId('backup-size')).toContainText('B');
    await expect(card.getByTestId('backup-list').locator('li')).toHaveCount(1);
    const files = readdirSync(folder);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^front-desk-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.db$/);

    await page.setViewportSize({ width: 1280, height: 800 });
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/settings-backup-1280.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SCREENS}/settings-backup-1440.png` });
    await card.getByTestId('backup-list').getByRole('button', { name: 'Restore' }).click();
    await expect(page.getByTestId('backup-restore-dialog')).toContainText('kept aside');
    await page.screenshot({ path: `${SCREENS}/restore-dialog-1280.png` });
    await page.getByTestId('backup-restore-dialog').getByRole('button', { name: 'Cancel' }).click();

    // The folder goes away (a share disconnected): the backup fails, and the board tells staff.
    rmSync(folder, { recursive: true, force: true });
    await card.getByTestId('backup-now').click();
    await expect(card.getByTestId('backup-result')).toContainText('the folder cannot be found');
    await app.goTo('today');
    await expect(page.getByTestId('backup-banner')).toContainText('The last backup failed');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: `${SCREENS}/board-banner-1280.png` });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('an admin restores a backup from Settings: the desk reopens on it, and the database it replaced is kept aside', async ({ app, page, host }) => {
  const folder = mkdtempSync(join(tmpdir(), 'fd-e2e-backups-'));
  try {
    await app.signIn('admin', 'demo');
    await app.goTo('settings');
    const card = page.locator('.backup-card');
    await card.getByTestId('backup-folder').fill(folder);
    await card.getByRole('button', { name: 'Use this folder' }).click();
    await card.getByTestId('backup-now').click();
    await expect(card.getByTestId('backup-result')).toContainText('Taken and checked');

    // Entered after the backup: gone once it is restored.
    const desk = await ClinicApi.signIn(host.url, 'reception', 'demo');
    const late = await createPatient(desk, { fullName: 'Zacarias Depois da Cópia', dateOfBirth: '1970-01-01', phone: '+351 912 777 001' });

    await card.getByTestId('backup-list').getByRole('button', { name: 'Restore' }).click();
    await page.getByTestId('backup-restore-dialog').getByRole('button', { name: 'Restore and restart' }).click();
    await expect(app.toast()).toContainText('Front Desk restarts on it now');

    // The host closes and opens the desk again, on the same address: everyone signs in again.
    await expect(async () => {
      const again = await ClinicApi.signIn(host.url, 'reception', 'demo');
      expect((await again.call('patients.search', { query: 'Zacarias' })).results.map((patient) => patient.id)).not.toContain(late.id);
    }).toPass({ timeout: 20_000 });
    expect(readdirSync(host.dataDir).filter((name) => name.startsWith('before-restore-'))).toHaveLength(1);
    await page.reload();
    await app.signIn('admin', 'demo');
    await expect(page.getByTestId('current-user')).toBeVisible();
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
