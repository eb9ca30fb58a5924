/**
 * CSV as spreadsheets read it (RFC 4180): every cell quoted, quotes doubled, rows ended with
 * CRLF. A cell that starts with = + - @ (or a tab or carriage return, which some spreadsheets
 * skip before reading a formula) gets a leading apostrophe, so a name typed as
 * `=HYPERLINK(...)` stays text when an admin opens the export (CSV injection).
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvRow(cells: ReadonlyArray<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** The byte order mark that makes Excel read the file as UTF-8 (names with accents). */
export const UTF8_BOM = '\uFEFF';
