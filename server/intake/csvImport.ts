// CSV import of historical tickets: every row goes through the same intake rules as the JSON API,
// written a chunk of rows per transaction (batch.ts), so a bad row is reported by line number and
// the rest are imported.
// Columns (header row, any order): kind, channel, category, description, address, lon, lat, crs,
// received_at, caller_name, caller_phone, and idempotency_key or external_id (→ channel:external_id)
// so a re-import gives the same tickets, not twice as many.
import type { Database } from '../../db/client.ts';
import { UnknownCodeError } from '../filters.ts';
import { isDatabaseUnavailable } from '../errors.ts';
import { writeIntakeBatch, type IntakeItem, type IntakeOutcome } from './batch.ts';
import { intakeSchema } from './normalise.ts';
import type { LifecycleSettings } from './settings.ts';

export interface CsvRecord {
  line: number;
  fields: string[];
}

/** RFC 4180 records with the physical line each starts on (quoted fields may span lines). */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (field !== '' || fields.length) endRecord();
  return out;
}

export interface RowError {
  line: number;
  field: string;
  message: string;
}

export interface ImportReport {
  rows: number;
  imported: number;
  /** Rows whose key was already imported: the same ticket, not a new one. */
  duplicates: number;
  rejected: number;
  /** The first 1,000 row errors, by line. */
  errors: RowError[];
}

const COLUMNS: Record<string, string> = {
  kind: 'kind', channel: 'channel', category: 'category', description: 'description', address: 'address', lon: 'lon', lat: 'lat', crs: 'crs',
  received_at: 'receivedAt', caller_name: 'callerName', caller_phone: 'callerPhone', idempotency_key: 'idempotencyKey', external_id: 'externalId',
};
const NUMERIC = new Set(['lon', 'lat']);
const MAX_ERRORS = 1000;

/** Rows written per transaction: big enough that the commit and the set-based locate pay off. */
const CHUNK_ROWS = 5000;

export async function importCsv(db: Database, text: string, settings: LifecycleSettings, now: Date = new Date()): Promise<ImportReport> {
  const records = parseCsv(text);
  const report: ImportReport = { rows: Math.max(0, records.length - 1), imported: 0, duplicates: 0, rejected: 0, errors: [] };
  const fail = (e: RowError) => {
    report.rejected++;
    if (report.errors.length < MAX_ERRORS) report.errors.push(e);
  };
  if (records.length === 0) {
    fail({ line: 1, field: 'header', message: 'empty file: a header row is required' });
    return report;
  }
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  const unknown = header.find((h) => !(h in COLUMNS));
  if (unknown !== undefined) {
    fail({ line: records[0].line, field: unknown || '(blank)', message: `unknown column; columns: ${Object.keys(COLUMNS).join(', ')}` });
    return report;
  }
  let chunk: { line: number; item: IntakeItem }[] = [];
  const write = async () => {
    if (chunk.length === 0) return;
    const rows = chunk;
    chunk = [];
    const outcomes = await writeChunk(db, rows.map((r) => r.item));
    outcomes.forEach((o, k) => {
      if (o.ok) {
        if (o.result.created) report.imported++;
        else report.duplicates++;
      } else if (o.error instanceof UnknownCodeError) fail({ line: rows[k].line, field: csvField(o.error.field), message: o.error.message });
      else fail({ line: rows[k].line, field: 'row', message: o.error.message });
    });
  };
  for (let n = 1; n < records.length; n++) {
    const rec = records[n];
    if (rec.fields.length !== header.length) {
      fail({ line: rec.line, field: 'row', message: `${rec.fields.length} fields, header has ${header.length}` });
      continue;
    }
    const raw: Record<string, unknown> = {};
    header.forEach((h, k) => {
      const v = rec.fields[k].trim();
      if (v === '') return;
      raw[COLUMNS[h]] = NUMERIC.has(h) ? (/^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v) : v;
    });
    if (raw.externalId !== undefined) {
      raw.idempotencyKey ??= `${raw.channel ?? ''}:${raw.externalId}`;
      delete raw.externalId;
    }
    const parsed = intakeSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail({ line: rec.line, field: csvField(String(issue?.path[0] ?? 'row')), message: issue?.message ?? 'invalid' });
      continue;
    }
    chunk.push({ line: rec.line, item: { input: parsed.data, settings, now } });
    if (chunk.length >= CHUNK_ROWS) await write();
  }
  await write();
  report.errors.sort((a, b) => a.line - b.line);
  return report;
}

/** The CSV column a schema field came from. */
const csvField = (f: string) => Object.keys(COLUMNS).find((k) => COLUMNS[k] === f) ?? f;

/**
 * One transaction per chunk. If it fails as a whole (not a refused row: those are outcomes), the
 * rows are retried one by one so a single row the database rejects is reported, not the chunk.
 */
async function writeChunk(db: Database, items: IntakeItem[]): Promise<IntakeOutcome[]> {
  const once = (xs: IntakeItem[]) => db.transaction((tx) => writeIntakeBatch(tx, xs));
  try {
    return await once(items);
  } catch (e) {
    if (isDatabaseUnavailable(e)) throw e;
    const out: IntakeOutcome[] = [];
    for (const item of items) {
      try {
        out.push((await once([item]))[0]);
      } catch (err) {
        if (isDatabaseUnavailable(err)) throw err;
        out.push({ ok: false, error: err as Error });
      }
    }
    return out;
  }
}
