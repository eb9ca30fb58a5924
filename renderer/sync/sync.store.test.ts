import { describe, expect, it } from 'vitest';
import type { Appointment } from '../../shared/appointments/appointments.contract';
import type { Patient } from '../../shared/patients/patients.contract';
import type { SyncConflict, SyncProblem, SyncSettings, SyncStatus } from '../../shared/sync/sync.contract';
import { createFakeTransport, deferred, fail, flush } from '../test/fake-transport';
import { createSyncStore } from './sync.store';

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
const conflict = (appointmentId: number): SyncConflict => ({
  appointmentId,
  clash: { kind: 'practitioner', startsAt: NOW, endsAt: NOW + 1_800_000, appointmentId: null, takenBy: 'online' },
  refusedAt: NOW,
});
const problem = (id: number): SyncProblem => ({
  id,
  entity: 'appointment',
  entityId: 4,
  operation: 'upsert',
  reason: 'MISSING_REFERENCE',
  message: 'The patient is unknown to the cloud.',
  at: NOW,
});
const settings = (over: Partial<SyncSettings> = {}): SyncSettings => ({
  enabled: false,
  cloudUrl: '',
  hasToken: false,
  pullIntervalSeconds: 15,
  clientId: 'desk-1',
  secureStorage: { available: true, problem: null },
  ...over,
});
const appointment = (id: number, patientId: number): Appointment => ({
  id,
  patientId,
  practitionerId: 1,
  roomId: null,
  specialtyId: 1,
  startsAt: NOW,
  endsAt: NOW + 1_800_000,
  status: 'booked',
  statusChangedAt: NOW,
  isWalkIn: false,
  cancelReason: '',
  notes: '',
  priceCents: 0,
  code: 'ABC123',
  seriesId: null,
  seriesIndex: null,
});
const patient = (id: number): Patient => ({
  id,
  fullName: `Patient ${id}`,
  preferredName: '',
  dateOfBirth: '1980-01-01',
  sex: 'unknown',
  phone: '+351 912 345 678',
  email: 'p@example.pt',
  taxId: '',
  address: '',
  preferredLanguage: 'pt',
  notes: '',
  taxCountry: 'PT',
  phoneIsPtMobile: true,
  phoneNeedsReview: false,
  mergedIntoId: null,
  createdAt: NOW,
  updatedAt: NOW,
});

function world() {
  const state = { status: status(), conflicts: [] as SyncConflict[], problems: [] as SyncProblem[], settings: settings() };
  const fake = createFakeTransport({
    'sync.status': () => state.status,
    'sync.issues': () => ({ conflicts: state.conflicts, problems: state.problems }),
    'sync.now': () => {
      state.status = { ...state.status, pending: 0, lastSyncedAt: NOW + 60_000 };
      return state.status;
    },
    'sync.dismissProblem': ({ id }) => {
      state.problems = state.problems.filter((p) => p.id !== id);
      return { ok: true as const };
    },
    'sync.settings': () => state.settings,
    'sync.updateSettings': (input) => {
      if (input.token && !state.settings.secureStorage.available) fail('SECURE_STORAGE_UNAVAILABLE');
      state.settings = {
        ...state.settings,
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.cloudUrl !== undefined ? { cloudUrl: input.cloudUrl } : {}),
        ...(input.pullIntervalSeconds !== undefined ? { pullIntervalSeconds: input.pullIntervalSeconds } : {}),
        hasToken: input.forgetToken ? false : input.token ? true : state.settings.hasToken,
      };
      return state.settings;
    },
    'appointments.get': ({ id }) => (id === 404 ? fail('NOT_FOUND') : appointment(id, id + 100)),
    'patients.get': ({ id }) => patient(id),
  });
  return { state, fake, store: createSyncStore(fake.transport) };
}

