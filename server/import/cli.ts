// npm run import -- tickets FILE --mapping MAPPING [--report REPORT.json] [--as-of ISO] [--time-zone ZONE]
//                   [--chunk N] [--no-bulk] [--pglite-dir DIR]
// Imports a city's ticket history (its 311 / 12345 export) into DATABASE_URL (PostgreSQL) or the
// embedded PGlite folder, through a mapping file (server/import/mapping.ts; data/README.md,
// "History import"). Progress on stderr, the report's summary on stdout, the whole report as JSON
// with --report. Exit 0 when the file was imported (bad rows are in the report), 1 when it was
// refused (a mapped column missing, codes the city lacks), 2 on bad arguments.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/client.ts';
import { activateCity } from '../city.ts';
import { ImportRefused, importHistory, type ImportProgress } from './importer.ts';
import { MappingError, readMappingFile } from './mapping.ts';
import { describeProgress, summaryLines } from './summary.ts';

const usage = `usage: npm run import -- tickets FILE --mapping MAPPING.json [options]
  --report FILE      write the whole report (every rejected, merged and outside row) as JSON
  --as-of ISO        judge open tickets (reminded, overdue) as of this instant (default: now)
  --time-zone ZONE   zone of times written without an offset when the mapping names none (default: the city's)
  --chunk N          rows per COPY and per write statement
  --no-bulk          keep the ticket triggers on (rollups updated per chunk) instead of one rebuild at the end
  --pglite-dir DIR   the embedded database folder (default PGLITE_DIR or .data/pglite); stop the server first
Uses DATABASE_URL when set, else the embedded PGlite folder.`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      mapping: { type: 'string' },
      report: { type: 'string' },
      'as-of': { type: 'string' },
      'time-zone': { type: 'string' },
      chunk: { type: 'string' },
      'no-bulk': { type: 'boolean', default: false },
      'pglite-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
const { positionals, values } = parsed;
const [command, file] = positionals;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (command !== 'tickets' || !file || !values.mapping) {
  console.error(usage);
  process.exit(2);
}
if (!fs.existsSync(file)) {
  console.error(`${file}: no such file`);
  process.exit(2);
}
const asOf = values['as-of'] ? new Date(values['as-of']) : undefined;
if (asOf && Number.isNaN(asOf.getTime())) {
  console.error(`--as-of is not an instant: ${values['as-of']}`);
  process.exit(2);
}
const chunkRows = values.chunk ? Number(values.chunk) : undefined;
if (chunkRows !== undefined && !(Number.isInteger(chunkRows) && chunkRows >= 100)) {
  console.error('--chunk: a whole number of rows, at least 100');
  process.exit(2);
}

let mapping;
try {
  mapping = readMappingFile(values.mapping);
} catch (e) {
  if (!(e instanceof MappingError)) throw e;
  console.error(`${values.mapping}: refused`);
  for (const i of e.issues) console.error(`  ✗ ${i.path}: ${i.message}`);
  process.exit(1);
}

const db = await openDatabase({ pgliteDir: values['pglite-dir'] });
let last = 0;
const progress = (p: ImportProgress) => {
  const now = Date.now();
  if (process.stderr.isTTY)
    process.stderr.write(
      `\r${describeProgress(p)}`.padEnd(100) + (p.phase === 'done' || p.phase === 'failed' ? '\n' : ''),
    );
  else if (now - last > 5000 || p.phase === 'done' || p.phase === 'failed') {
    process.stderr.write(describeProgress(p) + '\n');
    last = now;
  }
};
try {
  const city = await activateCity(db);
  if (!city && !mapping.timeZone && !values['time-zone'])
    console.error(
      'warning: this database holds no city package and the mapping names no timeZone; times without an offset are read in UTC',
    );
  const report = await importHistory(db, fs.createReadStream(file, { highWaterMark: 1 << 20 }), mapping, {
    sizeBytes: fs.statSync(file).size,
    file: path.basename(file),
    startedBy: 'cli',
    asOf,
    timeZone: values['time-zone'],
    // The embedded engine's default (1,000) keeps a serving process responsive; the CLI is alone.
    chunkRows: chunkRows ?? (db.engine === 'pglite' ? 5_000 : undefined),
    // The CLI holds no event loop anyone waits on: full-size chunks on either engine.
    writeTargetMs: 0,
    // The CLI is the database's only user on PGlite (one process per data folder): the faster bulk
    // mode there too. On PostgreSQL the importer decides by size.
    bulk: values['no-bulk'] ? false : db.engine === 'pglite' ? true : 'auto',
    detailLimit: values.report ? 1_000_000_000 : 20,
    onProgress: progress,
  });
  for (const line of summaryLines(report)) console.log(line);
  if (values.report) {
    fs.writeFileSync(values.report, JSON.stringify(report, null, 2) + '\n');
    console.log(`  report: ${values.report}`);
  }
} catch (e) {
  if (e instanceof ImportRefused) {
    console.error(`refused (${e.field}): ${e.message}`);
    process.exitCode = 1;
  } else throw e;
} finally {
  await db.close();
}
