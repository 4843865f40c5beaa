// History import: a city's own 311 / 12345 export, any schema, through a mapping file.
//
//   1. read   — the bytes are parsed as they arrive (streaming CSV, line numbers), each row mapped
//               (mapping.ts, rows.ts; in a worker thread, parseWorker.ts, or in this one, parse.ts)
//               and staged by COPY into the job's own table, chunk by chunk,
//               each chunk added to a tally of rows per point and per external id; bad rows go to
//               the report with line, field and reason. Memory holds one chunk.
//   2. judge  — the repeated placeholder points, read off the tally of the whole file.
//   3. write  — one statement per chunk applies the repeated-id rule, skips earlier imports,
//               locates, inserts tickets, events, dispatches (sql.ts). Chunks of 5,000 rows or
//               more are located before their statement, polygon by polygon (sql.ts locateChunk).
//               On the embedded engine write chunks are sized as the run goes to about 50 ms of
//               CPU each (writeTargetMs), since its statements run in this thread.
//   4. link   — rows the source marked as duplicates are linked to the ticket they repeat.
// Between chunks the importer yields to the event loop, so a server running it keeps answering.
// Every row ends in exactly one bucket of the report (report.ts); re-running the same file
// imports nothing twice (idempotency key import:<source>:<externalId>).
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import type { Policy } from '../../data/policy/index.ts';
import { activeCity, cityPolicy } from '../city.ts';
import { cityTimeZone } from '../time.ts';
import type { CsvOptions } from './csv.ts';
import { HeaderRefused, parseBatches, type ParseOptions } from './parse.ts';
import { parseInWorker } from './parseWorker.ts';
import { mappingCodes, type Mapping } from './mapping.ts';
import { ReportBuilder, type ImportReport } from './report.ts';
import {
  afterBulk,
  analyzeStage,
  canSkipTriggers,
  createStage,
  dropStage,
  linkDuplicates,
  repeatedPoints,
  rollupChunkSql,
  ticketEstimate,
  stageTable,
  STAGE_COLUMNS,
  tallyChunk,
  writeChunk,
  type ChunkParams,
  type PolicyMinutes,
  type WriteMode,
} from './sql.ts';

export type ImportPhase = 'reading' | 'judging' | 'writing' | 'linking' | 'rollups' | 'done' | 'failed';

export interface ImportProgress {
  jobId: string;
  phase: ImportPhase;
  /** Data rows read so far. */
  rows: number;
  /** Rows staged (mapped without error). */
  staged: number;
  /** Staged rows written (phase writing; total = rows to write). */
  written: number;
  toWrite: number;
  elapsedMs: number;
  /** Rows per second over the whole run so far. */
  rate: number;
  /** Writing with the triggers skipped: the rollups are rebuilt at the end (or, if the run dies, by the next one). */
  bulk: boolean;
  /** How the chunks keep the rollups right (sql.ts WriteMode). */
  mode: WriteMode;
}

