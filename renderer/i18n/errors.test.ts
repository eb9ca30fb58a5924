import { describe, expect, it } from 'vitest';
import { patientFields } from '../../shared/patients/patients.contract';
import { RpcError } from '../transport/rpc-error';
import { clientFieldErrors, errorText, futureBirthDateError, localDay, serverFieldErrors } from './errors';
import { createI18n } from './i18n';

const en = createI18n('en').t;
const pt = createI18n('pt').t;
const fields = {
  fullName: '',
  preferredName: '',
  dateOfBirth: '',
  sex: 'unknown',
  phone: 'abc',
  email: 'nope',
  taxId: '',
  address: '',
  preferredLanguage: 'pt',
  notes: '',
};

describe('error texts', () => {
  it('translates by code, in the UI language', () => {
    const error = new RpcError('SLOT_TAKEN', 'That slot is taken.');
    expect(errorText(en, error)).toBe('That time was just taken.');
    expect(errorText(pt, error)).toBe('Esse horário acabou de ser ocupado.');
  });

  it('names the holiday a booking fell on, in the UI language', () => {
    const error = new RpcError('CLINIC_CLOSED', 'Closed.', { day: '2026-04-03', nameEn: 'Good Friday', namePt: 'Sexta-feira Santa' });
    expect(errorText(en, error)).toBe('The clinic is closed that day (Good Friday). Choose another day.');
    expect(errorText(pt, error, 'pt')).toBe('A clínica está fechada nesse dia (Sexta-feira Santa). Escolha outro dia.');
  });

  it('names the session of a series that could not be booked, and why, in the UI language', () => {
    const error = new RpcError('SERIES_SESSION_UNAVAILABLE', 'Session 3: closed.', {
      session: 3,
      startsAt: 0,
      reason: 'CLINIC_CLOSED',
      reasonDetails: { day: '2026-04-03', nameEn: 'Good Friday', namePt: 'Sexta-feira Santa' },
    });
    expect(errorText(en, error)).toBe(
      'Session 3 cannot be booked or moved: The clinic is closed that day (Good Friday). Choose another day. Nothing of the series was changed.',
    );
    expect(errorText(pt, error, 'pt')).toBe(
      'A sessão 3 não pode ser marcada nem remarcada: A clínica está fechada nesse dia (Sexta-feira Santa). Escolha outro dia. Nada da série foi alterado.',
    );
  });

  it("says a doctor's refused read is about whose patient it is, not the account's role", () => {
    const error = new RpcError('FORBIDDEN', 'This patient is not one of yours.', { reason: 'NOT_YOUR_PATIENT' });
    expect(errorText(en, error)).toMatch(/not one of yours/);
    expect(errorText(en, new RpcError('FORBIDDEN', 'No.'))).toBe('Your account may not do this.');
  });

  it('maps a VALIDATION answer onto form fields, without the input prefix', () => {
    const error = new RpcError('VALIDATION', 'bad', {
      fields: [
        { path: 'fields.fullName', code: 'too_small', message: 'Too small: expected string to have >=1 characters' },
        { path: 'fields.phone', code: 'invalid_format', message: 'digits only' },
        { path: 'password', code: 'too_small', message: 'Too small: expected string to have >=8 characters' },
      ],
    });
    expect(serverFieldErrors(en, error, 'fields.')).toEqual({
      fullName: 'Required.',
      phone: 'Digits, spaces and + ( ) - . only.',
      password: 'At least 8 characters.',
    });
  });

  it('puts an error naming its field (ALREADY_EXISTS on username) next to that field', () => {
    const error = new RpcError('ALREADY_EXISTS', 'The username rita is taken.', { field: 'username' });
    expect(serverFieldErrors(en, error)).toEqual({ username: 'That username is taken.' });
    const other = new RpcError('NOT_FOUND', 'There is no such practitioner.', { field: 'practitionerId' });
    expect(serverFieldErrors(en, other)).toEqual({ practitionerId: 'This no longer exists. It may have been removed on another workstation.' });
  });

  it('checks a form with the contract schema before sending', () => {
    expect(clientFieldErrors(pt, patientFields, fields)).toEqual({
      fullName: 'Obrigatório.',
      dateOfBirth: 'Obrigatório.',
      phone: 'Apenas algarismos, espaços e + ( ) - .',
      email: 'Não é um endereço de email.',
    });
    expect(clientFieldErrors(en, patientFields, { ...fields, fullName: 'Rosa', dateOfBirth: '1970-01-01', phone: '', email: '' })).toEqual({});
  });

  it('uses European Portuguese plural rules', () => {
    expect(pt('patients.age', { count: 0 })).toBe('0 anos');
    expect(pt('patients.age', { count: 1 })).toBe('1 ano');
    expect(en('patients.resultCount', { count: 1 })).toBe('1 patient found');
  });
});

describe('a birth date in the future', () => {
  it('says it is in the future, from the host or before sending, rather than "after 1900"', () => {
    const error = new RpcError('VALIDATION', 'bad', {
      fields: [{ path: 'fields.dateOfBirth', code: 'custom', message: 'the date of birth is in the future' }],
    });
    expect(serverFieldErrors(en, error, 'fields.')).toEqual({ dateOfBirth: 'This date is in the future. Enter the date of birth.' });
    expect(serverFieldErrors(pt, error, 'fields.')['dateOfBirth']).toBe('Esta data é no futuro. Indique a data de nascimento.');
    expect(futureBirthDateError(en, '2031-01-01', '2030-12-31')).toBe('This date is in the future. Enter the date of birth.');
    expect(futureBirthDateError(en, '2030-12-31', '2030-12-31')).toBeNull();
    expect(futureBirthDateError(en, '', '2030-12-31')).toBeNull();
    // Too old is still the other sentence.
    const tooOld = new RpcError('VALIDATION', 'bad', { fields: [{ path: 'fields.dateOfBirth', code: 'custom', message: 'too far in the past' }] });
    expect(serverFieldErrors(en, tooOld, 'fields.')['dateOfBirth']).toBe('Enter a real date, after 1900.');
  });

  it('reads "today" on the desk’s own calendar', () => {
    const at = new Date(2030, 0, 7, 23, 59).getTime();
    expect(localDay(at)).toBe('2030-01-07');
  });
});
