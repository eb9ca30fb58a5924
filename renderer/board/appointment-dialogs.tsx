import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardAppointment } from '../../shared/board/board.contract';
import type { Slot } from '../../shared/schedule/schedule.contract';
import { dayOf, todayIn } from '../i18n/format';
import { useErrorText, useFormat } from '../i18n/hooks';
import { useBoardStore, usePractice, useUiStore } from '../stores/stores';
import { createLatest } from '../stores/store-utils';
import { RpcError } from '../transport/rpc-error';
import { useRpcAction } from '../ui/use-rpc-action';
import { SlotGrid, sameSlot } from '../appointments/slot-grid';
import { SlotTakenAlert } from '../appointments/slot-taken';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextArea, TextField } from '../ui/field';
import { EmptyState } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { PatientContact } from '../sync/conflict-flag';
import { nextSlotFor, slotsAvoiding, type ConflictWayOut } from '../sync/sync-state';

function Summary({ appointment }: { appointment: BoardAppointment }) {
  const format = useFormat();
  return (
    <div className="dialog-summary">
      <strong>{appointment.patientName}</strong>
      <span className="muted">
        {format.dayShort(dayOf(appointment.startsAt, format.zone))} · {format.timeRange(appointment.startsAt, appointment.endsAt)} ·{' '}
        {format.locale === 'pt' ? appointment.specialtyNamePt : appointment.specialtyNameEn}
      </span>
    </div>
  );
}

/** `wayOut`: a sync conflict's "another time" (the next free slot preselected) or "another practitioner". */
export function RescheduleDialog({
  appointment,
  onClose,
  wayOut,
}: {
  appointment: BoardAppointment | null;
  onClose: () => void;
  wayOut?: ConflictWayOut | undefined;
}) {
  const { t } = useTranslation();
  const practitionerRef = useRef<HTMLSelectElement>(null);
  return (
    <Dialog
      open={!!appointment}
      onClose={onClose}
      title={t('board.rescheduleTitle')}
      size="lg"
      testId="reschedule-dialog"
      initialFocus={wayOut?.kind === 'otherPractitioner' ? practitionerRef : undefined}
    >
      {appointment ? <RescheduleBody appointment={appointment} onClose={onClose} wayOut={wayOut} practitionerRef={practitionerRef} /> : null}
    </Dialog>
  );
}

