import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { serviceOrigin } from '../../shared/settings/service-url';
import { syncContract, type SyncSettings } from '../../shared/sync/sync.contract';
import { useSync, useSyncStore, useUiStore } from '../stores/stores';
import { useContractForm } from '../ui/use-form';
import { useErrorText } from '../i18n/hooks';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Alert, ErrorMessage } from '../ui/error-message';
import { Checkbox, TextField } from '../ui/field';
import { Card, CardHeader } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { settingsForm, settingsInput, settingsRefusalOf, type SyncSettingsForm } from './sync-state';
import { AddDeskSection } from './add-desk';
import './sync.css';

/** Admin: the cloud's address and token, the pull interval, and sync on or off. */
export function SyncSettingsCard() {
  const { t } = useTranslation();
  const store = useSyncStore();
  const settings = useSync((state) => state.settings);
  const status = useSync((state) => state.settingsStatus);
  const error = useSync((state) => state.settingsError);
  const [saves, setSaves] = useState(0);

  useEffect(() => {
    void store.getState().loadSettings();
  }, [store]);

  return (
    <Card aria-labelledby="sync-settings-title" className="sync-settings-card">
      <CardHeader titleId="sync-settings-title" title={t('sync.settings.title')} subtitle={t('sync.settings.lead')} />
      {settings ? (
        // A new form after each save: the token box empties and the values are the saved ones.
        <>
          <SettingsForm key={saves} settings={settings} onSaved={() => setSaves((count) => count + 1)} />
          <AddDeskSection settings={settings} />
        </>
      ) : status === 'error' ? (
        <div className="card-body">
          <ErrorMessage
            error={error}
            action={
              <Button size="sm" onClick={() => void store.getState().loadSettings()}>
                {t('common.retry')}
              </Button>
            }
          />
        </div>
      ) : (
        <SkeletonList rows={3} label={t('common.loading')} />
      )}
    </Card>
  );
}

function missingFields(error: RpcError | null): string[] {
  const missing = error?.code === 'NOT_SET_UP' ? error.details.missing : undefined;
  return Array.isArray(missing) ? missing.filter((field): field is string => typeof field === 'string') : [];
}

