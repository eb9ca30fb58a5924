import { z } from 'zod';

/** The paper a document is laid out for: A4 at the desk, an 80 mm roll on the kiosk's ticket printer. */
export const paperSize = z.enum(['a4', 'ticket80']);
export type PaperSize = z.infer<typeof paperSize>;

/**
 * What the renderer asks the Electron shell to do with the document on screen (the print
 * view, which is all that print media shows): print it, or save it as a PDF. The title
 * names the file offered in the save dialog.
 */
export const printRequest = z.strictObject({
  action: z.enum(['print', 'pdf']),
  title: z.string().trim().min(1).max(120),
  paper: paperSize,
  /** Print straight to the default printer, without a dialog: the kiosk's tickets, where nobody is there to click. */
  silent: z.boolean().default(false),
});
export type PrintRequest = z.input<typeof printRequest>;

export type PrintResult =
  | { outcome: 'printed' }
  | { outcome: 'saved'; fileName: string }
  /** The person closed the print or save dialog. */
  | { outcome: 'cancelled' }
  | { outcome: 'failed'; reason: string };

/** The widest an 80 mm roll prints, and the longest ticket we let a printer feed. */
export const TICKET_WIDTH_MM = 80;
export const TICKET_MAX_HEIGHT_MM = 297;
