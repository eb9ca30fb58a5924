import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PatientFields } from '../../shared/patients/patients.contract';
import { createTestDesk, seedPractice, type Practice, type TestDesk } from '../schedule/test-fixtures';

// Who a patient is: tax ids, phones, and the appointment code in the search box.

let t: TestDesk;
let p: Practice;

beforeEach(async () => {
  // Monday 15 June 2026, 08:00 in Lisbon.
  t = await createTestDesk({ now: '2026-06-15T08:00' });
  p = await seedPractice(t, 2);
});

afterEach(async () => {
  await t.close();
});

function person(values: Partial<PatientFields> & { fullName: string }) {
  return { dateOfBirth: '1975-04-25', ...values };
}

describe('tax ids', () => {
  it('refuses a NIF whose check digit or first digit is wrong, and writes nothing', async () => {
    const before = t.count('audit_log');
    const wrongCheck = await t.fail(t.reception, 'patients.create', { fields: person({ fullName: 'Abel Nunes', taxId: '123456780' }) });
    expect(wrongCheck).toMatchObject({ code: 'INVALID_TAX_ID', details: { field: 'fields.taxId', reason: 'check_digit' } });
    const wrongLead = await t.fail(t.reception, 'patients.create', { fields: person({ fullName: 'Abel Nunes', taxId: '400000003' }) });
    expect(wrongLead.details).toMatchObject({ reason: 'first_digit' });
    expect((await t.fail(t.reception, 'patients.create', { fields: person({ fullName: 'Abel Nunes', taxId: '12345' }) })).details).toMatchObject({
      reason: 'length',
    });
    expect(t.count('audit_log')).toBe(before);
  });

  it('stores a NIF in its nine digits, and takes a foreign tax id with its country as typed', async () => {
    const nif = await t.ok(t.reception, 'patients.create', { fields: person({ fullName: 'Abel Nunes', taxId: 'PT 123 456 789' }) });
    expect(nif).toMatchObject({ taxId: '123456789', taxCountry: 'PT' });
    const foreign = await t.ok(t.reception, 'patients.create', { fields: person({ fullName: 'Hans Müller', taxId: 'DE-123456780', taxCountry: 'de' }) });
    expect(foreign).toMatchObject({ taxId: 'DE-123456780', taxCountry: 'DE' });
    const noCountry = await t.fail(t.reception, 'patients.create', { fields: person({ fullName: 'Hans Müller', taxId: '1', taxCountry: 'QQ' }) });
    expect(noCountry).toMatchObject({ code: 'INVALID_TAX_ID', details: { reason: 'country' } });
  });

  it('warns of a second person with the same NIF, however it is written, and saves once confirmed', async () => {
    const first = await t.ok(t.reception, 'patients.create', { fields: person({ fullName: 'Abel Nunes', taxId: '123456789' }) });
    const other = person({ fullName: 'Beatriz Sousa', dateOfBirth: '1990-01-01', taxId: '123 456 789' });
    const warning = await t.fail(t.reception, 'patients.create', { fields: other });
    expect(warning).toMatchObject({ code: 'POSSIBLE_DUPLICATE', details: { sameTaxId: [first.id], matches: [expect.objectContaining({ id: first.id })] } });
    // The same number issued by another country is another person's.
    await t.ok(t.reception, 'patients.create', { fields: { ...other, taxCountry: 'ES' } });
    const second = await t.ok(t.reception, 'patients.create', { fields: other, confirmedNotDuplicate: true });
    expect(second.taxId).toBe('123456789');
  });

  it('warns when an update gives a patient someone else’s NIF, and audits the confirmation', async () => {
    const first = await t.ok(t.reception, 'patients.create', { fields: person({ fullName: 'Abel Nunes', taxId: '123456789' }) });
    const second = await t.ok(t.reception, 'patients.create', { fields: person({ fullName: 'Beatriz Sousa', dateOfBirth: '1990-01-01' }) });
    const fields = person({ fullName: 'Beatriz Sousa', dateOfBirth: '1990-01-01', taxId: '123456789' });
    const warning = await t.fail(t.reception, 'patients.update', { id: second.id, fields });
    expect(warning).toMatchObject({ code: 'POSSIBLE_DUPLICATE', details: { sameTaxId: [first.id] } });
    expect((await t.ok(t.reception, 'patients.get', { id: second.id })).taxId).toBe('');
    await t.ok(t.reception, 'patients.update', { id: second.id, fields, confirmedNotDuplicate: true });
    const detail = t.desk.database.sqlite.prepare(`SELECT detail FROM audit_log WHERE action = 'patients.update' ORDER BY id DESC`).pluck().get();
    expect(detail).toBe('changed: taxId; confirmed not a duplicate');
    // Saving again without touching the NIF does not warn again.
    await t.ok(t.reception, 'patients.update', { id: second.id, fields: { ...fields, notes: 'x' } });
  });
});

