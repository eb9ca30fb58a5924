import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { setupContract } from '../../shared/setup/setup.contract';
import { formatJoinCode, normaliseJoinCode } from '../../shared/sync/join-code';
import { useSessionStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { clientFieldErrors, serverFieldErrors } from '../i18n/errors';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { TextField } from '../ui/field';
import { Spinner } from '../ui/spinner';
import { focusFirstError } from '../ui/use-form';

const joinClinicInput = setupContract['setup.joinClinic'].input;

/** Field errors, the code's said as what a join code looks like (the pairing code's field has the same name). */
function withCodeHint(found: Record<string, string>, hint: string): Record<string, string> {
  return found['code'] ? { ...found, code: hint } : found;
}

/** What is typed, shown as the code is written (XXXXX-XXXXX) once it is one. */
function asTyped(value: string): string {
  const upper = value.toUpperCase();
  const plain = normaliseJoinCode(upper);
  return plain === null ? upper : formatJoinCode(plain);
}

/**
 * First run, "join a clinic": the cloud's address and a one-time code from a desk already in
 * the clinic (Settings › Cloud sync › Add a desk). The clinic downloads before the call
 * returns: the form gives way to a progress panel meanwhile, then the sign-in screen comes.
 */
export function JoinClinicForm({ onBack }: { onBack: () => void }) {
  const { t } = useTranslation();
  const joinClinic = useSessionStore().getState().joinClinic;
  const [values, setValues] = useState({ cloudUrl: 'https://', code: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<RpcError | null>(null);
  const [isJoining, setIsJoining] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const input = { cloudUrl: values.cloudUrl.trim(), code: values.code.trim() };
    const found = withCodeHint(clientFieldErrors(t, joinClinicInput, input), t('validation.joinCode'));
    setErrors(found);
    setError(null);
    if (Object.keys(found).length > 0) {
      focusFirstError();
      return;
    }
    setIsJoining(true);
    try {
      await joinClinic(input);
    } catch (caught) {
      const rpcError = RpcError.from(caught);
      setError(rpcError);
      setErrors(withCodeHint(serverFieldErrors(t, rpcError), t('validation.joinCode')));
      setIsJoining(false);
    }
  };

  if (isJoining) {
    return (
      <div className="auth-card join-progress" role="status" aria-live="polite" data-testid="join-progress">
        <Spinner size="lg" />
        <h1 className="auth-title">{t('firstRun.join.progressTitle')}</h1>
        <p className="auth-lead">{t('firstRun.join.progressText')}</p>
      </div>
    );
  }

  return (
    <div className="auth-card">
      <Button variant="ghost" size="sm" icon="chevronLeft" onClick={onBack} className="auth-back">
        {t('common.back')}
      </Button>
      <h1 className="auth-title">{t('firstRun.join.title')}</h1>
      <p className="auth-lead">{t('firstRun.join.lead')}</p>
      <form onSubmit={onSubmit} noValidate className="stack" data-testid="join-form">
        <TextField
          label={t('firstRun.join.cloudUrl')}
          name="cloudUrl"
          type="url"
          inputMode="url"
          autoComplete="url"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          value={values.cloudUrl}
          onChange={(event) => setValues((current) => ({ ...current, cloudUrl: event.target.value }))}
          error={errors['cloudUrl']}
          hint={t('firstRun.join.cloudUrlHint')}
          data-testid="join-cloud-url"
        />
        <TextField
          label={t('firstRun.join.code')}
          name="code"
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          required
          maxLength={40}
          placeholder="XXXXX-XXXXX"
          inputClassName="mono join-code-input"
          value={values.code}
          onChange={(event) => setValues((current) => ({ ...current, code: asTyped(event.target.value) }))}
          error={errors['code']}
          hint={t('firstRun.join.codeHint')}
          data-testid="join-code"
        />
        <ErrorMessage error={error} />
        <div className="form-actions">
          <Button variant="ghost" onClick={onBack}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" data-testid="join-submit">
            {t('firstRun.join.submit')}
          </Button>
        </div>
      </form>
    </div>
  );
}
