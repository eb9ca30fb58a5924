import { useRef, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { patientFields, type Patient, type PatientSummary } from '../../shared/patients/patients.contract';
import { clientFieldErrors, futureBirthDateError, localDay, serverFieldErrors } from '../i18n/errors';
import { useFormat } from '../i18n/hooks';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextArea, TextField } from '../ui/field';
import { focusFirstError } from '../ui/use-form';
import type { PatientFieldsInput } from './patients.store';
import { formatPhone } from '../../shared/patients/phone-format';

type FormValues = Record<keyof PatientFieldsInput, string>;

const empty: FormValues = {
  fullName: '',
  preferredName: '',
  dateOfBirth: '',
  sex: 'unknown',
  phone: '',
  email: '',
  taxId: '',
  taxCountry: 'PT',
  address: '',
  preferredLanguage: 'pt',
  notes: '',
};

function valuesOf(patient: Patient | null, draft?: Partial<FormValues>): FormValues {
  if (!patient) return { ...empty, ...draft };
  const { fullName, preferredName, dateOfBirth, sex, phone, email, taxId, taxCountry, address, preferredLanguage, notes } = patient;
  return { fullName, preferredName, dateOfBirth, sex, phone, email, taxId, taxCountry, address, preferredLanguage, notes };
}

function toInput(values: FormValues): PatientFieldsInput {
  return {
    ...values,
    sex: values.sex as PatientFieldsInput['sex'],
    taxCountry: values.taxCountry.trim().toUpperCase(),
    preferredLanguage: values.preferredLanguage === 'en' ? 'en' : 'pt',
  };
}

/** The matches of a POSSIBLE_DUPLICATE that share the tax id typed (the strongest sign). */
function sameTaxIds(error: RpcError | null): number[] {
  if (!error || error.code !== 'POSSIBLE_DUPLICATE' || !Array.isArray(error.details.sameTaxId)) return [];
  return error.details.sameTaxId as number[];
}

const taxIdProblems = ['check_digit', 'first_digit', 'length', 'country'] as const;

/** A tax id or phone the main process refused, said on its field. */
function identityErrors(t: TFunction, error: RpcError): Record<string, string> {
  const reason = taxIdProblems.find((problem) => problem === error.details.reason);
  if (error.code === 'INVALID_TAX_ID') {
    const text = reason ? t(`patients.taxIdProblem.${reason}`) : t('errors.INVALID_TAX_ID');
    return { [reason === 'country' ? 'taxCountry' : 'taxId']: text };
  }
  if (error.code === 'INVALID_PHONE') return { phone: t('errors.INVALID_PHONE') };
  return {};
}

export function possibleDuplicates(error: RpcError | null): PatientSummary[] {
  if (!error || error.code !== 'POSSIBLE_DUPLICATE' || !Array.isArray(error.details.matches)) return [];
  return error.details.matches as PatientSummary[];
}

export interface PatientFormProps {
  patient: Patient | null;
  /** Prefills a new patient (e.g. the name typed into a search that found nobody). */
  draft?: Partial<FormValues>;
  onSubmit: (fields: PatientFieldsInput, confirmedNotDuplicate: boolean) => Promise<Patient>;
  onSaved: (patient: Patient) => void;
  onCancel: () => void;
  onOpenExisting: (patient: PatientSummary) => void;
  /** Fewer columns, for the inline form in the booking screen's dialog. */
  isCompact?: boolean;
}

