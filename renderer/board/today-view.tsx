import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { BoardAppointment } from '../../shared/board/board.contract';
import { addDays, minutesBetween, todayIn } from '../i18n/format';
import { useCurrency, useFormat, useNow } from '../i18n/hooks';
import { useBoard, useBoardStore, useUi, useUiStore } from '../stores/stores';
import { useMay } from '../session/use-may';
import { Button, IconButton } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { Checkbox } from '../ui/field';
import { Icon } from '../ui/icons';
import { Badge, EmptyState, KeyCombo, PageHeader } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import { useCssVar } from '../ui/use-css-var';
import { useViewActions } from '../app/view-actions';
import { TicketBadge, useCheckIn, type CheckInTarget } from '../checkin/check-in';
import { waitText } from '../queue/queue-text';
import type { BoardDay, BoardTicket } from './board.store';
import { CancelDialog, NoShowDialog, RescheduleDialog } from './appointment-dialogs';
import { StatusBadge, statusLabel } from './status-badge';
import { ConflictFlag, useSyncConflict } from '../sync/conflict-flag';
import type { ConflictWayOut } from '../sync/sync-state';
import './board.css';

/** Waiting this long after checking in is worth a colour: someone may have been forgotten. */
const LONG_WAIT_MINUTES = 20;

/** `wayOut`: opened from a sync conflict's flag, so the dialog is set up for it. */
type Action = { kind: 'reschedule' | 'cancel' | 'noShow'; appointment: BoardAppointment; wayOut?: ConflictWayOut };

/** Booked (or marked no-show but here after all) and today: the patient can be checked in. */
const isCheckable = (appointment: BoardAppointment) => appointment.status === 'booked' || appointment.status === 'no_show';

/** What every card needs to offer check-in and the keyboard selection. */
interface CardContext {
  isToday: boolean;
  tickets: Record<number, BoardTicket>;
  focusableId: number | null;
  selectedId: number | null;
  onSelect: (id: number) => void;
  onAction: (action: Action) => void;
  onCheckIn: (target: CheckInTarget) => void;
  isCheckingIn: (id: number) => boolean;
}