function RescheduleBody({
  appointment,
  onClose,
  wayOut,
  practitionerRef,
}: {
  appointment: BoardAppointment;
  onClose: () => void;
  wayOut?: ConflictWayOut | undefined;
  practitionerRef?: RefObject<HTMLSelectElement | null>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const store = useBoardStore();
  const ui = useUiStore();
  const practitioners = usePractice((state) => state.practitioners);
  const rooms = usePractice((state) => state.rooms);
  const [day, setDay] = useState(() => dayOf(appointment.startsAt, format.zone));
  // 0: any practitioner but this one (the conflict's "another practitioner").
  const [practitionerId, setPractitionerId] = useState<number>(wayOut?.kind === 'otherPractitioner' ? 0 : appointment.practitionerId);
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [loadError, setLoadError] = useState<RpcError | null>(null);
  const [selected, setSelected] = useState<Slot | null>(null);
  const [attempted, setAttempted] = useState<Slot | null>(null);
  const { error, isBusy, run } = useRpcAction();
  const latest = useRef(createLatest()).current;
  const candidates = practitioners.filter((p) => p.isActive && p.specialtyIds.includes(appointment.specialtyId));

  useEffect(() => {
    const ticket = latest.next();
    setSlots(null);
    setLoadError(null);
    store
      .getState()
      .freeSlots({ specialtyId: appointment.specialtyId, day, ...(practitionerId ? { practitionerId } : {}) })
      .then((found) => {
        if (!latest.isLatest(ticket)) return;
        const usable = wayOut
          ? slotsAvoiding(found, wayOut.conflict.clash, appointment).filter(
              (slot) => practitionerId !== 0 || slot.practitionerId !== appointment.practitionerId,
            )
          : found;
        setSlots(usable);
        if (wayOut?.kind === 'otherSlot') setSelected((current) => current ?? nextSlotFor(usable, appointment.practitionerId, appointment.startsAt));
      })
      .catch((caught: unknown) => latest.isLatest(ticket) && setLoadError(RpcError.from(caught)));
  }, [appointment, day, practitionerId, store, latest, wayOut]);

  const move = async (slot: Slot) => {
    setAttempted(slot);
    await run(async () => {
      await store.getState().reschedule(appointment.id, slot);
      ui.getState().toast(
        'success',
        t('board.rescheduled', { name: appointment.patientName }),
        `${format.dayShort(dayOf(slot.startsAt, format.zone))} · ${format.time(slot.startsAt)}`,
      );
      onClose();
    });
  };

  return (
    <div className="stack">
      <Summary appointment={appointment} />
      <div className="form-grid">
        <TextField
          label={t('booking.day')}
          type="date"
          value={day}
          min={todayIn(format.zone)}
          onChange={(event) => event.target.value && setDay(event.target.value)}
        />
        <SelectField
          label={t('booking.practitioner')}
          value={practitionerId}
          onChange={(event) => setPractitionerId(Number(event.target.value))}
          ref={practitionerRef}
        >
          {wayOut?.kind === 'otherPractitioner' ? <option value={0}>{t('sync.conflict.anyOtherPractitioner')}</option> : null}
          {candidates.map((p) => (
            <option key={p.id} value={p.id}>
              {p.fullName}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="reschedule-slots">
        {loadError ? <ErrorMessage error={loadError} /> : null}
        {!slots && !loadError ? <SkeletonList rows={2} variant="line" label={t('common.loading')} /> : null}
        {slots && slots.length === 0 ? <EmptyState compact icon="calendar" title={t('booking.noSlots')} /> : null}
        {slots && slots.length > 0 ? (
          <SlotGrid slots={slots} practitioners={practitioners} rooms={rooms} selected={selected} onSelect={setSelected} format={format} isCompact />
        ) : null}
      </div>
      <SlotTakenAlert
        error={error}
        practitioners={practitioners}
        rooms={rooms}
        attempted={attempted}
        format={format}
        onPick={(slot) => void move(slot)}
        isBusy={isBusy}
        day={day}
      />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button
          variant="primary"
          disabled={
            !selected ||
            sameSlot(selected, { practitionerId: appointment.practitionerId, startsAt: appointment.startsAt, endsAt: appointment.endsAt, roomId: null })
          }
          isBusy={isBusy}
          onClick={() => selected && void move(selected)}
        >
          {selected ? t('board.moveTo', { time: format.time(selected.startsAt) }) : t('board.pickSlot')}
        </Button>
      </div>
    </div>
  );
}

/** `wayOut`: a sync conflict's "cancel and tell the patient": the reason filled in, the patient's contact shown. */
export function CancelDialog({
  appointment,
  onClose,
  wayOut,
}: {
  appointment: BoardAppointment | null;
  onClose: () => void;
  wayOut?: ConflictWayOut | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Dialog open={!!appointment} onClose={onClose} title={t('board.cancelTitle')} size="sm" testId="cancel-dialog">
      {appointment ? (
        <CancelBody
          appointment={appointment}
          onClose={onClose}
          tellPatient={wayOut?.kind === 'tellPatient' ? (wayOut.conflict.clash.takenBy ?? 'online') : null}
        />
      ) : null}
    </Dialog>
  );
}

/** `tellPatient`: cancelled as the way out of a sync conflict, with where the time was taken. */
function CancelBody({
  appointment,
  onClose,
  tellPatient = null,
}: {
  appointment: BoardAppointment;
  onClose: () => void;
  tellPatient?: 'online' | 'desk' | null;
}) {
  const { t } = useTranslation();
  const store = useBoardStore();
  const ui = useUiStore();
  const [reason, setReason] = useState(() =>
    tellPatient === null ? '' : t(tellPatient === 'desk' ? 'sync.conflict.cancelReasonDesk' : 'sync.conflict.cancelReason'),
  );
  const [fieldError, setFieldError] = useState<string | undefined>();
  const { error, isBusy, run } = useRpcAction();
  const errorText = useErrorText();
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setFieldError(t('board.reasonRequired'));
      reasonRef.current?.focus();
      return;
    }
    await run(
      async () => {
        await store.getState().cancel(appointment.id, reason.trim());
        ui.getState().toast('success', t('board.cancelled', { name: appointment.patientName }));
        onClose();
      },
      (rpcError) => rpcError.code === 'VALIDATION' && setFieldError(errorText(rpcError)),
    );
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <Summary appointment={appointment} />
      {tellPatient ? <PatientContact patientId={appointment.patientId} /> : null}
      <TextArea
        ref={reasonRef}
        label={t('board.reason')}
        required
        autoFocus
        rows={3}
        maxLength={300}
        value={reason}
        onChange={(event) => {
          setReason(event.target.value);
          setFieldError(undefined);
        }}
        error={fieldError}
        hint={t('board.reasonHint')}
      />
      <ErrorMessage error={error?.code === 'VALIDATION' ? null : error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          {t('board.keepAppointment')}
        </Button>
        <Button type="submit" variant="danger" isBusy={isBusy}>
          {t('board.confirmCancel')}
        </Button>
      </div>
    </form>
  );
}

export function NoShowDialog({ appointment, onClose }: { appointment: BoardAppointment | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open={!!appointment} onClose={onClose} title={t('board.noShowTitle')} size="sm" testId="no-show-dialog">
      {appointment ? <NoShowBody appointment={appointment} onClose={onClose} /> : null}
    </Dialog>
  );
}

function NoShowBody({ appointment, onClose }: { appointment: BoardAppointment; onClose: () => void }) {
  const { t } = useTranslation();
  const store = useBoardStore();
  const ui = useUiStore();
  const { error, isBusy, run } = useRpcAction();
  const confirm = () =>
    run(async () => {
      await store.getState().markNoShow(appointment.id);
      ui.getState().toast('success', t('board.markedNoShow', { name: appointment.patientName }));
      onClose();
    });
  return (
    <div className="stack">
      <Summary appointment={appointment} />
      <p>{t('board.noShowText')}</p>
      <ErrorMessage error={error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button variant="primary" isBusy={isBusy} onClick={() => void confirm()} autoFocus>
          {t('board.confirmNoShow')}
        </Button>
      </div>
    </div>
  );
}
