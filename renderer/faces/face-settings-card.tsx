import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { faceSettingsUpdate, type FaceSettings } from '../../shared/faces/faces.contract';
import { useErrorText } from '../i18n/hooks';
import { useContractForm } from '../ui/use-form';
import { useTransport, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Alert, ErrorMessage } from '../ui/error-message';
import { Checkbox, FieldGroup, TextField } from '../ui/field';
import { Badge, Card, CardHeader, type Tone } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { formOf, hasChanges, settingsUpdateOf, type FaceSettingsUpdate } from './face-settings';
import { createFaceSettingsStore, type ConnectionCheck, type FaceSettingsStore } from './face-settings.store';
import './faces.css';

const checkTone: Record<ConnectionCheck['status'], Tone> = { ok: 'success', created: 'success', failed: 'danger', skipped: 'neutral' };

/** Settings › Face check-in (AWS), for the administrator. Keys are write-only: only "stored or not" comes back. */
export function FaceSettingsCard() {
  const { t } = useTranslation();
  const transport = useTransport();
  const [store] = useState(() => createFaceSettingsStore(transport));
  const settings = useStore(store, (state) => state.settings);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  // A new form after each save: the key fields empty again, the saved values as the starting point.
  const [formKey, setFormKey] = useState(0);

  useEffect(() => {
    const off = store.getState().connect();
    void store.getState().load();
    return off;
  }, [store]);

  return (
    <Card aria-labelledby="face-settings-title" className="face-settings-card">
      <CardHeader
        titleId="face-settings-title"
        title={t('faces.settings.title')}
        subtitle={t('faces.settings.lead')}
        actions={
          settings ? (
            <Badge tone={settings.isReady ? 'success' : 'neutral'}>
              <span data-testid="face-settings-ready" data-ready={settings.isReady}>
                {settings.isReady ? t('faces.settings.ready') : t('faces.settings.notReady')}
              </span>
            </Badge>
          ) : null
        }
      />
      {status === 'loading' && !settings ? (
        <SkeletonList rows={3} label={t('common.loading')} />
      ) : !settings ? (
        <div className="card-body">
          <ErrorMessage
            error={error}
            action={
              <Button size="sm" onClick={() => void store.getState().load()}>
                {t('common.retry')}
              </Button>
            }
          />
        </div>
      ) : (
        <FaceSettingsForm key={formKey} store={store} settings={settings} onSaved={() => setFormKey((key) => key + 1)} />
      )}
    </Card>
  );
}

