import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import { minutesBetween, todayIn } from '../i18n/format';
import { useErrorText, useFormat, useNow } from '../i18n/hooks';
import { useViewActions } from '../app/view-actions';
import { usePractice, useQueue, useQueueStore, useSession, useUi, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button, IconButton } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { Icon } from '../ui/icons';
import { Badge, EmptyState, KeyCombo, PageHeader } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import { useCssVar } from '../ui/use-css-var';
import { worksOwnQueue } from '../session/own-queue';
import { TicketBadge } from '../checkin/check-in';
import { QueueDialogs, type QueueDialog } from './queue-dialogs';
import { entriesOf, laneOfEntry, type QueuePractitioner } from './queue.store';
import { durationText, waitText } from './queue-text';
import './queue.css';

/** The server's estimates move with the clock (a consultation running long): refresh them while on screen. */
const REFRESH_MS = 60_000;

/**
 * The queue: for the desk, every practitioner working today side by side; for a doctor,
 * their own queue ("My queue") with big buttons. Both update live on `queue.changed`.
 */
export function QueueView() {
  const role = useSession((state) => state.staff?.role);
  const practitionerId = useSession((state) => state.staff?.practitionerId ?? null);
  if (worksOwnQueue(role)) return practitionerId ? <MyQueue practitionerId={practitionerId} /> : <NotAPractitioner />;
  return <DeskQueue />;
}

function useQueueScope(scope: number | null) {
  const store = useQueueStore();
  useEffect(() => {
    const state = store.getState();
    // Coming back to the view: show what is known at once and refresh it quietly.
    if (state.scope === scope && state.status !== 'idle') void state.load({ quiet: true });
    else state.setScope(scope);
    const timer = setInterval(() => void store.getState().load({ quiet: true }), REFRESH_MS);
    return () => clearInterval(timer);
  }, [store, scope]);
}

/** Call next, recall, start, finish as toasts-on-failure actions, shared by the buttons and the keys. */
function useQueueActions() {
  const { t } = useTranslation();
  const store = useQueueStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  return useMemo(() => {
    const fail = (caught: unknown) => ui.getState().toast('error', errorText(RpcError.from(caught)));
    return {
      async callNext(practitionerId: number, roomId?: number) {
        try {
          const called = await store.getState().callNext(practitionerId, roomId);
          if (called) ui.getState().toast('success', t('queue.called', { ticket: called.ticket, name: called.patientName }), called.roomName ?? undefined);
          else ui.getState().toast('info', t('queue.nobodyWaiting'));
        } catch (caught) {
          fail(caught);
        }
      },
      async recall(entry: QueueEntryView) {
        try {
          await store.getState().recall(entry.appointmentId);
          ui.getState().toast('success', t('queue.recalled', { ticket: entry.ticket, name: entry.patientName }));
        } catch (caught) {
          fail(caught);
        }
      },
      async start(entry: QueueEntryView) {
        try {
          await store.getState().start(entry.appointmentId);
        } catch (caught) {
          fail(caught);
        }
      },
      async finish(entry: QueueEntryView) {
        try {
          await store.getState().finish(entry.appointmentId);
          ui.getState().toast('success', t('queue.finished', { ticket: entry.ticket, name: entry.patientName }));
        } catch (caught) {
          fail(caught);
        }
      },
    };
  }, [store, ui, t, errorText]);
}

/** Keys for one practitioner's queue: Alt+N calls the next patient; r, s, f act on the one being seen. */
function useQueueKeys(practitionerId: number | null, roomFor: (practitionerId: number) => number | undefined) {
  const entries = useQueue((state) => state.entries);
  const actions = useQueueActions();
  const { current, waiting } = practitionerId ? entriesOf(entries, practitionerId) : { current: [], waiting: [] };
  const called = current.find((entry) => entry.status === 'called');
  const inConsultation = current.find((entry) => entry.status === 'in_consultation');
  useViewActions(
    practitionerId
      ? {
          ...(waiting.length > 0 ? { callNext: () => void actions.callNext(practitionerId, roomFor(practitionerId)) } : {}),
          ...(called ? { recall: () => void actions.recall(called), start: () => void actions.start(called) } : {}),
          ...(inConsultation ? { finish: () => void actions.finish(inConsultation) } : {}),
        }
      : {},
  );
}

