import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession, useSessionStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { TextField } from '../ui/field';
import { Badge } from '../ui/misc';
import { AuthLayout } from './auth-layout';

export function SignInScreen() {
  const { t } = useTranslation();
  const status = useSession((state) => state.status);
  const signIn = useSessionStore().getState().signIn;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const usernameRef = useRef<HTMLInputElement>(null);

  const submit = async (user: string, pass: string) => {
    setIsBusy(true);
    setError(null);
    try {
      await signIn(user, pass);
    } catch (caught) {
      setError(RpcError.from(caught));
      setIsBusy(false);
      setPassword('');
      (user ? passwordRef : usernameRef).current?.focus();
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim()) {
      usernameRef.current?.focus();
      return;
    }
    void submit(username.trim(), password);
  };

  const demoAccounts = status?.demoAccounts ?? [];

  return (
    <AuthLayout clinicName={status?.clinicName}>
      <div className="auth-card">
        <h1 className="auth-title">{t('auth.signIn.title')}</h1>
        <p className="auth-lead">{t('auth.signIn.lead')}</p>
        <form className="form-stack" onSubmit={onSubmit} noValidate>
          <TextField
            ref={usernameRef}
            label={t('auth.username')}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
          <TextField
            ref={passwordRef}
            label={t('auth.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <ErrorMessage error={error} />
          <Button type="submit" variant="primary" size="lg" isBusy={isBusy} className="btn-block">
            {t('auth.signIn.submit')}
          </Button>
        </form>
      </div>

      {demoAccounts.length > 0 ? (
        <section className="auth-card auth-demo" aria-labelledby="demo-accounts-title">
          <div className="auth-demo-header">
            <h2 id="demo-accounts-title" className="auth-subtitle">
              {t('auth.demo.title')}
            </h2>
            <Badge tone="warning">{t('common.demo')}</Badge>
          </div>
          <p className="muted">{t('auth.demo.lead')}</p>
          <ul className="demo-accounts" data-testid="demo-accounts">
            {demoAccounts.map((account) => (
              <li key={account.username} className="demo-account">
                <div className="demo-account-text">
                  <span className="demo-account-role">{t(`roles.${account.role}`)}</span>
                  <span className="muted mono">
                    {account.username} / {account.password}
                  </span>
                </div>
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={isBusy}
                  onClick={() => {
                    setUsername(account.username);
                    setPassword(account.password);
                    void submit(account.username, account.password);
                  }}
                >
                  {t('auth.demo.signInAs', { role: t(`roles.${account.role}`) })}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </AuthLayout>
  );
}
