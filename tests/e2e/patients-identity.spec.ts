import { ClinicApi } from './clinic-api';
import { test, expect, freeMonday } from './fixtures';
import { BookPage } from './page-models/book';
import { PatientsPage } from './page-models/patients';

const SCREENS = '/work/screens/hpat';

test('the patient form checks the NIF and warns of a second person with the same one', async ({ app, page }) => {
  await app.signIn('reception', 'demo');
  await app.goTo('patients');
  const patients = new PatientsPage(page);
  await patients.register({ fullName: 'Abel Nunes Teixeira', dateOfBirth: '1975-04-25', phone: '912 345 671', taxId: '123456789' });
  await expect(page.getByTestId('patient-detail')).toContainText('+351 912 345 671');

  await page.getByRole('button', { name: 'New patient' }).first().click();
  const form = page.getByTestId('patient-form');
  await form.getByLabel('Full name').fill('Beatriz Sousa Lopes');
  await form.getByLabel('Date of birth').fill('1990-01-01');
  await form.getByLabel('Tax number (NIF)').fill('123456780');
  await form.getByRole('button', { name: 'Register patient' }).click();
  await expect(form).toContainText('The check digit does not match');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENS}/nif-check-digit-1280.png`, fullPage: true });

  await form.getByLabel('Tax number (NIF)').fill('123 456 789');
  await form.getByRole('button', { name: 'Register patient' }).click();
  const warning = page.getByTestId('duplicate-warning');
  await expect(warning).toContainText('same tax number (NIF)');
  await expect(warning.getByTestId('duplicate-match')).toContainText('Abel Nunes Teixeira');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `${SCREENS}/nif-duplicate-1440.png`, fullPage: true });
  await warning.getByRole('button', { name: 'Register anyway: a different person' }).click();
  await expect(page.getByTestId('patient-detail')).toContainText('Beatriz Sousa Lopes');
});

test('a duplicate record is merged into the patient on screen, after seeing what moves', async ({ app, page, host }) => {
  const desk = await ClinicApi.signIn(host.url, 'reception', 'demo');
  const survivor = await desk.call('patients.create', { fields: { fullName: 'Joaquina Prazeres Cunha', dateOfBirth: '1949-03-08', phone: '936 100 200' } });
  const duplicate = await desk.call('patients.create', {
    fields: { fullName: 'Joaquina P. Cunha', dateOfBirth: '1949-03-08', taxId: '198765436', email: 'jpc@example.pt' },
    confirmedNotDuplicate: true,
  });
  const specialty = (await desk.call('specialties.list', {})).find((s) => s.isActive)!;
  const [slot] = (await desk.call('schedule.freeSlots', { specialtyId: specialty.id, day: freeMonday() })).slots;
  await desk.call('appointments.book', { patientId: duplicate.id, specialtyId: specialty.id, practitionerId: slot!.practitionerId, startsAt: slot!.startsAt });

  await app.signIn('reception', 'demo');
  await app.goTo('patients');
  const patients = new PatientsPage(page);
  await patients.search('joaquina prazeres');
  await patients.result(survivor.fullName).click();
  await page.getByTestId('merge-with').click();
  const dialog = page.getByTestId('merge-dialog');
  await dialog.getByTestId('merge-search').fill('198765436');
  await dialog.getByTestId('merge-candidate').filter({ hasText: duplicate.fullName }).getByRole('button').click();
  const preview = dialog.getByTestId('merge-preview');
  await expect(preview).toContainText('1 appointment moves here.');
  await expect(preview).toContainText('Email, Tax number (NIF)');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SCREENS}/merge-confirm-1280.png` });
  await dialog.getByTestId('confirm-merge').click();
  await expect(app.toast()).toContainText('Records merged.');
  await expect(page.getByTestId('patient-detail')).toContainText('jpc@example.pt');
  await expect(page.getByTestId('patient-appointment')).toHaveCount(1);

  await patients.search('joaquina');
  await expect(patients.result(duplicate.fullName)).toHaveCount(0);
});

test('booking a patient who is already booked then shows the clash and books a combined visit on purpose', async ({ app, page, host }) => {
  const desk = await ClinicApi.signIn(host.url, 'reception', 'demo');
  const patient = await desk.call('patients.create', { fields: { fullName: 'Zeferino Antunes Matos', dateOfBirth: '1962-07-01' } });
  const day = freeMonday();
  const practitioners = await desk.call('practitioners.list', {});
  const specialties = (await desk.call('specialties.list', {})).filter((s) => s.isActive);
  // A time two practitioners both have free, for one specialty.
  let pick: { specialty: (typeof specialties)[number]; startsAt: number; first: number; second: number } | null = null;
  for (const specialty of specialties) {
    const { slots } = await desk.call('schedule.freeSlots', { specialtyId: specialty.id, day });
    for (const slot of slots) {
      const other = slots.find((candidate) => candidate.startsAt === slot.startsAt && candidate.practitionerId !== slot.practitionerId);
      if (other) {
        pick = { specialty, startsAt: slot.startsAt, first: slot.practitionerId, second: other.practitionerId };
        break;
      }
    }
    if (pick) break;
  }
  expect(pick).not.toBeNull();
  const { specialty, startsAt, first, second } = pick!;
  await desk.call('appointments.book', { patientId: patient.id, specialtyId: specialty.id, practitionerId: first, startsAt });

  await app.signIn('reception', 'demo');
  await app.goTo('book');
  const book = new BookPage(page);
  await book.choosePatient('zeferino', patient.fullName);
  await book.choose({ specialty: specialty.nameEn, practitioner: practitioners.find((p) => p.id === second)!.fullName, day });
  await book.slotAt(String(startsAt), String(second)).click();
  await book.confirm();
  const clash = page.getByTestId('patient-clash');
  await expect(clash).toContainText(practitioners.find((p) => p.id === first)!.fullName);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: `${SCREENS}/patient-clash-1440.png`, fullPage: true });
  await page.getByTestId('book-combined-visit').click();
  await expect(page.getByTestId('booking-confirmation')).toBeVisible();
  expect((await desk.call('appointments.listForPatient', { patientId: patient.id })).filter((a) => a.startsAt === startsAt)).toHaveLength(2);
});
