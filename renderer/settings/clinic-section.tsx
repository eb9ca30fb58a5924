import { useTranslation } from 'react-i18next';
import { settingsContract } from '../../shared/settings/settings.contract';
import type { ClinicSettings } from '../../shared/settings/settings.contract';
import { useSession, useSessionStore, useUiStore } from '../stores/stores';
import { TimeZoneOptions, currencies } from './zones';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextField } from '../ui/field';
import { Card, CardHeader } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import { useContractForm } from '../ui/use-form';

const slotSteps = [5, 10, 15, 20, 30, 60] as const;

export function ClinicSection() {
  const settings = useSession((state) => state.settings);
  if (!settings) return <Skeleton variant="block" />;
  return <ClinicForm key={JSON.stringify(settings)} settings={settings} />;
}

function ClinicForm({ settings }: { settings: ClinicSettings }) {
  const { t } = useTranslation();
  const session = useSessionStore();
  const ui = useUiStore();
  const form = useContractForm({
    initial: {
      clinicName: settings.clinicName,
      clinicAddress: settings.clinicAddress,
      clinicPhone: settings.clinicPhone,
      timeZone: settings.timeZone,
      locale: settings.locale as string,
      currency: settings.currency,
      idleLockMinutes: String(settings.idleLockMinutes),
      slotStepMinutes: String(settings.slotStepMinutes),
    },
    schema: settingsContract['settings.update'].input,
    toInput: (values) => ({
      clinicName: values.clinicName,
      clinicAddress: values.clinicAddress,
      clinicPhone: values.clinicPhone,
      timeZone: values.timeZone,
      locale: values.locale === 'pt' ? ('pt' as const) : ('en' as const),
      currency: values.currency,
      idleLockMinutes: Number(values.idleLockMinutes),
      slotStepMinutes: Number(values.slotStepMinutes) as 5 | 10 | 15 | 20 | 30 | 60,
    }),
    submit: (input) => session.getState().updateSettings(input),
    onDone: () => ui.getState().toast('success', t('setup.clinic.saved')),
  });
  const { values, setValue, errors } = form;

  return (
    <Card aria-labelledby="clinic-title">
      <CardHeader titleId="clinic-title" title={t('setup.sections.clinic')} subtitle={t('setup.clinic.lead')} />
      <form ref={form.formRef} className="card-body stack" onSubmit={form.onSubmit} noValidate>
        <div className="form-grid">
          <TextField
            className="span-2"
            label={t('settings.clinicName')}
            required
            value={values.clinicName}
            onChange={(event) => setValue('clinicName', event.target.value)}
            error={errors['clinicName']}
          />
          <TextField
            className="span-2"
            label={t('settings.clinicAddress')}
            autoComplete="street-address"
            value={values.clinicAddress}
            onChange={(event) => setValue('clinicAddress', event.target.value)}
            error={errors['clinicAddress']}
            hint={t('settings.clinicAddressHint')}
          />
          <TextField
            label={t('settings.clinicPhone')}
            type="tel"
            autoComplete="tel"
            value={values.clinicPhone}
            onChange={(event) => setValue('clinicPhone', event.target.value)}
            error={errors['clinicPhone']}
          />
          <SelectField
            label={t('settings.timeZone')}
            value={values.timeZone}
            onChange={(event) => setValue('timeZone', event.target.value)}
            error={errors['timeZone']}
            hint={t('setup.clinic.timeZoneHint')}
          >
            <TimeZoneOptions current={values.timeZone} />
          </SelectField>
          <SelectField
            label={t('settings.clinicLanguage')}
            value={values.locale}
            onChange={(event) => setValue('locale', event.target.value)}
            hint={t('settings.clinicLanguageHint')}
          >
            <option value="pt">Português</option>
            <option value="en">English</option>
          </SelectField>
          <SelectField
            label={t('settings.currency')}
            value={values.currency}
            onChange={(event) => setValue('currency', event.target.value)}
            error={errors['currency']}
          >
            {(currencies as readonly string[]).includes(values.currency) ? null : <option value={values.currency}>{values.currency}</option>}
            {currencies.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t('setup.clinic.idleLockMinutes')}
            type="number"
            min={1}
            max={480}
            inputMode="numeric"
            value={values.idleLockMinutes}
            onChange={(event) => setValue('idleLockMinutes', event.target.value)}
            error={errors['idleLockMinutes']}
            hint={t('setup.clinic.idleLockHint')}
          />
          <SelectField
            label={t('setup.clinic.slotStep')}
            value={values.slotStepMinutes}
            onChange={(event) => setValue('slotStepMinutes', event.target.value)}
            error={errors['slotStepMinutes']}
            hint={t('setup.clinic.slotStepHint')}
          >
            {slotSteps.map((step) => (
              <option key={step} value={step}>
                {t('duration.minutes', { count: step })}
              </option>
            ))}
          </SelectField>
        </div>
        <ErrorMessage error={form.error} />
        <div className="form-actions">
          <Button type="submit" variant="primary" isBusy={form.isBusy}>
            {t('common.saveChanges')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
