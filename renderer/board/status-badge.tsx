import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { AppointmentStatus } from '../../shared/appointments/appointments.contract';

/** A status's name. "Left unseen" came with the queue, and its words live with the queue's. */
export function statusLabel(t: TFunction, status: AppointmentStatus): string {
  return status === 'left_unseen' ? t('queue.status.left_unseen') : t(`status.${status}`);
}

/** Each status has its own colour and always its name: never colour alone. */
export function StatusBadge({ status }: { status: AppointmentStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`status-badge status-${status}`} data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {statusLabel(t, status)}
    </span>
  );
}
