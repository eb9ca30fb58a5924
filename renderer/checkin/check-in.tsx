import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appointment } from '../../shared/appointments/appointments.contract';
import { dayOf, todayIn } from '../i18n/format';
import { useFormat, useLocale } from '../i18n/hooks';
import { specialtyName } from '../practice/practice.store';
import { useBoard, useBoardStore, usePatientsStore, usePractice, useQueue, useQueueStore, useUiStore } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { RpcError } from '../transport/rpc-error';
import { useViewActions } from '../app/view-actions';
import { StatusBadge } from '../board/status-badge';
import { Button } from '../ui/button';
import { Icon } from '../ui/icons';
import { KeyCombo } from '../ui/misc';
import type { IssuedTicket } from '../queue/queue.store';
import { checkInDetail, checkInErrorText, waitText } from '../queue/queue-text';
import './check-in.css';

export interface CheckInTarget {
  id: number;
  patientId: number;
  patientName: string;
}

/**
 * Checking in from anywhere at the desk: one call, the card updated at once, and the
 * ticket and estimate said in a toast that stays long enough to read them out.
 */
export function useCheckIn() {
  const { t } = useTranslation();
  const locale = useLocale();
  const format = useFormat();
  const queue = useQueueStore();
  const board = useBoardStore();
  const ui = useUiStore();
  const [busy, setBusy] = useState<ReadonlySet<number>>(new Set());
  const inFlight = useRef(new Set<number>());

  const checkIn = useCallback(
    async (target: CheckInTarget): Promise<IssuedTicket | null> => {
      // A second press while the first is on its way would only fail.
      if (inFlight.current.has(target.id)) return null;
      inFlight.current.add(target.id);
      setBusy(new Set(inFlight.current));
      try {
        const issued = await queue.getState().checkIn(target.id, target.patientId);
        board.getState().noteCheckIn(issued);
        ui.getState().toast('success', t('queue.checkIn.done', { ticket: issued.ticket, name: target.patientName }), checkInDetail(t, format, issued));
        return issued;
      } catch (caught) {
        ui.getState().toast('error', `${target.patientName}: ${checkInErrorText(t, RpcError.from(caught), locale)}`);
        return null;
      } finally {
        inFlight.current.delete(target.id);
        setBusy(new Set(inFlight.current));
      }
    },
    [queue, board, ui, t, format, locale],
  );

  return { checkIn, isBusy: (id: number) => busy.has(id) };
}

/** A ticket as the patient sees it on the waiting-room screen: `M-007`. */
export function TicketBadge({ ticket, size = 'md' }: { ticket: string; size?: 'md' | 'lg' | 'xl' }) {
  const { t } = useTranslation();
  return (
    <span className={`ticket-badge ticket-${size}`} data-testid="ticket-badge" data-ticket={ticket} title={t('queue.ticket')}>
      {ticket}
    </span>
  );
}

/** The patient page's "today" line: their appointment of today, with Check in (or where they stand). */
export function PatientTodayCheckIn({
  patientId,
  patientName,
  appointments,
}: {
  patientId: number;
  patientName: string;
  appointments: readonly Appointment[] | null;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const practitioners = usePractice((state) => state.practitioners);
  const specialties = usePractice((state) => state.specialties);
  const issued = useQueue((state) => state.issued);
  const boardTickets = useBoard((state) => state.tickets);
  const { checkIn: checkInOnly, isBusy } = useCheckIn();
  const patients = usePatientsStore();
  // The page's appointment list shows the new status straight away, not only after the push event.
  const checkIn = async (target: CheckInTarget) => {
    if (await checkInOnly(target)) void patients.getState().refreshDetail();
  };
  const canCheckIn = useMay('checkin.checkIn');
  const today = todayIn(format.zone);
  const todays = (appointments ?? [])
    .filter((appointment) => dayOf(appointment.startsAt, format.zone) === today && appointment.status !== 'cancelled' && appointment.status !== 'done')
    .sort((a, b) => a.startsAt - b.startsAt);
  const checkable = todays.filter((appointment) => appointment.status === 'booked' || appointment.status === 'no_show');
  const first = checkable[0];

  useViewActions(canCheckIn && first ? { checkIn: () => void checkIn({ id: first.id, patientId, patientName }) } : {});

  if (todays.length === 0) return null;
  return (
    <section className="card patient-today" aria-labelledby="patient-today-title" data-testid="patient-today">
      <h2 id="patient-today-title" className="patient-today-title">
        <Icon name="calendar" size={16} />
        {t('queue.patientToday.title')}
      </h2>
      <ul className="patient-today-list">
        {todays.map((appointment) => {
          const practitioner = practitioners.find((p) => p.id === appointment.practitionerId);
          const specialty = specialties.find((s) => s.id === appointment.specialtyId);
          const ticket = issued[appointment.id]?.ticket ?? boardTickets[appointment.id]?.ticket;
          const wait = issued[appointment.id]?.estimatedWaitMinutes ?? boardTickets[appointment.id]?.estimatedWaitMinutes ?? null;
          const isCheckable = appointment.status === 'booked' || appointment.status === 'no_show';
          return (
            <li key={appointment.id} className="patient-today-row" data-appointment-id={appointment.id} data-status={appointment.status}>
              <span className="patient-today-time">{format.time(appointment.startsAt)}</span>
              <span className="patient-today-what">
                <span>{specialtyName(specialty, format.locale)}</span>
                <span className="muted">{practitioner?.fullName ?? ''}</span>
              </span>
              <StatusBadge status={appointment.status} />
              {ticket && !isCheckable ? <TicketBadge ticket={ticket} /> : null}
              {wait !== null && appointment.status === 'checked_in' ? <span className="muted nowrap">{waitText(t, wait)}</span> : null}
              {canCheckIn && isCheckable ? (
                <Button
                  variant="primary"
                  icon="checkCircle"
                  isBusy={isBusy(appointment.id)}
                  onClick={() => void checkIn({ id: appointment.id, patientId, patientName })}
                  aria-label={`${t('queue.checkIn.action')}: ${patientName}, ${format.time(appointment.startsAt)}`}
                  aria-keyshortcuts={appointment === first ? 'c' : undefined}
                  data-testid="patient-check-in"
                >
                  {t('queue.checkIn.action')}
                  {appointment === first ? <KeyCombo keys="c" /> : null}
                </Button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
