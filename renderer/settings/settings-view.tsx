import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authContract } from '../../shared/auth/auth.contract';
import type { Locale } from '../../shared/contract/common';
import { useErrorText } from '../i18n/hooks';
import { useSession, useSessionStore, useUiStore } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { RpcError } from '../transport/rpc-error';
import { useContractForm } from '../ui/use-form';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { TextField } from '../ui/field';
import { Avatar, Card, CardHeader, PageHeader } from '../ui/misc';
import { ScreensCard } from '../devices/screens-card';
import { FaceSettingsCard } from '../faces/face-settings-card';
import { SyncSettingsCard } from '../sync/sync-settings-card';
import { BackupSettingsCard } from '../backup/backup-settings-card';
import { HostCertificateCard } from './host-certificate-card';
import { HostNamesCard } from './host-names-card';
import '../setup/setup.css';

export function SettingsView() {
  const { t } = useTranslation();
  const mayListScreens = useMay('devices.list');
  const mayFaceSettings = useMay('faces.settings');
  const maySyncSettings = useMay('sync.settings');
  const mayEditSettings = useMay('settings.update');
  const mayBackUp = useMay('backup.setFolder');
  return (
    <div className="page page-narrow">
      <PageHeader title={t('settings.title')} subtitle={t('settings.subtitle')} />
      <div className="stack">
        <AccountCard />
        <LanguageCard />
        {mayListScreens ? <ScreensCard /> : null}
        {mayEditSettings ? <HostNamesCard /> : null}
        {mayEditSettings ? <HostCertificateCard /> : null}
        {mayFaceSettings ? <FaceSettingsCard /> : null}
        {maySyncSettings ? <SyncSettingsCard /> : null}
        {mayBackUp ? <BackupSettingsCard /> : null}
        <PasswordCard />
      </div>
    </div>
  );
}

function AccountCard() {
  const { t } = useTranslation();
  const staff = useSession((state) => state.staff);
  if (!staff) return null;
  return (
    <Card aria-labelledby="account-title">
      <CardHeader titleId="account-title" title={t('settings.account')} />
      <div className="card-body account">
        <Avatar name={staff.displayName} size="lg" />
        <div>
          <p className="account-name">{staff.displayName}</p>
          <p className="muted">
            <span className="mono">{staff.username}</span> · {t(`roles.${staff.role}`)}
          </p>
        </div>
      </div>
    </Card>
  );
}

function LanguageCard() {
  const { t } = useTranslation();
  const locale = useSession((state) => state.staff?.locale ?? 'en');
  const session = useSessionStore();
  const errorText = useErrorText();
  const ui = useUiStore();
  const [isBusy, setIsBusy] = useState<Locale | null>(null);
  const choose = async (next: Locale) => {
    if (next === locale) return;
    setIsBusy(next);
    try {
      await session.getState().setMyLocale(next);
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    } finally {
      setIsBusy(null);
    }
  };
  return (
    <Card aria-labelledby="language-title">
      <CardHeader titleId="language-title" title={t('settings.language')} subtitle={t('settings.languageLead')} />
      <div className="card-body">
        <div className="radio-cards" role="radiogroup" aria-labelledby="language-title">
          {(['pt', 'en'] as const).map((option) => (
            <label key={option} className={`radio-card ${locale === option ? 'is-selected' : ''}`}>
              <input type="radio" name="locale" value={option} checked={locale === option} disabled={isBusy !== null} onChange={() => void choose(option)} />
              <span className="radio-card-title" lang={option === 'pt' ? 'pt-PT' : 'en'}>
                {option === 'pt' ? 'Português (Portugal)' : 'English'}
              </span>
            </label>
          ))}
        </div>
      </div>
    </Card>
  );
}

function PasswordCard() {
  const { t } = useTranslation();
  const session = useSessionStore();
  const ui = useUiStore();
  const [formKey, setFormKey] = useState(0);
  return (
    <Card aria-labelledby="password-title">
      <CardHeader titleId="password-title" title={t('settings.changePassword')} subtitle={t('auth.passwordRule')} />
      <PasswordForm
        key={formKey}
        submit={(input) => session.getState().changePassword(input.currentPassword, input.newPassword)}
        onDone={() => {
          ui.getState().toast('success', t('settings.passwordChanged'));
          setFormKey((key) => key + 1);
        }}
      />
    </Card>
  );
}

function PasswordForm({ submit, onDone }: { submit: (input: { currentPassword: string; newPassword: string }) => Promise<void>; onDone: () => void }) {
  const { t } = useTranslation();
  const form = useContractForm({
    initial: { currentPassword: '', newPassword: '', confirm: '' },
    schema: authContract['auth.changePassword'].input,
    toInput: (values) => ({ currentPassword: values.currentPassword, newPassword: values.newPassword }),
    check: (values) => (values.newPassword !== values.confirm ? { confirm: t('validation.passwordsDiffer') } : {}),
    submit,
    onDone,
  });
  const { values, setValue, errors } = form;
  // A wrong current password belongs next to that field, not in a general alert.
  const wrongCurrent = form.error?.code === 'INVALID_CREDENTIALS';
  return (
    <form ref={form.formRef} className="card-body stack" onSubmit={form.onSubmit} noValidate>
      <div className="form-grid">
        <TextField
          className="span-2 field-narrow"
          label={t('settings.currentPassword')}
          type="password"
          autoComplete="current-password"
          required
          value={values.currentPassword}
          onChange={(event) => setValue('currentPassword', event.target.value)}
          error={errors['currentPassword'] ?? (wrongCurrent ? t('settings.wrongCurrentPassword') : undefined)}
        />
        <TextField
          label={t('settings.newPassword')}
          type="password"
          autoComplete="new-password"
          required
          value={values.newPassword}
          onChange={(event) => setValue('newPassword', event.target.value)}
          error={errors['newPassword']}
        />
        <TextField
          label={t('auth.confirmPassword')}
          type="password"
          autoComplete="new-password"
          required
          value={values.confirm}
          onChange={(event) => setValue('confirm', event.target.value)}
          error={errors['confirm']}
        />
      </div>
      <ErrorMessage error={wrongCurrent ? null : form.error} />
      <div className="form-actions">
        <Button type="submit" variant="primary" isBusy={form.isBusy}>
          {t('settings.changePassword')}
        </Button>
      </div>
    </form>
  );
}
