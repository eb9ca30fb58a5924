import { useTranslation } from 'react-i18next';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import { minutesBetween } from '../i18n/format';
import { useFormat, useNow } from '../i18n/hooks';
import { useQueue } from '../stores/stores';
import { Button, IconButton } from '../ui/button';
import { Icon } from '../ui/icons';
import { TicketBadge } from '../checkin/check-in';
import type { QueueDialog } from './queue-dialogs';
import { laneOfEntry } from './queue.store';
import { durationText, waitText } from './queue-text';
import { useQueueActions } from './use-queue-actions';
import './queue-entries.css';

export function CurrentEntry({ entry, size, onDialog }: { entry: QueueEntryView; size: 'md' | 'lg'; onDialog: (dialog: QueueDialog) => void }) {
  const { t } = useTranslation();
  const now = useNow(15_000);
  const actions = useQueueActions();
  const isBusy = useQueue((state) => !!state.busy[`entry:${entry.appointmentId}`]);
  const since = minutesBetween(entry.calledAt ?? entry.arrivedAt, now);
  const isCalled = entry.status === 'called';
  const name = entry.patientName;
  const buttonSize = size === 'lg' ? 'lg' : 'sm';

  return (
    <article
      className={`queue-entry queue-entry-current status-${entry.status}`}
      data-testid="queue-entry"
      data-appointment-id={entry.appointmentId}
      data-status={entry.status}
      data-ticket={entry.ticket}
      aria-label={`${entry.ticket}, ${name}`}
    >
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
            <span>
              {isCalled ? t('queue.calledAgo', { duration: durationText(t, since) }) : t('queue.inConsultationFor', { duration: durationText(t, since) })}
            </span>
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
              <Button
                size={buttonSize}
                variant="primary"
                icon="play"
                disabled={isBusy}
                onClick={() => void actions.start(entry)}
                aria-label={`${t('queue.start')}: ${name}`}
                aria-keyshortcuts="s"
                data-testid="queue-start"
              >
                {t('queue.start')}
              </Button>
              <Button
                size={buttonSize}
                variant="secondary"
                icon="bell"
                disabled={isBusy}
                onClick={() => void actions.recall(entry)}
                aria-label={`${t('queue.recall')}: ${name}`}
                aria-keyshortcuts="r"
                data-testid="queue-recall"
              >
                {t('queue.recall')}
              </Button>
            </>
          ) : (
            <Button
              size={buttonSize}
              variant="primary"
              icon="check"
              disabled={isBusy}
              onClick={() => void actions.finish(entry)}
              aria-label={`${t('queue.finish')}: ${name}`}
              aria-keyshortcuts="f"
              data-testid="queue-finish"
            >
              {t('queue.finish')}
            </Button>
          )}
        </div>
        <div className="queue-actions-more">
          <Button
            size={buttonSize}
            variant="ghost"
            icon="door"
            disabled={isBusy}
            onClick={() => onDialog({ kind: 'sendToRoom', entry })}
            aria-label={`${t('queue.sendToRoom.short')}: ${name}`}
            data-testid="queue-send-room"
          >
            {t('queue.sendToRoom.short')}
          </Button>
          {isCalled ? (
            <Button
              size={buttonSize}
              variant="danger-ghost"
              icon="userX"
              disabled={isBusy}
              onClick={() => onDialog({ kind: 'leftUnseen', entry })}
              aria-label={`${t('queue.leftUnseen.action')}: ${name}`}
              data-testid="queue-left-unseen"
            >
              {t('queue.leftUnseen.short')}
            </Button>
          ) : null}
        </div>
      </div>
    </article>
  );
}

export function WaitingEntry({
  entry,
  position,
  isFirst,
  isLast,
  canMove,
  onDialog,
}: {
  entry: QueueEntryView;
  position: number;
  isFirst: boolean;
  isLast: boolean;
  canMove: boolean;
  onDialog: (dialog: QueueDialog) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const isBusy = useQueue((state) => !!state.busy[`entry:${entry.appointmentId}`]);
  const lane = laneOfEntry(entry);
  const name = entry.patientName;

  return (
    <article
      className={`queue-entry queue-entry-waiting lane-${lane}`}
      data-testid="queue-entry"
      data-appointment-id={entry.appointmentId}
      data-status={entry.status}
      data-ticket={entry.ticket}
      aria-label={`${position}. ${entry.ticket}, ${name}`}
    >
      <span className="queue-position" aria-hidden="true">
        {position}
      </span>
      <div className="queue-entry-body">
        <div className="queue-entry-line">
          <TicketBadge ticket={entry.ticket} />
          <span className={`lane-badge lane-${lane}`}>{t(`queue.lane.${lane}`)}</span>
          <span
            className="queue-wait"
            data-testid="estimated-wait"
            title={entry.expectedStartAt ? t('queue.expectedAt', { time: format.time(entry.expectedStartAt) }) : undefined}
          >
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
            <IconButton
              size="sm"
              icon="arrowUp"
              label={`${t('queue.move.up')}: ${name}`}
              disabled={isFirst || isBusy}
              onClick={() => onDialog({ kind: 'move', entry, places: -1 })}
              data-testid="queue-move-up"
            />
            <IconButton
              size="sm"
              icon="arrowDown"
              label={`${t('queue.move.down')}: ${name}`}
              disabled={isLast || isBusy}
              onClick={() => onDialog({ kind: 'move', entry, places: 1 })}
              data-testid="queue-move-down"
            />
          </>
        ) : null}
        <IconButton
          size="sm"
          icon="userX"
          variant="danger-ghost"
          label={`${t('queue.leftUnseen.action')}: ${name}`}
          disabled={isBusy}
          onClick={() => onDialog({ kind: 'leftUnseen', entry })}
          data-testid="queue-left-unseen"
        />
      </div>
    </article>
  );
}
