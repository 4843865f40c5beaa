// The filtered tickets as one .xlsx sheet: bold frozen header, auto-filter, the filter in the
// workbook's subject so a forwarded file still says what it contains.
import ExcelJS from 'exceljs';
import { COLUMNS, type ExportRow, type Lang } from './columns.ts';

export async function ticketsXlsx(
  rows: readonly ExportRow[],
  lang: Lang,
  fmtTime: (d: Date) => string,
  subject: string,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '12345 接诉即办';
  wb.title = lang === 'zh' ? '工单导出' : 'Ticket export';
  wb.subject = subject;
  const ws = wb.addWorksheet(lang === 'zh' ? '工单' : 'Tickets', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({ header: c.header[lang === 'zh' ? 0 : 1], key: c.key, width: c.width }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(COLUMNS.map((c) => c.value(r, lang, fmtTime)));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
