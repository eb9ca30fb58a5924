import { isAppUrl } from './app-origin';

/** What main knows about who sent an IPC message, taken from the event by the shell. */
export interface SenderInfo {
  /** `event.sender.id`: the webContents the message came from. */
  webContentsId: number;
  /** URL of the frame that sent it; null when the frame is gone or could not be read. */
  frameUrl: string | null;
  /** Whether that frame is the top-level frame of its webContents. */
  isMainFrame: boolean;
}

export type SenderVerdict = { trusted: true } | { trusted: false; reason: string };

/**
 * Modelled on VS Code's validatedIpcMain: a message is answered only if it comes from the
 * main frame of a window we created, and that frame shows our own origin. An iframe, a page
 * that somehow navigated elsewhere, or a webContents we did not create gets nothing.
 */
export function checkSender(sender: SenderInfo, isOurWindow: (webContentsId: number) => boolean): SenderVerdict {
  if (!isOurWindow(sender.webContentsId)) return { trusted: false, reason: `webContents ${sender.webContentsId} is not a Front Desk window` };
  if (!sender.isMainFrame) return { trusted: false, reason: 'message from a sub-frame' };
  if (!isAppUrl(sender.frameUrl)) {
    return { trusted: false, reason: `message from a foreign origin (${describeUrl(sender.frameUrl)})` };
  }
  return { trusted: true };
}

/** The scheme and host only: enough for a log line, without a query string that might hold data. */
function describeUrl(url: string | null): string {
  if (!url) return 'unknown frame';
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'unparseable URL';
  }
}
