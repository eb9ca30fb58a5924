import { useTranslation } from 'react-i18next';
import type { Slot } from '../../shared/schedule/schedule.contract';
import type { Practitioner, Room } from '../../shared/practice/practice.contract';
import type { Formatter } from '../i18n/format';
import { dayOf } from '../i18n/format';
import type { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { slotTakenDetails } from './booking.store';

/**
 * SLOT_TAKEN says what is in the way (the practitioner or the room, and when) and offers
 * the next free times as one-click alternatives.
 */
export function SlotTakenAlert({
  error,
  practitioners,
  rooms,
  attempted,
  format,
  onPick,
  isBusy,
  day,
}: {
  error: RpcError | null;
  practitioners: Practitioner[];
  rooms: Room[];
  attempted: { practitionerId: number; roomId: number | null } | null;
  format: Formatter;
  onPick: (slot: Slot) => void;
  isBusy?: boolean;
  day: string;
}) {
  const { t } = useTranslation();
  const details = slotTakenDetails(error);
  if (!error) return null;
  if (!details) return <ErrorMessage error={error} />;
  const { clash, nextFree } = details;
  const when = format.timeRange(clash.startsAt, clash.endsAt);
  const nameOf = (id: number) => practitioners.find((p) => p.id === id)?.fullName ?? '';
  // Short labels, so several alternatives fit on a line: the day only when it is not the one
  // being booked, the practitioner only when the alternatives are with different people.
  const labelOf = (slot: Slot) => {
    const slotDay = dayOf(slot.startsAt, format.zone);
    const time = format.time(slot.startsAt);
    return slotDay === day ? time : `${format.dayShort(slotDay)} ${time}`;
  };
  const clashText = () => {
    const practitioner = attempted ? nameOf(attempted.practitionerId) : '';
    const room = attempted?.roomId ? rooms.find((candidate) => candidate.id === attempted.roomId)?.name : undefined;
    if (clash.kind === 'room') return room ? t('booking.taken.namedRoom', { room, when }) : t('booking.taken.room', { when });
    return practitioner ? t('booking.taken.namedPractitioner', { name: practitioner, when }) : t('booking.taken.practitioner', { when });
  };
  const isMixed = new Set(nextFree.map((slot) => slot.practitionerId)).size > 1;
  return (
    <ErrorMessage error={error}>
      <p data-testid="slot-taken-clash">{clashText()}</p>
      {nextFree.length > 0 ? (
        <div className="next-free">
          <p className="next-free-label">{t('booking.taken.nextFree')}</p>
          <div className="row-wrap">
            {nextFree.map((slot) => (
              <Button
                key={`${slot.practitionerId}-${slot.startsAt}`}
                size="sm"
                variant="secondary"
                disabled={isBusy}
                data-testid="next-free-slot"
                data-starts-at={slot.startsAt}
                data-practitioner-id={slot.practitionerId}
                onClick={() => onPick(slot)}
              >
                {labelOf(slot)}
                {isMixed ? <span className="muted"> · {nameOf(slot.practitionerId)}</span> : null}
              </Button>
            ))}
          </div>
        </div>
      ) : (
        <p>{t('booking.taken.noneFree')}</p>
      )}
    </ErrorMessage>
  );
}
