import { beforeEach, describe, expect, it, vi } from 'vitest';

// The shell's registration with Electron replaced: what reaches ipcMain.handle is what the
// preload's ipcRenderer.invoke reaches, and the webContents' own print and printToPDF are called.
const electron = vi.hoisted(() => ({
  handle: vi.fn(),
  removeHandler: vi.fn(),
  showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: false, filePath: '/docs/out.pdf' })),
}));
const fs = vi.hoisted(() => ({ writeFile: vi.fn(async (..._args: unknown[]) => undefined) }));
vi.mock('electron', () => ({
  app: { getPath: () => '/docs' },
  BrowserWindow: { fromWebContents: () => ({ id: 'window' }) },
  dialog: { showSaveDialog: electron.showSaveDialog },
  ipcMain: { handle: electron.handle, removeHandler: electron.removeHandler },
}));
vi.mock('node:fs/promises', () => ({ writeFile: fs.writeFile }));

import { PRINT_CHANNEL } from '../ipc/channels';
import { pdfOptions, printOptions } from '../ipc/print-request';
import { registerPrint } from './print';

type Handler = (event: unknown, request: unknown) => Promise<unknown>;

function event(sender: object, url = 'app://front-desk/') {
  return { sender: { id: 1, ...sender }, senderFrame: { url, parent: null } };
}

let handler: Handler;
let unregister: () => void;

beforeEach(() => {
  electron.handle.mockClear();
  electron.showSaveDialog.mockClear();
  fs.writeFile.mockClear();
  unregister = registerPrint((id) => id === 1);
  expect(electron.handle.mock.calls[0]![0]).toBe(PRINT_CHANNEL);
  handler = electron.handle.mock.calls.at(-1)![1] as Handler;
});

describe('registerPrint', () => {
  it("prints with the sender's webContents", async () => {
    const print = vi.fn((_options: unknown, done: (success: boolean, reason: string) => void) => done(true, ''));
    await expect(handler(event({ print }), { action: 'print', title: 'Day list', paper: 'a4' })).resolves.toEqual({ outcome: 'printed' });
    expect(print).toHaveBeenCalledWith(printOptions('a4', false), expect.any(Function));
  });

  it('saves printToPDF’s bytes where the save dialog says, offering the documents folder', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const printToPDF = vi.fn(async () => bytes);
    await expect(handler(event({ printToPDF }), { action: 'pdf', title: 'Slip', paper: 'ticket80' })).resolves.toEqual({
      outcome: 'saved',
      fileName: 'out.pdf',
    });
    expect(electron.showSaveDialog).toHaveBeenCalledWith({ id: 'window' }, expect.objectContaining({ defaultPath: '/docs/Slip.pdf' }));
    expect(printToPDF).toHaveBeenCalledWith(pdfOptions('ticket80'));
    expect(fs.writeFile).toHaveBeenCalledWith('/docs/out.pdf', bytes);
  });

  it('refuses a foreign frame before touching Electron', async () => {
    const print = vi.fn();
    await expect(handler(event({ print }, 'https://evil.example/'), { action: 'print', title: 'x', paper: 'a4' })).resolves.toMatchObject({
      outcome: 'failed',
    });
    expect(print).not.toHaveBeenCalled();
  });

  it('unregisters its channel', () => {
    unregister();
    expect(electron.removeHandler).toHaveBeenCalledWith(PRINT_CHANNEL);
  });
});
