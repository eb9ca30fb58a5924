import { expect, type Page } from '@playwright/test';

/** The today board: a day's appointments by practitioner, with their actions. */
export class BoardPage {
  constructor(readonly page: Page) {}

  async showDay(day: string): Promise<void> {
    await this.page.getByTestId('board-day').fill(day);
    await expect(this.page.getByTestId('board')).toHaveAttribute('aria-busy', 'false');
  }

  appointment(patientName: string) {
    return this.page.getByTestId('board-appointment').filter({ hasText: patientName });
  }

  async showClosed(): Promise<void> {
    await this.page.getByLabel('Show cancelled and no-shows').check();
  }

  async rescheduleToFirstFreeSlot(patientName: string): Promise<void> {
    await this.page.getByRole('button', { name: `Reschedule: ${patientName}` }).click();
    const dialog = this.page.getByTestId('reschedule-dialog');
    // The appointment's own time is not offered as a move; take the first other slot.
    const slot = dialog.getByTestId('slot').first();
    await slot.click();
    await dialog.getByRole('button', { name: /^Move to / }).click();
    await expect(dialog).toBeHidden();
  }

  async cancel(patientName: string, reason: string): Promise<void> {
    await this.page.getByRole('button', { name: `Cancel: ${patientName}` }).click();
    const dialog = this.page.getByTestId('cancel-dialog');
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Cancel the appointment' }).click();
    await expect(dialog).toBeHidden();
  }
}
