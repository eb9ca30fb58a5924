import { z } from 'zod';
import { DateTime } from 'luxon';

/** Row ids: positive integers that fit SQLite's and JavaScript's safe range. */
export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Trimmed text with an upper bound, so no input can grow the database without limit. */
export const text = (max: number) => z.string().trim().max(max);
export const requiredText = (max: number) => z.string().trim().min(1).max(max);

/** A calendar day, `YYYY-MM-DD`, that exists (no 2023-02-30). */
export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((value) => DateTime.fromISO(value, { zone: 'utc' }).isValid, 'not a real date');

/** A time of day, `HH:MM`, 00:00 to 24:00. */
export const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM');

/** An instant, as milliseconds since the Unix epoch (UTC). Bounded to years 2000–2200. */
export const instant = z.number().int().min(946_684_800_000).max(7_258_118_400_000);

export const locale = z.enum(['en', 'pt']);
export type Locale = z.infer<typeof locale>;

export const empty = z.strictObject({});
export const ok = z.strictObject({ ok: z.literal(true) });

/** IANA time zone name that this runtime knows. */
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => DateTime.local().setZone(zone).isValid, 'unknown time zone');

export function clockToMinutes(value: string): number {
  const [hours, minutes] = value.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

export function minutesToClock(total: number): string {
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}
