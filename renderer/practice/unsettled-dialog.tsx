import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UnsettledAppointment } from '../../shared/schedule/schedule.contract';
import { dayOf } from '../i18n/format';
import { useErrorText, useFormat } from '../i18n/hooks';
import { usePractice, usePracticeStore, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Badge, EmptyState } from '../ui/misc';
import { formatPhone } from '../../shared/patients/phone-format';

/** Loads what a change left to settle (the dialog opens if anything is); a failure is told, not swallowed. */
export function useCheckUnsettled(): (practitionerId: number) => Promise<void> {
  const practice = usePracticeStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  return async (practitionerId) => {
    try {
      await practice.getState().checkUnsettled(practitionerId);
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    }
  };
}

/**
 * After time off is added or working hours are saved: the appointments it left outside
 * the practitioner's time, each to be moved, cancelled (with the patient's phone and
 * language at hand, to call them) or kept on purpose. Nothing is stranded in silence.
 */
export function UnsettledDialog() {
  const { t } = useTranslation();
  const practice = usePracticeStore();
  const unsettled = usePractice((state) => state.unsettled);
  const practitioners = usePractice((state) => state.practitioners);
  const name = practitioners.find((p) => p.id === unsettled?.practitionerId)?.fullName ?? '';
  const rows = unsettled?.appointments ?? [];
  return (
    <Dialog
      open={unsettled !== null}
      onClose={() => practice.getState().closeUnsettled()}
      title={t('setup.unsettled.title')}
      description={t('setup.unsettled.lead', { name })}
      size="lg"
      testId="unsettled-dialog"
    >
      {rows.length === 0 ? (
        <EmptyState compact icon="checkCircle" title={t('setup.unsettled.allSettled')} />
      ) : (
        <ul className="unsettled-list">
          {rows.map((row) => (
            <UnsettledRow key={row.appointmentId} row={row} />
          ))}
        </ul>
      )}
      <div className="form-actions">
        <Button variant={rows.length === 0 ? 'primary' : 'ghost'} onClick={() => practice.getState().closeUnsettled()}>
          {t('common.close')}
        </Button>
      </div>
    </Dialog>
  );
}

function UnsettledRow({ row }: { row: UnsettledAppointment }) {
  const { t } = useTranslation();
  const format = useFormat();
  const practice = usePracticeStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  const [busy, setBusy] = useState<string | null>(null);
  const [isCancelling, setIsCancelling] = useState(false);

  const run = async (key: string, work: () => Promise<void>, done: string) => {
    setBusy(key);
    try {
      await work();
      ui.getState().toast('success', done);
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    } finally {
      setBusy(null);
    }
  };
  const when = (instant: number) => `${format.dayShort(dayOf(instant, format.zone))} ${format.time(instant)}`;
  const specialty = format.locale === 'pt' ? row.specialtyNamePt : row.specialtyNameEn;
  const moveButton = (slot: UnsettledAppointment['nextFreeSame'], label: string, key: string) =>
    slot ? (
      <Button
        size="sm"
        variant="secondary"
        icon="calendar"
        isBusy={busy === key}
        disabled={busy !== null}
        data-testid={`unsettled-${key}`}
        onClick={() => void run(key, () => practice.getState().moveUnsettled(row, slot), t('board.rescheduled', { name: row.patientName }))}
      >
        {label}
      </Button>
    ) : null;

  return (
    <li className="unsettled-row" data-testid="unsettled-row" data-appointment-id={row.appointmentId}>
      <div className="unsettled-what">
        <strong>{row.patientName}</strong>
        <span>
          {when(row.startsAt)} · {specialty}
        </span>
        <Badge tone="warning">{t(`board.scheduleProblem.${row.problem}`)}</Badge>
        <span className="subtle" data-testid="unsettled-contact">
          {t('setup.unsettled.call', {
            phone: row.patientPhone ? formatPhone(row.patientPhone) : t('sync.conflict.none'),
            language: t(`sync.conflict.languages.${row.patientLanguage}`),
          })}
        </span>
      </div>
      {isCancelling ? (
        <div className="unsettled-actions">
          <Button
            size="sm"
            variant="danger"
            isBusy={busy === 'cancel'}
            disabled={busy !== null}
            data-testid="unsettled-confirm-cancel"
            onClick={() =>
              void run(
                'cancel',
                () => practice.getState().cancelUnsettled(row, t('setup.unsettled.cancelReason', { name: row.practitionerName })),
                t('board.cancelled', { name: row.patientName }),
              )
            }
          >
            {t('setup.unsettled.confirmCancel')}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setIsCancelling(false)} disabled={busy !== null}>
            {t('common.back')}
          </Button>
        </div>
      ) : (
        <div className="unsettled-actions">
          {moveButton(row.nextFreeSame, t('setup.unsettled.moveSame', { time: when(row.nextFreeSame?.startsAt ?? 0) }), 'move-same')}
          {moveButton(
            row.nextFreeOther,
            t('setup.unsettled.moveOther', { name: row.nextFreeOther?.practitionerName ?? '', time: when(row.nextFreeOther?.startsAt ?? 0) }),
            'move-other',
          )}
          {!row.nextFreeSame && !row.nextFreeOther ? <span className="subtle">{t('setup.unsettled.noFreeSlot')}</span> : null}
          <Button size="sm" variant="danger-ghost" disabled={busy !== null} data-testid="unsettled-cancel" onClick={() => setIsCancelling(true)}>
            {t('setup.unsettled.cancel')}
          </Button>
          <Button
            size="sm"
            variant="ghost"
            isBusy={busy === 'keep'}
            disabled={busy !== null}
            data-testid="unsettled-keep"
            onClick={() => void run('keep', () => practice.getState().keepUnsettled(row), t('board.kept', { name: row.patientName }))}
          >
            {t('setup.unsettled.keep')}
          </Button>
        </div>
      )}
    </li>
  );
}
