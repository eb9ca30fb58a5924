import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import { usePractice, useQueue } from '../stores/stores';
import { Button } from '../ui/button';
import { Icon } from '../ui/icons';
import { Badge } from '../ui/misc';
import { useCssVar } from '../ui/use-css-var';
import type { QueueDialog } from './queue-dialogs';
import { entriesOf, type QueuePractitioner } from './queue.store';
import { CurrentEntry, WaitingEntry } from './queue-entries';
import { useQueueActions } from './use-queue-actions';
import './practitioner-queue.css';

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

export function PractitionerQueue({ practitioner, entries, variant, canMove, roomId, onRoomChange, onDialog, onActivate, isActive }: PractitionerQueueProps) {
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
          <select
            value={roomId ?? ''}
            onChange={(event) => onRoomChange(event.target.value ? Number(event.target.value) : undefined)}
            data-testid="call-next-room"
          >
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
              <WaitingEntry
                entry={entry}
                position={index + 1}
                isFirst={index === 0}
                isLast={index === waiting.length - 1}
                canMove={canMove}
                onDialog={onDialog}
              />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
