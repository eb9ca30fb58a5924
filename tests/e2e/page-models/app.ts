import { expect, type Page } from '@playwright/test';
import { installHostClock } from '../clock';

/** The sign-in screen and the app shell around every view. */
export class FrontDeskApp {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<void> {
    await installHostClock(this.page.context());
    await this.page.goto(this.baseUrl);
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(this.page.getByTestId('current-user')).toBeVisible();
  }

  async goTo(view: 'today' | 'patients' | 'book' | 'setup' | 'settings' | 'audit' | 'reports'): Promise<void> {
    await this.page.getByTestId(`nav-${view}`).click();
    await expect(this.page.getByTestId(`nav-${view}`)).toHaveAttribute('aria-current', 'page');
  }

  nav(view: 'today' | 'patients' | 'book' | 'setup' | 'settings' | 'audit' | 'reports') {
    return this.page.getByTestId(`nav-${view}`);
  }

  toast() {
    return this.page.getByTestId('toast').last();
  }
}
