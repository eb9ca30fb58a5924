import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession, useSessionStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { TextField } from '../ui/field';
import { Icon } from '../ui/icons';
import { Avatar } from '../ui/misc';
import './auth.css';

/** Covers the whole window after the idle time: only the signed-in user's password brings the screen back. */
export function LockScreen() {
  const { t } = useTranslation();
  const staff = useSession((state) => state.staff);
  const clinicName = useSession((state) => state.settings?.clinicName ?? state.status?.clinicName ?? '');
  const session = useSessionStore().getState();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!password) {
      inputRef.current?.focus();
      return;
    }
    setIsBusy(true);
    setError(null);
    try {
      await session.unlock(password);
    } catch (caught) {
      setError(RpcError.from(caught));
      setPassword('');
      setIsBusy(false);
      inputRef.current?.focus();
    }
  };

  return (
    <div className="lock-screen" role="dialog" aria-modal="true" aria-labelledby="lock-title" data-testid="lock-screen">
      <div className="lock-card">
        <span className="lock-icon">
          <Icon name="lock" size={22} />
        </span>
        <h1 id="lock-title" className="auth-title">
          {t('lock.title')}
        </h1>
        <p className="muted">{clinicName}</p>
        {staff ? (
          <div className="lock-user">
            <Avatar name={staff.displayName} size="lg" />
            <div>
              <p className="lock-user-name">{staff.displayName}</p>
              <p className="muted">{staff.username}</p>
            </div>
          </div>
        ) : null}
        <form onSubmit={onSubmit} className="form-stack" noValidate>
          <TextField
            ref={inputRef}
            label={t('lock.password')}
            type="password"
            autoComplete="current-password"
            autoFocus
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <ErrorMessage error={error} />
          <Button type="submit" variant="primary" size="lg" isBusy={isBusy} className="btn-block">
            {t('lock.unlock')}
          </Button>
        </form>
        <Button variant="ghost" icon="logOut" onClick={() => void session.signOut()} className="btn-block">
          {t('lock.signOut', { name: staff?.displayName ?? '' })}
        </Button>
      </div>
    </div>
  );
}
