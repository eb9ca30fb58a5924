import { describe, expect, it } from 'vitest';
import type { Slot } from '../../shared/schedule/schedule.contract';
import { syncContract, type SyncConflict, type SyncStatus } from '../../shared/sync/sync.contract';
import { conflictsById, indicatorOf, nextSlotFor, relativeTime, settingsForm, settingsInput, settingsRefusalOf, slotsAvoiding } from './sync-state';
import { RpcError } from '../transport/rpc-error';
import { en } from '../../shared/i18n/en';
import { pt as ptPT } from '../../shared/i18n/pt-PT';
import { MINUTE_MS } from '../../shared/time/units';

const NOW = Date.UTC(2030, 0, 7, 10, 0);

const status = (over: Partial<SyncStatus> = {}): SyncStatus => ({
  enabled: true,
  connection: 'online',
  pending: 0,
  problems: 0,
  conflicts: 0,
  lastSyncedAt: NOW,
  nextAttemptAt: null,
  ...over,
});

const slot = (practitionerId: number, startMinute: number, roomId: number | null = 1): Slot => ({
  practitionerId,
  roomId,
  startsAt: NOW + startMinute * MINUTE_MS,
  endsAt: NOW + (startMinute + 30) * MINUTE_MS,
});

describe('sync indicator state', () => {
  it('is off when sync is off or its state is unknown', () => {
    expect(indicatorOf(null).kind).toBe('off');
    expect(indicatorOf(status({ enabled: false, connection: 'off', pending: 3 })).kind).toBe('off');
  });

  it('says the worst first: refused token, then offline, then what needs a person, then waiting', () => {
    const busy = { pending: 2, conflicts: 1, problems: 1 };
    expect(indicatorOf(status({ ...busy, connection: 'unauthorised' }))).toEqual({
      kind: 'unauthorised',
      tone: 'danger',
      pending: 2,
      conflicts: 1,
      problems: 1,
    });
    expect(indicatorOf(status({ ...busy, connection: 'offline' })).kind).toBe('offline');
    expect(indicatorOf(status({ ...busy })).kind).toBe('attention');
    expect(indicatorOf(status({ problems: 1 })).kind).toBe('attention');
    expect(indicatorOf(status({ pending: 2 }))).toMatchObject({ kind: 'pending', tone: 'info' });
    expect(indicatorOf(status())).toMatchObject({ kind: 'synced', tone: 'success' });
    // On, but the first round has not reached the server yet.
    expect(indicatorOf(status({ connection: 'off', lastSyncedAt: null })).kind).toBe('starting');
  });
});

describe('relative time', () => {
  it('says how long ago in the UI language', () => {
    expect(relativeTime(NOW - 3_000, NOW, 'en')).toBe('now');
    expect(relativeTime(NOW - 2 * MINUTE_MS, NOW, 'en')).toBe('2 min ago');
    expect(relativeTime(NOW - 2 * MINUTE_MS - 40_000, NOW, 'en')).toBe('2 min ago');
    expect(relativeTime(NOW - 3 * 60 * MINUTE_MS, NOW, 'en')).toBe('3 hr ago');
    expect(relativeTime(NOW - 26 * 60 * MINUTE_MS, NOW, 'en')).toBe('yesterday');
    expect(relativeTime(NOW - 2 * MINUTE_MS, NOW, 'pt')).toBe('há 2 min');
    expect(relativeTime(NOW - 3_000, NOW, 'pt')).toBe('agora');
  });

  it('says when, for the next attempt', () => {
    expect(relativeTime(NOW + 20_000, NOW, 'en')).toBe('in 20 sec');
    expect(relativeTime(NOW + 5 * MINUTE_MS, NOW, 'pt')).toBe('dentro de 5 min');
  });
});

