import { DateTime } from 'luxon';
import { REPORT_MAX_DAYS } from '../../shared/reports/reports.contract';

export type PeriodKind = 'day' | 'week' | 'month' | 'range';

export interface Period {
  kind: PeriodKind;
  from: string;
  to: string;
}

const day = (value: string) => DateTime.fromISO(value, { zone: 'utc' });
const iso = (value: DateTime) => value.toISODate() ?? '';

/** The day, the week (Monday to Sunday) or the month around `anchor`; a range keeps its days. */
export function periodAround(kind: Exclude<PeriodKind, 'range'>, anchor: string): Period {
  const at = day(anchor);
  if (kind === 'day') return { kind, from: anchor, to: anchor };
  if (kind === 'week') return { kind, from: iso(at.startOf('week')), to: iso(at.endOf('week')) };
  return { kind, from: iso(at.startOf('month')), to: iso(at.endOf('month')) };
}

/** The period before (-1) or after (+1): a range moves by its own length. */
export function shiftPeriod(period: Period, step: -1 | 1): Period {
  const from = day(period.from);
  if (period.kind === 'range') {
    const length = day(period.to).diff(from, 'days').days + 1;
    return { kind: 'range', from: iso(from.plus({ days: step * length })), to: iso(day(period.to).plus({ days: step * length })) };
  }
  const unit = period.kind === 'day' ? { days: step } : period.kind === 'week' ? { weeks: step } : { months: step };
  return periodAround(period.kind, iso(from.plus(unit)));
}

/** A range as typed: from and to in order, and no longer than a report covers. */
export function clampRange(from: string, to: string): Period {
  const [first, last] = from <= to ? [from, to] : [to, from];
  const longest = iso(day(first).plus({ days: REPORT_MAX_DAYS - 1 }));
  return { kind: 'range', from: first, to: last > longest ? longest : last };
}
