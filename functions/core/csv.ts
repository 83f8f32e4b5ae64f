/**
 * CSV exports (RFC 4180) that open correctly in Excel and WPS: a UTF-8 byte-order mark first (without it they
 * read Chinese text as GBK), CRLF line ends, a field quoted when it holds a quote, comma, CR or LF, quotes doubled.
 *
 * An export must never leak personal data, whatever a free-text field holds: every text cell is masked on the
 * way out (core/masking: resident ID numbers to first 6 + last 4, phone numbers removed), and a text cell a
 * spreadsheet would run as a formula gets a leading apostrophe (OWASP "CSV injection").
 */
import { maskPersonalData } from './masking.ts';

export const BOM = '\uFEFF';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** A finished export: the file name it is saved under (no extension), the document, and extras for the reader. */
export interface CsvExport {
  filename: string;
  body: string;
  /** where a further export continues, when this one stopped at its row limit */
  cursor?: string;
  /** response headers that describe the export (e.g. the audit chain's state) */
  headers?: Record<string, string>;
}

/** One column: its (Chinese) header and how a row fills it. */
export interface CsvColumn<R> {
  header: string;
  value: (row: R) => string | number | boolean | null | undefined;
}

/** First characters that make Excel or WPS treat a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Characters that force RFC 4180 quoting. */
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: numbers and booleans as they are, text masked, defused and quoted when RFC 4180 needs it. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  let text = maskPersonalData(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The whole document: BOM, a header line, one line per row, every line ended by CRLF. */
export function toCsv<R>(columns: readonly CsvColumn<R>[], rows: Iterable<R>): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** An ASCII file name for `Content-Disposition` (browsers save the export under it). */
export const csvAttachment = (name: string) => ({
  'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.csv"`,
});
