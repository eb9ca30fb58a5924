import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRINT_CHANNEL } from '../ipc/channels';
import { handlePrintRequest } from '../ipc/print-request';
import { senderOf } from './ipc-main';

/**
 * Printing and PDF for our windows: the sender's own webContents prints what it shows (its
 * print view, all that print media shows). The request is checked and parsed in
 * ../ipc/print-request; this file only makes Electron's calls.
 */
export function registerPrint(isOurWindow: (webContentsId: number) => boolean): () => void {
  ipcMain.handle(PRINT_CHANNEL, (event, request: unknown) => {
    const contents = event.sender;
    return handlePrintRequest(senderOf(event), request, isOurWindow, {
      print: (options) =>
        new Promise((resolve) => {
          contents.print(options, (success, failureReason) => resolve({ success, failureReason }));
        }),
      printToPdf: (options) => contents.printToPDF(options),
      chooseSavePath: async (fileName) => {
        const window = BrowserWindow.fromWebContents(contents);
        const options = { defaultPath: join(app.getPath('documents'), fileName), filters: [{ name: 'PDF', extensions: ['pdf'] }] };
        const chosen = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
        return chosen.canceled ? undefined : chosen.filePath;
      },
      writeFile: (path, data) => writeFile(path, data),
      log: (message) => console.warn(message),
    });
  });
  return () => ipcMain.removeHandler(PRINT_CHANNEL);
}