describe('conflict ways out', () => {
  const conflict: SyncConflict = {
    appointmentId: 9,
    clash: { kind: 'practitioner', startsAt: NOW, endsAt: NOW + 30 * MINUTE_MS, appointmentId: null, takenBy: 'online' },
    refusedAt: NOW,
  };

  it('looks conflicts up by appointment', () => {
    expect(conflictsById([conflict])[9]).toBe(conflict);
    expect(conflictsById([conflict])[8]).toBeUndefined();
  });

  it('does not offer the clashing time again, for that practitioner (or that room)', () => {
    const slots = [slot(1, 0), slot(1, 15), slot(1, 30), slot(2, 0, 2)];
    expect(slotsAvoiding(slots, conflict.clash, { practitionerId: 1, roomId: 1 })).toEqual([slot(1, 30), slot(2, 0, 2)]);
    const roomClash = { ...conflict.clash, kind: 'room' as const };
    expect(slotsAvoiding([slot(1, 0), slot(2, 0, 1), slot(3, 0, 2), slot(4, 0, null)], roomClash, { practitionerId: 1, roomId: 1 })).toEqual([
      slot(3, 0, 2),
      slot(4, 0, null),
    ]);
  });

  it('preselects the practitioner’s next slot from the original time, else their first one', () => {
    const slots = [slot(2, 60), slot(1, 90), slot(1, -60), slot(1, 120)];
    expect(nextSlotFor(slots, 1, NOW)).toEqual(slot(1, 90));
    expect(nextSlotFor(slots, 1, NOW + 180 * MINUTE_MS)).toEqual(slot(1, -60));
    expect(nextSlotFor(slots, 3, NOW)).toBeNull();
  });
});

describe('settings form', () => {
  const schema = syncContract['sync.updateSettings'].input;
  const settings = {
    enabled: false,
    cloudUrl: '',
    hasToken: true,
    pullIntervalSeconds: 15,
    clientId: 'desk-1',
    secureStorage: { available: true, problem: null },
  };

  it('sends the token only when one was typed: an empty box keeps the stored one', () => {
    const form = settingsForm(settings);
    expect(form).toEqual({ enabled: false, cloudUrl: '', token: '', pullIntervalSeconds: '15' });
    const input = settingsInput({ ...form, enabled: true, cloudUrl: ' https://cloud.example/api ' });
    expect(input).toEqual({ enabled: true, cloudUrl: 'https://cloud.example/api', pullIntervalSeconds: 15 });
    expect(schema.safeParse(input).success).toBe(true);
    expect(settingsInput({ ...form, token: ' secret ' }).token).toBe('secret');
  });

  it('lets the contract refuse a bad interval or URL, on the right field', () => {
    const form = settingsForm(settings);
    const paths = (values: typeof form) => {
      const parsed = schema.safeParse(settingsInput(values));
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
    };
    expect(paths({ ...form, pullIntervalSeconds: '' })).toEqual(['pullIntervalSeconds']);
    expect(paths({ ...form, pullIntervalSeconds: '2' })).toEqual(['pullIntervalSeconds']);
    expect(paths({ ...form, pullIntervalSeconds: '7.5' })).toEqual(['pullIntervalSeconds']);
    expect(paths({ ...form, cloudUrl: 'ftp://cloud.example' })).toEqual(['cloudUrl']);
  });
});

describe('turning sync on refused', () => {
  it('words a cloud that holds another clinic, and a refused token, in its own terms', () => {
    expect(settingsRefusalOf(new RpcError('ALREADY_SET_UP', 'x', { reason: 'CLOUD_HAS_OTHER_CLINIC' }))).toBe('otherClinic');
    expect(settingsRefusalOf(new RpcError('CLOUD_UNAVAILABLE', 'x', { problem: 'UNAUTHORISED' }))).toBe('tokenRefused');
    expect(settingsRefusalOf(new RpcError('CLOUD_UNAVAILABLE', 'x', { problem: 'NETWORK' }))).toBeNull();
    expect(settingsRefusalOf(new RpcError('ALREADY_SET_UP', 'x'))).toBeNull();
    expect(settingsRefusalOf(null)).toBeNull();
    expect(en.sync.settings.otherClinic).toMatch(/already holds a clinic/);
    expect(ptPT.sync.settings.otherClinic).toMatch(/já tem uma clínica/);
  });
});
