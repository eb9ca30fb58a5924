import { expect, type Locator, type Page } from '@playwright/test';

export const TICKET = /^[A-Z]{1,2}-\d{3}$/;

/** Checking in at the desk from today's board: the card's button, or C on the selected card. */
export class CheckInBoard {
  constructor(readonly page: Page) {}

  card(patientName: string): Locator {
    return this.page.getByTestId('board-appointment').filter({ hasText: patientName });
  }

  async showToday(): Promise<void> {
    await this.page.getByTestId('nav-today').click();
    await expect(this.page.getByTestId('board')).toHaveAttribute('aria-busy', 'false');
  }

  /** Presses the card's Check in and returns the ticket it shows. */
  async checkInWithButton(patientName: string): Promise<string> {
    const card = this.card(patientName);
    await expect(card).toHaveAttribute('data-status', 'booked');
    await card.getByTestId('check-in').click();
    return this.issuedTicket(patientName);
  }

  /** Selects the card with a click on it (not on a button), then presses C. */
  async checkInWithKey(patientName: string): Promise<string> {
    const card = this.card(patientName);
    await expect(card).toHaveAttribute('data-status', 'booked');
    await card.locator('.appt-patient').click();
    await expect(card).toHaveClass(/is-selected/);
    await this.page.keyboard.press('c');
    return this.issuedTicket(patientName);
  }

  private async issuedTicket(patientName: string): Promise<string> {
    const card = this.card(patientName);
    await expect(card).toHaveAttribute('data-status', 'checked_in');
    const badge = card.getByTestId('ticket-badge');
    await expect(badge).toHaveAttribute('data-ticket', TICKET);
    const ticket = (await badge.getAttribute('data-ticket'))!;
    await expect(badge).toHaveText(ticket);
    return ticket;
  }
}

/** The desk's Queue view: every practitioner's queue side by side. */
export class QueuePage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-queue').click();
    await expect(this.page.getByTestId('nav-queue')).toHaveAttribute('aria-current', 'page');
    await expect(this.page.getByTestId('queue-view')).toBeVisible();
  }

  practitioner(practitionerId: number): Locator {
    return this.page.locator(`[data-testid="queue-practitioner"][data-practitioner-id="${practitionerId}"]`);
  }

  /** Entries of one practitioner, in the order shown: the ones being seen, then the waiting list in calling order. */
  entries(practitionerId: number): Locator {
    return this.practitioner(practitionerId).getByTestId('queue-entry');
  }

  entry(ticket: string): Locator {
    return this.page.locator(`[data-testid="queue-entry"][data-ticket="${ticket}"]`);
  }

  async callNext(practitionerId: number): Promise<void> {
    await this.practitioner(practitionerId).getByTestId('call-next').click();
  }

  async recall(ticket: string): Promise<void> {
    await this.entry(ticket).getByTestId('queue-recall').click();
  }

  async start(ticket: string): Promise<void> {
    await this.entry(ticket).getByTestId('queue-start').click();
    await expect(this.entry(ticket)).toHaveAttribute('data-status', 'in_consultation');
  }

  async finish(ticket: string): Promise<void> {
    await this.entry(ticket).getByTestId('queue-finish').click();
    await expect(this.entry(ticket)).toHaveCount(0);
  }
}

export type DisplayPrivacyMode = 'ticketOnly' | 'initials' | 'firstNameLastInitial';

/** Setup › Queue and display (admin): the queue rules, the kiosk window and the display's privacy. */
export class QueueSettingsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-setup').click();
    await this.page.getByTestId('setup-queue').click();
    await expect(this.page.getByTestId('setup-queue')).toHaveAttribute('aria-current', 'page');
  }

  async setPrivacy(mode: DisplayPrivacyMode): Promise<void> {
    await this.page.getByTestId(`privacy-${mode}`).check();
    await this.page.getByTestId('save-queue-settings').click();
    await expect(this.page.getByTestId('toast').last()).toContainText('saved');
    await expect(this.page.getByTestId(`privacy-${mode}`)).toBeChecked();
  }
}
