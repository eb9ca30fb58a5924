import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncConflict, SyncProblem } from '../../shared/sync/sync.contract';
import { dayOf, todayIn } from '../i18n/format';
import { useErrorText, useFormat, useNow } from '../i18n/hooks';
import { useBoardStore, usePractice, useSync, useSyncStore, useUiStore } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Alert, ErrorMessage } from '../ui/error-message';
import { EmptyState } from '../ui/misc';
import { indicatorOf, relativeTime } from './sync-state';
import { useClashText } from './conflict-flag';

/** Status, "Sync now", the conflicts and the problems: everything sync asks of staff, in one place. */
export function SyncPanel({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={open} onClose={onClose} title={t('sync.title')} size="lg" testId="sync-panel">
      {open ? <PanelBody onClose={onClose} /> : null}
    </Dialog>
  );
}

function PanelBody({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const store = useSyncStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  const status = useSync((state) => state.status);
  const conflicts = useSync((state) => state.conflicts);
  const problems = useSync((state) => state.problems);
  const loadError = useSync((state) => state.error);
  const isSyncing = useSync((state) => state.isSyncing);
  const maySyncNow = useMay('sync.now');
  const mayUpdateSettings = useMay('sync.updateSettings');
  const now = useNow(5_000);
  const [syncError, setSyncError] = useState<RpcError | null>(null);
  const indicator = indicatorOf(status);

  useEffect(() => {
    void store.getState().load({ quiet: true });
  }, [store]);

  const syncNow = async () => {
    setSyncError(null);
    try {
      await store.getState().syncNow();
      ui.getState().toast('success', t('sync.panel.syncDone'));
    } catch (caught) {
      setSyncError(RpcError.from(caught));
    }
  };

  const openSettings = () => {
    onClose();
    ui.getState().navigate({ view: 'settings' });
  };

  if (indicator.kind === 'off') {
    return (
      <div className="stack">
        <EmptyState
          icon="globe"
          title={t('sync.panel.offTitle')}
          action={
            mayUpdateSettings ? (
              <Button icon="settings" onClick={openSettings}>
                {t('sync.panel.openSettings')}
              </Button>
            ) : null
          }
        >
          {t('sync.panel.offHint')}
        </EmptyState>
        <ErrorMessage error={loadError} />
      </div>
    );
  }

  const time = (at: number | null) => (at === null ? t('sync.panel.never') : relativeTime(at, Math.max(now, Date.now()), format.locale));

  return (
    <div className="stack sync-panel">
      <p className="muted">{t('sync.panel.lead')}</p>
      <dl className="sync-facts">
        <div className="sync-fact">
          <dt>{t('sync.panel.connection')}</dt>
          <dd className={`sync-fact-state sync-tone-${indicator.tone}`} data-testid="sync-panel-state" data-state={indicator.kind}>
            <span className="sync-dot" aria-hidden="true" />
            {t(`sync.state.${indicator.kind}`)}
          </dd>
        </div>
        <div className="sync-fact">
          <dt>{t('sync.panel.waiting')}</dt>
          <dd data-testid="sync-panel-pending">{indicator.pending}</dd>
        </div>
        <div className="sync-fact">
          <dt>{t('sync.panel.lastSync')}</dt>
          <dd title={status?.lastSyncedAt ? format.dateTime(status.lastSyncedAt) : undefined}>{time(status?.lastSyncedAt ?? null)}</dd>
        </div>
        {status?.nextAttemptAt && indicator.kind !== 'synced' ? (
          <div className="sync-fact">
            <dt>{t('sync.panel.nextAttempt')}</dt>
            <dd>{time(status.nextAttemptAt)}</dd>
          </div>
        ) : null}
      </dl>

      {indicator.kind === 'offline' ? <Alert tone="warning" title={t('sync.panel.offlineHint')} /> : null}
      {indicator.kind === 'unauthorised' ? (
        <Alert
          tone="danger"
          title={t('sync.panel.unauthorisedHint')}
          action={
            mayUpdateSettings ? (
              <Button size="sm" onClick={openSettings}>
                {t('sync.panel.openSettings')}
              </Button>
            ) : null
          }
        />
      ) : null}
      <ErrorMessage error={syncError ?? loadError} />

      {maySyncNow ? (
        <div className="row-wrap">
          <Button variant="primary" icon="refresh" isBusy={isSyncing} onClick={() => void syncNow()} data-testid="sync-now">
            {t('sync.panel.syncNow')}
          </Button>
        </div>
      ) : null}

      <section aria-labelledby="sync-conflicts-title" className="sync-section">
        <h3 id="sync-conflicts-title" className="sync-section-title">
          {t('sync.panel.conflictsTitle')} <span className="badge badge-neutral">{conflicts.length}</span>
        </h3>
        <p className="muted">{t('sync.panel.conflictsLead')}</p>
        {conflicts.length === 0 ? (
          <p className="subtle">{t('sync.panel.noConflicts')}</p>
        ) : (
          <ul className="sync-list" data-testid="sync-conflict-list">
            {conflicts.map((conflict) => (
              <ConflictItem key={conflict.appointmentId} conflict={conflict} onShow={onClose} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="sync-problems-title" className="sync-section">
        <h3 id="sync-problems-title" className="sync-section-title">
          {t('sync.panel.problemsTitle')} <span className="badge badge-neutral">{problems.length}</span>
        </h3>
        <p className="muted">{t('sync.panel.problemsLead')}</p>
        {problems.length === 0 ? (
          <p className="subtle">{t('sync.panel.noProblems')}</p>
        ) : (
          <ul className="sync-list" data-testid="sync-problem-list">
            {problems.map((problem) => (
              <ProblemItem key={problem.id} problem={problem} onError={(error) => ui.getState().toast('error', errorText(error))} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function ConflictItem({ conflict, onShow }: { conflict: SyncConflict; onShow: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const store = useSyncStore();
  const board = useBoardStore();
  const ui = useUiStore();
  const detail = useSync((state) => state.details[conflict.appointmentId]);
  const practitioners = usePractice((state) => state.practitioners);
  const appointment = detail?.appointment;
  const clashText = useClashText();

  useEffect(() => {
    void store.getState().loadDetails();
  }, [store, conflict.appointmentId]);

  const show = () => {
    const day = dayOf(appointment?.startsAt ?? conflict.clash.startsAt, format.zone);
    onShow();
    ui.getState().navigate(day === todayIn(format.zone) ? { view: 'today' } : { view: 'today', day });
    board.getState().select(conflict.appointmentId);
  };

  const practitioner = appointment ? practitioners.find((p) => p.id === appointment.practitionerId) : undefined;
  return (
    <li className="sync-item" data-testid="sync-conflict-item" data-appointment-id={conflict.appointmentId}>
      <div className="sync-item-text">
        <strong>{detail ? detail.patient.fullName : t('sync.panel.unknownAppointment', { id: conflict.appointmentId })}</strong>
        {appointment ? (
          <span className="muted">
            {format.dayShort(dayOf(appointment.startsAt, format.zone))} · {format.timeRange(appointment.startsAt, appointment.endsAt)}
            {practitioner ? ` · ${practitioner.fullName}` : ''}
          </span>
        ) : null}
        <span className="sync-clash">{clashText(conflict, appointment ?? null)}</span>
      </div>
      <Button size="sm" icon="board" onClick={show}>
        {t('sync.panel.showOnBoard')}
      </Button>
    </li>
  );
}

/** Answers this desk words itself (translated); the cloud's refusals come as the cloud words them. */
const ownReasons: readonly string[] = ['SUPERSEDED', 'RESENT', 'LOCAL_CONSTRAINT'] satisfies OwnReason[];
type OwnReason = 'SUPERSEDED' | 'RESENT' | 'LOCAL_CONSTRAINT';

function ProblemItem({ problem, onError }: { problem: SyncProblem; onError: (error: RpcError) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const store = useSyncStore();
  const ui = useUiStore();
  const mayDismiss = useMay('sync.dismissProblem');
  const [isBusy, setIsBusy] = useState(false);
  const entity =
    (['specialty', 'room', 'practitioner', 'patient', 'appointment', 'staff', 'clinic', 'holiday'] as const).find((name) => name === problem.entity) ?? 'other';

  const dismiss = async () => {
    setIsBusy(true);
    try {
      await store.getState().dismissProblem(problem.id);
      ui.getState().toast('success', t('sync.panel.dismissed'));
    } catch (caught) {
      onError(RpcError.from(caught));
      setIsBusy(false);
    }
  };

  return (
    <li className="sync-item" data-testid="sync-problem-item">
      <div className="sync-item-text">
        <strong>{ownReasons.includes(problem.reason) ? t(`sync.panel.reasons.${problem.reason as OwnReason}`) : problem.message}</strong>
        <span className="muted">
          {t('sync.panel.problemMeta', {
            entity: t(`sync.entity.${entity}`),
            operation: t(`sync.operation.${problem.operation}`),
            when: format.dateTime(problem.at),
          })}
        </span>
        <span className="subtle mono">{problem.reason}</span>
      </div>
      {mayDismiss ? (
        <Button
          size="sm"
          variant="ghost"
          isBusy={isBusy}
          onClick={() => void dismiss()}
          aria-label={t('sync.panel.dismissProblem', { message: problem.message })}
        >
          {t('sync.panel.dismiss')}
        </Button>
      ) : null}
    </li>
  );
}
