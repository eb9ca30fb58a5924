import { expect, type Locator, type Page } from '@playwright/test';
import { PairingScreen } from './display';
import { installHostClock } from '../clock';

/** `/kiosk` on a touch tablet: every key is tapped on the on-screen keypad, as a patient would. */
export class KioskScreen {
  readonly pairing: PairingScreen;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.pairing = new PairingScreen(page);
  }

  async open(): Promise<void> {
    await installHostClock(this.page.context());
    await this.page.goto(`${this.baseUrl}kiosk`);
  }

  async pair(code: string): Promise<void> {
    await this.open();
    await this.pairing.enter(code);
    await expect(this.page.getByTestId('kiosk-start')).toBeVisible();
  }

  result(): Locator {
    return this.page.getByTestId('kiosk-result');
  }

  /** Start → "date of birth and phone" → the keypad. */
  async beginWithBirthDate(): Promise<void> {
    await this.page.getByTestId('kiosk-start').tap();
    await this.page.getByTestId('kiosk-method-dob').tap();
    await expect(this.page.getByTestId('kiosk-dob-day')).toBeFocused();
  }

  /** Taps the keys: day, month and year move on by themselves, then the phone's last four. */
  async typeBirthDateAndPhone(dateOfBirth: string, phoneLast4: string): Promise<void> {
    const [year, month, day] = dateOfBirth.split('-') as [string, string, string];
    for (const key of `${day}${month}${year}${phoneLast4}`) await this.page.getByTestId(`kiosk-key-${key}`).tap();
    await expect(this.page.getByTestId('kiosk-dob-day')).toHaveValue(day);
    await expect(this.page.getByTestId('kiosk-dob-month')).toHaveValue(month);
    await expect(this.page.getByTestId('kiosk-dob-year')).toHaveValue(year);
    await expect(this.page.getByTestId('kiosk-phone-last4')).toHaveValue(phoneLast4);
  }

  async submit(): Promise<void> {
    await this.page.getByTestId('kiosk-submit').tap();
    await expect(this.result()).toBeVisible();
  }

  async retry(): Promise<void> {
    await this.page.getByTestId('kiosk-retry').tap();
    await expect(this.page.getByTestId('kiosk-dob-day')).toHaveValue('');
  }

  async done(): Promise<void> {
    await this.page.getByTestId('kiosk-done').tap();
    await expect(this.page.getByTestId('kiosk-start')).toBeVisible();
  }
}
