import type { PrintRequest, PrintResult } from '../print/print';
import type { RpcResult } from './errors';

/** How a call was made: `background: false` only for a person's action, which alone keeps the session from locking. */
export interface InvokeOptions {
  background?: boolean;
}

/**
 * What the Electron preload exposes to the renderer as `window.frontDesk`: the whole of the
 * main world's access to the main process. The browser host's transport implements the same
 * shape over HTTP and server-sent events, so the renderer never knows which one it runs on.
 */
export interface FrontDeskBridge {
  /**
   * Calls a contract method. Always resolves: failures (unknown method, invalid input, no
   * session, a refused sender) come back as `{ ok: false, error }`, never as a rejection.
   */
  invoke(method: string, input: unknown, options?: InvokeOptions): Promise<RpcResult<unknown>>;
  /**
   * Listens to a push event (`appointments.changed`, ...). Events reach a window only while
   * somebody is signed in there. Returns the function that stops listening.
   */
  on(event: string, listener: (payload: unknown) => void): () => void;
  /**
   * Prints the window's document, or saves it as a PDF through a save dialog (Electron's
   * `webContents.print` / `printToPDF`). Absent in a browser, where `window.print()` does
   * both (its dialog offers "Save as PDF"). Always resolves.
   */
  print?(request: PrintRequest): Promise<PrintResult>;
}
