import { expect, type Page } from '@playwright/test';

export type SyncIndicatorState = 'starting' | 'unauthorised' | 'offline' | 'attention' | 'pending' | 'synced';

/** The header's sync indicator, its panel, the admin's sync settings and the board's conflict flags. */
export class SyncPage {
  constructor(readonly page: Page) {}

  indicator() {
    return this.page.getByTestId('sync-indicator');
  }

  panel() {
    return this.page.getByTestId('sync-panel');
  }

  async expectState(state: SyncIndicatorState, options: { timeout?: number } = {}): Promise<void> {
    await expect(this.indicator()).toHaveAttribute('data-state', state, options);
  }

  async expectPending(count: number, options: { timeout?: number } = {}): Promise<void> {
    await expect(this.indicator()).toHaveAttribute('data-pending', String(count), options);
  }

  /** Settings → Cloud sync: on, with the pull interval given (the URL and token come from the host's environment). */
  async enableInSettings({ pullIntervalSeconds }: { pullIntervalSeconds: number }): Promise<void> {
    await this.page.getByTestId('nav-settings').click();
    const form = this.page.getByTestId('sync-settings');
    await expect(form).toBeVisible();
    await form.getByLabel('Sync with the clinic’s cloud').check();
    await form.getByLabel(/^Check for online bookings every/).fill(String(pullIntervalSeconds));
    await form.getByTestId('sync-save').click();
    await expect(this.page.getByTestId('toast').filter({ hasText: 'Sync settings are saved.' })).toBeVisible();
  }

  async openPanel(): Promise<void> {
    await this.indicator().click();
    await expect(this.panel()).toBeVisible();
  }

  async syncNow(): Promise<void> {
    const button = this.panel().getByTestId('sync-now');
    await button.click();
    await expect(button).not.toHaveAttribute('aria-busy', 'true', { timeout: 30_000 });
  }

  async closePanel(): Promise<void> {
    await this.panel().getByRole('button', { name: 'Close' }).click();
    await expect(this.panel()).toBeHidden();
  }

  conflictOn(card: ReturnType<Page['getByTestId']>) {
    return card.getByTestId('sync-conflict');
  }
}
