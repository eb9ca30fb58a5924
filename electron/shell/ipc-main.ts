import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNEL } from '../ipc/channels';
import type { IpcBridge } from '../ipc/ipc-bridge';
import type { SenderInfo } from '../ipc/sender-policy';

/**
 * Connects the bridge to Electron: one handler on one channel. The sender is described
 * from the event (never from anything the page sends) and judged by the bridge.
 */
export function registerIpcBridge(bridge: IpcBridge): () => void {
  ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, input: unknown, options: unknown) => bridge.handleInvoke(senderOf(event), method, input, options));
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}

export function senderOf(event: IpcMainInvokeEvent): SenderInfo {
  try {
    const frame = event.senderFrame;
    return { webContentsId: event.sender.id, frameUrl: frame?.url ?? null, isMainFrame: frame !== null && frame.parent === null };
  } catch {
    // Reading a frame that was disposed mid-call throws; such a sender is simply not trusted.
    return { webContentsId: event.sender.id, frameUrl: null, isMainFrame: false };
  }
}
