import type { PrintRequest, PrintResult } from '../../shared/print/print';
import '../transport/bridge';

/**
 * Prints what print media shows (the print view), or saves it as a PDF. In the app the
 * shell does it (`webContents.print` / `printToPDF` and a save dialog); in a browser
 * `window.print()` does both, its dialog offering "Save as PDF". The document's title names
 * the browser's PDF file.
 */
export async function printDocument(request: PrintRequest, host: Pick<Window, 'frontDesk' | 'print' | 'document'> = window): Promise<PrintResult> {
  if (host.frontDesk?.print) return host.frontDesk.print(request);
  const previous = host.document.title;
  host.document.title = request.title;
  try {
    host.print();
  } finally {
    host.document.title = previous;
  }
  // The browser does not say whether anything came out: what the dialog did is its own.
  return { outcome: 'printed' };
}
