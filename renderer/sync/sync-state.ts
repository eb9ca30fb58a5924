import type { Slot } from '../../shared/schedule/schedule.contract';
import type { Locale } from '../../shared/contract/common';
import type { SyncConflict, SyncSettings, SyncStatus } from '../../shared/sync/sync.contract';
import { intlLocale } from '../i18n/format';
import type { Tone } from '../ui/misc';

/**
 * What the header says about sync, worst first: a refused token stops everything, being
 * offline delays everything, conflicts and problems need a person, waiting changes only time.
 */
export type IndicatorKind = 'off' | 'starting' | 'unauthorised' | 'offline' | 'attention' | 'pending' | 'synced';

export interface Indicator {
  kind: IndicatorKind;
  tone: Tone;
  pending: number;
  /** Conflicts and problems: each is something staff must look at. */
  conflicts: number;
  problems: number;
}

const tones: Record<IndicatorKind, Tone> = {
  off: 'neutral',
  starting: 'neutral',
  unauthorised: 'danger',
  offline: 'warning',
  attention: 'danger',
  pending: 'info',
  synced: 'success',
};

/**
 * Turning sync on refused for a reason the settings card words itself: the cloud holds a
 * clinic and so does this desk (otherClinic), or the cloud refused the token when asked
 * whether it holds one (tokenRefused). Anything else shows as the error it is.
 */
export type SettingsRefusal = 'otherClinic' | 'tokenRefused';

export function settingsRefusalOf(error: { code: string; details: Record<string, unknown> } | null): SettingsRefusal | null {
  if (error?.code === 'ALREADY_SET_UP' && error.details.reason === 'CLOUD_HAS_OTHER_CLINIC') return 'otherClinic';
  if (error?.code === 'CLOUD_UNAVAILABLE' && error.details.problem === 'UNAUTHORISED') return 'tokenRefused';
  return null;
}

export function indicatorOf(status: SyncStatus | null): Indicator {
  const counts = { pending: status?.pending ?? 0, conflicts: status?.conflicts ?? 0, problems: status?.problems ?? 0 };
  const kind: IndicatorKind =
    !status || !status.enabled
      ? 'off'
      : status.connection === 'unauthorised'
        ? 'unauthorised'
        : status.connection === 'offline'
          ? 'offline'
          : status.connection === 'off'
            ? 'starting'
            : counts.conflicts + counts.problems > 0
              ? 'attention'
              : counts.pending > 0
                ? 'pending'
                : 'synced';
  return { kind, tone: tones[kind], ...counts };
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();

/**
 * "now", "2 min ago", "há 3 h", "yesterday": the language's own short relative time. Future
 * instants ("in 20 sec") are for the next retry.
 */
export function relativeTime(at: number, now: number, locale: Locale): string {
  const key = intlLocale(locale);
  let format = relativeFormats.get(key);
  if (!format) {
    format = new Intl.RelativeTimeFormat(key, { numeric: 'auto', style: 'short' });
    relativeFormats.set(key, format);
  }
  const seconds = Math.round((at - now) / 1000);
  const size = Math.abs(seconds);
  // A past sync within the same few seconds reads "now"; a retry soon still says when.
  if (size < 10 && seconds <= 0) return format.format(0, 'second');
  if (size < 60) return format.format(seconds, 'second');
  const minutes = Math.trunc(seconds / 60);
  if (Math.abs(minutes) < 60) return format.format(minutes, 'minute');
  const hours = Math.trunc(minutes / 60);
  if (Math.abs(hours) < 24) return format.format(hours, 'hour');
  return format.format(Math.trunc(hours / 24), 'day');
}

export function conflictsById(conflicts: readonly SyncConflict[]): Record<number, SyncConflict> {
  return Object.fromEntries(conflicts.map((conflict) => [conflict.appointmentId, conflict]));
}

/** The one-click ways out of a conflict the board offers; each opens the reschedule or cancel dialog, set up for it. */
export interface ConflictWayOut {
  kind: 'otherSlot' | 'otherPractitioner' | 'tellPatient';
  conflict: SyncConflict;
}

const overlaps = (slot: Slot, clash: SyncConflict['clash']) => slot.startsAt < clash.endsAt && clash.startsAt < slot.endsAt;

/**
 * Free slots minus those the clash makes impossible. The clash may not have reached this desk
 * yet, so its time can still look free here: offering it again would only fail again.
 */
export function slotsAvoiding(slots: readonly Slot[], clash: SyncConflict['clash'], appointment: { practitionerId: number; roomId: number | null }): Slot[] {
  return slots.filter((slot) => {
    if (!overlaps(slot, clash)) return true;
    return clash.kind === 'practitioner' ? slot.practitionerId !== appointment.practitionerId : slot.roomId === null || slot.roomId !== appointment.roomId;
  });
}

/** The slot to preselect: the practitioner's first one from the original time on, else their first one that day. */
export function nextSlotFor(slots: readonly Slot[], practitionerId: number, from: number): Slot | null {
  const own = slots.filter((slot) => slot.practitionerId === practitionerId).sort((a, b) => a.startsAt - b.startsAt);
  return own.find((slot) => slot.startsAt >= from) ?? own[0] ?? null;
}

// A type, not an interface: the form hook wants a plain record.
export type SyncSettingsForm = {
  enabled: boolean;
  cloudUrl: string;
  token: string;
  pullIntervalSeconds: string;
};

export type SyncSettingsInput = {
  enabled?: boolean;
  cloudUrl?: string;
  token?: string;
  pullIntervalSeconds?: number;
};

export function settingsForm(settings: SyncSettings): SyncSettingsForm {
  return { enabled: settings.enabled, cloudUrl: settings.cloudUrl, token: '', pullIntervalSeconds: String(settings.pullIntervalSeconds) };
}

/**
 * What to send: the switch, the URL and the interval as shown, and the token only when one
 * was typed (it is write-only: an empty box means "keep the stored one"). An interval that
 * is not a whole number is sent as NaN, so the contract's schema names the field.
 */
export function settingsInput(form: SyncSettingsForm): SyncSettingsInput {
  const interval = form.pullIntervalSeconds.trim();
  const token = form.token.trim();
  return {
    enabled: form.enabled,
    cloudUrl: form.cloudUrl.trim(),
    pullIntervalSeconds: interval === '' ? Number.NaN : Number(interval),
    ...(token ? { token } : {}),
  };
}
