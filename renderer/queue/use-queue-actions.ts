import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import { useErrorText } from '../i18n/hooks';
import { useViewActions } from '../app/view-actions';
import { useQueue, useQueueStore, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { entriesOf } from './queue.store';

/** Call next, recall, start, finish as toasts-on-failure actions, shared by the buttons and the keys. */
export function useQueueActions() {
  const { t } = useTranslation();
  const store = useQueueStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  return useMemo(() => {
    const fail = (caught: unknown) => ui.getState().toast('error', errorText(RpcError.from(caught)));
    return {
      async callNext(practitionerId: number, roomId?: number) {
        try {
          const called = await store.getState().callNext(practitionerId, roomId);
          if (called) ui.getState().toast('success', t('queue.called', { ticket: called.ticket, name: called.patientName }), called.roomName ?? undefined);
          else ui.getState().toast('info', t('queue.nobodyWaiting'));
        } catch (caught) {
          fail(caught);
        }
      },
      async recall(entry: QueueEntryView) {
        try {
          await store.getState().recall(entry.appointmentId);
          ui.getState().toast('success', t('queue.recalled', { ticket: entry.ticket, name: entry.patientName }));
        } catch (caught) {
          fail(caught);
        }
      },
      async start(entry: QueueEntryView) {
        try {
          await store.getState().start(entry.appointmentId);
        } catch (caught) {
          fail(caught);
        }
      },
      async finish(entry: QueueEntryView) {
        try {
          await store.getState().finish(entry.appointmentId);
          ui.getState().toast('success', t('queue.finished', { ticket: entry.ticket, name: entry.patientName }));
        } catch (caught) {
          fail(caught);
        }
      },
    };
  }, [store, ui, t, errorText]);
}

/** Keys for one practitioner's queue: Alt+N calls the next patient; r, s, f act on the one being seen. */
export function useQueueKeys(practitionerId: number | null, roomFor: (practitionerId: number) => number | undefined) {
  const entries = useQueue((state) => state.entries);
  const actions = useQueueActions();
  const { current, waiting } = practitionerId ? entriesOf(entries, practitionerId) : { current: [], waiting: [] };
  const called = current.find((entry) => entry.status === 'called');
  const inConsultation = current.find((entry) => entry.status === 'in_consultation');
  useViewActions(
    practitionerId
      ? {
          ...(waiting.length > 0 ? { callNext: () => void actions.callNext(practitionerId, roomFor(practitionerId)) } : {}),
          ...(called ? { recall: () => void actions.recall(called), start: () => void actions.start(called) } : {}),
          ...(inConsultation ? { finish: () => void actions.finish(inConsultation) } : {}),
        }
      : {},
  );
}
