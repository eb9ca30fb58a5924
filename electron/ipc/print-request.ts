import { isAbsolute } from 'node:path';
import { TICKET_MAX_HEIGHT_MM, TICKET_WIDTH_MM, printRequest, type PaperSize, type PrintResult } from '../../shared/print/print';
import { checkSender, type SenderInfo } from './sender-policy';

/**
 * The print channel's logic, without Electron (electron/shell/print.ts hands it the real
 * `webContents.print`, `printToPDF`, save dialog and file write). A request is answered
 * only from one of our windows' main frame on our origin, and only once zod has parsed it.
 */

const MM_PER_INCH = 25.4;
const MICRONS_PER_MM = 1000;

/** `webContents.print`'s options, as much of Electron's type as we use (page size in microns). */
export interface ShellPrintOptions {
  silent: boolean;
  printBackground: boolean;
  pageSize: 'A4' | { width: number; height: number };
  margins: { marginType: 'default' | 'none' };
}

/** `webContents.printToPDF`'s options (page size in inches). */
export interface ShellPdfOptions {
  printBackground: boolean;
  pageSize: 'A4' | { width: number; height: number };
  margins: { top: number; bottom: number; left: number; right: number };
  /** The document's own `@page` size wins: the ticket measures its height before printing. */
  preferCSSPageSize: boolean;
}

export function printOptions(paper: PaperSize, silent: boolean): ShellPrintOptions {
  if (paper === 'a4') return { silent, printBackground: true, pageSize: 'A4', margins: { marginType: 'default' } };
  // A roll has no fixed length: the longest a ticket may be; the printer cuts after the content.
  return {
    silent,
    printBackground: true,
    pageSize: { width: TICKET_WIDTH_MM * MICRONS_PER_MM, height: TICKET_MAX_HEIGHT_MM * MICRONS_PER_MM },
    margins: { marginType: 'none' },
  };
}

export function pdfOptions(paper: PaperSize): ShellPdfOptions {
  const none = { top: 0, bottom: 0, left: 0, right: 0 };
  if (paper === 'a4') return { printBackground: true, pageSize: 'A4', margins: none, preferCSSPageSize: true };
  return {
    printBackground: true,
    pageSize: { width: TICKET_WIDTH_MM / MM_PER_INCH, height: TICKET_MAX_HEIGHT_MM / MM_PER_INCH },
    margins: none,
    preferCSSPageSize: true,
  };
}

const UNSAFE_IN_FILE_NAMES = /[\\/:*?"<>|\p{Cc}]+/gu;

/** "Day list 2026-12-08.pdf": the title, without what file systems refuse, never empty, never hidden. */
export function pdfFileName(title: string): string {
  const base = title
    .normalize('NFC')
    .replace(UNSAFE_IN_FILE_NAMES, ' ')
    .replace(/\s+/g, ' ')
    // No hidden file, no "..", no trailing dot (Windows drops it).
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 100)
    .trim();
  return `${base || 'Front Desk'}.pdf`;
}

/** The path the save dialog gave back, as the file to write: absolute, ending in .pdf; null when unusable. */
export function pdfSavePath(chosen: string | undefined): string | null {
  if (!chosen || chosen.includes('\0') || !isAbsolute(chosen)) return null;
  return /\.pdf$/i.test(chosen) ? chosen : `${chosen}.pdf`;
}

/** What the shell does for a request, each step Electron's own call. */
export interface PrintDeps {
  print(options: ShellPrintOptions): Promise<{ success: boolean; failureReason: string }>;
  printToPdf(options: ShellPdfOptions): Promise<Uint8Array>;
  /** The save dialog, offering this file name; undefined when cancelled. */
  chooseSavePath(defaultFileName: string): Promise<string | undefined>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
  log?(message: string): void;
}

/** Never rejects: the renderer shows whatever comes back. */
export async function handlePrintRequest(
  sender: SenderInfo,
  raw: unknown,
  isOurWindow: (webContentsId: number) => boolean,
  deps: PrintDeps,
): Promise<PrintResult> {
  const verdict = checkSender(sender, isOurWindow);
  if (!verdict.trusted) {
    deps.log?.(`front-desk print: refused a request: ${verdict.reason}`);
    return { outcome: 'failed', reason: 'This window may not print.' };
  }
  const parsed = printRequest.safeParse(raw);
  if (!parsed.success) return { outcome: 'failed', reason: 'Not a print request.' };
  const request = parsed.data;
  try {
    if (request.action === 'print') {
      const { success, failureReason } = await deps.print(printOptions(request.paper, request.silent));
      if (success) return { outcome: 'printed' };
      // Electron reports the person closing its dialog as a failure named "cancelled".
      return /cancel/i.test(failureReason) ? { outcome: 'cancelled' } : { outcome: 'failed', reason: failureReason || 'The printer did not print.' };
    }
    const fileName = pdfFileName(request.title);
    const path = pdfSavePath(await deps.chooseSavePath(fileName));
    if (path === null) return { outcome: 'cancelled' };
    await deps.writeFile(path, await deps.printToPdf(pdfOptions(request.paper)));
    return { outcome: 'saved', fileName: path.split(/[\\/]/).pop() ?? fileName };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deps.log?.(`front-desk print: ${reason}`);
    return { outcome: 'failed', reason };
  }
}