describe('sync store', () => {
  it('loads the status and the issues, and finds each card’s conflict', async () => {
    const { state, store } = world();
    state.status = status({ conflicts: 1, problems: 1, pending: 2 });
    state.conflicts = [conflict(7)];
    state.problems = [problem(1)];
    await store.getState().load();
    expect(store.getState().loadStatus).toBe('ready');
    expect(store.getState().status?.pending).toBe(2);
    expect(store.getState().conflictByAppointment[7]?.clash.kind).toBe('practitioner');
    expect(store.getState().conflictByAppointment[8]).toBeUndefined();
    expect(store.getState().problems.map((p) => p.id)).toEqual([1]);
  });

  it('refetches on sync.changed, on appointment changes while sync is on, and after a reconnect', async () => {
    const { state, fake, store } = world();
    const disconnect = store.getState().connect();
    await store.getState().load();
    state.conflicts = [conflict(7)];
    fake.emit('sync.changed', {});
    await flush();
    expect(fake.callsOf('sync.issues')).toHaveLength(2);
    expect(store.getState().conflictByAppointment[7]).toBeDefined();

    // The desk moved the conflicted appointment: the flag goes once the client says so.
    state.conflicts = [];
    fake.emit('appointments.changed', { appointmentIds: [7], days: ['2030-01-07'] });
    await flush();
    expect(store.getState().conflictByAppointment[7]).toBeUndefined();

    fake.reconnect();
    await flush();
    expect(fake.callsOf('sync.status')).toHaveLength(4);
    disconnect();
    fake.emit('sync.changed', {});
    await flush();
    expect(fake.callsOf('sync.status')).toHaveLength(4);
  });

  it('ignores appointment changes while sync is off and nothing is in conflict', async () => {
    const { state, fake, store } = world();
    state.status = status({ enabled: false, connection: 'off', lastSyncedAt: null });
    const disconnect = store.getState().connect();
    await store.getState().load();
    fake.emit('appointments.changed', { appointmentIds: [1], days: ['2030-01-07'] });
    await flush();
    expect(fake.callsOf('sync.status')).toHaveLength(1);
    disconnect();
  });

  it('keeps the last known state when a refetch fails, and applies only the newest answer', async () => {
    const { fake, store } = world();
    await store.getState().load();
    const slow = deferred<SyncStatus>();
    fake.handlers['sync.status'] = () => slow.promise;
    const first = store.getState().load({ quiet: true });
    fake.handlers['sync.status'] = () => status({ pending: 5 });
    await store.getState().load({ quiet: true });
    slow.resolve(status({ pending: 1 }));
    await first;
    expect(store.getState().status?.pending).toBe(5);

    fake.handlers['sync.status'] = () => fail('INTERNAL');
    await store.getState().load({ quiet: true });
    expect(store.getState().loadStatus).toBe('error');
    expect(store.getState().status?.pending).toBe(5);
  });

  it('syncs now: busy meanwhile, then the new status and issues', async () => {
    const { state, fake, store } = world();
    state.status = status({ pending: 3, lastSyncedAt: NOW });
    await store.getState().load();
    const running = store.getState().syncNow();
    expect(store.getState().isSyncing).toBe(true);
    const after = await running;
    expect(after.pending).toBe(0);
    expect(store.getState().isSyncing).toBe(false);
    expect(store.getState().status?.lastSyncedAt).toBe(NOW + 60_000);
    expect(fake.callsOf('sync.issues')).toHaveLength(2);

    fake.handlers['sync.now'] = () => fail('FORBIDDEN');
    await expect(store.getState().syncNow()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(store.getState().isSyncing).toBe(false);
  });

  it('dismisses a problem', async () => {
    const { state, fake, store } = world();
    state.problems = [problem(1), problem(2)];
    await store.getState().load();
    await store.getState().dismissProblem(1);
    expect(fake.callsOf('sync.dismissProblem')[0]?.input).toEqual({ id: 1 });
    expect(store.getState().problems.map((p) => p.id)).toEqual([2]);
  });

  it('looks up the appointment and patient behind each conflict once, and retries a failed lookup', async () => {
    const { state, fake, store } = world();
    state.conflicts = [conflict(7), conflict(404)];
    await store.getState().load();
    await store.getState().loadDetails();
    expect(store.getState().details[7]?.patient.fullName).toBe('Patient 107');
    expect(404 in store.getState().details).toBe(false);
    await store.getState().loadDetails();
    expect(fake.callsOf('appointments.get').map((call) => call.input)).toEqual([{ id: 7 }, { id: 404 }, { id: 404 }]);
  });

  it('saves the settings, then shows the new status; a token that cannot be sealed changes nothing', async () => {
    const { state, fake, store } = world();
    await store.getState().loadSettings();
    expect(store.getState().settings?.clientId).toBe('desk-1');
    const saved = await store.getState().saveSettings({ enabled: true, cloudUrl: 'http://127.0.0.1:8787', pullIntervalSeconds: 5, token: 'abc' });
    expect(saved).toMatchObject({ enabled: true, hasToken: true, pullIntervalSeconds: 5 });
    expect(store.getState().settings?.cloudUrl).toBe('http://127.0.0.1:8787');
    await flush();
    expect(fake.callsOf('sync.status')).toHaveLength(1);

    state.settings = settings({ secureStorage: { available: false, problem: 'PLAIN_TEXT_BACKEND' } });
    await store.getState().loadSettings();
    await expect(store.getState().saveSettings({ token: 'xyz' })).rejects.toMatchObject({ code: 'SECURE_STORAGE_UNAVAILABLE' });
    expect(store.getState().settings?.hasToken).toBe(false);

    await store.getState().saveSettings({ forgetToken: true });
    expect(fake.callsOf('sync.updateSettings').at(-1)?.input).toEqual({ forgetToken: true });
  });

  it('keeps the settings error for the card to show', async () => {
    const { fake, store } = world();
    fake.handlers['sync.settings'] = () => fail('FORBIDDEN');
    await store.getState().loadSettings();
    expect(store.getState().settingsStatus).toBe('error');
    expect(store.getState().settingsError?.code).toBe('FORBIDDEN');
  });
});
