import type { TFunction } from 'i18next';
import { errorText } from '../i18n/errors';
import type { Formatter } from '../i18n/format';
import type { Locale } from '../../shared/contract/common';
import type { RpcError } from '../transport/rpc-error';

/** "12 min", "1 h 05 min". */
export function durationText(t: TFunction, minutes: number): string {
  if (minutes < 60) return t('duration.minutes', { count: minutes });
  return t('duration.hoursMinutes', { hours: Math.floor(minutes / 60), minutes: String(minutes % 60).padStart(2, '0') });
}

/** The estimate as said to a patient: "next", or "about 12 min". */
export function waitText(t: TFunction, minutes: number | null): string {
  if (minutes === null) return '';
  return minutes <= 0 ? t('queue.wait.next') : t('queue.wait.about', { duration: durationText(t, minutes) });
}

/** The second line of a check-in confirmation: estimate, expected time, practitioner and room. */
export function checkInDetail(
  t: TFunction,
  format: Formatter,
  result: { estimatedWaitMinutes: number; expectedStartAt: number; practitionerName: string; roomName: string | null },
): string {
  const parts = [
    t('queue.checkIn.estimate', { wait: waitText(t, result.estimatedWaitMinutes), time: format.time(result.expectedStartAt) }),
    result.practitionerName,
  ];
  if (result.roomName) parts.push(result.roomName);
  return parts.join(' · ');
}

/**
 * A failed check-in in words. The generic "the appointment has already moved on" says too
 * little at the desk: the usual cause is a second click, or a patient checked in elsewhere.
 */
export function checkInErrorText(t: TFunction, error: RpcError, locale: Locale): string {
  switch (error.code) {
    case 'INVALID_TRANSITION':
      return t('queue.errors.notWaitingForCheckIn');
    case 'IN_THE_PAST':
    case 'OUTSIDE_WORKING_HOURS':
      return t('queue.errors.notToday');
    default:
      return errorText(t, error, locale);
  }
}