function DeskQueue() {
  const { t } = useTranslation();
  const format = useFormat();
  const route = useUi((state) => state.route);
  const store = useQueueStore();
  const status = useQueue((state) => state.status);
  const error = useQueue((state) => state.error);
  const practitioners = useQueue((state) => state.practitioners);
  const entries = useQueue((state) => state.entries);
  const [dialog, setDialog] = useState<QueueDialog | null>(null);
  const [rooms, setRooms] = useState<Record<number, number | undefined>>({});
  const [active, setActive] = useState<number | null>(null);
  const wanted = route.view === 'queue' ? route.practitionerId : undefined;
  const boardRef = useRef<HTMLDivElement>(null);
  useQueueScope(null);

  // The practitioner the keys act on: the one last worked with, else the first with someone waiting.
  const activeId = active ?? wanted ?? practitioners.find((p) => entriesOf(entries, p.id).waiting.length > 0)?.id ?? practitioners[0]?.id ?? null;
  useQueueKeys(activeId, (id) => rooms[id]);

  useEffect(() => {
    if (!wanted || status !== 'ready') return;
    boardRef.current?.querySelector(`[data-practitioner-id="${wanted}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [wanted, status]);

  const waitingCount = entries.filter((entry) => entry.status === 'checked_in').length;
  const calledCount = entries.filter((entry) => entry.status === 'called').length;
  const seeingCount = entries.filter((entry) => entry.status === 'in_consultation').length;

  return (
    <div className="page page-queue" data-testid="queue-view">
      <PageHeader title={t('queue.title')} subtitle={format.dayLong(todayIn(format.zone))}>
        <dl className="summary-stats queue-summary" aria-live="polite">
          <div className="summary-stat">
            <dt>{t('queue.summary.waiting')}</dt>
            <dd>{status === 'ready' ? waitingCount : '–'}</dd>
          </div>
          <div className="summary-stat">
            <dt>{t('queue.summary.called')}</dt>
            <dd>{status === 'ready' ? calledCount : '–'}</dd>
          </div>
          <div className="summary-stat">
            <dt>{t('queue.summary.inConsultation')}</dt>
            <dd>{status === 'ready' ? seeingCount : '–'}</dd>
          </div>
        </dl>
      </PageHeader>

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

      {status === 'loading' && practitioners.length === 0 ? (
        <QueueSkeleton />
      ) : status === 'ready' && practitioners.length === 0 ? (
        <div className="card">
          <EmptyState icon="queue" title={t('queue.nobodyWorking')}>
            {t('queue.nobodyWorkingHint')}
          </EmptyState>
        </div>
      ) : (
        <div className="queue-board" ref={boardRef} aria-busy={status === 'loading'}>
          {practitioners.map((practitioner) => (
            <PractitionerQueue
              key={practitioner.id}
              practitioner={practitioner}
              entries={entries}
              variant="column"
              canMove
              roomId={rooms[practitioner.id]}
              onRoomChange={(roomId) => setRooms((current) => ({ ...current, [practitioner.id]: roomId }))}
              onDialog={setDialog}
              onActivate={() => setActive(practitioner.id)}
              isActive={activeId === practitioner.id}
            />
          ))}
        </div>
      )}

      <QueueKeysHint />
      <QueueDialogs dialog={dialog} onClose={() => setDialog(null)} />
    </div>
  );
}

function MyQueue({ practitionerId }: { practitionerId: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const store = useQueueStore();
  const status = useQueue((state) => state.status);
  const error = useQueue((state) => state.error);
  const practitioners = useQueue((state) => state.practitioners);
  const entries = useQueue((state) => state.entries);
  const fallbackName = usePractice((state) => state.practitioners.find((p) => p.id === practitionerId)?.fullName ?? '');
  const [dialog, setDialog] = useState<QueueDialog | null>(null);
  const [roomId, setRoomId] = useState<number | undefined>();
  useQueueScope(practitionerId);
  useQueueKeys(practitionerId, () => roomId);
  const practitioner: QueuePractitioner = practitioners.find((p) => p.id === practitionerId) ?? { id: practitionerId, fullName: fallbackName, color: '' };

  return (
    <div className="page page-queue page-my-queue" data-testid="queue-view">
      <PageHeader title={t('queue.myTitle')} subtitle={`${practitioner.fullName} · ${format.dayLong(todayIn(format.zone))}`} />
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
      {status === 'loading' && entries.length === 0 ? (
        <QueueSkeleton single />
      ) : (
        <PractitionerQueue practitioner={practitioner} entries={entries} variant="large" canMove={false} roomId={roomId} onRoomChange={setRoomId} onDialog={setDialog} isActive />
      )}
      <QueueKeysHint />
      <QueueDialogs dialog={dialog} onClose={() => setDialog(null)} />
    </div>
  );
}

interface PractitionerQueueProps {
  practitioner: QueuePractitioner;
  entries: QueueEntryView[];
  /** A column of the desk's overview, or the doctor's whole screen. */
  variant: 'column' | 'large';
  canMove: boolean;
  roomId: number | undefined;
  onRoomChange: (roomId: number | undefined) => void;
  onDialog: (dialog: QueueDialog) => void;
  onActivate?: () => void;
  isActive: boolean;
}

function PractitionerQueue({ practitioner, entries, variant, canMove, roomId, onRoomChange, onDialog, onActivate, isActive }: PractitionerQueueProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLElement>(null);
  useCssVar(ref, '--practitioner-color', practitioner.color || undefined);
  const { current, waiting } = entriesOf(entries, practitioner.id);
  const actions = useQueueActions();
  const busy = useQueue((state) => state.busy);
  const rooms = usePractice((state) => state.rooms).filter((room) => room.isActive);
  const usualRoomId = usePractice((state) => state.practitioners.find((p) => p.id === practitioner.id)?.defaultRoomId ?? null);
  const usualRoom = rooms.find((room) => room.id === usualRoomId);
  const headingId = `queue-col-${practitioner.id}`;
  const isLarge = variant === 'large';
  const buttonSize = isLarge ? 'lg' : 'md';

  return (
    <section
      ref={ref}
      className={`queue-column queue-${variant} ${isActive && !isLarge ? 'is-active' : ''}`}
      aria-labelledby={headingId}
      data-testid="queue-practitioner"
      data-practitioner-id={practitioner.id}
      onFocusCapture={onActivate}
      onPointerDown={onActivate}
    >
      <header className="queue-column-header">
        <span className="practitioner-dot" aria-hidden="true" />
        <h2 id={headingId} className="queue-column-title">
          {isLarge ? t('queue.now') : practitioner.fullName}
        </h2>
        <Badge tone={waiting.length > 0 ? 'primary' : 'neutral'}>{t('queue.waitingCount', { count: waiting.length })}</Badge>
      </header>

      <div className="queue-call">
        <Button
          variant="primary"
          size={buttonSize}
          icon="bell"
          className="queue-call-next"
          disabled={waiting.length === 0}
          isBusy={!!busy[`call:${practitioner.id}`]}
          onClick={() => void actions.callNext(practitioner.id, roomId)}
          aria-label={isLarge ? t('queue.callNext') : `${t('queue.callNext')}: ${practitioner.fullName}`}
          aria-keyshortcuts={isActive ? 'Alt+N' : undefined}
          data-testid="call-next"
        >
          {t('queue.callNext')}
        </Button>
        <label className="queue-room-select" title={usualRoom && !roomId ? t('queue.usualRoom', { room: usualRoom.name }) : t('queue.roomFor')}>
          <span className="visually-hidden">{isLarge ? t('queue.roomFor') : t('queue.roomForName', { name: practitioner.fullName })}</span>
          {isLarge ? <Icon name="door" size={14} /> : null}
          <select value={roomId ?? ''} onChange={(event) => onRoomChange(event.target.value ? Number(event.target.value) : undefined)} data-testid="call-next-room">
            <option value="">{usualRoom ? (isLarge ? t('queue.usualRoom', { room: usualRoom.name }) : usualRoom.name) : t('queue.assignedRoom')}</option>
            {rooms.map((room) => (
              <option key={room.id} value={room.id}>
                {room.name}
              </option>
            ))}
          </select>
        </label>
      </div>

      {current.length > 0 ? (
        <ul className="queue-current" aria-label={t('queue.beingSeen')}>
          {current.map((entry) => (
            <li key={entry.appointmentId}>
              <CurrentEntry entry={entry} size={buttonSize} onDialog={onDialog} />
            </li>
          ))}
        </ul>
      ) : isLarge ? (
        <p className="queue-nobody-now">{waiting.length > 0 ? t('queue.nobodyCalledYet') : t('queue.nobodyWaiting')}</p>
      ) : null}

      <h3 className="queue-section-title">{t('queue.waitingTitle')}</h3>
      {waiting.length === 0 ? (
        <p className="queue-empty">{t('queue.nobodyWaiting')}</p>
      ) : (
        <ol className="queue-waiting">
          {waiting.map((entry, index) => (
            <li key={entry.appointmentId}>
              <WaitingEntry entry={entry} position={index + 1} isFirst={index === 0} isLast={index === waiting.length - 1} canMove={canMove} onDialog={onDialog} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function CurrentEntry({ entry, size, onDialog }: { entry: QueueEntryView; size: 'md' | 'lg'; onDialog: (dialog: QueueDialog) => void }) {
  const { t } = useTranslation();
  const now = useNow(15_000);
  const actions = useQueueActions();
  const isBusy = useQueue((state) => !!state.busy[`entry:${entry.appointmentId}`]);
  const since = minutesBetween(entry.calledAt ?? entry.arrivedAt, now);
  const isCalled = entry.status === 'called';
  const name = entry.patientName;
  const buttonSize = size === 'lg' ? 'lg' : 'sm';

  return (
    <article className={`queue-entry queue-entry-current status-${entry.status}`} data-testid="queue-entry" data-appointment-id={entry.appointmentId} data-status={entry.status} data-ticket={entry.ticket} aria-label={`${entry.ticket}, ${name}`}>
      <div className="queue-entry-main">
        <TicketBadge ticket={entry.ticket} size={size === 'lg' ? 'xl' : 'lg'} />
        <div className="queue-entry-who">
          <p className="queue-entry-name">
            {name}
            {entry.patientPreferredName ? <span className="appt-preferred"> “{entry.patientPreferredName}”</span> : null}
          </p>
          <p className="queue-entry-meta">
            <span className={`status-badge status-${entry.status}`}>
              <span className="status-dot" aria-hidden="true" />
              {t(`queue.status.${entry.status}`)}
            </span>
            <span>{isCalled ? t('queue.calledAgo', { duration: durationText(t, since) }) : t('queue.inConsultationFor', { duration: durationText(t, since) })}</span>
            {entry.roomName ? (
              <span className="queue-room">
                <Icon name="door" size={13} />
                {entry.roomName}
              </span>
            ) : null}
          </p>
        </div>
      </div>
      <div className="queue-entry-actions" aria-busy={isBusy}>
        <div className="queue-actions-main">
          {isCalled ? (
            <>
              <Button size={buttonSize} variant="primary" icon="play" disabled={isBusy} onClick={() => void actions.start(entry)} aria-label={`${t('queue.start')}: ${name}`} aria-keyshortcuts="s" data-testid="queue-start">
                {t('queue.start')}
              </Button>
              <Button size={buttonSize} variant="secondary" icon="bell" disabled={isBusy} onClick={() => void actions.recall(entry)} aria-label={`${t('queue.recall')}: ${name}`} aria-keyshortcuts="r" data-testid="queue-recall">
                {t('queue.recall')}
              </Button>
            </>
          ) : (
            <Button size={buttonSize} variant="primary" icon="check" disabled={isBusy} onClick={() => void actions.finish(entry)} aria-label={`${t('queue.finish')}: ${name}`} aria-keyshortcuts="f" data-testid="queue-finish">
              {t('queue.finish')}
            </Button>
          )}
        </div>
        <div className="queue-actions-more">
          <Button size={buttonSize} variant="ghost" icon="door" disabled={isBusy} onClick={() => onDialog({ kind: 'sendToRoom', entry })} aria-label={`${t('queue.sendToRoom.action')}: ${name}`} data-testid="queue-send-room">
            {t('queue.sendToRoom.short')}
          </Button>
          {isCalled ? (
            <Button size={buttonSize} variant="danger-ghost" icon="userX" disabled={isBusy} onClick={() => onDialog({ kind: 'leftUnseen', entry })} aria-label={`${t('queue.leftUnseen.action')}: ${name}`} data-testid="queue-left-unseen">
              {t('queue.leftUnseen.short')}
            </Button>
          ) : null}
        </div>
      </div>
    </article>
  );
}

function WaitingEntry({ entry, position, isFirst, isLast, canMove, onDialog }: { entry: QueueEntryView; position: number; isFirst: boolean; isLast: boolean; canMove: boolean; onDialog: (dialog: QueueDialog) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const isBusy = useQueue((state) => !!state.busy[`entry:${entry.appointmentId}`]);
  const lane = laneOfEntry(entry);
  const name = entry.patientName;

  return (
    <article className={`queue-entry queue-entry-waiting lane-${lane}`} data-testid="queue-entry" data-appointment-id={entry.appointmentId} data-status={entry.status} data-ticket={entry.ticket} aria-label={`${position}. ${entry.ticket}, ${name}`}>
      <span className="queue-position" aria-hidden="true">
        {position}
      </span>
      <div className="queue-entry-body">
        <div className="queue-entry-line">
          <TicketBadge ticket={entry.ticket} />
          <span className={`lane-badge lane-${lane}`}>{t(`queue.lane.${lane}`)}</span>
          <span className="queue-wait" data-testid="estimated-wait" title={entry.expectedStartAt ? t('queue.expectedAt', { time: format.time(entry.expectedStartAt) }) : undefined}>
            {waitText(t, entry.estimatedWaitMinutes)}
          </span>
        </div>
        <p className="queue-entry-name">
          {name}
          {entry.patientPreferredName ? <span className="appt-preferred"> “{entry.patientPreferredName}”</span> : null}
        </p>
        <div className="queue-entry-meta">
          <span>{t('queue.arrivedAt', { time: format.time(entry.arrivedAt) })}</span>
          {entry.isWalkIn ? null : <span>{t('queue.appointmentAt', { time: format.time(entry.startsAt) })}</span>}
          {entry.expectedStartAt ? <span className="queue-expected">{t('queue.expectedAt', { time: format.time(entry.expectedStartAt) })}</span> : null}
        </div>
        {entry.movedReason ? (
          <p className="queue-moved" data-testid="queue-moved-reason">
            <Icon name="info" size={13} />
            <span>{t('queue.movedBecause', { reason: entry.movedReason })}</span>
          </p>
        ) : null}
      </div>
      <div className="queue-entry-tools">
        {canMove ? (
          <>
            <IconButton size="sm" icon="arrowUp" label={`${t('queue.move.up')}: ${name}`} disabled={isFirst || isBusy} onClick={() => onDialog({ kind: 'move', entry, places: -1 })} data-testid="queue-move-up" />
            <IconButton size="sm" icon="arrowDown" label={`${t('queue.move.down')}: ${name}`} disabled={isLast || isBusy} onClick={() => onDialog({ kind: 'move', entry, places: 1 })} data-testid="queue-move-down" />
          </>
        ) : null}
        <IconButton size="sm" icon="userX" variant="danger-ghost" label={`${t('queue.leftUnseen.action')}: ${name}`} disabled={isBusy} onClick={() => onDialog({ kind: 'leftUnseen', entry })} data-testid="queue-left-unseen" />
      </div>
    </article>
  );
}

function QueueKeysHint() {
  const { t } = useTranslation();
  return (
    <p className="board-keys subtle queue-keys">
      <KeyCombo keys="Alt+N" /> {t('queue.callNext')} · <KeyCombo keys="r" /> {t('queue.recall')} · <KeyCombo keys="s" /> {t('queue.start')} · <KeyCombo keys="f" /> {t('queue.finish')}
    </p>
  );
}

function NotAPractitioner() {
  const { t } = useTranslation();
  return (
    <div className="page page-narrow" data-testid="queue-view">
      <PageHeader title={t('queue.myTitle')} />
      <div className="card">
        <EmptyState icon="user" title={t('queue.notLinked')}>
          {t('queue.notLinkedHint')}
        </EmptyState>
      </div>
    </div>
  );
}

function QueueSkeleton({ single = false }: { single?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="queue-board" role="status" aria-label={t('common.loading')}>
      {(single ? [0] : [0, 1, 2]).map((column) => (
        <div key={column} className="queue-column">
          <div className="queue-column-header">
            <Skeleton variant="title" />
          </div>
          <div className="queue-waiting">
            <Skeleton variant="card" />
            <Skeleton variant="card" />
          </div>
        </div>
      ))}
    </div>
  );
}
