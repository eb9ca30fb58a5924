/**
 * The bridge uses exactly three IPC channels: the preload invokes one for contract calls and
 * one to print the window's own document, and main sends events on the third.
 * Anything else arriving in main is ignored, because no handler is registered for it.
 */
export const INVOKE_CHANNEL = 'front-desk:invoke';
export const EVENT_CHANNEL = 'front-desk:event';
export const PRINT_CHANNEL = 'front-desk:print';

/** The one message shape main sends on EVENT_CHANNEL. */
export interface EventMessage {
  event: string;
  payload: unknown;
}

/** Name of the global the preload defines in the page (`window.frontDesk`). */
export const BRIDGE_GLOBAL = 'frontDesk';
