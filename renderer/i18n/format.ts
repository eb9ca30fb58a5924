import { DateTime } from 'luxon';
import type { Locale } from '../../shared/contract/common';

/** The Intl locale behind each UI language: English as written in Europe (24-hour clock, day first). */
export function intlLocale(locale: Locale): string {
  return locale === 'pt' ? 'pt-PT' : 'en-GB';
}

export function todayIn(zone: string, now = Date.now()): string {
  return DateTime.fromMillis(now, { zone }).toISODate() ?? '';
}

export function addDays(day: string, amount: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days: amount }).toISODate() ?? day;
}

/** The instant a clinic day starts and ends, for range queries. */
export function dayBounds(day: string, zone: string): { from: number; to: number } {
  const start = DateTime.fromISO(day, { zone }).startOf('day');
  return { from: start.toMillis(), to: start.plus({ days: 1 }).toMillis() };
}

export function dayOf(instant: number, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toISODate() ?? '';
}

/** Formatting bound to the UI language and the clinic's time zone. */
export interface Formatter {
  locale: Locale;
  zone: string;
  time(instant: number): string;
  timeRange(from: number, to: number): string;
  /** "Tuesday, 4 March" */
  dayLong(day: string): string;
  /** "Tue 4 Mar" */
  dayShort(day: string): string;
  /** "Tuesday, 4 March 2031": on paper a patient keeps, where the year is not the screen's context. */
  dayLongWithYear(day: string): string;
  /** "Tue 4 Mar 2031" */
  dayShortWithYear(day: string): string;
  /** The weekday with a capital, for titles ("Segunda-feira"). */
  weekday(day: string): string;
  /** A date of birth or any calendar date: "04/03/1980". */
  date(day: string): string;
  dateTime(instant: number): string;
  money(cents: number, currency: string): string;
  age(dateOfBirth: string, today?: string): number | null;
  /** ISO date and time in the clinic zone, for `<input type="datetime-local">`. */
  toLocalInput(instant: number): string;
  fromLocalInput(value: string): number | null;
}

export function createFormatter(locale: Locale, zone: string): Formatter {
  const loc = intlLocale(locale);
  const inZone = (instant: number) => DateTime.fromMillis(instant, { zone }).setLocale(loc);
  const onDay = (day: string) => DateTime.fromISO(day, { zone: 'utc' }).setLocale(loc);
  const money = new Map<string, Intl.NumberFormat>();

  return {
    locale,
    zone,
    time: (instant) => inZone(instant).toFormat('HH:mm'),
    timeRange: (from, to) => `${inZone(from).toFormat('HH:mm')}–${inZone(to).toFormat('HH:mm')}`,
    dayLong: (day) => onDay(day).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' }),
    dayShort: (day) => onDay(day).toLocaleString({ weekday: 'short', day: 'numeric', month: 'short' }),
    dayLongWithYear: (day) => onDay(day).toLocaleString({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
    dayShortWithYear: (day) => onDay(day).toLocaleString({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }),
    weekday: (day) => capitalize(onDay(day).toLocaleString({ weekday: 'long' })),
    date: (day) => {
      const parsed = onDay(day);
      return parsed.isValid ? parsed.toLocaleString({ day: '2-digit', month: '2-digit', year: 'numeric' }) : day;
    },
    dateTime: (instant) =>
      inZone(instant).toLocaleString({ day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    money: (cents, currency) => {
      let format = money.get(currency);
      if (!format) {
        try {
          format = new Intl.NumberFormat(loc, { style: 'currency', currency });
        } catch {
          format = new Intl.NumberFormat(loc, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        }
        money.set(currency, format);
      }
      return format.format(cents / 100);
    },
    age: (dateOfBirth, today) => {
      const born = DateTime.fromISO(dateOfBirth, { zone: 'utc' });
      const now = DateTime.fromISO(today ?? todayIn(zone), { zone: 'utc' });
      if (!born.isValid || !now.isValid) return null;
      return Math.floor(now.diff(born, 'years').years);
    },
    toLocalInput: (instant) => DateTime.fromMillis(instant, { zone }).toFormat("yyyy-LL-dd'T'HH:mm"),
    fromLocalInput: (value) => {
      const parsed = DateTime.fromISO(value, { zone });
      return parsed.isValid ? parsed.toMillis() : null;
    },
  };
}

/** Minutes between two instants, never negative. */
export function minutesBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / 60_000));
}

function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
