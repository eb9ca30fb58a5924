import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n/errors';
import { useLocale } from '../i18n/hooks';
import type { RpcError } from '../transport/rpc-error';
import { Icon } from './icons';

/** A failed call, translated by code, shown next to what caused it. */
export function ErrorMessage({
  error,
  children,
  action,
  className,
}: {
  error: RpcError | null | undefined;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  if (!error) return null;
  return (
    <div className={`alert alert-danger ${className ?? ''}`} role="alert" data-testid="error-message" data-error-code={error.code}>
      <Icon name="alert" size={18} />
      <div className="alert-body">
        <p className="alert-title">{errorText(t, error, locale)}</p>
        {children}
      </div>
      {action ? <div className="alert-action">{action}</div> : null}
    </div>
  );
}

export function Alert({
  tone = 'info',
  title,
  children,
  action,
  role,
}: {
  tone?: 'info' | 'warning' | 'success' | 'danger';
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  role?: 'alert' | 'status';
}) {
  const icon = tone === 'success' ? 'checkCircle' : tone === 'info' ? 'info' : 'alert';
  return (
    <div className={`alert alert-${tone}`} role={role}>
      <Icon name={icon} size={18} />
      <div className="alert-body">
        <p className="alert-title">{title}</p>
        {children}
      </div>
      {action ? <div className="alert-action">{action}</div> : null}
    </div>
  );
}
