import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueEntryView, RoomInUse } from '../../shared/queue/queue.contract';
import { serverFieldErrors } from '../i18n/errors';
import { usePractice, useQueueStore, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { useRpcAction } from '../ui/use-rpc-action';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextArea } from '../ui/field';
import { TicketBadge } from '../checkin/check-in';

export type QueueDialog =
  { kind: 'move'; entry: QueueEntryView; places: -1 | 1 } | { kind: 'sendToRoom'; entry: QueueEntryView } | { kind: 'leftUnseen'; entry: QueueEntryView };

export function QueueDialogs({ dialog, onClose }: { dialog: QueueDialog | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <Dialog
        open={dialog?.kind === 'move'}
        onClose={onClose}
        title={dialog?.kind === 'move' && dialog.places < 0 ? t('queue.move.upTitle') : t('queue.move.downTitle')}
        size="sm"
        testId="queue-move-dialog"
      >
        {dialog?.kind === 'move' ? <MoveBody entry={dialog.entry} places={dialog.places} onClose={onClose} /> : null}
      </Dialog>
      <Dialog open={dialog?.kind === 'sendToRoom'} onClose={onClose} title={t('queue.sendToRoom.title')} size="sm" testId="queue-send-room-dialog">
        {dialog?.kind === 'sendToRoom' ? <SendToRoomBody entry={dialog.entry} onClose={onClose} /> : null}
      </Dialog>
      <Dialog open={dialog?.kind === 'leftUnseen'} onClose={onClose} title={t('queue.leftUnseen.title')} size="sm" testId="queue-left-unseen-dialog">
        {dialog?.kind === 'leftUnseen' ? <LeftUnseenBody entry={dialog.entry} onClose={onClose} /> : null}
      </Dialog>
    </>
  );
}

function EntrySummary({ entry }: { entry: QueueEntryView }) {
  return (
    <div className="dialog-summary">
      <TicketBadge ticket={entry.ticket} />
      <strong>{entry.patientName}</strong>
      <span className="muted">{entry.practitionerName}</span>
    </div>
  );
}

function MoveBody({ entry, places, onClose }: { entry: QueueEntryView; places: -1 | 1; onClose: () => void }) {
  const { t } = useTranslation();
  const store = useQueueStore();
  const ui = useUiStore();
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      await store.getState().move(entry.appointmentId, places, reason);
      ui.getState().toast(
        'success',
        places < 0
          ? t('queue.move.movedUp', { ticket: entry.ticket, name: entry.patientName })
          : t('queue.move.movedDown', { ticket: entry.ticket, name: entry.patientName }),
        reason.trim(),
      );
      onClose();
    } catch (caught) {
      const rpcError = RpcError.from(caught);
      const onField = serverFieldErrors(t, rpcError)['reason'];
      if (onField) {
        setFieldError(reason.trim() ? onField : t('queue.move.reasonRequired'));
        reasonRef.current?.focus();
      } else setError(rpcError);
      setIsBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <EntrySummary entry={entry} />
      <p>{places < 0 ? t('queue.move.upText') : t('queue.move.downText')}</p>
      <TextArea
        ref={reasonRef}
        label={t('queue.move.reason')}
        required
        autoFocus
        rows={3}
        maxLength={200}
        value={reason}
        onChange={(event) => {
          setReason(event.target.value);
          setFieldError(undefined);
        }}
        error={fieldError}
        hint={t('queue.move.reasonHint')}
        data-testid="queue-move-reason"
      />
      <ErrorMessage error={error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" icon={places < 0 ? 'arrowUp' : 'arrowDown'} isBusy={isBusy} data-testid="queue-move-confirm">
          {places < 0 ? t('queue.move.confirmUp') : t('queue.move.confirmDown')}
        </Button>
      </div>
    </form>
  );
}

