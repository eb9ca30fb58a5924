import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { setupContract } from '../../shared/setup/setup.contract';
import { useSession, useSessionStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { clientFieldErrors, serverFieldErrors } from '../i18n/errors';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextField } from '../ui/field';
import { Icon, type IconName } from '../ui/icons';
import { focusFirstError } from '../ui/use-form';
import { AuthLayout } from '../auth/auth-layout';
import { TimeZoneOptions, currencies, defaultTimeZone } from '../settings/zones';
import { JoinClinicForm } from './join-clinic-form';

type Mode = 'choose' | 'create' | 'join';

export function FirstRunScreen() {
  const { t } = useTranslation();
  const [mode, setMode] = useState<Mode>('choose');
  const startDemo = useSessionStore().getState().startDemo;
  const [demoError, setDemoError] = useState<RpcError | null>(null);
  const [isStarting, setIsStarting] = useState(false);

  if (mode === 'create') {
    return (
      <AuthLayout wide>
        <CreateClinicForm onBack={() => setMode('choose')} />
      </AuthLayout>
    );
  }

  if (mode === 'join') {
    return (
      <AuthLayout>
        <JoinClinicForm onBack={() => setMode('choose')} />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout wide>
      <div className="first-run">
        <div className="first-run-intro">
          <h1 className="auth-title">{t('firstRun.title')}</h1>
          <p className="auth-lead">{t('firstRun.lead')}</p>
        </div>
        <div className="choice-grid choice-grid-3">
          <ChoiceCard id="choice-demo" icon="zap" title={t('firstRun.demo.title')} text={t('firstRun.demo.text')}>
            <ErrorMessage error={demoError} />
            <Button
              variant="primary"
              size="lg"
              isBusy={isStarting}
              onClick={async () => {
                setIsStarting(true);
                setDemoError(null);
                try {
                  await startDemo();
                } catch (error) {
                  setDemoError(RpcError.from(error));
                  setIsStarting(false);
                }
              }}
            >
              {t('firstRun.demo.action')}
            </Button>
          </ChoiceCard>
          <ChoiceCard id="choice-create" icon="building" title={t('firstRun.create.title')} text={t('firstRun.create.text')}>
            <Button variant="secondary" size="lg" onClick={() => setMode('create')}>
              {t('firstRun.create.action')}
            </Button>
          </ChoiceCard>
          <ChoiceCard id="choice-join" icon="users" title={t('firstRun.join.title')} text={t('firstRun.join.text')}>
            <Button variant="secondary" size="lg" onClick={() => setMode('join')} data-testid="first-run-join">
              {t('firstRun.join.action')}
            </Button>
          </ChoiceCard>
        </div>
      </div>
    </AuthLayout>
  );
}

/** One way to start: its icon, what it does, and what to press. */
function ChoiceCard({ id, icon, title, text, children }: { id: string; icon: IconName; title: string; text: string; children: ReactNode }) {
  return (
    <section className="choice-card" aria-labelledby={id}>
      <span className="choice-icon">
        <Icon name={icon} size={22} />
      </span>
      <h2 id={id} className="choice-title">
        {title}
      </h2>
      <p className="muted">{text}</p>
      {children}
    </section>
  );
}

const createClinicInput = setupContract['setup.createClinic'].input;

function CreateClinicForm({ onBack }: { onBack: () => void }) {
  const { t } = useTranslation();
  const guestLocale = useSession((state) => state.guestLocale);
  const createClinic = useSessionStore().getState().createClinic;
  const [values, setValues] = useState<Record<'clinicName' | 'timeZone' | 'locale' | 'currency' | 'username' | 'displayName' | 'password' | 'confirm', string>>(
    {
      clinicName: '',
      timeZone: defaultTimeZone(),
      locale: guestLocale,
      currency: 'EUR',
      username: '',
      displayName: '',
      password: '',
      confirm: '',
    },
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => setValues((current) => ({ ...current, [key]: event.target.value }));

  const input = useMemo(
    () => ({
      clinicName: values.clinicName,
      timeZone: values.timeZone,
      locale: values.locale === 'pt' ? ('pt' as const) : ('en' as const),
      currency: values.currency,
      admin: { username: values.username, displayName: values.displayName, password: values.password },
    }),
    [values],
  );

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const found = { ...clientFieldErrors(t, createClinicInput, input) };
    if (values.password !== values.confirm) found['confirm'] = t('validation.passwordsDiffer');
    setErrors(found);
    setError(null);
    if (Object.keys(found).length > 0) {
      focusFirstError();
      return;
    }
    setIsBusy(true);
    try {
      await createClinic(input);
    } catch (caught) {
      const rpcError = RpcError.from(caught);
      setError(rpcError);
      setErrors(serverFieldErrors(t, rpcError));
      setIsBusy(false);
    }
  };

  return (
    <div className="auth-card auth-card-wide">
      <Button variant="ghost" size="sm" icon="chevronLeft" onClick={onBack} className="auth-back">
        {t('common.back')}
      </Button>
      <h1 className="auth-title">{t('firstRun.create.title')}</h1>
      <p className="auth-lead">{t('firstRun.create.lead')}</p>
      <form onSubmit={onSubmit} noValidate className="stack">
        <fieldset className="form-section">
          <legend className="form-section-title">{t('firstRun.create.clinicSection')}</legend>
          <div className="form-grid">
            <TextField
              className="span-2"
              label={t('settings.clinicName')}
              name="clinicName"
              required
              autoFocus
              value={values.clinicName}
              onChange={set('clinicName')}
              error={errors['clinicName']}
            />
            <SelectField label={t('settings.timeZone')} name="timeZone" value={values.timeZone} onChange={set('timeZone')} error={errors['timeZone']}>
              <TimeZoneOptions />
            </SelectField>
            <SelectField label={t('settings.currency')} name="currency" value={values.currency} onChange={set('currency')} error={errors['currency']}>
              {currencies.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('settings.clinicLanguage')}
              name="locale"
              value={values.locale}
              onChange={set('locale')}
              hint={t('settings.clinicLanguageHint')}
            >
              <option value="pt">Português</option>
              <option value="en">English</option>
            </SelectField>
          </div>
        </fieldset>
        <fieldset className="form-section">
          <legend className="form-section-title">{t('firstRun.create.adminSection')}</legend>
          <div className="form-grid">
            <TextField
              label={t('staff.displayName')}
              name="displayName"
              autoComplete="name"
              required
              value={values.displayName}
              onChange={set('displayName')}
              error={errors['admin.displayName']}
            />
            <TextField
              label={t('auth.username')}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={values.username}
              onChange={set('username')}
              error={errors['admin.username']}
              hint={t('validation.username')}
            />
            <TextField
              label={t('auth.password')}
              name="password"
              type="password"
              autoComplete="new-password"
              required
              value={values.password}
              onChange={set('password')}
              error={errors['admin.password']}
              hint={t('auth.passwordRule')}
            />
            <TextField
              label={t('auth.confirmPassword')}
              name="confirm"
              type="password"
              autoComplete="new-password"
              required
              value={values.confirm}
              onChange={set('confirm')}
              error={errors['confirm']}
            />
          </div>
        </fieldset>
        <ErrorMessage error={error} />
        <div className="form-actions">
          <Button variant="ghost" onClick={onBack}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" isBusy={isBusy}>
            {t('firstRun.create.submit')}
          </Button>
        </div>
      </form>
    </div>
  );
}