export interface ImportOptions {
  /** Lower-case letters and digits; default random. */
  jobId?: string;
  /** Shown in the report and the job record (file name or "upload"). */
  file?: string | null;
  startedBy?: string | null;
  /** Zone of offset-less times when the mapping gives none; default the active city's. */
  timeZone?: string;
  /** Open tickets are judged (reminded, overdue) as of this instant; default now. */
  asOf?: Date;
  policy?: Policy;
  /** Repeat window for linking the source's duplicates (default 30 days, HOTLINE_REPEAT_WINDOW_DAYS). */
  repeatWindowDays?: number;
  /** Rows per COPY and (at most) per write statement (default 20,000 on PostgreSQL, 1,000 embedded). */
  chunkRows?: number;
  /**
   * Write chunks sized so each write transaction costs about this much CPU (ms), 50 to chunkRows
   * rows; 0: always chunkRows. Default 50 on the embedded engine (its statements hold the
   * server's event loop), 0 on PostgreSQL.
   */
  writeTargetMs?: number;
  /** Chunks of at least this many rows are located polygon by polygon, smaller ones point by point (sql.ts locateChunk); default 5,000. */
  locateByPolygonRows?: number;
  /** Rows kept per list of the report (rejected, merged, outside…); default 1,000. */
  detailLimit?: number;
  csv?: CsvOptions;
  /**
   * Parse in a worker thread (parseWorker.ts): true, false, or 'auto' (default): for an input of
   * at least 4 MiB (sizeBytes), where the worker's start (1–2 s: it loads the parser's modules)
   * is small beside the parse. HOTLINE_IMPORT_PARSE_WORKER=0 / 1 overrides 'auto'.
   */
  parseInWorker?: boolean | 'auto';
  /** The input's size in bytes, when known (a file's, an upload's Content-Length). */
  sizeBytes?: number;
  /**
   * How the chunks keep the rollups right (sql.ts WriteMode). 'chunks': the ticket tables'
   * triggers and key checks skipped for the import's own transactions, each of which adds its
   * own tickets to the rollups. true ('bulk'): triggers skipped, the rollups rebuilt once at the
   * end (afterBulk), which holds the embedded engine's single thread (for the CLI, not a serving
   * process). false: the triggers run. 'auto' (default): 'chunks' on the embedded engine; on
   * PostgreSQL 'bulk' for an import at least half the size of what the database holds (and at
   * least 10,000 rows), else the triggers. Skipping triggers needs a superuser connection; without one they run.
   */
  bulk?: boolean | 'auto' | 'chunks';
  onProgress?: (p: ImportProgress) => void;
}

/** The mapping cannot be used with this file or this database; nothing was imported. */
export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function newJobId(): string {
  return randomBytes(8).toString('hex');
}

/** The zone offset-less times are read in: the mapping's, the caller's, the active city's, the database's, the server's. */
async function resolveZone(db: Database, mapping: Mapping, opts: ImportOptions): Promise<string> {
  if (mapping.timeZone) return mapping.timeZone;
  if (opts.timeZone) return opts.timeZone;
  const city = activeCity();
  if (city) return city.timeZone;
  const rows = await db.query<{ zone: string | null }>(
    `SELECT value #>> '{}' AS zone FROM meta WHERE key = 'city.time_zone'`,
  );
  return rows[0]?.zone ?? cityTimeZone();
}

async function checkCodes(db: Database, mapping: Mapping): Promise<void> {
  const { categories, departments } = mappingCodes(mapping);
  const [r] = await db.query<{ cats: string[] | null; deps: string[] | null }>(
    `SELECT (SELECT array_agg(c ORDER BY c) FROM unnest($1::text[]) c WHERE NOT EXISTS (SELECT 1 FROM categories WHERE code = c)) AS cats,
            (SELECT array_agg(d ORDER BY d) FROM unnest($2::text[]) d WHERE NOT EXISTS (SELECT 1 FROM departments WHERE code = d)) AS deps`,
    [categories, departments],
  );
  if (r.cats?.length)
    throw new ImportRefused(`mapping: categories not in this city's taxonomy: ${r.cats.join(', ')}`, 'category.values');
  if (r.deps?.length)
    throw new ImportRefused(`mapping: departments not in this city's taxonomy: ${r.deps.join(', ')}`, 'agency.values');
}

