import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { SeriesSummary } from '../../shared/series/series.contract';
import { dayOf } from '../i18n/format';
import { useFormat } from '../i18n/hooks';
import { specialtyName } from '../practice/practice.store';
import { usePractice, useTransport, useUiStore } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { StatusBadge } from '../board/status-badge';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { TextArea, TextField } from '../ui/field';
import { Card, CardHeader } from '../ui/misc';
import { useRpcAction } from '../ui/use-rpc-action';
import { createSeriesStore, type SeriesStore } from './series.store';
import './series.css';

/** A session of a series, as the actions on it need it. */
export interface SeriesSessionRef {
  id: number;
  seriesIndex: number | null;
  startsAt: number;
}

export type SeriesAction = { kind: 'cancel' | 'move'; session: SeriesSessionRef } | null;
type Action = SeriesAction;

/** A patient's series, each as one line ("Physiotherapy with Dr X · 3 of 10 done · next on …") and its sessions. */
export function PatientSeriesCard({ patientId }: { patientId: number }) {
  const { t } = useTranslation();
  const transport = useTransport();
  const [store] = useState(() => createSeriesStore(transport));
  const list = useStore(store, (state) => state.list);
  const error = useStore(store, (state) => state.listError);
  const [action, setAction] = useState<Action>(null);

  useEffect(() => store.getState().connect(), [store]);
  useEffect(() => void store.getState().loadForPatient(patientId), [store, patientId]);

  if (list.length === 0 && !error) return null;
  return (
    <Card aria-labelledby="patient-series-title" data-testid="patient-series">
      <CardHeader titleId="patient-series-title" title={t('series.patientSection')} />
      <ErrorMessage error={error} />
      <ul className="series-list">
        {list.map((series) => (
          <SeriesItem key={series.seriesId} series={series} onAction={setAction} />
        ))}
      </ul>
      <SeriesActionDialog action={action} store={store} onClose={() => setAction(null)} />
    </Card>
  );
}

function SeriesItem({ series, onAction }: { series: SeriesSummary; onAction: (action: Action) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const mayChange = useMay('series.cancelFrom');
  const practitioners = usePractice((state) => state.practitioners);
  const specialty = usePractice((state) => state.specialties.find((s) => s.id === series.specialtyId));
  const who = series.practitionerIds.map((id) => practitioners.find((p) => p.id === id)?.fullName ?? '').join(', ');
  const when = (instant: number) => `${format.dayShort(dayOf(instant, format.zone))} ${format.time(instant)}`;
  const line = [
    t('series.summary', { specialty: specialtyName(specialty, format.locale), who, done: series.done, total: series.total }),
    series.next ? t('series.next', { when: when(series.next.startsAt) }) : t('series.noNext'),
  ].join(' · ');
  return (
    <li className="series-item" data-testid="series-item" data-series-id={series.seriesId}>
      <p className="series-summary" data-testid="series-summary">
        {line}
      </p>
      <ol className="series-list" aria-label={line}>
        {series.sessions.map((session) => (
          <li key={session.id} className="series-session" data-testid="series-item-session" data-status={session.status}>
            <span className="series-session-when">{t('series.sessionLine', { index: session.seriesIndex, when: when(session.startsAt) })}</span>
            <StatusBadge status={session.status} />
            {mayChange && session.status === 'booked' ? (
              <span className="series-session-actions">
                <Button size="sm" onClick={() => onAction({ kind: 'move', session })} aria-label={`${t('series.moveFrom')} (${session.seriesIndex})`}>
                  {t('series.moveFrom')}
                </Button>
                <Button
                  size="sm"
                  variant="danger-ghost"
                  onClick={() => onAction({ kind: 'cancel', session })}
                  aria-label={`${t('series.cancelFrom')} (${session.seriesIndex})`}
                >
                  {t('series.cancelFrom')}
                </Button>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
    </li>
  );
}

/** "Cancel this and later" (with a reason) or "Move this and later" (to a new date and time). */
export function SeriesActionDialog({ action, store, onClose }: { action: Action; store: SeriesStore; onClose: () => void }) {
  const { t } = useTranslation();
  const index = action?.session.seriesIndex ?? 0;
  return (
    <Dialog
      open={action !== null}
      onClose={onClose}
      size="sm"
      testId="series-action-dialog"
      title={action?.kind === 'move' ? t('series.moveFromTitle', { index }) : t('series.cancelFromTitle', { index })}
    >
      {action ? <ActionBody key={`${action.kind}-${action.session.id}`} action={action} store={store} onClose={onClose} /> : null}
    </Dialog>
  );
}

function ActionBody({ action, store, onClose }: { action: NonNullable<Action>; store: SeriesStore; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const ui = useUiStore();
  const { error, isBusy, run } = useRpcAction();
  const [reason, setReason] = useState('');
  const [moveTo, setMoveTo] = useState(() => format.toLocalInput(action.session.startsAt));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      if (action.kind === 'cancel') {
        const count = await store.getState().cancelFrom(action.session.id, reason);
        ui.getState().toast('success', t('series.cancelled', { count }));
      } else {
        const startsAt = format.fromLocalInput(moveTo);
        if (startsAt === null) return;
        const count = await store.getState().moveFrom(action.session.id, startsAt);
        ui.getState().toast('success', t('series.moved', { count }));
      }
      onClose();
    });
  };

  return (
    <form className="form-stack" onSubmit={submit}>
      {action.kind === 'cancel' ? (
        <TextArea label={t('series.cancelReason')} required maxLength={300} value={reason} onChange={(event) => setReason(event.target.value)} />
      ) : (
        <TextField label={t('series.moveTo')} type="datetime-local" required value={moveTo} onChange={(event) => setMoveTo(event.target.value)} />
      )}
      <ErrorMessage error={error} />
      <div className="series-footer">
        <Button onClick={onClose}>{t('common.cancel')}</Button>
        <Button type="submit" variant={action.kind === 'cancel' ? 'danger' : 'primary'} isBusy={isBusy}>
          {action.kind === 'cancel' ? t('series.cancelFromConfirm') : t('series.moveFromConfirm')}
        </Button>
      </div>
    </form>
  );
}
