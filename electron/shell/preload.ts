// Runs sandboxed, with context isolation: the page gets these three functions and nothing
// else. Raw ipcRenderer never crosses the bridge, and events arrive without the IPC event.
import { contextBridge, ipcRenderer } from 'electron';
import type { FrontDeskBridge } from '../../shared/contract/bridge';
import type { PrintResult } from '../../shared/print/print';
import { BRIDGE_GLOBAL, EVENT_CHANNEL, INVOKE_CHANNEL, PRINT_CHANNEL, type EventMessage } from '../ipc/channels';

const listeners = new Map<string, Set<(payload: unknown) => void>>();

// One IPC listener for all subscriptions, so many stores listening add no IPC listeners.
ipcRenderer.on(EVENT_CHANNEL, (_event, message: EventMessage) => {
  for (const listener of [...(listeners.get(message.event) ?? [])]) {
    try {
      listener(message.payload);
    } catch (error) {
      console.error(`front-desk: a listener for ${message.event} failed`, error);
    }
  }
});

const bridge: FrontDeskBridge = {
  // Background unless the page says a person made the call: only those keep the session from locking.
  invoke: (method, input, options) => ipcRenderer.invoke(INVOKE_CHANNEL, method, input, { background: options?.background !== false }),
  on: (event, listener) => {
    const forEvent = listeners.get(event) ?? new Set();
    listeners.set(event, forEvent.add(listener));
    return () => {
      forEvent.delete(listener);
    };
  },
  // Main checks the sender and parses the request; the page cannot name another window.
  print: (request) => ipcRenderer.invoke(PRINT_CHANNEL, request) as Promise<PrintResult>,
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
