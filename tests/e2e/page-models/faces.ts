import { expect, type Locator, type Page } from '@playwright/test';

export interface AwsSettingsInput {
  region: string;
  collectionId: string;
  bucket: string;
  keyPrefix?: string;
  rekognitionEndpoint?: string;
  s3Endpoint?: string;
}

/** Settings › Face check-in (AWS), as the administrator sees it. */
export class FaceSettingsPage {
  constructor(readonly page: Page) {}

  form(): Locator {
    return this.page.getByTestId('face-settings-form');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-settings').click();
    await expect(this.form()).toBeVisible();
  }

  /** Fills the form as an admin would (the computer's own AWS configuration for credentials) and saves. */
  async configure(input: AwsSettingsInput): Promise<void> {
    const form = this.form();
    await form.getByTestId('face-enabled').check();
    await form.getByTestId('face-region').fill(input.region);
    await form.getByTestId('face-collection').fill(input.collectionId);
    await form.getByTestId('face-bucket').fill(input.bucket);
    if (input.keyPrefix !== undefined) await form.getByTestId('face-prefix').fill(input.keyPrefix);
    await form.getByTestId('face-credentials-default').check();
    if (input.rekognitionEndpoint || input.s3Endpoint) {
      await form.getByTestId('face-advanced').click();
      if (input.rekognitionEndpoint) await form.getByTestId('face-rekognition-endpoint').fill(input.rekognitionEndpoint);
      if (input.s3Endpoint) await form.getByTestId('face-s3-endpoint').fill(input.s3Endpoint);
    }
    await form.getByTestId('face-settings-save').click();
    await expect(this.page.getByTestId('toast').last()).toContainText('Face check-in settings saved');
    await expect(this.page.getByTestId('face-settings-ready')).toHaveAttribute('data-ready', 'true');
  }

  /** "Test connection": each check's target, status and problem, as listed. */
  async testConnection(): Promise<Array<{ target: string; status: string; problem: string | null }>> {
    await this.form().getByTestId('face-test-connection').click();
    const result = this.page.getByTestId('face-test-result');
    await expect(result).toBeVisible({ timeout: 20_000 });
    const checks = result.getByTestId('face-check');
    const out: Array<{ target: string; status: string; problem: string | null }> = [];
    for (const check of await checks.all()) {
      out.push({
        target: (await check.getAttribute('data-target'))!,
        status: (await check.getAttribute('data-status'))!,
        problem: await check.getAttribute('data-problem'),
      });
    }
    return out;
  }
}

/** The face check-in card on a patient's page, with its consent, capture and withdrawal dialogs. */
export class PatientFacePanel {
  constructor(readonly page: Page) {}

  status(): Locator {
    return this.page.getByTestId('face-status');
  }

  consentDialog(): Locator {
    return this.page.getByTestId('face-consent-dialog');
  }

  captureDialog(): Locator {
    return this.page.getByTestId('face-capture-dialog');
  }

  /** Opens the patient from the Patients search. */
  async openPatient(name: string): Promise<void> {
    await this.page.getByTestId('nav-patients').click();
    await this.page.getByTestId('patient-search').fill(name);
    await this.page.getByTestId('patient-result').filter({ hasText: name }).first().click();
    await expect(this.page.getByTestId('patient-detail')).toContainText(name);
  }

  /** "Set up face check-in": the consent text in `expectedLocale`, then the patient's yes. */
  async recordConsent(expectedLocale: 'en' | 'pt'): Promise<string> {
    await this.page.getByTestId('face-set-up').click();
    const dialog = this.consentDialog();
    const text = dialog.getByTestId('face-consent-text');
    await expect(text).toHaveAttribute('data-locale', expectedLocale);
    const version = (await dialog.getByTestId('face-consent-version').getAttribute('data-version'))!;
    await dialog.getByTestId('face-consent-agree').click();
    await expect(dialog).toBeHidden();
    return version;
  }

  async switchConsentLanguage(locale: 'en' | 'pt'): Promise<void> {
    await this.consentDialog().getByTestId(`face-consent-lang-${locale}`).click();
    await expect(this.consentDialog().getByTestId('face-consent-text')).toHaveAttribute('data-locale', locale);
  }

  /** Waits for the live preview (real frames, not the blank first ones). */
  async waitForCamera(): Promise<void> {
    await expect(this.captureDialog().getByTestId('face-capture')).toHaveAttribute('data-camera', 'live', { timeout: 15_000 });
  }

  photos(): Locator {
    return this.captureDialog().getByTestId('face-photo');
  }

  async takePhotoWithButton(): Promise<void> {
    const taken = await this.takenCount();
    await this.captureDialog().getByTestId('face-take-photo').click();
    await expect(this.takenPhotos()).toHaveCount(taken + 1);
  }

  async takePhotoWithKeyboard(): Promise<void> {
    const taken = await this.takenCount();
    await this.page.keyboard.press('Space');
    await expect(this.takenPhotos()).toHaveCount(taken + 1);
  }

  takenPhotos(): Locator {
    return this.captureDialog().locator('[data-testid="face-photo"][data-taken="true"]');
  }

  private async takenCount(): Promise<number> {
    return this.takenPhotos().count();
  }

  async savePhotos(): Promise<void> {
    await this.captureDialog().getByTestId('face-save-photos').click();
    await expect(this.captureDialog()).toBeHidden({ timeout: 30_000 });
  }

  async withdraw(): Promise<void> {
    await this.page.getByTestId('face-withdraw').click();
    const dialog = this.page.getByTestId('face-withdraw-dialog');
    await dialog.getByTestId('face-withdraw-confirm').click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });
  }
}

/** The kiosk's start screen with the camera. */
export class KioskFaceCamera {
  constructor(readonly page: Page) {}

  camera(): Locator {
    return this.page.getByTestId('kiosk-face');
  }

  async waitForLive(): Promise<void> {
    await expect(this.camera()).toHaveAttribute('data-camera', 'live', { timeout: 15_000 });
  }

  /** How many frames this kiosk has sent since its start screen appeared. */
  async sentCount(): Promise<number> {
    return Number(await this.camera().getAttribute('data-sent'));
  }
}