export function TodayView() {
  const { t } = useTranslation();
  const format = useFormat();
  const route = useUi((state) => state.route);
  const ui = useUiStore();
  const store = useBoardStore();
  const board = useBoard((state) => state.board);
  const status = useBoard((state) => state.status);
  const error = useBoard((state) => state.error);
  const day = useBoard((state) => state.day);
  const mayCheckIn = useMay('checkin.checkIn');
  const maySetHours = useMay('workingHours.set');
  const [action, setAction] = useState<Action | null>(null);
  const [showClosed, setShowClosed] = useState(true);
  const today = todayIn(format.zone);
  const wantedDay = route.view === 'today' && route.day ? route.day : today;

  useEffect(() => {
    store.getState().setDay(wantedDay);
  }, [wantedDay, store]);

  const goTo = (next: string) => ui.getState().navigate(next === today ? { view: 'today' } : { view: 'today', day: next });
  const shownBoard = board?.day === day ? board : null;
  const tickets = useBoard((state) => state.tickets);
  const selectedId = useBoard((state) => state.selectedId);
  const { checkIn, isBusy } = useCheckIn();
  const isToday = day === today;
  const boardRef = useRef<HTMLDivElement>(null);

  // The cards as shown, column by column: arrow keys move through them.
  const columns = useMemo(
    () =>
      (shownBoard?.practitioners ?? []).map((practitioner) =>
        sortedCards(shownBoard?.appointments.filter((appointment) => appointment.practitionerId === practitioner.id && (showClosed || !isClosed(appointment))) ?? []),
      ),
    [shownBoard, showClosed],
  );
  const visible = columns.flat();
  const selected = visible.find((appointment) => appointment.id === selectedId) ?? null;
  const focusableId = selected?.id ?? visible[0]?.id ?? null;

  useViewActions(
    mayCheckIn && isToday
      ? {
          checkIn: () => {
            if (selected && isCheckable(selected)) void checkIn(selected);
            else ui.getState().toast('info', t('queue.checkIn.selectFirst'));
          },
        }
      : {},
  );

  const focusCard = (id: number | undefined) => {
    if (id === undefined) return;
    boardRef.current?.querySelector<HTMLElement>(`.appt-card[data-appointment-id="${id}"]`)?.focus();
  };

  const onBoardKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const card = event.target instanceof HTMLElement && event.target.classList.contains('appt-card') ? event.target : null;
    if (!card || event.altKey || event.ctrlKey || event.metaKey) return;
    const id = Number(card.dataset.appointmentId);
    const col = columns.findIndex((list) => list.some((appointment) => appointment.id === id));
    if (col < 0) return;
    const row = columns[col]!.findIndex((appointment) => appointment.id === id);
    const nearest = (index: number) => {
      const list = columns[index];
      return list && list.length > 0 ? list[Math.min(row, list.length - 1)]?.id : undefined;
    };
    const nextColumn = (step: number) => {
      for (let index = col + step; index >= 0 && index < columns.length; index += step) if (columns[index]!.length > 0) return nearest(index);
      return undefined;
    };
    let target: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        target = columns[col]![row + 1]?.id;
        break;
      case 'ArrowUp':
        target = columns[col]![row - 1]?.id;
        break;
      case 'ArrowRight':
        target = nextColumn(1);
        break;
      case 'ArrowLeft':
        target = nextColumn(-1);
        break;
      case 'Home':
        target = columns[col]![0]?.id;
        break;
      case 'End':
        target = columns[col]!.at(-1)?.id;
        break;
      default:
        return;
    }
    event.preventDefault();
    focusCard(target);
  };

  const cardContext: CardContext = {
    isToday,
    tickets,
    focusableId,
    selectedId: selected?.id ?? null,
    onSelect: (id) => store.getState().select(id),
    onAction: setAction,
    onCheckIn: (target) => void checkIn(target),
    isCheckingIn: isBusy,
  };

  return (
    <div className="page page-board">
      <PageHeader
        title={day === today ? t('board.today') : format.weekday(day)}
        subtitle={format.dayLong(day)}
        actions={
          <div className="day-nav" role="group" aria-label={t('board.dayNavigation')}>
            <IconButton icon="chevronLeft" label={t('commands.previousDay')} variant="secondary" onClick={() => goTo(addDays(day, -1))} />
            <Button variant={day === today ? 'secondary' : 'primary'} onClick={() => goTo(today)} disabled={day === today}>
              {t('board.today')}
            </Button>
            <IconButton icon="chevronRight" label={t('commands.nextDay')} variant="secondary" onClick={() => goTo(addDays(day, 1))} />
            <label className="visually-hidden" htmlFor="board-day">
              {t('board.day')}
            </label>
            <input id="board-day" className="input input-date" type="date" value={day} data-testid="board-day" onChange={(event) => event.target.value && goTo(event.target.value)} />
          </div>
        }
      >
        <BoardSummary board={shownBoard} showClosed={showClosed} onShowClosed={setShowClosed} />
      </PageHeader>

      {error && status === 'error' ? <ErrorMessage error={error} action={<Button size="sm" onClick={() => void store.getState().load()}>{t('common.retry')}</Button>} /> : null}

      {!shownBoard ? (
        status === 'error' ? null : <BoardSkeleton />
      ) : shownBoard.practitioners.length === 0 ? (
        <div className="card">
          <EmptyState
            icon="calendar"
            title={t('board.noPractitioners')}
            action={
              maySetHours ? (
                <Button icon="sliders" onClick={() => ui.getState().navigate({ view: 'setup', section: 'hours' })}>
                  {t('common.openSetup')}
                </Button>
              ) : null
            }
          >
            {t('board.noPractitionersHint')}
          </EmptyState>
        </div>
      ) : (
        <div className="board" data-testid="board" aria-busy={status === 'loading'} ref={boardRef} onKeyDown={onBoardKeyDown}>
          {shownBoard.practitioners.map((practitioner, index) => (
            <PractitionerColumn key={practitioner.id} practitioner={practitioner} appointments={columns[index] ?? []} context={cardContext} />
          ))}
        </div>
      )}

      <p className="board-keys subtle">
        <KeyCombo keys="[" /> <KeyCombo keys="]" /> {t('board.keysDays')} · <KeyCombo keys="t" /> {t('board.today')} · <KeyCombo keys="↑" /> <KeyCombo keys="↓" /> <KeyCombo keys="←" /> <KeyCombo keys="→" /> {t('queue.boardKeys.select')}
        {mayCheckIn && isToday ? (
          <>
            {' '}
            · <KeyCombo keys="c" /> {t('queue.checkIn.action')}
          </>
        ) : null}
      </p>

      <RescheduleDialog appointment={action?.kind === 'reschedule' ? action.appointment : null} onClose={() => setAction(null)} wayOut={action?.wayOut} />
      <CancelDialog appointment={action?.kind === 'cancel' ? action.appointment : null} onClose={() => setAction(null)} wayOut={action?.wayOut} />
      <NoShowDialog appointment={action?.kind === 'noShow' ? action.appointment : null} onClose={() => setAction(null)} />
    </div>
  );
}

const isClosed = (appointment: BoardAppointment) => appointment.status === 'cancelled' || appointment.status === 'no_show';
const sortedCards = (appointments: BoardAppointment[]) => [...appointments].sort((a, b) => a.startsAt - b.startsAt);