describe('phones', () => {
  it('stores E.164, tells Portuguese mobiles apart, and refuses what is not a number', async () => {
    const mobile = await t.ok(t.reception, 'patients.create', { fields: person({ fullName: 'Abel Nunes', phone: '912 345 678' }) });
    expect(mobile).toMatchObject({ phone: '+351912345678', phoneIsPtMobile: true, phoneNeedsReview: false });
    const landline = await t.ok(t.reception, 'patients.create', { fields: person({ fullName: 'Beatriz Sousa', phone: '00351 21 234 5678' }) });
    expect(landline).toMatchObject({ phone: '+351212345678', phoneIsPtMobile: false });
    const bad = await t.fail(t.reception, 'patients.create', { fields: person({ fullName: 'Carlos Reis', phone: '12 34' }) });
    expect(bad).toMatchObject({ code: 'INVALID_PHONE', details: { field: 'fields.phone' } });
  });

  it('finds an E.164 phone however it is typed', async () => {
    const mobile = await t.ok(t.reception, 'patients.create', { fields: person({ fullName: 'Abel Nunes', phone: '912 345 678' }) });
    for (const query of ['912345678', '912 345 678', '+351 912 345 678', '00351912345678', '91234', '5678']) {
      const { results } = await t.ok(t.reception, 'patients.search', { query });
      expect(
        results.map((result) => result.id),
        query,
      ).toContain(mobile.id);
    }
  });

  it('keeps a phone the migration could not read while the desk leaves it as it is', async () => {
    const created = await t.ok(t.reception, 'patients.create', { fields: person({ fullName: 'Abel Nunes' }) });
    t.desk.database.sqlite.prepare(`UPDATE patients SET phone = '(12) 34', phone_digits = '1234', phone_needs_review = 1 WHERE id = ?`).run(created.id);
    const flagged = await t.ok(t.reception, 'patients.get', { id: created.id });
    expect(flagged).toMatchObject({ phone: '(12) 34', phoneNeedsReview: true, phoneIsPtMobile: false });
    const fields = person({ fullName: 'Abel Nunes', phone: '(12) 34', address: 'Rua Nova' });
    expect((await t.ok(t.reception, 'patients.update', { id: created.id, fields })).phoneNeedsReview).toBe(true);
    expect((await t.fail(t.reception, 'patients.update', { id: created.id, fields: { ...fields, phone: '(12) 35' } })).code).toBe('INVALID_PHONE');
    const fixed = await t.ok(t.reception, 'patients.update', { id: created.id, fields: { ...fields, phone: '936 000 111' } });
    expect(fixed).toMatchObject({ phone: '+351936000111', phoneNeedsReview: false, phoneIsPtMobile: true });
  });
});

describe('appointment code in the search box', () => {
  it('finds the patient of an appointment by its code, first, in any case', async () => {
    const appointment = await t.ok(t.reception, 'appointments.book', {
      patientId: p.patients[1]!,
      specialtyId: p.general,
      practitionerId: p.ana,
      startsAt: t.at('2026-06-15T10:00'),
    });
    for (const query of [appointment.code, appointment.code.toLowerCase(), ` ${appointment.code} `]) {
      const { results } = await t.ok(t.reception, 'patients.search', { query });
      expect(results[0]?.id, query).toBe(p.patients[1]);
    }
    const { results } = await t.ok(t.reception, 'patients.search', { query: 'ZZZZZZ' });
    expect(results).toEqual([]);
  });
});
