// CSV import of historical tickets: every row goes through the same intake rules as the JSON API,
// written a chunk of rows per transaction (batch.ts), so a bad row is reported by line number and
// the rest are imported. Rows are read one at a time, handing the event loop back every few
// milliseconds, so a 64 MB file never stops the server answering others.
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
  /** Why the record could not be read (an unterminated quote); its fields are then only what was read. */
  error?: string;
}

/**
 * RFC 4180 records with the physical line each starts on (quoted fields may span lines), one at a
 * time. A quote that is never closed, or that closes after spanning lines with something other
 * than a comma or a line end after it, is an error of the line it opened on alone: reading starts
 * again on the next line, so one stray quote does not swallow the rows after it into one.
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  /** Where the open quote is, and on which line, and whether the field has crossed a line end since. */
  let quoteAt = -1;
  let quoteLine = 1;
  let spanned = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const take = (): CsvRecord | null => {
    fields.push(field);
    const rec = fields.length === 1 && fields[0] === '' ? null : { line: start, fields };
    fields = [];
    field = '';
    return rec;
  };
  /** The record that opened a quote at quoteAt is broken: report it, read on from the line after the quote. */
  const broken = (why: string): CsvRecord => {
    const rec = { line: start, fields: [...fields, field], error: why };
    fields = [];
    field = '';
    quoted = false;
    spanned = false;
    const nl = text.indexOf('\n', quoteAt);
    i = nl < 0 ? text.length : nl; // the loop's i++ steps past the newline
    line = quoteLine + 1;
    start = line;
    return rec;
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          const next = text[i + 1];
          if (spanned && next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            yield broken(`unterminated quote opened on line ${quoteLine}`);
            continue;
          }
          quoted = false;
        }
      } else {
        if (ch === '\n') {
          line++;
          spanned = true;
        }
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      quoteAt = i;
      quoteLine = line;
      spanned = false;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      const rec = take();
      if (rec) yield rec;
      line++;
      start = line;
    } else field += ch;
    if (quoted && i === text.length - 1) {
      // the text ends inside a quote
      yield broken(`unterminated quote opened on line ${quoteLine}`);
    }
  }
  if (quoted) yield broken(`unterminated quote opened on line ${quoteLine}`);
  else if (field !== '' || fields.length) {
    const rec = take();
    if (rec) yield rec;
  }
}

/** Every record at once (small texts; the importer reads them one at a time). */
export function parseCsv(text: string): CsvRecord[] {
  return [...csvRecords(text)];
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
  kind: 'kind',
  channel: 'channel',
  category: 'category',
  description: 'description',
  address: 'address',
  lon: 'lon',
  lat: 'lat',
  crs: 'crs',
  received_at: 'receivedAt',
  caller_name: 'callerName',
  caller_phone: 'callerPhone',
  idempotency_key: 'idempotencyKey',
  external_id: 'externalId',
};
const NUMERIC = new Set(['lon', 'lat']);
const MAX_ERRORS = 1000;

/** Rows written per transaction: big enough that the commit and the set-based locate pay off. */
const CHUNK_ROWS = 5000;

/** Work done between two yields to the event loop: a big file never holds the server for long. */
const SLICE_MS = 15;
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

export async function importCsv(
  db: Database,
  text: string,
  settings: LifecycleSettings,
  now: Date = new Date(),
): Promise<ImportReport> {
  const records = csvRecords(text);
  const report: ImportReport = { rows: 0, imported: 0, duplicates: 0, rejected: 0, errors: [] };
  const fail = (e: RowError) => {
    report.rejected++;
    if (report.errors.length < MAX_ERRORS) report.errors.push(e);
  };
  const first = records.next();
  if (first.done) {
    fail({ line: 1, field: 'header', message: 'empty file: a header row is required' });
    return report;
  }
  if (first.value.error) {
    fail({ line: first.value.line, field: 'header', message: first.value.error });
    return report;
  }
  const header = first.value.fields.map((h) => h.trim().toLowerCase());
  const unknown = header.find((h) => !(h in COLUMNS));
  if (unknown !== undefined) {
    fail({
      line: first.value.line,
      field: unknown || '(blank)',
      message: `unknown column; columns: ${Object.keys(COLUMNS).join(', ')}`,
    });
    return report;
  }
  let chunk: { line: number; item: IntakeItem }[] = [];
  const write = async () => {
    if (chunk.length === 0) return;
    const rows = chunk;
    chunk = [];
    const outcomes = await writeChunk(
      db,
      rows.map((r) => r.item),
    );
    outcomes.forEach((o, k) => {
      if (o.ok) {
        if (o.result.created) report.imported++;
        else report.duplicates++;
      } else if (o.error instanceof UnknownCodeError)
        fail({ line: rows[k].line, field: csvField(o.error.field), message: o.error.message });
      else fail({ line: rows[k].line, field: 'row', message: o.error.message });
    });
  };
  let sliceStart = performance.now();
  for (const rec of records) {
    report.rows++;
    // reading and checking rows is synchronous work: hand the event loop back every few ms (M6)
    if ((report.rows & 255) === 0 && performance.now() - sliceStart > SLICE_MS) {
      await yieldNow();
      sliceStart = performance.now();
    }
    if (rec.error) {
      fail({ line: rec.line, field: 'row', message: rec.error });
      continue;
    }
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
    if (chunk.length >= CHUNK_ROWS) {
      await write();
      sliceStart = performance.now();
    }
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