function SettingsForm({ settings, onSaved }: { settings: SyncSettings; onSaved: () => void }) {
  const { t } = useTranslation();
  const store = useSyncStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  const [isForgetting, setIsForgetting] = useState(false);
  const canStoreToken = settings.secureStorage.available;
  const form = useContractForm<SyncSettingsForm, ReturnType<typeof settingsInput>>({
    initial: settingsForm(settings),
    schema: syncContract['sync.updateSettings'].input,
    toInput: settingsInput,
    check: (values) => {
      // A token is kept only for the address it was given for (see the main process's sync.service).
      const newAddress = serviceOrigin(values.cloudUrl) !== serviceOrigin(settings.cloudUrl);
      const needsToken = values.enabled && (!settings.hasToken || newAddress) && !values.token.trim() && canStoreToken;
      return {
        cloudUrl: values.enabled && !values.cloudUrl.trim() ? t('sync.settings.urlRequired') : undefined,
        token: needsToken ? t(settings.hasToken ? 'sync.settings.tokenForNewAddress' : 'sync.settings.tokenRequired') : undefined,
      };
    },
    submit: (input) => store.getState().saveSettings(input),
    onDone: () => {
      ui.getState().toast('success', t('sync.settings.saved'));
      onSaved();
    },
  });
  const { values, setValue, errors } = form;
  // The token's own failure (it could not be sealed) belongs next to the token box, and so
  // does a missing URL or token the main process names (NOT_SET_UP, details.missing).
  const missing = missingFields(form.error);
  // Turning sync on the first time asks the cloud whether it holds a clinic already (see the main process's sync.service).
  const refusal = settingsRefusalOf(form.error);
  const tokenError =
    errors['token'] ??
    (form.error?.code === 'SECURE_STORAGE_UNAVAILABLE'
      ? errorText(form.error)
      : missing.includes('token')
        ? t('sync.settings.tokenRequired')
        : refusal === 'tokenRefused'
          ? t('sync.settings.tokenRefused')
          : undefined);
  const urlError = errors['cloudUrl'] ?? (missing.includes('cloudUrl') ? t('sync.settings.urlRequired') : undefined);
  const isFieldError = form.error?.code === 'SECURE_STORAGE_UNAVAILABLE' || missing.length > 0 || refusal !== null;

  const forgetToken = async () => {
    setIsForgetting(true);
    try {
      await store.getState().saveSettings({ forgetToken: true });
      ui.getState().toast('success', t('sync.settings.tokenForgotten'));
      onSaved();
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
      setIsForgetting(false);
    }
  };

  const storageProblem = settings.secureStorage.problem ?? 'unknown';

  return (
    <form ref={form.formRef} className="card-body stack" onSubmit={form.onSubmit} noValidate data-testid="sync-settings">
      <Checkbox
        label={t('sync.settings.enabled')}
        hint={t('sync.settings.enabledHint')}
        checked={values.enabled}
        onChange={(event) => setValue('enabled', event.target.checked)}
        data-testid="sync-enabled"
      />
      <div className="form-grid">
        <TextField
          className="span-2"
          label={t('sync.settings.cloudUrl')}
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://"
          value={values.cloudUrl}
          onChange={(event) => setValue('cloudUrl', event.target.value)}
          error={urlError}
          hint={t('sync.settings.cloudUrlHint')}
          required={values.enabled}
        />
        <TextField
          className="span-2"
          label={t('sync.settings.token')}
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={values.token}
          disabled={!canStoreToken}
          onChange={(event) => setValue('token', event.target.value)}
          error={tokenError}
          hint={
            // Where storing is impossible, a token can only have come from the environment.
            canStoreToken
              ? `${settings.hasToken ? t('sync.settings.tokenStored') : t('sync.settings.tokenMissing')} ${t('sync.settings.tokenHint')}`
              : settings.hasToken
                ? t('sync.settings.tokenFromEnvironment')
                : t('sync.settings.tokenMissing')
          }
          data-testid="sync-token"
          data-has-token={settings.hasToken}
        />
        <TextField
          label={`${t('sync.settings.pullInterval')} (${t('sync.settings.pullIntervalUnit')})`}
          type="number"
          inputMode="numeric"
          min={5}
          max={3600}
          step={1}
          value={values.pullIntervalSeconds}
          onChange={(event) => setValue('pullIntervalSeconds', event.target.value)}
          error={errors['pullIntervalSeconds']}
          hint={t('sync.settings.pullIntervalHint')}
        />
        <TextField
          label={t('sync.settings.clientId')}
          value={settings.clientId}
          readOnly
          inputClassName="mono"
          hint={t('sync.settings.clientIdHint')}
          data-testid="sync-client-id"
        />
      </div>
      {canStoreToken ? null : (
        <Alert tone="warning" title={t('sync.settings.secureStorage.title')}>
          <p>{t(`sync.settings.secureStorage.${storageProblem}`)}</p>
          <p>{t('sync.settings.secureStorage.browserHost')}</p>
        </Alert>
      )}
      {refusal === 'otherClinic' ? (
        <Alert tone="danger" title={t('sync.settings.otherClinicTitle')} role="alert">
          <p data-testid="sync-other-clinic">{t('sync.settings.otherClinic')}</p>
        </Alert>
      ) : null}
      <ErrorMessage error={isFieldError ? null : form.error} />
      <div className="form-actions">
        {settings.hasToken && canStoreToken ? (
          <Button variant="ghost" isBusy={isForgetting} onClick={() => void forgetToken()}>
            {t('sync.settings.forgetToken')}
          </Button>
        ) : null}
        <Button type="submit" variant="primary" isBusy={form.isBusy} data-testid="sync-save">
          {t('common.saveChanges')}
        </Button>
      </div>
    </form>
  );
}