/** Scratch tables of runs that died (no heartbeat for 10 minutes) are dropped. */
async function dropDeadStages(db: Database): Promise<void> {
  const dead = await db.query<{ id: string; bulk: boolean }>(
    `UPDATE import_jobs SET state = 'failed', error = COALESCE(error, 'the process running it stopped'), finished_at = now()
     WHERE state = 'running' AND heartbeat_at < now() - interval '10 minutes'
     RETURNING id, COALESCE((progress->>'bulk')::boolean, false) AND progress->>'phase' IN ('writing', 'linking', 'rollups') AS bulk`,
  );
  // A run that died while writing in bulk mode left tickets the rollups do not count.
  if (dead.some((d) => d.bulk)) await afterBulk(db, new Date('1900-01-01T00:00:00Z'), new Date('3000-01-01T00:00:00Z'));
  const tables = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'import\\_stage\\_%'
       AND NOT EXISTS (SELECT 1 FROM import_jobs j WHERE j.state = 'running' AND c.relname IN ('import_stage_' || j.id, 'import_stage_' || j.id || '_pts', 'import_stage_' || j.id || '_ids', 'import_stage_' || j.id || '_loc'))`,
  );
  for (const t of tables)
    if (/^import_stage_[a-z0-9]+(_pts|_ids|_loc)?$/.test(t.name)) await db.query(`DROP TABLE IF EXISTS ${t.name}`);
}

async function chooseMode(db: Database, toWrite: number, want: boolean | 'auto' | 'chunks'): Promise<WriteMode> {
  if (want === false || toWrite === 0) return 'triggers';
  if (want === true) return (await canSkipTriggers(db)) ? 'bulk' : 'triggers';
  if (want === 'auto' && db.engine === 'postgres') {
    // PostgreSQL rebuilds every rollup faster than it upserts an import's share chunk by chunk
    // (100,000 rows into an empty city: 12 s for the rebuild against 34 s of upserts), so 'bulk',
    // for an import at least half the size of what the database holds; smaller ones keep the triggers.
    if (toWrite < 10_000 || toWrite * 2 < (await ticketEstimate(db))) return 'triggers';
    return (await canSkipTriggers(db)) ? 'bulk' : 'triggers';
  }
  // 'chunks', or 'auto' on the embedded engine (whose one thread a final rebuild would hold).
  return (await canSkipTriggers(db)) ? 'chunks' : 'triggers';
}

function policyMinutes(policy: Policy): PolicyMinutes {
  return {
    respond: policy.respondWithinMinutes,
    resolve: policy.resolveWithinMinutes,
    remindAtFraction: policy.remindAtFraction,
  };
}

/**
 * Imports one export. `input` is the file's bytes as they come (a file stream, an HTTP body).
 * Throws ImportRefused (nothing imported) when the header lacks a column the mapping names or the
 * mapping names a code the taxonomy lacks; otherwise returns the report, bad rows included.
 */
export async function importHistory(
  db: Database,
  input: AsyncIterable<Uint8Array | string>,
  mapping: Mapping,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const t0 = Date.now();
  const jobId = opts.jobId ?? newJobId();
  const table = stageTable(jobId);
  const chunkRows = opts.chunkRows ?? (db.engine === 'postgres' ? 20_000 : 1_000);
  const detailLimit = opts.detailLimit ?? 1_000;
  const policy = opts.policy ?? cityPolicy();
  const windowDays = opts.repeatWindowDays ?? (Number(process.env.HOTLINE_REPEAT_WINDOW_DAYS ?? 30) || 30);
  const asOf = opts.asOf ?? new Date();
  const zone = await resolveZone(db, mapping, opts);
  const builder = new ReportBuilder(
    {
      source: mapping.source,
      file: opts.file ?? null,
      engine: db.engine,
      timeZone: zone,
      asOf: asOf.toISOString(),
      rule: mapping.repeatedIds,
    },
    detailLimit,
  );
  const report = builder.report;
  const progress: ImportProgress = {
    jobId,
    phase: 'reading',
    rows: 0,
    staged: 0,
    written: 0,
    toWrite: 0,
    elapsedMs: 0,
    rate: 0,
    bulk: false,
    mode: 'triggers',
  };
  let lastBeat = 0;
  const emit = async (force = false) => {
    progress.elapsedMs = Date.now() - t0;
    progress.rate = progress.elapsedMs > 0 ? Math.round((progress.rows * 1000) / progress.elapsedMs) : 0;
    opts.onProgress?.({ ...progress });
    if (force || Date.now() - lastBeat > 2_000) {
      lastBeat = Date.now();
      await db.query(`UPDATE import_jobs SET heartbeat_at = now(), progress = $2::jsonb WHERE id = $1`, [
        jobId,
        JSON.stringify(progress),
      ]);
    }
  };

  await checkCodes(db, mapping);
  await dropDeadStages(db);
  await db.query(`INSERT INTO import_jobs (id, source, file, started_by) VALUES ($1, $2, $3, $4)`, [
    jobId,
    mapping.source,
    opts.file ?? null,
    opts.startedBy ?? null,
  ]);
  await createStage(db, table);
  let prepared: Set<string> | undefined;
  let firstAt: Date | null = null;
  let lastAt: Date | null = null;
  try {
    // 1. read and stage: parsed in a worker thread (parseWorker.ts) or in this one (parse.ts), the
    // same batches either way; each batch's rows are copied into the stage and tallied while the
    // next batch is parsed.
    const tRead = Date.now();
    let seq = 0;
    let withPoint = 0;
    let pending: Promise<void> = Promise.resolve();
    const parseOpts: ParseOptions = {
      zone,
      keyPrefix: `import:${mapping.source}:`,
      batchRows: chunkRows,
      csv: opts.csv,
    };
    const want = opts.parseInWorker ?? 'auto';
    const env = process.env.HOTLINE_IMPORT_PARSE_WORKER;
    const worker =
      want === 'auto' ? (env === '0' || env === '1' ? env === '1' : (opts.sizeBytes ?? 0) >= 4 * 2 ** 20) : want;
    try {
      for await (const batch of worker
        ? parseInWorker(input, mapping, parseOpts)
        : parseBatches(input, mapping, parseOpts)) {
        progress.rows += batch.rows;
        report.rows += batch.rows;
        for (const r of batch.rejects) builder.reject(r);
        for (const n of batch.notes) builder.notes(n);
        withPoint += batch.withPoint;
        progress.staged += batch.staged;
        if (batch.staged > 0) {
          const [lo, hi] = [batch.firstSeq, batch.firstSeq + batch.staged];
          if (lo !== seq) throw new Error(`parse: batch starts at seq ${lo}, expected ${seq}`);
          seq = hi;
          await pending;
          // The next batch is parsed while this one is copied and tallied (PostgreSQL runs them on its own connections).
          pending = db.copyCsv(table, STAGE_COLUMNS, batch.csv).then(() => tallyChunk(db, table, lo, hi));
          pending.catch(() => {});
        }
        await emit();
        // A turn of the event loop per batch: on the embedded engine the COPY runs in this thread.
        await tick();
      }
    } catch (e) {
      if (e instanceof HeaderRefused) throw new ImportRefused(e.message, e.field);
      throw e;
    }
    await pending;
    report.ms.read = Date.now() - tRead;

    // 2. the placeholder points, off the tally of the whole file
    progress.phase = 'judging';
    await emit(true);
    await analyzeStage(db, table);
    const rep = mapping.placeholders.repeated;
    if (rep !== false)
      report.placeholders.repeatedPoints = await repeatedPoints(db, table, rep.minCount, rep.minShare, withPoint);

    // 3. write, a chunk per statement
    const tWrite = Date.now();
    progress.phase = 'writing';
    progress.toWrite = progress.staged;
    const mode = await chooseMode(db, progress.toWrite, opts.bulk ?? 'auto');
    const bulk = mode === 'bulk';
    report.mode = mode;
    progress.bulk = bulk;
    progress.mode = mode;
    // Recorded before the first chunk: should this process die, the next import rebuilds the rollups.
    await emit(true);
    const params: ChunkParams = {
      policy: policyMinutes(policy),
      asOf,
      source: mapping.source,
      rule: mapping.repeatedIds,
      repeated: report.placeholders.repeatedPoints,
      detailLimit,
      mode,
      rollupSql: mode === 'chunks' ? await rollupChunkSql(db) : undefined,
      locateByPolygonRows: opts.locateByPolygonRows ?? 5_000,
    };
    prepared = db.engine === 'pglite' ? new Set<string>() : undefined;
    // Write chunks: on PostgreSQL chunkRows each; on the embedded engine, which runs in this thread,
    // sized as the run goes so each write transaction costs about writeTargetMs of CPU. CPU, not
    // wall time: on a machine busy with other work a chunk's wall time says more about the other
    // work than about the chunk, and shrinking chunks then only adds per-chunk costs.
    const ranges: [number, number][] = [];
    const targetMs = opts.writeTargetMs ?? (db.engine === 'pglite' ? 50 : 0);
    const minRows = Math.min(chunkRows, 50);
    let size = targetMs > 0 ? Math.min(chunkRows, 100) : chunkRows;
    let nextLo = 0;
    const writer = async () => {
      while (nextLo < seq) {
        const lo = nextLo;
        const hi = Math.min(lo + size, seq);
        nextLo = hi;
        ranges.push([lo, hi]);
        const cpu0 = process.cpuUsage();
        const r = await writeChunk(db, table, lo, hi, params, prepared, `import_chunk_${jobId}`);
        if (targetMs > 0) {
          // Rows per CPU-ms of this chunk, smoothed; between minRows and chunkRows.
          const cpu = process.cpuUsage(cpu0);
          const fit = ((hi - lo) * targetMs) / Math.max((cpu.user + cpu.system) / 1000, 1);
          size = Math.max(minRows, Math.min(chunkRows, Math.round(size * 0.5 + fit * 0.5)));
        }
        report.buckets.imported += r.inserted;
        builder.merged(r.merged_rows ?? [], r.merged);
        // Imported before, or by a second run at the same time (its key won the insert).
        builder.alreadyImported(r.already_rows ?? [], r.already + (r.staged - r.merged - r.already - r.inserted));
        report.location.located += r.located;
        report.location.outside += r.outside;
        report.location.unlocated += r.unlocated;
        report.unlocated.noCoordinates += r.no_point;
        report.unlocated.invalid += r.invalid_point;
        for (const [k, v] of Object.entries(r.placeholder ?? {}))
          report.unlocated.placeholder[k as keyof ImportReport['unlocated']['placeholder']] += v;
        for (const [k, v] of Object.entries(r.statuses ?? {})) builder.status(k, v);
        report.overdue += r.overdue;
        report.sourceDuplicates.marked += r.duplicates;
        report.warnings.statusWithoutUnit += r.downgraded;
        builder.outside(r.outside_rows ?? []);
        if (r.first_at && (!firstAt || new Date(r.first_at) < firstAt)) firstAt = new Date(r.first_at);
        if (r.last_at && (!lastAt || new Date(r.last_at) > lastAt)) lastAt = new Date(r.last_at);
        progress.written += r.staged;
        await emit();
        await tick();
      }
    };
    // Without triggers, PostgreSQL runs two chunks at a time (bulk: no shared rollup rows to deadlock
    // on; chunks: their rollup steps take turns); with them, one, in order.
    await Promise.all(Array.from({ length: mode !== 'triggers' && db.engine === 'postgres' ? 2 : 1 }, writer));
    report.ms.insert = Date.now() - tWrite;

    // 4. link the source's duplicates to the tickets they repeat (earlier ones may come later in the file)
    const tLink = Date.now();
    progress.phase = 'linking';
    await emit(true);
    if (mapping.duplicateMarker && report.sourceDuplicates.marked > 0) {
      for (const [lo, hi] of ranges) {
        report.sourceDuplicates.linked += await linkDuplicates(db, table, lo, hi, windowDays, bulk);
        await tick();
      }
    }
    report.ms.link = Date.now() - tLink;
    if (bulk) {
      const tRollups = Date.now();
      progress.phase = 'rollups';
      await emit(true);
      await afterBulk(db, firstAt, lastAt);
      report.ms.rollups = Date.now() - tRollups;
    }
    report.ms.total = Date.now() - t0;
    const done = builder.finish();
    progress.phase = 'done';
    await emit(true);
    await db.query(`UPDATE import_jobs SET state = 'done', finished_at = now(), report = $2::jsonb WHERE id = $1`, [
      jobId,
      JSON.stringify(done),
    ]);
    return done;
  } catch (e) {
    // Chunks written in bulk mode are in the tickets but not in the rollups yet.
    if (progress.bulk && progress.written > 0) await afterBulk(db, firstAt, lastAt).catch(() => {});
    progress.phase = 'failed';
    opts.onProgress?.({ ...progress, elapsedMs: Date.now() - t0 });
    await db
      .query(
        `UPDATE import_jobs SET state = 'failed', finished_at = now(), error = $2, progress = $3::jsonb WHERE id = $1`,
        [jobId, (e as Error).message, JSON.stringify(progress)],
      )
      .catch(() => {});
    throw e;
  } finally {
    for (const name of prepared ?? []) await db.query(`DEALLOCATE ${name}`).catch(() => {});
    await dropStage(db, table).catch(() => {});
  }
}
