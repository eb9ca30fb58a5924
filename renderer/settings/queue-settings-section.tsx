import { useTranslation } from 'react-i18next';
import type { DisplayPrivacy } from '../../shared/display/display.contract';
import { settingsContract, type ClinicSettings } from '../../shared/settings/settings.contract';
import { useSession, useSessionStore, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { Checkbox, FieldGroup, SelectField, TextField } from '../ui/field';
import { Card, CardHeader } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import { useContractForm } from '../ui/use-form';

const privacyModes: readonly DisplayPrivacy[] = ['firstNameLastInitial', 'initials', 'ticketOnly'];

/** The queue rules' numbers, the kiosk's window and what the waiting-room screen may show. */
export function QueueSettingsSection() {
  const settings = useSession((state) => state.settings);
  if (!settings) return <Skeleton variant="block" />;
  return <QueueSettingsForm key={JSON.stringify(settings)} settings={settings} />;
}

function QueueSettingsForm({ settings }: { settings: ClinicSettings }) {
  const { t } = useTranslation();
  const session = useSessionStore();
  const ui = useUiStore();
  const form = useContractForm({
    initial: {
      graceMinutes: String(settings.graceMinutes),
      noShowAfterMinutes: String(settings.noShowAfterMinutes),
      kioskEarlyMinutes: String(settings.kioskEarlyMinutes),
      kioskLateMinutes: String(settings.kioskLateMinutes),
      displayPrivacy: settings.displayPrivacy as DisplayPrivacy,
      announcementLanguage: settings.announcementLanguage as 'clinic' | 'patient',
      displayOnSecondScreen: settings.displayOnSecondScreen,
    },
    schema: settingsContract['settings.update'].input,
    // An empty box is sent as NaN, so it fails as "required" rather than becoming 0.
    toInput: (values) => ({
      graceMinutes: minutes(values.graceMinutes),
      noShowAfterMinutes: minutes(values.noShowAfterMinutes),
      kioskEarlyMinutes: minutes(values.kioskEarlyMinutes),
      kioskLateMinutes: minutes(values.kioskLateMinutes),
      displayPrivacy: values.displayPrivacy,
      announcementLanguage: values.announcementLanguage,
      displayOnSecondScreen: values.displayOnSecondScreen,
    }),
    check: (values) => ({
      noShowAfterMinutes:
        Number(values.noShowAfterMinutes) <= Number(values.graceMinutes) && values.noShowAfterMinutes.trim() !== ''
          ? t('queue.settings.noShowAfterGrace')
          : undefined,
    }),
    submit: (input) => session.getState().updateSettings(input),
    onDone: () => ui.getState().toast('success', t('queue.settings.saved')),
  });
  const { values, setValue, errors } = form;
  const numberField = (key: 'graceMinutes' | 'noShowAfterMinutes' | 'kioskEarlyMinutes' | 'kioskLateMinutes', min: number, max: number) => ({
    type: 'number' as const,
    min,
    max,
    step: 1,
    inputMode: 'numeric' as const,
    required: true,
    value: values[key],
    onChange: (event: { target: { value: string } }) => setValue(key, event.target.value),
    error: errors[key],
    'data-testid': `setting-${key}`,
  });

  return (
    <Card aria-labelledby="queue-settings-title">
      <CardHeader titleId="queue-settings-title" title={t('queue.settings.title')} subtitle={t('queue.settings.lead')} />
      <form ref={form.formRef} className="card-body stack" onSubmit={form.onSubmit} noValidate>
        <section className="form-section" aria-labelledby="queue-rules-title">
          <h3 id="queue-rules-title" className="form-section-title">
            {t('queue.settings.rules')}
          </h3>
          <div className="form-grid">
            <TextField label={t('queue.settings.graceMinutes')} hint={t('queue.settings.graceHint')} {...numberField('graceMinutes', 0, 60)} />
            <TextField label={t('queue.settings.noShowAfterMinutes')} hint={t('queue.settings.noShowHint')} {...numberField('noShowAfterMinutes', 5, 240)} />
          </div>
        </section>

        <section className="form-section" aria-labelledby="queue-kiosk-title">
          <h3 id="queue-kiosk-title" className="form-section-title">
            {t('queue.settings.kiosk')}
          </h3>
          <div className="form-grid">
            <TextField label={t('queue.settings.kioskEarlyMinutes')} hint={t('queue.settings.kioskEarlyHint')} {...numberField('kioskEarlyMinutes', 0, 240)} />
            <TextField label={t('queue.settings.kioskLateMinutes')} hint={t('queue.settings.kioskLateHint')} {...numberField('kioskLateMinutes', 0, 120)} />
          </div>
        </section>

        <section className="form-section stack" aria-labelledby="queue-display-title">
          <h3 id="queue-display-title" className="form-section-title queue-display-title">
            {t('queue.settings.display')}
          </h3>
          <FieldGroup legend={t('queue.settings.privacy')} error={errors['displayPrivacy']}>
            <p className="field-hint">{t('queue.settings.privacyHint')}</p>
            <div className="radio-cards privacy-cards">
              {privacyModes.map((mode) => (
                <label key={mode} className={`radio-card privacy-card ${values.displayPrivacy === mode ? 'is-selected' : ''}`}>
                  <input
                    type="radio"
                    name="display-privacy"
                    value={mode}
                    checked={values.displayPrivacy === mode}
                    onChange={() => setValue('displayPrivacy', mode)}
                    data-testid={`privacy-${mode}`}
                  />
                  <span className="privacy-text">
                    <span className="radio-card-title">{t(`queue.settings.privacyModes.${mode}`)}</span>
                    <span className="privacy-example" aria-hidden="true">
                      {t(`queue.settings.privacyExamples.${mode}`)}
                    </span>
                    {mode === 'firstNameLastInitial' ? <span className="muted">{t('queue.settings.privacyDefault')}</span> : null}
                  </span>
                </label>
              ))}
            </div>
          </FieldGroup>
          <div className="form-grid">
            <SelectField
              label={t('queue.settings.announcementLanguage')}
              hint={t('queue.settings.announcementHint')}
              value={values.announcementLanguage}
              onChange={(event) => setValue('announcementLanguage', event.target.value === 'patient' ? 'patient' : 'clinic')}
              error={errors['announcementLanguage']}
              data-testid="setting-announcementLanguage"
            >
              <option value="clinic">{t('queue.settings.announcementClinic')}</option>
              <option value="patient">{t('queue.settings.announcementPatient')}</option>
            </SelectField>
          </div>
          <Checkbox
            label={t('queue.settings.secondScreen')}
            hint={t('queue.settings.secondScreenHint')}
            checked={values.displayOnSecondScreen}
            onChange={(event) => setValue('displayOnSecondScreen', event.target.checked)}
            data-testid="setting-displayOnSecondScreen"
          />
        </section>

        <ErrorMessage error={form.error} />
        <div className="form-actions">
          <Button type="submit" variant="primary" isBusy={form.isBusy} data-testid="save-queue-settings">
            {t('common.saveChanges')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function minutes(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}
