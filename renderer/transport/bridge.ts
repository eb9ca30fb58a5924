import type { FrontDeskBridge } from '../../shared/contract/bridge';

export type { FrontDeskBridge };

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser, where the HTTP transport is used. */
    frontDesk?: FrontDeskBridge;
  }
}
