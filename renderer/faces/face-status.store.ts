import { createStore } from 'zustand/vanilla';
import type { Locale } from '../../shared/contract/common';
import type { ConsentText, FaceStatus } from '../../shared/faces/faces.contract';
import type { Transport } from '../transport/transport';
import { RpcError } from '../transport/rpc-error';
import { createLatest, toRpcError, type LoadStatus } from '../stores/store-utils';

/**
 * One patient's face check-in at the desk: the status, the consent text shown to them, and
 * the consent, enrolment and withdrawal actions. Follows `faces.changed` from other desks.
 */
export interface FaceStatusState {
  patientId: number | null;
  status: FaceStatus | null;
  loadStatus: LoadStatus;
  error: RpcError | null;
  /** Whether face check-in is set up (null: not known, e.g. a doctor may not ask). */
  isAvailable: boolean | null;
  consent: { text: ConsentText | null; status: LoadStatus; error: RpcError | null };

  load(patientId: number, options?: { quiet?: boolean }): Promise<void>;
  loadConsentText(locale?: Locale): Promise<void>;
  /** The patient said yes to the text on screen. */
  recordConsent(): Promise<FaceStatus>;
  enrol(photos: string[]): Promise<FaceStatus>;
  withdraw(): Promise<FaceStatus>;
  connect(): () => void;
}

export function createFaceStatusStore(transport: Transport, options: { canManage: boolean }) {
  const latest = createLatest();
  const consentLatest = createLatest();

  return createStore<FaceStatusState>()((set, get) => {
    const apply = (status: FaceStatus) => {
      if (status.patientId === get().patientId) set({ status, loadStatus: 'ready', error: null });
      return status;
    };

    return {
      patientId: null,
      status: null,
      loadStatus: 'idle',
      error: null,
      isAvailable: null,
      consent: { text: null, status: 'idle', error: null },

      async load(patientId, { quiet = false } = {}) {
        const ticket = latest.next();
        if (patientId !== get().patientId)
          set({ patientId, status: null, loadStatus: 'loading', error: null, consent: { text: null, status: 'idle', error: null } });
        else if (!quiet) set({ loadStatus: 'loading', error: null });
        const availability = options.canManage
          ? transport.call('faces.availability', {}).then(
              (value) => value.faceCheckIn,
              () => null,
            )
          : Promise.resolve(null);
        try {
          const [status, isAvailable] = await Promise.all([transport.call('faces.status', { patientId }), availability]);
          if (!latest.isLatest(ticket)) return;
          set({ status, isAvailable, loadStatus: 'ready', error: null });
        } catch (error) {
          if (!latest.isLatest(ticket)) return;
          set({ loadStatus: 'error', error: toRpcError(error), isAvailable: await availability });
        }
      },

      async loadConsentText(locale) {
        const patientId = get().patientId;
        if (patientId === null) return;
        const ticket = consentLatest.next();
        set((state) => ({ consent: { ...state.consent, status: 'loading', error: null } }));
        try {
          const text = await transport.call('faces.consentText', locale ? { patientId, locale } : { patientId });
          if (!consentLatest.isLatest(ticket)) return;
          set({ consent: { text, status: 'ready', error: null } });
        } catch (error) {
          if (!consentLatest.isLatest(ticket)) return;
          set((state) => ({ consent: { ...state.consent, status: 'error', error: toRpcError(error) } }));
        }
      },

      async recordConsent() {
        const { patientId, consent } = get();
        if (patientId === null || !consent.text) throw new RpcError('VALIDATION', 'no consent text on screen');
        return apply(await transport.call('faces.recordConsent', { patientId, version: consent.text.version, agreed: true }));
      },

      async enrol(photos) {
        const patientId = get().patientId;
        if (patientId === null) throw new RpcError('VALIDATION', 'no patient');
        return apply(await transport.call('faces.enrol', { patientId, photos }));
      },

      async withdraw() {
        const patientId = get().patientId;
        if (patientId === null) throw new RpcError('VALIDATION', 'no patient');
        try {
          return apply(await transport.call('faces.withdraw', { patientId }));
        } catch (error) {
          // Stopped halfway: the record now says "withdrawing", and the desk can finish it.
          void get().load(patientId, { quiet: true });
          throw error;
        }
      },

      connect() {
        const refresh = () => {
          const patientId = get().patientId;
          if (patientId !== null) void get().load(patientId, { quiet: true });
        };
        const off = [
          transport.subscribe('faces.changed', ({ patientIds }) => {
            // An empty list: the settings changed (availability may have).
            if (patientIds.length === 0 || patientIds.includes(get().patientId ?? -1)) refresh();
          }),
          transport.onReconnect(refresh),
        ];
        return () => off.forEach((unsubscribe) => unsubscribe());
      },
    };
  });
}

export type FaceStatusStore = ReturnType<typeof createFaceStatusStore>;