/** Every field of `patientFields`, labelled, checked with the same schema as the main process. */
export function PatientForm({ patient, draft, onSubmit, onSaved, onCancel, onOpenExisting, isCompact = false }: PatientFormProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [values, setValues] = useState<FormValues>(() => valuesOf(patient, draft));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const duplicates = possibleDuplicates(error);
  const sameTax = sameTaxIds(error);

  const set = (key: keyof FormValues) => (event: { target: { value: string } }) => {
    const value = event.target.value;
    setValues((current) => ({ ...current, [key]: value }));
    if (errors[key]) setErrors(({ [key]: _removed, ...rest }) => rest);
  };

  const save = async (confirmedNotDuplicate: boolean) => {
    const input = toInput(values);
    const found = clientFieldErrors(t, patientFields, input);
    const future = found['dateOfBirth'] ? null : futureBirthDateError(t, input.dateOfBirth, localDay(Date.now()));
    if (future) found['dateOfBirth'] = future;
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setError(null);
      focusFirstError(formRef.current ?? document);
      return;
    }
    setIsBusy(true);
    setError(null);
    try {
      const saved = await onSubmit(input, confirmedNotDuplicate);
      onSaved(saved);
    } catch (caught) {
      const rpcError = RpcError.from(caught);
      setError(rpcError);
      setErrors({ ...serverFieldErrors(t, rpcError, 'fields.'), ...identityErrors(t, rpcError) });
      setIsBusy(false);
      if (['VALIDATION', 'INVALID_TAX_ID', 'INVALID_PHONE'].includes(rpcError.code)) focusFirstError(formRef.current ?? document);
    }
  };

  const onFormSubmit = (event: FormEvent) => {
    event.preventDefault();
    void save(false);
  };

  return (
    <form
      ref={formRef}
      className="stack"
      onSubmit={onFormSubmit}
      noValidate
      aria-label={patient ? t('patients.editTitle') : t('patients.newTitle')}
      data-testid="patient-form"
    >
      <div className={`form-grid ${isCompact ? '' : 'form-grid-3'}`}>
        <TextField
          className="span-2"
          label={t('patients.fields.fullName')}
          name="fullName"
          autoComplete="off"
          required
          autoFocus
          value={values.fullName}
          onChange={set('fullName')}
          error={errors['fullName']}
        />
        <TextField
          label={t('patients.fields.preferredName')}
          name="preferredName"
          autoComplete="off"
          value={values.preferredName}
          onChange={set('preferredName')}
          error={errors['preferredName']}
          hint={t('patients.hints.preferredName')}
        />
        <TextField
          label={t('patients.fields.dateOfBirth')}
          name="dateOfBirth"
          type="date"
          min="1900-01-01"
          max={localDay(Date.now())}
          required
          value={values.dateOfBirth}
          onChange={set('dateOfBirth')}
          error={errors['dateOfBirth']}
        />
        <SelectField label={t('patients.fields.sex')} name="sex" value={values.sex} onChange={set('sex')} error={errors['sex']}>
          <option value="unknown">{t('patients.sex.unknown')}</option>
          <option value="female">{t('patients.sex.female')}</option>
          <option value="male">{t('patients.sex.male')}</option>
          <option value="other">{t('patients.sex.other')}</option>
        </SelectField>
        <SelectField
          label={t('patients.fields.preferredLanguage')}
          name="preferredLanguage"
          value={values.preferredLanguage}
          onChange={set('preferredLanguage')}
          error={errors['preferredLanguage']}
        >
          <option value="pt">Português</option>
          <option value="en">English</option>
        </SelectField>
        <TextField
          label={t('patients.fields.phone')}
          name="phone"
          type="tel"
          autoComplete="off"
          inputMode="tel"
          value={values.phone}
          onChange={set('phone')}
          error={errors['phone']}
          hint={patient?.phoneNeedsReview && values.phone === patient.phone ? t('patients.hints.phoneNeedsReview') : undefined}
        />
        <TextField
          label={t('patients.fields.email')}
          name="email"
          type="email"
          autoComplete="off"
          value={values.email}
          onChange={set('email')}
          error={errors['email']}
        />
        <div className="tax-id-pair span-2">
          <TextField label={t('patients.fields.taxId')} name="taxId" autoComplete="off" value={values.taxId} onChange={set('taxId')} error={errors['taxId']} />
          <TextField
            label={t('patients.fields.taxCountry')}
            name="taxCountry"
            autoComplete="off"
            maxLength={2}
            className="tax-country"
            value={values.taxCountry}
            onChange={set('taxCountry')}
            error={errors['taxCountry']}
            hint={t('patients.hints.taxCountry')}
          />
        </div>
        <TextField
          className="span-all"
          label={t('patients.fields.address')}
          name="address"
          autoComplete="off"
          value={values.address}
          onChange={set('address')}
          error={errors['address']}
        />
        <TextArea
          className="span-all"
          label={t('patients.fields.notes')}
          name="notes"
          rows={3}
          value={values.notes}
          onChange={set('notes')}
          error={errors['notes']}
          hint={t('patients.hints.notes')}
        />
      </div>

      {duplicates.length > 0 ? (
        <div className="alert alert-warning duplicate-alert" role="alert" data-testid="duplicate-warning">
          <div className="alert-body">
            <p className="alert-title">{t('patients.duplicate.title')}</p>
            <p>{sameTax.length > 0 ? t('patients.duplicate.leadTaxId') : t('patients.duplicate.lead')}</p>
            <ul className="duplicate-list">
              {duplicates.map((match) => (
                <li key={match.id} className="duplicate-row" data-testid="duplicate-match">
                  <div>
                    <p className="result-name">
                      {match.fullName}
                      {sameTax.includes(match.id) ? <span className="badge badge-warning duplicate-reason">{t('patients.duplicate.sameTaxId')}</span> : null}
                    </p>
                    <p className="muted">
                      {format.date(match.dateOfBirth)}
                      {match.phone ? ` · ${formatPhone(match.phone)}` : ''}
                      {match.taxId ? ` · ${t('patients.taxIdShort')} ${match.taxId}` : ''}
                    </p>
                  </div>
                  <Button size="sm" onClick={() => onOpenExisting(match)}>
                    {t('patients.duplicate.open')}
                  </Button>
                </li>
              ))}
            </ul>
            <div className="row">
              <Button variant="primary" size="sm" isBusy={isBusy} onClick={() => void save(true)}>
                {patient ? t('patients.duplicate.saveAnyway') : t('patients.duplicate.createAnyway')}
              </Button>
            </div>
          </div>
        </div>
      ) : (
        <ErrorMessage error={error} />
      )}

      <div className="form-actions">
        <Button variant="ghost" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" isBusy={isBusy && duplicates.length === 0}>
          {patient ? t('common.saveChanges') : t('patients.create')}
        </Button>
      </div>
    </form>
  );
}
