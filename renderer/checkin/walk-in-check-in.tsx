import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat, useLocale } from '../i18n/hooks';
import { useBooking, useQueue, useQueueStore, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Alert } from '../ui/error-message';
import { TicketBadge } from './check-in';
import { checkInDetail, checkInErrorText } from '../queue/queue-text';
import './check-in.css';

/** The Book view's "Walk-in and check in": books the walk-in and puts them in the queue in one step. */
export function WalkInCheckInButton() {
  const { t } = useTranslation();
  const locale = useLocale();
  const store = useQueueStore();
  const ui = useUiStore();
  const patient = useBooking((state) => state.patient);
  const specialtyId = useBooking((state) => state.specialtyId);
  const practitionerId = useBooking((state) => state.practitionerId);
  const [isBusy, setIsBusy] = useState(false);

  const run = async () => {
    if (!patient || specialtyId === null) return;
    setIsBusy(true);
    try {
      await store.getState().walkIn({ patientId: patient.id, specialtyId, ...(practitionerId !== null ? { practitionerId } : {}) });
    } catch (caught) {
      ui.getState().toast('error', `${patient.fullName}: ${checkInErrorText(t, RpcError.from(caught), locale)}`);
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <Button
      variant="secondary"
      icon="ticket"
      disabled={!patient || specialtyId === null}
      isBusy={isBusy}
      onClick={() => void run()}
      data-testid="walk-in-check-in"
    >
      {t('queue.walkIn.action')}
    </Button>
  );
}

/** The ticket just issued to a walk-in, large, with the estimate: to read out to the patient. */
export function WalkInTicket() {
  const { t } = useTranslation();
  const format = useFormat();
  const store = useQueueStore();
  const ui = useUiStore();
  const patient = useBooking((state) => state.patient);
  const issued = useQueue((state) => state.lastWalkIn);
  if (!issued || !patient || issued.patientId !== patient.id) return null;
  return (
    <Alert
      tone="success"
      role="status"
      title={t('queue.walkIn.done', { name: patient.fullName })}
      action={
        <div className="row">
          <Button size="sm" onClick={() => ui.getState().navigate({ view: 'queue' })}>
            {t('queue.walkIn.viewQueue')}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => store.getState().clearLastWalkIn()}>
            {t('common.dismiss')}
          </Button>
        </div>
      }
    >
      <p className="walk-in-ticket" data-testid="walk-in-ticket">
        <TicketBadge ticket={issued.ticket} size="lg" />
        <span>{checkInDetail(t, format, issued)}</span>
      </p>
    </Alert>
  );
}
