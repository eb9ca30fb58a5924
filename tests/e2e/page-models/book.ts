import { expect, type Locator, type Page } from '@playwright/test';

/** The Book view: patient, specialty, practitioner, day, then a free slot. */
export class BookPage {
  constructor(readonly page: Page) {}

  async choosePatient(query: string, name: string): Promise<void> {
    await this.page.getByTestId('booking-patient-search').fill(query);
    await this.page.getByTestId('patient-result').filter({ hasText: name }).first().click();
    await expect(this.page.getByTestId('picked-patient')).toContainText(name);
  }

  async choose(options: { specialty: string; practitioner?: string; day: string }): Promise<void> {
    await this.selectByText('booking-specialty', options.specialty);
    if (options.practitioner) await this.selectByText('booking-practitioner', options.practitioner);
    await this.page.getByTestId('booking-day').fill(options.day);
    await expect(this.slots().first()).toBeVisible();
  }

  /** Options read "Massage · 45 min · €40.00": pick by the name they start with. */
  private async selectByText(testId: string, text: string): Promise<void> {
    const select = this.page.getByTestId(testId);
    const value = await select.locator('option', { hasText: text }).first().getAttribute('value');
    await select.selectOption(value!);
  }

  slots(): Locator {
    return this.page.getByTestId('slot');
  }

  slotAt(startsAt: string, practitionerId: string): Locator {
    return this.page.locator(`[data-testid="slot"][data-starts-at="${startsAt}"][data-practitioner-id="${practitionerId}"]`);
  }

  /** Selects the first free slot and returns what identifies it. */
  async pickFirstSlot(): Promise<{ startsAt: string; practitionerId: string }> {
    const slot = this.slots().first();
    const startsAt = (await slot.getAttribute('data-starts-at'))!;
    const practitionerId = (await slot.getAttribute('data-practitioner-id'))!;
    await slot.click();
    await expect(slot).toHaveAttribute('aria-pressed', 'true');
    return { startsAt, practitionerId };
  }

  async confirm(): Promise<void> {
    await this.page.getByTestId('confirm-booking').click();
  }
}
