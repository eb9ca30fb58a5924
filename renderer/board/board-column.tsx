import { Fragment, useRef } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { BoardAppointment } from '../../shared/board/board.contract';
import { minutesBetween } from '../i18n/format';
import { useCurrency, useFormat, useNow } from '../i18n/hooks';
import { Button } from '../ui/button';
import { Icon } from '../ui/icons';
import { Badge } from '../ui/misc';
import { useCssVar } from '../ui/use-css-var';
import { TicketBadge, type CheckInTarget } from '../checkin/check-in';
import { waitText } from '../queue/queue-text';
import type { BoardDay, BoardTicket } from './board.store';
import { StatusBadge, statusLabel } from './status-badge';
import { ConflictFlag, useSyncConflict } from '../sync/conflict-flag';
import type { ConflictWayOut } from '../sync/sync-state';
import { useMay } from '../auth/use-may';
import type { ScheduleProblem } from '../../shared/schedule/schedule-problems';
import { useBoardStore, usePrintStore, useUiStore } from '../stores/stores';
import { useErrorText } from '../i18n/hooks';
import { RpcError } from '../transport/rpc-error';
import { nowLineIndex } from './now-line';

/** Waiting this long after checking in is worth a colour: someone may have been forgotten. */
const LONG_WAIT_MINUTES = 20;

/** `wayOut`: opened from a sync conflict's flag, so the dialog is set up for it. */
export type Action = { kind: 'reschedule' | 'cancel' | 'noShow' | 'seriesMove' | 'seriesCancel'; appointment: BoardAppointment; wayOut?: ConflictWayOut };

/** Booked (or marked no-show but here after all) and today: the patient can be checked in. */
export const isCheckable = (appointment: BoardAppointment) => appointment.status === 'booked' || appointment.status === 'no_show';

export const isClosed = (appointment: BoardAppointment) => appointment.status === 'cancelled' || appointment.status === 'no_show';

/** What every card needs to offer check-in and the keyboard selection. */
export interface CardContext {
  isToday: boolean;
  tickets: Record<number, BoardTicket>;
  focusableId: number | null;
  selectedId: number | null;
  onSelect: (id: number) => void;
  onAction: (action: Action) => void;
  onCheckIn: (target: CheckInTarget) => void;
  isCheckingIn: (id: number) => boolean;
  /** Appointments their practitioner's time off or hours no longer cover, not kept on purpose. */
  problems: ReadonlyMap<number, ScheduleProblem>;
  /** The day shown, the clinic's zone and the moment: where the "now" line goes. */
  now: { day: string; zone: string; at: number };
}

