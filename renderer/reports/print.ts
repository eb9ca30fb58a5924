/**
 * Printing a report: the browser's own print, with `reports.css`'s print rules hiding the
 * app's chrome. Kept to this one call so a print-to-PDF path can take its place.
 */
export function printReport(): void {
  window.print();
}
