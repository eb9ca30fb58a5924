import { useTranslation } from 'react-i18next';
import type { Formatter } from '../i18n/format';
import { dayOf } from '../i18n/format';
import type { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { patientClashDetails } from './booking.store';

/**
 * PATIENT_ALREADY_BOOKED says which of the patient's appointments is at that time, and lets
 * the desk book anyway when two practitioners are to see the patient together.
 */
export function PatientClashAlert({
  error,
  format,
  onBookAnyway,
  isBusy,
}: {
  error: RpcError | null;
  format: Formatter;
  onBookAnyway: () => void;
  isBusy?: boolean;
}) {
  const { t } = useTranslation();
  const details = patientClashDetails(error);
  if (!details) return null;
  const { clash } = details;
  const when = `${format.dayShort(dayOf(clash.startsAt, format.zone))} ${format.timeRange(clash.startsAt, clash.endsAt)}`;
  return (
    <ErrorMessage error={error}>
      <p data-testid="patient-clash">{t('booking.patientClash.with', { name: clash.practitionerName, when })}</p>
      <p className="muted">{t('booking.patientClash.hint')}</p>
      <div className="row-wrap">
        <Button size="sm" variant="secondary" disabled={isBusy} onClick={onBookAnyway} data-testid="book-combined-visit">
          {t('booking.patientClash.bookAnyway')}
        </Button>
      </div>
    </ErrorMessage>
  );
}
