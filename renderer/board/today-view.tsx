import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardAppointment } from '../../shared/appointments/appointments.contract';
import { addDays, minutesBetween, todayIn } from '../i18n/format';
import { useCurrency, useFormat, useNow } from '../i18n/hooks';
import { useBoard, useBoardStore, useSession, useUi, useUiStore } from '../stores/stores';
import { Button, IconButton } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { Checkbox } from '../ui/field';
import { Icon } from '../ui/icons';
import { Badge, EmptyState, KeyCombo, PageHeader } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import { useCssVar } from '../ui/use-css-var';
import type { BoardDay } from './board.store';
import { CancelDialog, NoShowDialog, RescheduleDialog } from './appointment-dialogs';
import { StatusBadge } from './status-badge';
import './board.css';

/** Waiting this long after checking in is worth a colour: someone may have been forgotten. */
const LONG_WAIT_MINUTES = 20;

type Action = { kind: 'reschedule' | 'cancel' | 'noShow'; appointment: BoardAppointment };

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
  const role = useSession((state) => state.staff?.role);
  const [action, setAction] = useState<Action | null>(null);
  const [showClosed, setShowClosed] = useState(true);
  const today = todayIn(format.zone);
  const wantedDay = route.view === 'today' && route.day ? route.day : today;
  const canAct = role === 'admin' || role === 'receptionist';

  useEffect(() => {
    store.getState().setDay(wantedDay);
  }, [wantedDay, store]);

  const goTo = (next: string) => ui.getState().navigate(next === today ? { view: 'today' } : { view: 'today', day: next });
  const shownBoard = board?.day === day ? board : null;

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
              role === 'admin' ? (
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
        <div className="board" data-testid="board" aria-busy={status === 'loading'}>
          {shownBoard.practitioners.map((practitioner) => (
            <PractitionerColumn
              key={practitioner.id}
              practitioner={practitioner}
              appointments={shownBoard.appointments.filter((appointment) => appointment.practitionerId === practitioner.id && (showClosed || !isClosed(appointment)))}
              canAct={canAct}
              onAction={setAction}
            />
          ))}
        </div>
      )}

      <p className="board-keys subtle">
        <KeyCombo keys="[" /> <KeyCombo keys="]" /> {t('board.keysDays')} · <KeyCombo keys="t" /> {t('board.today')}
      </p>

      <RescheduleDialog appointment={action?.kind === 'reschedule' ? action.appointment : null} onClose={() => setAction(null)} />
      <CancelDialog appointment={action?.kind === 'cancel' ? action.appointment : null} onClose={() => setAction(null)} />
      <NoShowDialog appointment={action?.kind === 'noShow' ? action.appointment : null} onClose={() => setAction(null)} />
    </div>
  );
}

const isClosed = (appointment: BoardAppointment) => appointment.status === 'cancelled' || appointment.status === 'no_show';

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

function PractitionerColumn({ practitioner, appointments, canAct, onAction }: { practitioner: BoardDay['practitioners'][number]; appointments: BoardAppointment[]; canAct: boolean; onAction: (action: Action) => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLElement>(null);
  useCssVar(ref, '--practitioner-color', practitioner.color);
  const headingId = `board-col-${practitioner.id}`;
  const sorted = [...appointments].sort((a, b) => a.startsAt - b.startsAt);
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
              <AppointmentCard appointment={appointment} canAct={canAct} onAction={onAction} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function AppointmentCard({ appointment, canAct, onAction }: { appointment: BoardAppointment; canAct: boolean; onAction: (action: Action) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const currency = useCurrency();
  const now = useNow(30_000);
  const titleId = `appt-${appointment.id}`;
  const minutes = minutesBetween(appointment.statusChangedAt, now);
  const isWaiting = appointment.status === 'checked_in' || appointment.status === 'called' || appointment.status === 'in_consultation';
  const canReschedule = canAct && appointment.status === 'booked';
  const canCancel = canAct && (appointment.status === 'booked' || appointment.status === 'checked_in');
  const canNoShow = canAct && appointment.status === 'booked' && appointment.startsAt <= now;

  return (
    <article className={`appt-card status-${appointment.status}`} aria-labelledby={titleId} data-testid="board-appointment" data-status={appointment.status} data-appointment-id={appointment.id}>
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
      <p className="appt-since">
        {isWaiting ? (
          <span className={`appt-waiting ${minutes >= LONG_WAIT_MINUTES && appointment.status !== 'in_consultation' ? 'is-long' : ''}`}>
            <Icon name="clock" size={13} />
            {t('board.inStatusFor', { status: t(`status.${appointment.status}`), duration: formatMinutes(t, minutes) })}
          </span>
        ) : appointment.status === 'booked' ? null : (
          <span>{t('board.statusAt', { status: t(`status.${appointment.status}`), time: format.time(appointment.statusChangedAt) })}</span>
        )}
        <span className="appt-price">{format.money(appointment.priceCents, currency)}</span>
      </p>
      {canReschedule || canCancel || canNoShow ? (
        <div className="appt-actions">
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

function formatMinutes(t: ReturnType<typeof useTranslation>['t'], minutes: number): string {
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
