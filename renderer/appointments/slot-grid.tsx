import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Slot } from '../../shared/schedule/schedule.contract';
import type { Practitioner, Room } from '../../shared/practice/practice.contract';
import type { Formatter } from '../i18n/format';
import { useCssVar } from '../ui/use-css-var';

export function sameSlot(a: Slot | null | undefined, b: Slot | null | undefined): boolean {
  return !!a && !!b && a.practitionerId === b.practitionerId && a.startsAt === b.startsAt;
}

export interface SlotGridProps {
  slots: Slot[];
  practitioners: Practitioner[];
  rooms: Room[];
  selected: Slot | null;
  onSelect: (slot: Slot) => void;
  format: Formatter;
  /** Smaller groups without descriptions (the reschedule dialog). */
  isCompact?: boolean;
}

type Period = 'morning' | 'afternoon' | 'evening';

function periodOf(time: string): Period {
  const hour = Number(time.slice(0, 2));
  return hour < 12 ? 'morning' : hour < 18 ? 'afternoon' : 'evening';
}

/** Free slots, one group per practitioner, split into morning / afternoon / evening. */
export function SlotGrid({ slots, practitioners, rooms, selected, onSelect, format, isCompact = false }: SlotGridProps) {
  const groups = new Map<number, Slot[]>();
  for (const slot of [...slots].sort((a, b) => a.startsAt - b.startsAt)) {
    groups.set(slot.practitionerId, [...(groups.get(slot.practitionerId) ?? []), slot]);
  }
  const ordered = [...groups.entries()].sort(([a], [b]) => {
    const nameA = practitioners.find((p) => p.id === a)?.fullName ?? '';
    const nameB = practitioners.find((p) => p.id === b)?.fullName ?? '';
    return nameA.localeCompare(nameB);
  });
  return (
    <div className={`slot-groups ${isCompact ? 'is-compact' : ''}`}>
      {ordered.map(([practitionerId, list]) => (
        <SlotGroup
          key={practitionerId}
          practitioner={practitioners.find((p) => p.id === practitionerId)}
          practitionerId={practitionerId}
          slots={list}
          rooms={rooms}
          selected={selected}
          onSelect={onSelect}
          format={format}
          isCompact={isCompact}
        />
      ))}
    </div>
  );
}

function SlotGroup({
  practitioner,
  practitionerId,
  slots,
  rooms,
  selected,
  onSelect,
  format,
  isCompact,
}: {
  practitioner: Practitioner | undefined;
  practitionerId: number;
  slots: Slot[];
  rooms: Room[];
  selected: Slot | null;
  onSelect: (slot: Slot) => void;
  format: Formatter;
  isCompact: boolean;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLElement>(null);
  useCssVar(ref, '--practitioner-color', practitioner?.color);
  const headingId = `slot-group-${practitionerId}`;
  const room = rooms.find((candidate) => candidate.id === (practitioner?.defaultRoomId ?? slots[0]?.roomId));
  const description =
    format.locale === 'pt' ? practitioner?.descriptionPt || practitioner?.descriptionEn : practitioner?.descriptionEn || practitioner?.descriptionPt;

  const periods: Period[] = ['morning', 'afternoon', 'evening'];
  const byPeriod = periods
    .map((period) => ({ period, slots: slots.filter((slot) => periodOf(format.time(slot.startsAt)) === period) }))
    .filter((group) => group.slots.length > 0);

  return (
    <section ref={ref} className="slot-group" aria-labelledby={headingId} data-testid="slot-group" data-practitioner-id={practitionerId}>
      <header className="slot-group-header">
        <span className="practitioner-dot" aria-hidden="true" />
        <div className="slot-group-title">
          <h3 id={headingId}>{practitioner?.fullName ?? t('booking.unknownPractitioner')}</h3>
          {!isCompact && (description || room) ? (
            <p className="muted slot-group-sub">{[room ? room.name : null, description].filter(Boolean).join(' · ')}</p>
          ) : null}
        </div>
        <span className="slot-count">{t('booking.slotCount', { count: slots.length })}</span>
      </header>
      {byPeriod.map(({ period, slots: periodSlots }) => (
        <div key={period} className="slot-period">
          <span className="slot-period-label">{t(`booking.periods.${period}`)}</span>
          <div className="slot-list" role="group" aria-label={`${practitioner?.fullName ?? ''}, ${t(`booking.periods.${period}`)}`}>
            {periodSlots.map((slot) => {
              const isSelected = sameSlot(slot, selected);
              return (
                <button
                  key={slot.startsAt}
                  type="button"
                  className={`slot ${isSelected ? 'is-selected' : ''}`}
                  aria-pressed={isSelected}
                  data-testid="slot"
                  data-starts-at={slot.startsAt}
                  data-practitioner-id={slot.practitionerId}
                  onClick={() => onSelect(slot)}
                >
                  {format.time(slot.startsAt)}
                </button>
              );
            })}
          </div>
        </div>
      ))}
    </section>
  );
}
