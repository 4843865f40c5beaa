// Read, parse and map a history file into batches of COPY-ready stage lines (importer step 1,
// without the database). Runs in the importer's thread or in a worker thread (parseWorker.ts):
// the same code either way, so the report is the same either way.
import { readCsv, type CsvOptions } from './csv.ts';
import type { Mapping } from './mapping.ts';
import type { RejectedRow } from './report.ts';
import { compileMapping, MissingColumns, type RowMapper, type RowNotes } from './rows.ts';
import { stageLine } from './sql.ts';

export interface ParseOptions {
  zone: string;
  /** Idempotency key prefix: import:<source>: */
  keyPrefix: string;
  /** A batch is handed on once it holds this many data rows (staged or rejected). */
  batchRows: number;
  csv?: CsvOptions;
}

/** Rows read since the last batch: their stage lines (seq first .. first + staged - 1), rejections and notes. */
export interface ParsedBatch {
  /** Data rows read (header excluded). */
  rows: number;
  staged: number;
  /** Seq of the first staged row of the batch. */
  firstSeq: number;
  /** Staged rows with a source point. */
  withPoint: number;
  /** COPY CSV text of the staged rows ('' when none). */
  csv: string;
  rejects: RejectedRow[];
  /** Notes of the staged rows that have any. */
  notes: RowNotes[];
}

/** The header cannot be used: nothing is imported. */
export class HeaderRefused extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export async function* parseBatches(
  input: AsyncIterable<Uint8Array | string>,
  mapping: Mapping,
  opts: ParseOptions,
): AsyncGenerator<ParsedBatch> {
  let mapRow: RowMapper | null = null;
  let seq = 0;
  let batch: ParsedBatch = fresh(0);
  let lines: string[] = [];
  function fresh(firstSeq: number): ParsedBatch {
    return { rows: 0, staged: 0, firstSeq, withPoint: 0, csv: '', rejects: [], notes: [] };
  }
  const take = (): ParsedBatch => {
    const b = batch;
    b.csv = lines.length ? lines.join('\n') + '\n' : '';
    lines = [];
    batch = fresh(seq);
    return b;
  };
  for await (const items of readCsv(input, opts.csv)) {
    for (const item of items) {
      if (!mapRow) {
        if (!item.ok)
          throw new HeaderRefused(
            `line ${item.error.line}: the header cannot be read: ${item.error.message}`,
            'header',
          );
        try {
          mapRow = compileMapping(mapping, item.record.fields, opts.zone);
        } catch (e) {
          if (e instanceof MissingColumns) throw new HeaderRefused(e.message, 'header');
          throw e;
        }
        continue;
      }
      batch.rows++;
      if (!item.ok) {
        batch.rejects.push({
          line: item.error.line,
          field: 'csv',
          reason: `${item.error.kind}: ${item.error.message}`,
        });
      } else {
        const out = mapRow.map(item.record.fields, item.record.line);
        if (!out.ok) batch.rejects.push(out.rejection);
        else {
          for (const _ in out.notes) {
            batch.notes.push(out.notes);
            break;
          }
          if (out.row.sourceLon !== null) batch.withPoint++;
          lines.push(stageLine(seq++, opts.keyPrefix + out.row.externalId, out.row));
          batch.staged++;
        }
      }
      if (batch.rows >= opts.batchRows) yield take();
    }
  }
  if (!mapRow) throw new HeaderRefused('the file is empty: no header line', 'header');
  if (batch.rows > 0) yield take();
}
