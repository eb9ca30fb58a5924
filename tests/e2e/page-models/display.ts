import { expect, type Locator, type Page } from '@playwright/test';
import { installHostClock } from '../clock';

/** The pairing screen a display or kiosk shows until the host lets it in. */
export class PairingScreen {
  constructor(readonly page: Page) {}

  codeInput(): Locator {
    return this.page.getByTestId('pairing-code');
  }

  forbidden(): Locator {
    return this.page.getByTestId('pairing-forbidden');
  }

  async enter(code: string): Promise<void> {
    await this.codeInput().fill(code);
    await this.page.getByTestId('pairing-submit').click();
  }
}

/** `/display`: the waiting-room screen. */
export class DisplayScreen {
  readonly pairing: PairingScreen;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.pairing = new PairingScreen(page);
  }

  async open(): Promise<void> {
    await installHostClock(this.page.context());
    await this.page.goto(`${this.baseUrl}display`);
  }

  /** Opens `/display`, enters the code and waits for the waiting-room view. */
  async pair(code: string): Promise<void> {
    await this.open();
    await this.pairing.enter(code);
    await expect(this.board()).toBeVisible();
  }

  board(): Locator {
    return this.page.getByTestId('display');
  }

  current(): Locator {
    return this.page.getByTestId('display-current');
  }

  currentName(): Locator {
    return this.current().getByTestId('display-name');
  }

  currentRoom(): Locator {
    return this.current().getByTestId('display-room');
  }

  waiting(ticket?: string): Locator {
    return ticket ? this.page.locator(`[data-testid="display-waiting"][data-ticket="${ticket}"]`) : this.page.getByTestId('display-waiting');
  }

  /** Every text the screen handed to speech synthesis, in order. */
  announcements(): Promise<string[]> {
    return this.page.evaluate(() => [...((window as unknown as { __frontDeskAnnouncements?: string[] }).__frontDeskAnnouncements ?? [])]);
  }
}

/** Settings › Screens: "Add a screen", the paired screens and Revoke. */
export class ScreensSettings {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-settings').click();
    await expect(this.page.getByTestId('add-screen')).toBeVisible();
  }

  /** Add a screen → role and name → the six-digit code it shows (the dialog stays open on the code). */
  async createCode(role: 'display' | 'kiosk', name: string): Promise<string> {
    await this.page.getByTestId('add-screen').click();
    const dialog = this.page.getByTestId('add-screen-dialog');
    await dialog.getByTestId(`screen-role-${role}`).check();
    await dialog.getByTestId('screen-name').fill(name);
    await dialog.getByTestId('create-pairing-code').click();
    const shown = dialog.getByTestId('pairing-code-display');
    await expect(shown).toHaveAttribute('data-code', /^\d{6}$/);
    const code = (await shown.getAttribute('data-code'))!;
    await expect(shown).toHaveText(code);
    await expect(dialog.getByTestId('pairing-url')).toContainText(role === 'display' ? '/display' : '/kiosk');
    return code;
  }

  async closeDialog(): Promise<void> {
    const dialog = this.page.getByTestId('add-screen-dialog');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(dialog).toBeHidden();
  }

  row(name: string): Locator {
    return this.page.getByTestId('device-row').filter({ hasText: name });
  }

  async revoke(name: string): Promise<void> {
    await this.row(name).getByTestId('device-revoke').click();
    await this.page.getByTestId('revoke-screen-dialog').getByTestId('device-revoke-confirm').click();
    await expect(this.page.getByTestId('revoke-screen-dialog')).toBeHidden();
    await expect(this.row(name)).toHaveAttribute('data-status', 'revoked');
  }
}
