// CSV for Excel: UTF-8 with a byte-order mark (without it Excel guesses GBK and garbles Chinese),
// CRLF line ends, RFC 4180 quoting, and a guard against formula injection from free text.
import { COLUMNS, type ExportRow, type Lang } from './columns.ts';

const BOM = '\uFEFF';

export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  // a cell starting with = + - @ would run as a formula in Excel
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function ticketsCsv(rows: readonly ExportRow[], lang: Lang, fmtTime: (d: Date) => string): string {
  const lines = [COLUMNS.map((c) => csvCell(c.header[lang === 'zh' ? 0 : 1])).join(',')];
  for (const r of rows) lines.push(COLUMNS.map((c) => csvCell(c.value(r, lang, fmtTime))).join(','));
  return BOM + lines.join('\r\n') + '\r\n';
}
