import { describe, expect, it, vi } from 'vitest';
import { handlePrintRequest, pdfFileName, pdfOptions, pdfSavePath, printOptions, type PrintDeps } from './print-request';
import type { SenderInfo } from './sender-policy';

const ours = (id: number) => id === 1;
const desk: SenderInfo = { webContentsId: 1, frameUrl: 'app://front-desk/', isMainFrame: true };

function deps(over: Partial<PrintDeps> = {}) {
  const written: Array<{ path: string; data: Uint8Array }> = [];
  const fake: PrintDeps = {
    print: vi.fn(async () => ({ success: true, failureReason: '' })),
    printToPdf: vi.fn(async () => new Uint8Array([37, 80, 68, 70])),
    chooseSavePath: vi.fn(async (name: string) => `/home/rita/Documents/${name}`),
    writeFile: vi.fn(async (path: string, data: Uint8Array) => void written.push({ path, data })),
    ...over,
  };
  return { fake, written };
}

describe('print options', () => {
  it('prints desk documents on A4 with a dialog, and tickets on an 80 mm roll without margins', () => {
    expect(printOptions('a4', false)).toEqual({ silent: false, printBackground: true, pageSize: 'A4', margins: { marginType: 'default' } });
    expect(printOptions('ticket80', true)).toEqual({
      silent: true,
      printBackground: true,
      pageSize: { width: 80_000, height: 297_000 },
      margins: { marginType: 'none' },
    });
  });

  it('makes PDFs at the CSS page size (inches for Electron), A4 or 80 mm wide', () => {
    expect(pdfOptions('a4')).toMatchObject({ pageSize: 'A4', preferCSSPageSize: true, printBackground: true });
    const ticket = pdfOptions('ticket80');
    expect(ticket.pageSize).toEqual({ width: expect.closeTo(80 / 25.4, 6), height: expect.closeTo(297 / 25.4, 6) });
    expect(ticket.preferCSSPageSize).toBe(true);
  });
});

describe('PDF file names and paths', () => {
  it('names the file after the title, without what file systems refuse', () => {
    expect(pdfFileName('Day list 2026-12-08')).toBe('Day list 2026-12-08.pdf');
    expect(pdfFileName('Marcação: Ana/Rita "Sá"')).toBe('Marcação Ana Rita Sá.pdf');
    expect(pdfFileName('../../etc/passwd')).toBe('etc passwd.pdf');
    expect(pdfFileName('...')).toBe('Front Desk.pdf');
    expect(pdfFileName('a\u0000b\nc')).toBe('a b c.pdf');
    expect(pdfFileName('x'.repeat(300))).toBe(`${'x'.repeat(100)}.pdf`);
  });

  it('writes only to an absolute path, ending in .pdf', () => {
    expect(pdfSavePath('/home/rita/slip.pdf')).toBe('/home/rita/slip.pdf');
    expect(pdfSavePath('/home/rita/slip')).toBe('/home/rita/slip.pdf');
    expect(pdfSavePath('/home/rita/slip.PDF')).toBe('/home/rita/slip.PDF');
    expect(pdfSavePath('slip.pdf')).toBeNull();
    expect(pdfSavePath(undefined)).toBeNull();
    expect(pdfSavePath('')).toBeNull();
    expect(pdfSavePath('/tmp/a\0.pdf')).toBeNull();
  });
});

describe('a print request', () => {
  it('prints the sender window, and says when the person cancelled or the printer failed', async () => {
    const { fake } = deps();
    expect(await handlePrintRequest(desk, { action: 'print', title: 'Day list', paper: 'a4' }, ours, fake)).toEqual({ outcome: 'printed' });
    expect(fake.print).toHaveBeenCalledWith(printOptions('a4', false));
    const cancelled = deps({ print: async () => ({ success: false, failureReason: 'cancelled' }) }).fake;
    expect(await handlePrintRequest(desk, { action: 'print', title: 'x', paper: 'a4' }, ours, cancelled)).toEqual({ outcome: 'cancelled' });
    const failed = deps({ print: async () => ({ success: false, failureReason: 'Printer is offline' }) }).fake;
    expect(await handlePrintRequest(desk, { action: 'print', title: 'x', paper: 'ticket80', silent: true }, ours, failed)).toEqual({
      outcome: 'failed',
      reason: 'Printer is offline',
    });
  });

  it('saves a PDF where the save dialog says, under the offered name', async () => {
    const { fake, written } = deps();
    const result = await handlePrintRequest(desk, { action: 'pdf', title: 'Slip: Ana Sá', paper: 'a4' }, ours, fake);
    expect(fake.chooseSavePath).toHaveBeenCalledWith('Slip Ana Sá.pdf');
    expect(fake.printToPdf).toHaveBeenCalledWith(pdfOptions('a4'));
    expect(written).toEqual([{ path: '/home/rita/Documents/Slip Ana Sá.pdf', data: new Uint8Array([37, 80, 68, 70]) }]);
    expect(result).toEqual({ outcome: 'saved', fileName: 'Slip Ana Sá.pdf' });
  });

  it('writes nothing when the save dialog is cancelled or gives a relative path, and reports a failed write', async () => {
    for (const chosen of [undefined, 'relative.pdf']) {
      const { fake, written } = deps({ chooseSavePath: async () => chosen });
      expect(await handlePrintRequest(desk, { action: 'pdf', title: 'x', paper: 'a4' }, ours, fake)).toEqual({ outcome: 'cancelled' });
      expect(fake.printToPdf).not.toHaveBeenCalled();
      expect(written).toEqual([]);
    }
    const full = deps({
      writeFile: async () => {
        throw new Error('ENOSPC: no space left on device');
      },
    }).fake;
    expect(await handlePrintRequest(desk, { action: 'pdf', title: 'x', paper: 'a4' }, ours, full)).toEqual({
      outcome: 'failed',
      reason: 'ENOSPC: no space left on device',
    });
  });

  it('answers only our windows’ main frame on our origin, and only a well-formed request', async () => {
    const refused = { outcome: 'failed', reason: 'This window may not print.' };
    for (const sender of [
      { ...desk, webContentsId: 2 },
      { ...desk, isMainFrame: false },
      { ...desk, frameUrl: 'https://evil.example/' },
      { ...desk, frameUrl: null },
    ]) {
      const { fake } = deps();
      expect(await handlePrintRequest(sender, { action: 'print', title: 'x', paper: 'a4' }, ours, fake)).toEqual(refused);
      expect(fake.print).not.toHaveBeenCalled();
    }
    for (const bad of [
      null,
      'print',
      { action: 'print', title: '', paper: 'a4' },
      { action: 'fax', title: 'x', paper: 'a4' },
      { action: 'pdf', title: 'x', paper: 'a3' },
      { action: 'pdf', title: 'x', paper: 'a4', path: '/etc/x' },
    ]) {
      const { fake } = deps();
      expect(await handlePrintRequest(desk, bad, ours, fake)).toEqual({ outcome: 'failed', reason: 'Not a print request.' });
      expect(fake.chooseSavePath).not.toHaveBeenCalled();
    }
  });
});