function BoardSummary({ board, showClosed, onShowClosed }: { board: BoardDay | null; showClosed: boolean; onShowClosed: (value: boolean) => void }) {
  const { t } = useTranslation();
  const counts = useMemo(() => {
    const list = board?.appointments ?? [];
    const active = list.filter((appointment) => !isClosed(appointment));
    return {
      total: active.length,
      waiting: list.filter((appointment) => appointment.status === 'checked_in' || appointment.status === 'called').length,
      done: list.filter((appointment) => appointment.status === 'done').length,
      noShow: list.filter((appointment) => appointment.status === 'no_show').length,
    };
  }, [board]);
  return (
    <div className="board-summary">
      <dl className="summary-stats" aria-live="polite">
        <div className="summary-stat">
          <dt>{t('board.summary.appointments')}</dt>
          <dd>{board ? counts.total : '–'}</dd>
        </div>
        <div className="summary-stat">
          <dt>{t('board.summary.waiting')}</dt>
          <dd>{board ? counts.waiting : '–'}</dd>
        </div>
        <div className="summary-stat">
          <dt>{t('board.summary.done')}</dt>
          <dd>{board ? counts.done : '–'}</dd>
        </div>
        <div className="summary-stat">
          <dt>{t('board.summary.noShow')}</dt>
          <dd>{board ? counts.noShow : '–'}</dd>
        </div>
      </dl>
      <Checkbox label={t('board.showClosed')} checked={showClosed} onChange={(event) => onShowClosed(event.target.checked)} />
    </div>
  );
}

function PractitionerColumn({ practitioner, appointments, context }: { practitioner: BoardDay['practitioners'][number]; appointments: BoardAppointment[]; context: CardContext }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLElement>(null);
  useCssVar(ref, '--practitioner-color', practitioner.color);
  const headingId = `board-col-${practitioner.id}`;
  const sorted = appointments;
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
          {sorted.map((appointment) => (
            <li key={appointment.id}>
              <AppointmentCard appointment={appointment} context={context} />
            </li>
          ))}
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
  const ticket = context.tickets[appointment.id];
  const isFocusable = context.focusableId === appointment.id;
  const conflict = useSyncConflict(appointment.id);

  return (
    <article
      className={`appt-card status-${appointment.status} ${context.selectedId === appointment.id ? 'is-selected' : ''} ${conflict ? 'has-conflict' : ''}`}
      aria-labelledby={titleId}
      data-testid="board-appointment"
      data-status={appointment.status}
      data-appointment-id={appointment.id}
      data-ticket={ticket?.ticket}
      data-conflict={conflict ? 'true' : undefined}
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
        <ConflictFlag appointment={appointment} conflict={conflict} onWayOut={(wayOut) => onAction({ kind: wayOut.kind === 'tellPatient' ? 'cancel' : 'reschedule', appointment, wayOut })} />
      ) : null}
      {ticket ? (
        <p className="appt-ticket">
          <TicketBadge ticket={ticket.ticket} />
          {appointment.status === 'checked_in' && ticket.estimatedWaitMinutes !== null ? (
            <span
              className="appt-estimate"
              data-testid="estimated-wait"
              title={ticket.expectedStartAt ? `${t('queue.checkIn.waitOnCard')} · ${t('queue.expectedAt', { time: format.time(ticket.expectedStartAt) })}` : t('queue.checkIn.waitOnCard')}
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
      {canReschedule || canCancel || canNoShow || canCheckIn ? (
        <div className="appt-actions">
          {canCheckIn ? (
            <Button
              size="sm"
              variant="primary"
              icon="checkCircle"
              className="appt-check-in"
              isBusy={context.isCheckingIn(appointment.id)}
              onClick={() => context.onCheckIn(appointment)}
              aria-label={`${t('queue.checkIn.action')}: ${appointment.patientName}`}
              data-testid="check-in"
            >
              {appointment.status === 'no_show' ? t('queue.checkIn.late') : t('queue.checkIn.action')}
            </Button>
          ) : null}
          {canReschedule ? (
            <Button size="sm" variant="ghost" icon="calendar" onClick={() => onAction({ kind: 'reschedule', appointment })} aria-label={`${t('board.reschedule')}: ${appointment.patientName}`}>
              {t('board.reschedule')}
            </Button>
          ) : null}
          {canNoShow ? (
            <Button size="sm" variant="ghost" onClick={() => onAction({ kind: 'noShow', appointment })} aria-label={`${t('board.noShow')}: ${appointment.patientName}`}>
              {t('board.noShow')}
            </Button>
          ) : null}
          {canCancel ? (
            <Button size="sm" variant="danger-ghost" onClick={() => onAction({ kind: 'cancel', appointment })} aria-label={`${t('board.cancel')}: ${appointment.patientName}`}>
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

function BoardSkeleton() {
  const { t } = useTranslation();
  return (
    <div className="board" role="status" aria-label={t('common.loading')}>
      {[0, 1, 2].map((column) => (
        <div key={column} className="board-column">
          <div className="board-column-header">
            <Skeleton variant="title" />
          </div>
          <div className="board-cards">
            <Skeleton variant="card" />
            <Skeleton variant="card" />
            <Skeleton variant="card" />
          </div>
        </div>
      ))}
    </div>
  );
}
