import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardAppointment } from '../../shared/board/board.contract';
import { addDays, todayIn } from '../i18n/format';
import { useFormat, useNow } from '../i18n/hooks';
import { useBoard, useBoardStore, usePrintStore, useSession, useTransport, useUi, useUiStore } from '../stores/stores';
import { createSeriesStore } from '../series/series.store';
import { SeriesActionDialog } from '../series/patient-series-card';
import { useMay } from '../auth/use-may';
import { Button, IconButton } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { Checkbox } from '../ui/field';
import { EmptyState, KeyCombo, PageHeader } from '../ui/misc';
import { BackupBanner } from '../backup/backup-banner';
import { Skeleton } from '../ui/spinner';
import { useViewActions } from '../app/view-actions';
import { useCheckIn } from '../checkin/check-in';
import type { BoardDay } from './board.store';
import { CancelDialog, NoShowDialog, RescheduleDialog } from './appointment-dialogs';
import { isCheckable, isClosed, PractitionerColumn, type Action, type CardContext } from './board-column';
import { isFinished } from './now-line';
import './board.css';

export function TodayView() {
  const { t } = useTranslation();
  const format = useFormat();
  const route = useUi((state) => state.route);
  const ui = useUiStore();
  const store = useBoardStore();
  const printStore = usePrintStore();
  const board = useBoard((state) => state.board);
  const status = useBoard((state) => state.status);
  const error = useBoard((state) => state.error);
  const day = useBoard((state) => state.day);
  const mayCheckIn = useMay('checkin.checkIn');
  const maySetHours = useMay('workingHours.set');
  const [action, setAction] = useState<Action | null>(null);
  const transport = useTransport();
  const [seriesStore] = useState(() => createSeriesStore(transport));
  const [showClosed, setShowClosed] = useState(true);
  const [hideFinished, setHideFinished] = useHideFinished();
  const now = useNow(30_000);
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
        sortedCards(
          shownBoard?.appointments.filter(
            (appointment) =>
              appointment.practitionerId === practitioner.id && (showClosed || !isClosed(appointment)) && !(hideFinished && isFinished(appointment.status)),
          ) ?? [],
        ),
      ),
    [shownBoard, showClosed, hideFinished],
  );
  const problems = useMemo(() => new Map((shownBoard?.scheduleProblems ?? []).map((flag) => [flag.appointmentId, flag.problem])), [shownBoard]);
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
    problems,
    now: { day, zone: format.zone, at: now },
  };

  // The column that reaches now soonest decides: the earliest "now" line comes into view.
  const jumpToNow = () => {
    const scroller = boardRef.current;
    const lines = [...(scroller?.querySelectorAll<HTMLElement>('[data-testid="board-now"]') ?? [])];
    if (!scroller || lines.length === 0) return;
    const top = Math.min(...lines.map((line) => line.getBoundingClientRect().top)) - scroller.getBoundingClientRect().top + scroller.scrollTop;
    scroller.scrollTo({ top: Math.max(0, top - scroller.clientHeight / 3) });
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
            <input
              id="board-day"
              className="input input-date"
              type="date"
              value={day}
              data-testid="board-day"
              onChange={(event) => event.target.value && goTo(event.target.value)}
            />
          </div>
        }
      >
        <BoardSummary board={shownBoard} showClosed={showClosed} onShowClosed={setShowClosed}>
          <Checkbox label={t('board.hideFinished')} checked={hideFinished} onChange={(event) => setHideFinished(event.target.checked)} />
          <Button size="sm" variant="secondary" icon="printer" onClick={() => void printStore.getState().openDayList(day)} data-testid="print-day-list">
            {t('print.dayList.action')}
          </Button>
          {isToday ? (
            <Button size="sm" variant="secondary" icon="clock" onClick={jumpToNow} data-testid="jump-to-now">
              {t('board.jumpToNow')}
            </Button>
          ) : null}
        </BoardSummary>
      </PageHeader>

      <BackupBanner />

      {error && status === 'error' ? (
        <ErrorMessage
          error={error}
          action={
            <Button size="sm" onClick={() => void store.getState().load()}>
              {t('common.retry')}
            </Button>
          }
        />
      ) : null}

      {!shownBoard ? (
        status === 'error' ? null : (
          <BoardSkeleton />
        )
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
        <KeyCombo keys="[" /> <KeyCombo keys="]" /> {t('board.keysDays')} · <KeyCombo keys="t" /> {t('board.today')} · <KeyCombo keys="↑" />{' '}
        <KeyCombo keys="↓" /> <KeyCombo keys="←" /> <KeyCombo keys="→" /> {t('queue.boardKeys.select')}
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
      <SeriesActionDialog
        action={
          action?.kind === 'seriesMove' || action?.kind === 'seriesCancel'
            ? { kind: action.kind === 'seriesMove' ? 'move' : 'cancel', session: action.appointment }
            : null
        }
        store={seriesStore}
        onClose={() => setAction(null)}
      />
    </div>
  );
}

const sortedCards = (appointments: BoardAppointment[]) => [...appointments].sort((a, b) => a.startsAt - b.startsAt);

/** "Hide finished visits", remembered on this device for whoever is signed in. */
function useHideFinished(): [boolean, (value: boolean) => void] {
  const staffId = useSession((state) => state.staff?.id ?? 0);
  const key = `frontDesk.board.hideFinished.${staffId}`;
  const [value, setValue] = useState(() => readFlag(key));
  useEffect(() => setValue(readFlag(key)), [key]);
  return [
    value,
    (next) => {
      setValue(next);
      try {
        localStorage.setItem(key, next ? '1' : '0');
      } catch {
        // Storage refused (private mode, full): the choice lasts for this visit only.
      }
    },
  ];
}

function readFlag(key: string): boolean {
  try {
    return localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function BoardSummary({
  board,
  showClosed,
  onShowClosed,
  children,
}: {
  board: BoardDay | null;
  showClosed: boolean;
  onShowClosed: (value: boolean) => void;
  children?: ReactNode;
}) {
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
      <div className="board-toggles">
        <Checkbox label={t('board.showClosed')} checked={showClosed} onChange={(event) => onShowClosed(event.target.checked)} />
        {children}
      </div>
    </div>
  );
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
