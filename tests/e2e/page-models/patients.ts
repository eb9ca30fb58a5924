import { expect, type Page } from '@playwright/test';

export interface NewPatient {
  fullName: string;
  preferredName?: string;
  dateOfBirth: string;
  phone: string;
  email?: string;
  taxId?: string;
}

/** The Patients view: search, the patient form and the patient page. */
export class PatientsPage {
  constructor(readonly page: Page) {}

  searchBox() {
    return this.page.getByTestId('patient-search');
  }

  results() {
    return this.page.getByTestId('patient-result');
  }

  async search(query: string): Promise<void> {
    await this.searchBox().fill(query);
    await expect(this.page.getByTestId('patient-search-results')).toHaveAttribute('data-results-for', query.trim());
  }

  result(name: string) {
    return this.results().filter({ hasText: name });
  }

  async register(patient: NewPatient): Promise<void> {
    await this.page.getByRole('button', { name: 'New patient' }).first().click();
    const form = this.page.getByTestId('patient-form');
    await form.getByLabel('Full name').fill(patient.fullName);
    if (patient.preferredName) await form.getByLabel('Preferred name').fill(patient.preferredName);
    await form.getByLabel('Date of birth').fill(patient.dateOfBirth);
    await form.getByLabel('Phone').fill(patient.phone);
    if (patient.email) await form.getByLabel('Email').fill(patient.email);
    if (patient.taxId) await form.getByLabel('Tax number (NIF)').fill(patient.taxId);
    await form.getByRole('button', { name: 'Register patient' }).click();
    await expect(this.page.getByTestId('patient-detail')).toContainText(patient.fullName);
  }

  async bookFromPatientPage(): Promise<void> {
    await this.page.getByTestId('patient-detail').getByRole('button', { name: 'Book' }).click();
  }
}
