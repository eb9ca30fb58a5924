import { DateTime } from 'luxon';
import type { ReportBucketSize } from '../../shared/reports/reports.contract';
import { intlLocale, type Formatter } from '../i18n/format';

/** Numbers of a report in the UI's language: counts, rates and minutes. */
export function reportNumbers(format: Formatter) {
  const loc = intlLocale(format.locale);
  const count = new Intl.NumberFormat(loc);
  const percent = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1 });
  return {
    count: (value: number) => count.format(value),
    percent: (value: number | null) => (value === null ? '—' : percent.format(value)),
    minutes: (value: number | null) => (value === null ? '—' : count.format(value)),
    hours: (minutes: number) => count.format(Math.round(minutes / 60)),
  };
}

/** A period's label on the chart's axis and in its table. */
export function periodLabel(format: Formatter, bucket: ReportBucketSize, key: string): string {
  if (bucket === 'hour') return key.slice(11, 16);
  if (bucket === 'month')
    return DateTime.fromISO(key, { zone: 'utc' }).setLocale(intlLocale(format.locale)).toLocaleString({ month: 'short', year: 'numeric' });
  return format.dayShort(key);
}
