// Sheets → an .xlsx officials can forward: header row first (so the file sorts and filters as is),
// frozen, with an auto-filter; the report's title and period go in the workbook properties.
import ExcelJS from 'exceljs';
import type { Sheet } from './sheets.ts';

/** Excel forbids these in sheet names and caps them at 31 characters. */
function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'Sheet';
  let out = base;
  for (let i = 2; used.has(out); i++) out = `${base.slice(0, 28)} ${i}`;
  used.add(out);
  return out;
}

export async function workbookBuffer(
  sheets: readonly Sheet[],
  meta: { title: string; subject: string },
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345 接诉即办';
  wb.title = meta.title;
  wb.subject = meta.subject;
  // A fixed date keeps the file byte-stable for the same data; the generation time is in the JSON.
  wb.created = new Date(0);
  wb.modified = new Date(0);
  const used = new Set<string>();
  for (const s of sheets) {
    const ws = wb.addWorksheet(sheetName(s.name, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = s.columns.map((c) => ({
      header: c.header,
      key: c.key,
      width: c.width,
      style: c.numFmt ? { numFmt: c.numFmt } : {},
    }));
    ws.getRow(1).font = { bold: true };
    for (const row of s.rows) ws.addRow(row);
    if (s.columns.length > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: s.columns.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
