import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { todayIn } from '../i18n/format';
import { useFormat } from '../i18n/hooks';
import { usePractice, useQueue, useQueueStore, useSession, useUi } from '../stores/stores';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { EmptyState, KeyCombo, PageHeader } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import { QueueDialogs, type QueueDialog } from './queue-dialogs';
import { entriesOf, type QueuePractitioner } from './queue.store';
import { PractitionerQueue } from './practitioner-queue';
import { useQueueKeys } from './use-queue-actions';
import './queue.css';
import { worksOwnQueue } from '../auth/own-queue';

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
        <PractitionerQueue
          practitioner={practitioner}
          entries={entries}
          variant="large"
          canMove={false}
          roomId={roomId}
          onRoomChange={setRoomId}
          onDialog={setDialog}
          isActive
        />
      )}
      <QueueKeysHint />
      <QueueDialogs dialog={dialog} onClose={() => setDialog(null)} />
    </div>
  );
}

function QueueKeysHint() {
  const { t } = useTranslation();
  return (
    <p className="board-keys subtle queue-keys">
      <KeyCombo keys="Alt+N" /> {t('queue.callNext')} · <KeyCombo keys="r" /> {t('queue.recall')} · <KeyCombo keys="s" /> {t('queue.start')} ·{' '}
      <KeyCombo keys="f" /> {t('queue.finish')}
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
