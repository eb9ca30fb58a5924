/**
 * The bridge uses exactly two IPC channels: the preload invokes one, main sends on the other.
 * Anything else arriving in main is ignored, because no handler is registered for it.
 */
export const INVOKE_CHANNEL = 'front-desk:invoke';
export const EVENT_CHANNEL = 'front-desk:event';

/** The one message shape main sends on EVENT_CHANNEL. */
export interface EventMessage {
  event: string;
  payload: unknown;
}

/** Name of the global the preload defines in the page (`window.frontDesk`). */
export const BRIDGE_GLOBAL = 'frontDesk';
