import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { setupContract } from '../../shared/setup/setup.contract';
import { useSession, useSessionStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { clientFieldErrors, serverFieldErrors } from '../i18n/errors';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextField } from '../ui/field';
import { Icon } from '../ui/icons';
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
          <section className="choice-card" aria-labelledby="choice-demo">
            <span className="choice-icon">
              <Icon name="zap" size={22} />
            </span>
            <h2 id="choice-demo" className="choice-title">
              {t('firstRun.demo.title')}
            </h2>
            <p className="muted">{t('firstRun.demo.text')}</p>
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
          </section>
          <section className="choice-card" aria-labelledby="choice-create">
            <span className="choice-icon">
              <Icon name="building" size={22} />
            </span>
            <h2 id="choice-create" className="choice-title">
              {t('firstRun.create.title')}
            </h2>
            <p className="muted">{t('firstRun.create.text')}</p>
            <Button variant="secondary" size="lg" onClick={() => setMode('create')}>
              {t('firstRun.create.action')}
            </Button>
          </section>
          <section className="choice-card" aria-labelledby="choice-join">
            <span className="choice-icon">
              <Icon name="users" size={22} />
            </span>
            <h2 id="choice-join" className="choice-title">
              {t('firstRun.join.title')}
            </h2>
            <p className="muted">{t('firstRun.join.text')}</p>
            <Button variant="secondary" size="lg" onClick={() => setMode('join')} data-testid="first-run-join">
              {t('firstRun.join.action')}
            </Button>
          </section>
        </div>
      </div>
    </AuthLayout>
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