function FaceSettingsForm({ store, settings, onSaved }: { store: FaceSettingsStore; settings: FaceSettings; onSaved: () => void }) {
  const { t } = useTranslation();
  const ui = useUiStore();
  const errorText = useErrorText();
  const [isForgetting, setIsForgetting] = useState(false);
  const form = useContractForm({
    initial: formOf(settings),
    schema: faceSettingsUpdate,
    toInput: (values) => settingsUpdateOf(settings, values),
    submit: async (update: FaceSettingsUpdate) => {
      if (!hasChanges(update)) {
        ui.getState().toast('info', t('faces.settings.nothingChanged'));
        return;
      }
      await store.getState().save(update);
      ui.getState().toast('success', t('faces.settings.saved'));
      onSaved();
    },
  });
  const { values, setValue, errors } = form;
  const canStoreKeys = settings.secureStorage.available;
  const isTesting = useStore(store, (state) => state.test.status === 'loading');
  // The test runs on what is saved: unsaved changes would make its answer misleading.
  const isDirty = hasChanges(settingsUpdateOf(settings, values));
  const [isApplying, setIsApplying] = useState(false);

  const applyRetention = async () => {
    setIsApplying(true);
    try {
      const withdrawn = await store.getState().applyRetention();
      ui.getState().toast('success', t('faces.settings.retentionApplied', { count: withdrawn }));
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    } finally {
      setIsApplying(false);
    }
  };

  const forgetKeys = async () => {
    setIsForgetting(true);
    try {
      await store.getState().save({ forgetStoredKeys: true });
      ui.getState().toast('success', t('faces.settings.keysForgotten'));
      onSaved();
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
      setIsForgetting(false);
    }
  };

  return (
    <form ref={form.formRef} className="card-body stack" onSubmit={form.onSubmit} noValidate data-testid="face-settings-form">
      <Checkbox
        label={t('faces.settings.enabled')}
        hint={t('faces.settings.enabledHint')}
        checked={values.enabled}
        onChange={(event) => setValue('enabled', event.target.checked)}
        data-testid="face-enabled"
      />
      <div className="form-grid">
        <TextField
          label={t('faces.settings.region')}
          hint={t('faces.settings.regionHint')}
          value={values.region}
          onChange={(event) => setValue('region', event.target.value)}
          error={errors['region']}
          spellCheck={false}
          data-testid="face-region"
        />
        <TextField
          label={t('faces.settings.collectionId')}
          hint={t('faces.settings.collectionHint')}
          value={values.collectionId}
          onChange={(event) => setValue('collectionId', event.target.value)}
          error={errors['collectionId']}
          spellCheck={false}
          data-testid="face-collection"
        />
        <TextField
          label={t('faces.settings.bucket')}
          hint={t('faces.settings.bucketHint')}
          value={values.bucket}
          onChange={(event) => setValue('bucket', event.target.value)}
          error={errors['bucket']}
          spellCheck={false}
          data-testid="face-bucket"
        />
        <TextField
          label={t('faces.settings.keyPrefix')}
          hint={t('faces.settings.keyPrefixHint')}
          value={values.keyPrefix}
          onChange={(event) => setValue('keyPrefix', event.target.value)}
          error={errors['keyPrefix']}
          spellCheck={false}
          data-testid="face-prefix"
        />
        <TextField
          label={t('faces.settings.matchThreshold')}
          hint={t('faces.settings.matchThresholdHint')}
          type="number"
          inputMode="decimal"
          min={80}
          max={100}
          step={0.5}
          value={values.matchThreshold}
          onChange={(event) => setValue('matchThreshold', event.target.value)}
          error={errors['matchThreshold']}
          data-testid="face-threshold"
        />
        <TextField
          label={t('faces.settings.retentionMonths')}
          hint={t('faces.settings.retentionHint')}
          type="number"
          inputMode="numeric"
          min={0}
          max={120}
          step={1}
          value={values.retentionMonths}
          onChange={(event) => setValue('retentionMonths', event.target.value)}
          error={errors['retentionMonths']}
          data-testid="face-retention"
        />
      </div>
      {settings.retentionMonths > 0 ? (
        <div>
          <Button size="sm" variant="ghost" icon="trash" isBusy={isApplying} onClick={() => void applyRetention()} data-testid="face-apply-retention">
            {t('faces.settings.applyRetention', { count: settings.retentionMonths })}
          </Button>
        </div>
      ) : null}
      <FieldGroup legend={t('faces.settings.credentials')}>
        <div className="radio-cards">
          {(['default', 'stored'] as const).map((option) => (
            <label key={option} className={`radio-card ${values.credentialSource === option ? 'is-selected' : ''}`}>
              <input
                type="radio"
                name="face-credential-source"
                value={option}
                checked={values.credentialSource === option}
                onChange={() => setValue('credentialSource', option)}
                data-testid={`face-credentials-${option}`}
              />
              <span className="face-radio-text">
                <span className="radio-card-title">{t(`faces.settings.credentialSource.${option}`)}</span>
                <span className="muted">
                  {option === 'default' ? t('faces.settings.credentialSource.defaultHint') : t('faces.settings.credentialSource.storedHint')}
                </span>
              </span>
            </label>
          ))}
        </div>
      </FieldGroup>
      {values.credentialSource === 'stored' ? (
        <div className="stack" data-testid="face-keys">
          {!canStoreKeys ? (
            <Alert tone="warning" role="status" title={t('faces.settings.secureStorage.title')}>
              <p data-testid="face-secure-storage-problem" data-problem={settings.secureStorage.problem ?? ''}>
                {t(`faces.settings.secureStorage.${settings.secureStorage.problem ?? 'NO_ENCRYPTION'}`)}
              </p>
            </Alert>
          ) : null}
          <p className="muted" data-testid="face-keys-stored" data-stored={settings.hasStoredKeys}>
            {settings.hasStoredKeys ? t('faces.settings.keysStored') : t('faces.settings.noKeysStored')}
          </p>
          <div className="form-grid">
            <TextField
              label={t('faces.settings.accessKeyId')}
              autoComplete="off"
              spellCheck={false}
              disabled={!canStoreKeys}
              value={values.accessKeyId}
              onChange={(event) => setValue('accessKeyId', event.target.value)}
              error={errors['accessKeyId']}
              data-testid="face-access-key"
            />
            <TextField
              label={t('faces.settings.secretAccessKey')}
              type="password"
              autoComplete="new-password"
              disabled={!canStoreKeys}
              value={values.secretAccessKey}
              onChange={(event) => setValue('secretAccessKey', event.target.value)}
              error={errors['secretAccessKey']}
              data-testid="face-secret-key"
            />
          </div>
          {settings.hasStoredKeys ? (
            <div>
              <Button size="sm" variant="danger-ghost" isBusy={isForgetting} onClick={() => void forgetKeys()} data-testid="face-forget-keys">
                {t('faces.settings.forgetKeys')}
              </Button>
            </div>
          ) : null}
        </div>
      ) : null}
      <details className="face-advanced" open={!!(settings.rekognitionEndpoint || settings.s3Endpoint) || undefined}>
        <summary data-testid="face-advanced">{t('faces.settings.advanced')}</summary>
        <div className="form-grid">
          <TextField
            label={t('faces.settings.rekognitionEndpoint')}
            hint={t('faces.settings.endpointHint')}
            type="url"
            spellCheck={false}
            value={values.rekognitionEndpoint}
            onChange={(event) => setValue('rekognitionEndpoint', event.target.value)}
            error={errors['rekognitionEndpoint']}
            data-testid="face-rekognition-endpoint"
          />
          <TextField
            label={t('faces.settings.s3Endpoint')}
            hint={t('faces.settings.endpointHint')}
            type="url"
            spellCheck={false}
            value={values.s3Endpoint}
            onChange={(event) => setValue('s3Endpoint', event.target.value)}
            error={errors['s3Endpoint']}
            data-testid="face-s3-endpoint"
          />
        </div>
      </details>
      <ErrorMessage error={form.error} />
      <ConnectionTest store={store} />
      <div className="form-actions">
        {isDirty ? (
          <span className="muted" data-testid="face-save-first">
            {t('faces.settings.saveFirst')}
          </span>
        ) : null}
        <Button
          variant="secondary"
          icon="zap"
          isBusy={isTesting}
          disabled={form.isBusy || isDirty}
          onClick={() => void store.getState().testConnection()}
          data-testid="face-test-connection"
        >
          {t('faces.settings.test')}
        </Button>
        <Button type="submit" variant="primary" isBusy={form.isBusy} data-testid="face-settings-save">
          {t('common.saveChanges')}
        </Button>
      </div>
    </form>
  );
}

function ConnectionTest({ store }: { store: FaceSettingsStore }) {
  const { t } = useTranslation();
  const test = useStore(store, (state) => state.test);
  if (test.status === 'error') return <ErrorMessage error={test.error} />;
  if (test.status !== 'ready') return null;
  return (
    <div className={`alert ${test.ok ? 'alert-success' : 'alert-warning'}`} role="status" data-testid="face-test-result" data-ok={test.ok}>
      <div className="alert-body">
        <p className="alert-title">{test.ok ? t('faces.settings.testOk') : t('faces.settings.testFailed')}</p>
        <ul className="face-checks">
          {test.checks.map((check) => (
            <li
              key={check.target}
              className="face-check"
              data-testid="face-check"
              data-target={check.target}
              data-status={check.status}
              data-problem={check.problem ?? undefined}
            >
              <span className="face-check-name">{t(`faces.settings.checks.${check.target}`)}</span>
              <Badge tone={checkTone[check.status]}>{t(`faces.settings.checkStatus.${check.status}`)}</Badge>
              {check.problem ? <span>{t(`faces.settings.problems.${check.problem}`)}</span> : null}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
