import { useTranslation } from 'react-i18next';
import type { AppointmentStatus } from '../../shared/appointments/appointments.contract';

/** Each status has its own colour and always its name: never colour alone. */
export function StatusBadge({ status }: { status: AppointmentStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`status-badge status-${status}`} data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {t(`status.${status}`)}
    </span>
  );
}