function SendToRoomBody({ entry, onClose }: { entry: QueueEntryView; onClose: () => void }) {
  const { t } = useTranslation();
  const store = useQueueStore();
  const ui = useUiStore();
  const practiceRooms = usePractice((state) => state.rooms);
  // Until the server says which rooms are in use, every active room, as free; then free ones first.
  const [inUse, setInUse] = useState<RoomInUse[] | null>(null);
  const rooms: RoomInUse[] = (
    inUse ?? practiceRooms.filter((room) => room.isActive).map((room) => ({ roomId: room.id, roomName: room.name, occupant: null }))
  ).filter((room) => room.roomId !== entry.roomId);
  const firstFree = rooms.find((room) => !isTakenByOther(room, entry))?.roomId;
  const [picked, setPicked] = useState<number | ''>('');
  const roomId = picked !== '' && rooms.some((room) => room.roomId === picked && !isTakenByOther(room, entry)) ? picked : (firstFree ?? '');
  const { error, isBusy, run } = useRpcAction();

  useEffect(() => {
    let isCurrent = true;
    store
      .getState()
      .rooms()
      .then((list) => {
        if (isCurrent) setInUse(list);
      })
      .catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, [store]);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (roomId === '') return;
    await run(async () => {
      try {
        const moved = await store.getState().sendToRoom(entry.appointmentId, roomId);
        ui.getState().toast('success', t('queue.sendToRoom.done', { ticket: moved.ticket, name: moved.patientName, room: moved.roomName ?? '' }));
        onClose();
      } catch (caught) {
        // Taken meanwhile: show the rooms as they are now.
        if (RpcError.from(caught).code === 'ROOM_OCCUPIED') setInUse(await store.getState().rooms());
        throw caught;
      }
    });
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <EntrySummary entry={entry} />
      <p>{entry.roomName ? t('queue.sendToRoom.textFrom', { room: entry.roomName }) : t('queue.sendToRoom.text')}</p>
      <SelectField
        label={t('queue.sendToRoom.room')}
        value={roomId}
        required
        autoFocus
        onChange={(event) => setPicked(event.target.value ? Number(event.target.value) : '')}
        data-testid="queue-send-room-select"
      >
        {firstFree === undefined ? <option value="">{t('queue.sendToRoom.noRooms')}</option> : null}
        {rooms.map((room) => (
          <option key={room.roomId} value={room.roomId} disabled={isTakenByOther(room, entry)}>
            {room.occupant && room.occupant.appointmentId !== entry.appointmentId
              ? t('queue.sendToRoom.busy', { room: room.roomName, ticket: room.occupant.ticket, practitioner: room.occupant.practitionerName })
              : inUse
                ? t('queue.sendToRoom.free', { room: room.roomName })
                : room.roomName}
          </option>
        ))}
      </SelectField>
      <ErrorMessage error={error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" icon="door" isBusy={isBusy} disabled={roomId === ''} data-testid="queue-send-room-confirm">
          {t('queue.sendToRoom.confirm')}
        </Button>
      </div>
    </form>
  );
}

/** A room with someone else's consultation in it: shown, not offered. */
function isTakenByOther(room: RoomInUse, entry: QueueEntryView): boolean {
  return room.occupant !== null && room.occupant.appointmentId !== entry.appointmentId;
}

function LeftUnseenBody({ entry, onClose }: { entry: QueueEntryView; onClose: () => void }) {
  const { t } = useTranslation();
  const store = useQueueStore();
  const ui = useUiStore();
  const [reason, setReason] = useState('');
  const { error, isBusy, run } = useRpcAction();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      await store.getState().leftUnseen(entry.appointmentId, reason.trim());
      ui.getState().toast('success', t('queue.leftUnseen.done', { ticket: entry.ticket, name: entry.patientName }));
      onClose();
    });
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <EntrySummary entry={entry} />
      <p>{t('queue.leftUnseen.text')}</p>
      <TextArea
        label={t('queue.leftUnseen.reason')}
        rows={2}
        maxLength={200}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        hint={t('queue.leftUnseen.reasonHint')}
      />
      <ErrorMessage error={error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          {t('queue.leftUnseen.keep')}
        </Button>
        <Button type="submit" variant="danger" icon="userX" isBusy={isBusy} autoFocus data-testid="queue-left-unseen-confirm">
          {t('queue.leftUnseen.confirm')}
        </Button>
      </div>
    </form>
  );
}