export function PractitionerColumn({
  practitioner,
  appointments,
  context,
}: {
  practitioner: BoardDay['practitioners'][number];
  appointments: BoardAppointment[];
  context: CardContext;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLElement>(null);
  useCssVar(ref, '--practitioner-color', practitioner.color);
  const headingId = `board-col-${practitioner.id}`;
  const sorted = appointments;
  const nowIndex = nowLineIndex({ day: context.now.day, zone: context.now.zone, now: context.now.at, startTimes: sorted.map((a) => a.startsAt) });
  const format = useFormat();
  const nowLine = (
    <li className="board-now" role="separator" data-testid="board-now" aria-label={`${t('board.now')} ${format.time(context.now.at)}`}>
      <span className="board-now-label" aria-hidden="true">
        {format.time(context.now.at)}
      </span>
    </li>
  );
  return (
    <section ref={ref} className="board-column" aria-labelledby={headingId} data-testid="board-column" data-practitioner-id={practitioner.id}>
      <header className="board-column-header">
        <span className="practitioner-dot" aria-hidden="true" />
        <h2 id={headingId} className="board-column-title">
          {practitioner.fullName}
        </h2>
        <Badge>{t('board.count', { count: appointments.filter((a) => !isClosed(a)).length })}</Badge>
      </header>
      {sorted.length === 0 ? (
        <p className="board-column-empty">{t('board.noAppointments')}</p>
      ) : (
        <ol className="board-cards">
          {sorted.map((appointment, index) => (
            <Fragment key={appointment.id}>
              {index === nowIndex ? nowLine : null}
              <li>
                <AppointmentCard appointment={appointment} context={context} />
              </li>
            </Fragment>
          ))}
          {nowIndex === sorted.length ? nowLine : null}
        </ol>
      )}
    </section>
  );
}

function AppointmentCard({ appointment, context }: { appointment: BoardAppointment; context: CardContext }) {
  const { onAction } = context;
  const { t } = useTranslation();
  const format = useFormat();
  const currency = useCurrency();
  const now = useNow(30_000);
  const titleId = `appt-${appointment.id}`;
  const minutes = minutesBetween(appointment.statusChangedAt, now);
  const isWaiting = appointment.status === 'checked_in' || appointment.status === 'called' || appointment.status === 'in_consultation';
  const mayReschedule = useMay('appointments.reschedule');
  const mayCancel = useMay('appointments.cancel');
  const mayMarkNoShow = useMay('appointments.markNoShow');
  const mayCheckIn = useMay('checkin.checkIn');
  const canReschedule = mayReschedule && appointment.status === 'booked';
  const canCancel = mayCancel && (appointment.status === 'booked' || appointment.status === 'checked_in');
  const canNoShow = mayMarkNoShow && appointment.status === 'booked' && appointment.startsAt <= now;
  const canCheckIn = mayCheckIn && context.isToday && isCheckable(appointment);
  const canPrintSlip = !isClosed(appointment) && appointment.status !== 'done' && appointment.status !== 'left_unseen';
  const printStore = usePrintStore();
  const ticket = context.tickets[appointment.id];
  const isFocusable = context.focusableId === appointment.id;
  const conflict = useSyncConflict(appointment.id);
  const problem = context.problems.get(appointment.id) ?? null;

  return (
    <article
      className={`appt-card status-${appointment.status} ${context.selectedId === appointment.id ? 'is-selected' : ''} ${conflict ? 'has-conflict' : ''} ${problem ? 'has-schedule-problem' : ''}`}
      aria-labelledby={titleId}
      data-testid="board-appointment"
      data-status={appointment.status}
      data-appointment-id={appointment.id}
      data-ticket={ticket?.ticket}
      data-conflict={conflict ? 'true' : undefined}
      data-schedule-problem={problem ?? undefined}
      tabIndex={isFocusable ? 0 : -1}
      aria-keyshortcuts={canCheckIn ? 'c' : undefined}
      onFocus={(event) => {
        if (event.target === event.currentTarget) context.onSelect(appointment.id);
      }}
      onMouseDown={(event) => {
        // A click on the card (not on one of its buttons) selects it for the keyboard.
        if (!(event.target instanceof HTMLElement) || !event.target.closest('button, a, input, select')) context.onSelect(appointment.id);
      }}
    >
      <div className="appt-top">
        <span className="appt-time">{format.timeRange(appointment.startsAt, appointment.endsAt)}</span>
        <StatusBadge status={appointment.status} />
      </div>
      <h3 id={titleId} className="appt-patient">
        {appointment.patientName}
        {appointment.patientPreferredName ? <span className="appt-preferred"> “{appointment.patientPreferredName}”</span> : null}
      </h3>
      <p className="appt-meta">
        <span>{format.locale === 'pt' ? appointment.specialtyNamePt : appointment.specialtyNameEn}</span>
        {appointment.roomName ? (
          <>
            <span aria-hidden="true"> · </span>
            <span>{appointment.roomName}</span>
          </>
        ) : null}
        {appointment.isWalkIn ? (
          <>
            {' '}
            <Badge tone="info">{t('board.walkIn')}</Badge>
          </>
        ) : null}
      </p>
      {conflict ? (
        <ConflictFlag
          appointment={appointment}
          conflict={conflict}
          onWayOut={(wayOut) => onAction({ kind: wayOut.kind === 'tellPatient' ? 'cancel' : 'reschedule', appointment, wayOut })}
        />
      ) : null}
      {problem ? <ScheduleFlag appointment={appointment} problem={problem} /> : null}
      {ticket ? (
        <p className="appt-ticket">
          <TicketBadge ticket={ticket.ticket} />
          {appointment.status === 'checked_in' && ticket.estimatedWaitMinutes !== null ? (
            <span
              className="appt-estimate"
              data-testid="estimated-wait"
              title={
                ticket.expectedStartAt
                  ? `${t('queue.checkIn.waitOnCard')} · ${t('queue.expectedAt', { time: format.time(ticket.expectedStartAt) })}`
                  : t('queue.checkIn.waitOnCard')
              }
            >
              <Icon name="clock" size={13} />
              {waitText(t, ticket.estimatedWaitMinutes)}
            </span>
          ) : null}
        </p>
      ) : null}
      <p className="appt-since">
        {isWaiting ? (
          <span className={`appt-waiting ${minutes >= LONG_WAIT_MINUTES && appointment.status !== 'in_consultation' ? 'is-long' : ''}`}>
            <Icon name="clock" size={13} />
            {t('board.inStatusFor', { status: statusLabel(t, appointment.status), duration: formatMinutes(t, minutes) })}
          </span>
        ) : null}
        {isWaiting ? null : appointment.status === 'booked' ? null : (
          <span>{t('board.statusAt', { status: statusLabel(t, appointment.status), time: format.time(appointment.statusChangedAt) })}</span>
        )}
        <span className="appt-price">{format.money(appointment.priceCents, currency)}</span>
      </p>
      {canReschedule || canCancel || canNoShow || canCheckIn || canPrintSlip ? (
        <div className="appt-actions">
          {canCheckIn ? (
            <Button
              size="sm"
              variant="primary"
              icon="checkCircle"
              className="appt-check-in"
              isBusy={context.isCheckingIn(appointment.id)}
              onClick={() => context.onCheckIn(appointment)}
              aria-label={`${appointment.status === 'no_show' ? t('queue.checkIn.late') : t('queue.checkIn.action')}: ${appointment.patientName}`}
              data-testid="check-in"
            >
              {appointment.status === 'no_show' ? t('queue.checkIn.late') : t('queue.checkIn.action')}
            </Button>
          ) : null}
          {canReschedule ? (
            <Button
              size="sm"
              variant="ghost"
              icon="calendar"
              onClick={() => onAction({ kind: 'reschedule', appointment })}
              aria-label={`${t('board.reschedule')}: ${appointment.patientName}`}
            >
              {t('board.reschedule')}
            </Button>
          ) : null}
          {canPrintSlip ? (
            <Button
              size="sm"
              variant="ghost"
              icon="printer"
              onClick={() => void printStore.getState().openSlip(appointment.id)}
              aria-label={`${t('print.slip.actionLabel')}: ${appointment.patientName}`}
              data-testid="print-slip"
            >
              {t('print.slip.action')}
            </Button>
          ) : null}
          {canNoShow ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onAction({ kind: 'noShow', appointment })}
              aria-label={`${t('board.noShow')}: ${appointment.patientName}`}
            >
              {t('board.noShow')}
            </Button>
          ) : null}
          {canReschedule && appointment.seriesIndex !== null ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => onAction({ kind: 'seriesMove', appointment })}
              aria-label={`${t('series.moveFrom')}: ${appointment.patientName}`}
            >
              {t('series.moveFrom')}
            </Button>
          ) : null}
          {canCancel && appointment.seriesIndex !== null ? (
            <Button
              size="sm"
              variant="danger-ghost"
              onClick={() => onAction({ kind: 'seriesCancel', appointment })}
              aria-label={`${t('series.cancelFrom')}: ${appointment.patientName}`}
            >
              {t('series.cancelFrom')}
            </Button>
          ) : null}
          {canCancel ? (
            <Button
              size="sm"
              variant="danger-ghost"
              onClick={() => onAction({ kind: 'cancel', appointment })}
              aria-label={`${t('board.cancel')}: ${appointment.patientName}`}
            >
              {t('board.cancel')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

function formatMinutes(t: TFunction, minutes: number): string {
  if (minutes < 60) return t('duration.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  return t('duration.hoursMinutes', { hours, minutes: String(minutes % 60).padStart(2, '0') });
}

/** Booked while the practitioner is away or not working: say so until it is moved, cancelled or kept. */
function ScheduleFlag({ appointment, problem }: { appointment: BoardAppointment; problem: ScheduleProblem }) {
  const { t } = useTranslation();
  const board = useBoardStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  const mayKeep = useMay('schedule.keep');
  const keep = async () => {
    try {
      await board.getState().keep(appointment.id);
      ui.getState().toast('success', t('board.kept', { name: appointment.patientName }));
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    }
  };
  return (
    <p className="appt-schedule-problem" data-testid="schedule-problem">
      <Icon name="alert" size={14} />
      <span>{t(`board.scheduleProblem.${problem}`)}</span>
      {mayKeep ? (
        <Button size="sm" variant="ghost" onClick={() => void keep()} aria-label={`${t('board.keepAsIs')}: ${appointment.patientName}`}>
          {t('board.keepAsIs')}
        </Button>
      ) : null}
    </p>
  );
}
