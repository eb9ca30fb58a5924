import { useTranslation } from 'react-i18next';
import { useUi, useUiStore } from '../stores/stores';
import { IconButton } from './button';
import { Icon } from './icons';

/** Confirmations and background failures, bottom right. Errors are announced assertively. */
export function ToastRegion() {
  const { t } = useTranslation();
  const toasts = useUi((state) => state.toasts);
  const dismiss = useUiStore().getState().dismissToast;
  return (
    <div className="toast-region" aria-label={t('common.notifications')} role="region">
      <div className="toast-live" role="status" aria-live="polite">
        {toasts
          .filter((toast) => toast.tone !== 'error')
          .map((toast) => (
            <div key={toast.id} className={`toast toast-${toast.tone}`} data-testid="toast" data-tone={toast.tone}>
              <Icon name={toast.tone === 'success' ? 'checkCircle' : 'info'} size={18} />
              <div className="toast-body">
                <p className="toast-message">{toast.message}</p>
                {toast.detail ? <p className="toast-detail">{toast.detail}</p> : null}
              </div>
              <IconButton icon="x" size="sm" label={t('common.dismiss')} onClick={() => dismiss(toast.id)} />
            </div>
          ))}
      </div>
      <div className="toast-live" role="alert" aria-live="assertive">
        {toasts
          .filter((toast) => toast.tone === 'error')
          .map((toast) => (
            <div key={toast.id} className="toast toast-error" data-testid="toast" data-tone="error">
              <Icon name="alert" size={18} />
              <div className="toast-body">
                <p className="toast-message">{toast.message}</p>
                {toast.detail ? <p className="toast-detail">{toast.detail}</p> : null}
              </div>
              <IconButton icon="x" size="sm" label={t('common.dismiss')} onClick={() => dismiss(toast.id)} />
            </div>
          ))}
      </div>
    </div>
  );
}
