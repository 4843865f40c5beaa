// History import at scale (issue 12): BENCH_IMPORT_ROWS (default 1,000,000) synthetic rows in the
// NYC 311 Open Data schema (importData.ts), uploaded to POST /api/import/history of a server in
// this process — the import shares the event loop with the server, the hard case — into a
// database holding the New York package. Measured: rows/s from the first byte sent to the job's
// report (read, judge, locate and write, rollups), the phases, peak RSS and RSS at each quarter of
// the run (flat memory), and /api/health latency polled every 50 ms during the import (p50/p99).
// Embedded PGlite runs file-backed (a real data folder, as `npm start` uses).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { readCsv } from '../../server/import/csv.ts';
import { readMappingFile } from '../../server/import/mapping.ts';
import { compileMapping } from '../../server/import/rows.ts';
import { stageLine } from '../../server/import/sql.ts';
import { openDatabase, type Database, type Engine } from '../../db/client.ts';
import { importCityPackage } from '../../data/city/import.ts';
import { createApp } from '../../server/app.ts';
import { activateCity, deactivateCity } from '../../server/city.ts';
import { listen } from '../../server/listen.ts';
import type { JobView } from '../../server/import/jobs.ts';
import { reportBalances, type ImportReport } from '../../server/import/report.ts';
import { openTestDatabase } from '../helpers/engines.ts';
import { over, signIn } from '../helpers/auth.ts';
import { row } from './machine.ts';
import { syntheticNycExport } from './importData.ts';

const NYC_DIR = new URL('../../data/cities/nyc', import.meta.url).pathname;

/** The synthetic export on disk (generated once per size, kept in the temp folder). */
export async function syntheticFile(rows: number): Promise<string> {
  const file = path.join(os.tmpdir(), `hotline-bench-nyc311-${rows}.csv`);
  if (fs.existsSync(file)) return file;
  const { pieces } = syntheticNycExport({ rows });
  const out = fs.createWriteStream(`${file}.part`);
  for await (const p of pieces) if (!out.write(p)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((r) => out.end(() => r()));
  fs.renameSync(`${file}.part`, file);
  return file;
}

/** The health poller and RSS sampler (plain JS, run as a worker thread). */
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const latencies = [];
const rss = [];
let peakRss = 0;
let polling = true;
parentPort.once('message', () => { polling = false; });
const sample = setInterval(() => { const r = process.memoryUsage().rss; rss.push(r); peakRss = Math.max(peakRss, r); }, 100);
(async () => {
  while (polling) {
    const t = performance.now();
    try {
      const res = await fetch(workerData.url);
      await res.arrayBuffer();
      if (res.status === 200) latencies.push(performance.now() - t);
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  clearInterval(sample);
  parentPort.postMessage({ latencies, peakRss, rss });
})();
`;

/**
 * Same-run baseline: the file read, parsed and mapped (what the importer does before any database
 * work) with no database at all, in this thread.
 */
export async function parseBaseline(rows: number): Promise<number> {
  const file = await syntheticFile(rows);
  const mapping = readMappingFile(path.join(NYC_DIR, 'history/nyc-311.mapping.json'));
  let mapper: ReturnType<typeof compileMapping> | null = null;
  let n = 0;
  const t0 = performance.now();
  for await (const items of readCsv(fs.createReadStream(file, { highWaterMark: 1 << 20 }))) {
    for (const item of items) {
      if (!item.ok) continue;
      if (!mapper) {
        mapper = compileMapping(mapping, item.record.fields, 'America/New_York');
        continue;
      }
      const out = mapper.map(item.record.fields, item.record.line);
      if (out.ok) {
        stageLine(n, out.row.externalId, out.row);
        n++;
      }
    }
  }
  const rate = rows / ((performance.now() - t0) / 1000);
  row(
    '  baseline: read, parse and map only, no database',
    `${Math.round(rate).toLocaleString('en')} rows/s`,
    `${n.toLocaleString('en')} rows staged-to-be; the ceiling this thread sets`,
  );
  return rate;
}

/** The floor's three tables: what an import writes besides the rollups. */
const FLOOR_TABLES = ['tickets', 'ticket_events', 'dispatches'] as const;

export interface FloorResult {
  /** Rows of each table written back. */
  counts: Record<(typeof FLOOR_TABLES)[number], number>;
  /** Seconds of COPY into copies with the same indexes, per table; and into copies without any index. */
  indexed: Record<(typeof FLOOR_TABLES)[number], number>;
  bare: Record<(typeof FLOOR_TABLES)[number], number>;
  /** Seconds of the set-based rollup recount (hotline_rollup_rebuild) over the same tickets. */
  rollups: number;
  /** CPU seconds of the COPYs into the indexed copies (PostgreSQL: its backend; PGlite: this process). */
  cpuIndexed: number;
}

/** CPU seconds of one PostgreSQL backend (from /proc: same machine). */
function procCpu(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/**
 * Same-run floor: what this machine can write at all. The tickets, events and dispatches the
 * import just wrote are copied out to files, then written back by plain COPY (no parsing, no
 * mapping, no locating, no dedupe, no report) into copies of their tables — once with the same
 * indexes (LIKE … INCLUDING ALL: no foreign keys, no triggers, so still a little less work than
 * the import's), once with none — and the rollups are recounted from the same tickets. An import
 * cannot write faster than the indexed COPY plus the recount, on this machine at this load.
 */
export async function copyFloor(db: Database): Promise<FloorResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-floor-'));
  const counts = {} as FloorResult['counts'];
  const indexed = {} as FloorResult['indexed'];
  const bare = {} as FloorResult['bare'];
  let cpuIndexed = 0;
  const slice = 100_000;
  try {
    if (db.engine === 'postgres') {
      const pool = (db.orm as unknown as { $client: import('pg').Pool }).$client;
      const client = await pool.connect();
      try {
        const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
        for (const t of FLOOR_TABLES) {
          const file = path.join(dir, `${t}.csv`);
          await pipeline(client.query(copyTo(`COPY ${t} TO STDOUT WITH (FORMAT csv)`)), fs.createWriteStream(file));
          counts[t] = Number((await client.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
          for (const [clone, like, out] of [
            [`floor_${t}_bare`, `(LIKE ${t})`, bare],
            [`floor_${t}`, `(LIKE ${t} INCLUDING ALL)`, indexed],
          ] as const) {
            await client.query(`DROP TABLE IF EXISTS ${clone}`);
            await client.query(`CREATE TABLE ${clone} ${like}`);
            const cpu0 = procCpu(pid);
            const t0 = performance.now();
            await pipeline(
              fs.createReadStream(file, { highWaterMark: 1 << 20 }),
              client.query(copyFrom(`COPY ${clone} FROM STDIN WITH (FORMAT csv)`)),
            );
            out[t] = (performance.now() - t0) / 1000;
            if (out === indexed) cpuIndexed += procCpu(pid) - cpu0;
            await client.query(`DROP TABLE ${clone}`);
          }
        }
      } finally {
        client.release();
      }
    } else {
      const pg = (db.orm as unknown as { $client: import('@electric-sql/pglite').PGlite }).$client;
      for (const t of FLOOR_TABLES) {
        // Out in slices of ids (one blob each), so memory holds one slice.
        const [{ lo, hi, n }] = (
          await pg.query<{ lo: number; hi: number; n: number }>(
            `SELECT COALESCE(min(id), 0)::float8 AS lo, COALESCE(max(id), -1)::float8 AS hi, count(*)::int AS n FROM ${t}`,
          )
        ).rows;
        counts[t] = n;
        const files: string[] = [];
        for (let a = lo; a <= hi; a += slice) {
          const ret = await pg.query(
            `COPY (SELECT * FROM ${t} WHERE id >= ${a} AND id < ${a + slice}) TO '/dev/blob' WITH (FORMAT csv)`,
          );
          const file = path.join(dir, `${t}-${files.length}.csv`);
          fs.writeFileSync(file, Buffer.from(await ret.blob!.arrayBuffer()));
          files.push(file);
        }
        for (const [clone, like, out] of [
          [`floor_${t}_bare`, `(LIKE ${t})`, bare],
          [`floor_${t}`, `(LIKE ${t} INCLUDING ALL)`, indexed],
        ] as const) {
          await pg.query(`DROP TABLE IF EXISTS ${clone}`);
          await pg.query(`CREATE TABLE ${clone} ${like}`);
          let ms = 0;
          let cpu = 0;
          for (const file of files) {
            const blob = new Blob([fs.readFileSync(file)]);
            const cpu0 = process.cpuUsage();
            const t0 = performance.now();
            await pg.query(`COPY ${clone} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob });
            ms += performance.now() - t0;
            const c = process.cpuUsage(cpu0);
            cpu += (c.user + c.system) / 1e6;
          }
          out[t] = ms / 1000;
          if (out === indexed) cpuIndexed += cpu;
          await pg.query(`DROP TABLE ${clone}`);
        }
      }
    }
    const t0 = performance.now();
    await db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`);
      await tx.query('SELECT hotline_rollup_rebuild()');
    });
    const rollups = (performance.now() - t0) / 1000;
    return { counts, indexed, bare, rollups, cpuIndexed };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor's lines, beside the import's own figure. */
export function floorRows(engine: Engine, rows: number, f: FloorResult, importRate: number): void {
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const rate = (s: number) => `${Math.round(rows / s).toLocaleString('en')} rows/s`;
  const target = engine === 'postgres' ? 50_000 : 10_000;
  const withRollups = sum(f.indexed) + f.rollups;
  row(
    `  floor (${engine}): COPY tickets only, same indexes`,
    rate(f.indexed.tickets),
    `${f.counts.tickets.toLocaleString('en')} tickets in ${f.indexed.tickets.toFixed(1)} s; without indexes ${rate(f.bare.tickets)} (${f.bare.tickets.toFixed(1)} s)`,
  );
  row(
    `  floor (${engine}): + events, dispatches`,
    rate(sum(f.indexed)),
    `+ ${f.counts.ticket_events.toLocaleString('en')} events ${f.indexed.ticket_events.toFixed(1)} s, ${f.counts.dispatches.toLocaleString('en')} dispatches ${f.indexed.dispatches.toFixed(1)} s, same indexes (${Math.round(rows / f.cpuIndexed).toLocaleString('en')} rows per CPU-s); without indexes ${rate(sum(f.bare))}`,
  );
  row(
    `  floor (${engine}): + rollup recount`,
    rate(withRollups),
    `+ hotline_rollup_rebuild ${f.rollups.toFixed(1)} s. Target ${target.toLocaleString('en')} rows/s ${rows / withRollups >= target ? 'within' : 'BEYOND'} this floor; the import reached ${Math.round((100 * importRate) / (rows / withRollups))}% of it`,
  );
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;

export interface ImportBenchResult {
  engine: Engine;
  rows: number;
  rowsPerSecond: number;
  ms: ImportReport['ms'];
  peakRss: number;
  /** RSS in the second half of the run stayed within 10% (+32 MB) of the first half's peak. */
  flat: boolean;
  peakHeap: number;
  rssQuarters: number[];
  healthP50: number;
  healthP99: number;
  healthMax: number;
  healthSamples: number;
  /** CPU seconds: this process (server, importer, and embedded PGlite) and the PostgreSQL backends. */
  cpu: { node: number; db: number };
  /** Same-run floor (copyFloor), unless BENCH_IMPORT_FLOOR=0. */
  floor: FloorResult | null;
}

/**
 * CPU seconds of the database backends serving `db` (PostgreSQL on this machine, read from /proc),
 * so the figures can be read against the machine's other load: rows per CPU-second does not
 * depend on how many other jobs share the cores.
 */
async function backendCpu(db: Database, seen: Map<number, number>): Promise<void> {
  if (db.engine !== 'postgres') return;
  const pids = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const tick = 100; // CLK_TCK on Linux
  for (const { pid } of pids) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      seen.set(pid, (Number(f[11]) + Number(f[12])) / tick);
    } catch {
      // not on this machine, or gone
    }
  }
}

async function openBenchDatabase(engine: Engine): Promise<{ db: Database; cleanup: () => void }> {
  if (engine === 'postgres')
    return { db: await openTestDatabase('postgres', 'hotline_bench_import'), cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-import-'));
  return {
    db: await openDatabase({ databaseUrl: '', pgliteDir: dir }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export async function run(
  engine: Engine,
  rows = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000),
): Promise<ImportBenchResult> {
  const file = await syntheticFile(rows);
  const { db, cleanup } = await openBenchDatabase(engine);
  const server = await listen(createApp({ db }), 0);
  try {
    const city = await importCityPackage(db, NYC_DIR);
    if (!city.ok) throw new Error(`NYC package: ${JSON.stringify(city.problems.slice(0, 3))}`);
    await activateCity(db);
    const dispatcher = await signIn(over(server.url), db, { role: 'dispatcher' });

    // Health, polled every 50 ms from the start of the upload to the end of the job, from a worker
    // thread: its clock runs while the server's event loop is held, so a request sent during a
    // long statement waits for all of it (an in-loop poller could only send between statements).
    // The worker also samples the process's RSS every 100 ms.
    const poller = new Worker(POLLER, { eval: true, workerData: { url: `${server.url}/api/health` } });
    const polled = new Promise<{ latencies: number[]; peakRss: number; rss: number[] }>((resolve, reject) => {
      poller.once('message', resolve);
      poller.once('error', reject);
    });
    let peakHeap = process.memoryUsage().heapUsed;
    const quarters: number[] = [];
    const sampler = setInterval(() => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }, 100);
    const load0 = os.loadavg();

    const cpuStart = new Map<number, number>();
    await backendCpu(db, cpuStart);
    const dbCpu = new Map<number, number>(cpuStart);
    const cpuSampler = setInterval(() => void backendCpu(db, dbCpu).catch(() => {}), 1000);
    const nodeCpu0 = process.cpuUsage();
    const t0 = performance.now();
    const body = Readable.toWeb(fs.createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>;
    const res = await dispatcher.request('/api/import/history?mapping=nyc-311&file=synthetic.csv', {
      method: 'POST',
      // As a browser or curl sends a file: with its length (the server parses a large upload in a worker thread).
      headers: { 'content-type': 'text/csv', 'content-length': String(fs.statSync(file).size) },
      body,
      duplex: 'half',
    } as RequestInit);
    if (res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    let job: JobView;
    for (;;) {
      job = (await (await dispatcher.request(`/api/import/history/${id}`)).json()) as JobView;
      const p = job.progress;
      const done = p
        ? p.phase === 'reading'
          ? p.rows / rows / 2
          : 0.5 + (p.toWrite ? p.written / p.toWrite / 2 : 0)
        : 0;
      while (quarters.length < 4 && done >= (quarters.length + 1) / 4 - 1e-9) quarters.push(process.memoryUsage().rss);
      if (job.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const ms = performance.now() - t0;
    const nodeCpu = process.cpuUsage(nodeCpu0);
    clearInterval(cpuSampler);
    await backendCpu(db, dbCpu);
    let dbSeconds = 0;
    for (const [pid, cpu] of dbCpu) dbSeconds += cpu - (cpuStart.get(pid) ?? 0);
    poller.postMessage('stop');
    const { latencies, peakRss, rss } = await polled;
    await poller.terminate();
    clearInterval(sampler);
    const load1 = os.loadavg();
    if (job.state !== 'done' || !job.report) throw new Error(`job ${id}: ${job.state} ${JSON.stringify(job.error)}`);
    const r = job.report;
    if (!reportBalances(r) || r.rows !== rows)
      throw new Error(`report does not account for every row: ${JSON.stringify(r.buckets)}`);
    while (quarters.length < 4) quarters.push(process.memoryUsage().rss);
    // Flat: the second half of the run never holds much more than the first half's peak.
    const half = Math.floor(rss.length / 2);
    const firstPeak = Math.max(...rss.slice(0, half));
    const secondPeak = Math.max(...rss.slice(half));
    const flat = secondPeak <= firstPeak * 1.1 + 32 * 2 ** 20;
    const result: ImportBenchResult = {
      engine,
      rows,
      rowsPerSecond: rows / (ms / 1000),
      ms: r.ms,
      peakRss,
      peakHeap,
      rssQuarters: quarters,
      flat,
      healthP50: pct(latencies, 50),
      healthP99: pct(latencies, 99),
      healthMax: Math.max(...latencies),
      healthSamples: latencies.length,
      cpu: { node: (nodeCpu.user + nodeCpu.system) / 1e6, db: dbSeconds },
      floor: null,
    };
    const cpuTotal = result.cpu.node + result.cpu.db;
    row(
      `import ${rows.toLocaleString('en')} rows via API, locate (${engine}, ${r.mode})`,
      `${Math.round(result.rowsPerSecond).toLocaleString('en')} rows/s`,
      `target ≥ ${engine === 'postgres' ? '50,000' : '10,000'}; ${(ms / 1000).toFixed(1)} s: read ${(r.ms.read / 1000).toFixed(1)}, write ${(r.ms.insert / 1000).toFixed(1)}, link ${(r.ms.link / 1000).toFixed(1)}, rollups ${(r.ms.rollups / 1000).toFixed(1)} s`,
    );
    row(
      `  buckets (${engine})`,
      `${r.buckets.imported.toLocaleString('en')} in`,
      `merged ${r.buckets.merged}, rejected ${r.buckets.rejected}; located ${r.location.located}, outside ${r.location.outside}, unlocated ${r.location.unlocated}`,
    );
    row(
      `  CPU (${engine})`,
      `${Math.round(rows / cpuTotal).toLocaleString('en')} rows/CPU-s`,
      `node ${result.cpu.node.toFixed(1)} s${engine === 'postgres' ? ` + postgres ${result.cpu.db.toFixed(1)} s` : ' (PGlite runs in it)'} over ${(ms / 1000).toFixed(1)} s wall; ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}`,
    );
    row(
      `  peak RSS (${engine})`,
      mb(peakRss),
      `${flat ? 'flat' : 'NOT flat'}: peak of 1st / 2nd half ${mb(firstPeak)} / ${mb(secondPeak)}; at 25/50/75/100%: ${quarters.map(mb).join(' / ')}; peak JS heap in use ${mb(peakHeap)}`,
    );
    row(
      `  /api/health during the import (${engine})`,
      `p99 ${Math.round(result.healthP99)} ms`,
      `p50 ${Math.round(result.healthP50)} ms, max ${Math.round(result.healthMax)} ms, ${latencies.length} samples from a worker thread; target p99 < 200 ms`,
    );
    row(
      `  machine load (${engine})`,
      load1.map((x) => x.toFixed(1)).join(' / '),
      `load average 1/5/15 min at the end (start ${load0.map((x) => x.toFixed(1)).join(' / ')}); ${os.cpus().length} cores shared`,
    );
    if (process.env.BENCH_IMPORT_FLOOR !== '0') {
      // Same run, same data, right after: the server is idle now, the machine's other load the same.
      result.floor = await copyFloor(db);
      floorRows(engine, rows, result.floor, result.rowsPerSecond);
      row(
        `  machine load after the floor (${engine})`,
        os
          .loadavg()
          .map((x) => x.toFixed(1))
          .join(' / '),
        '',
      );
    }
    return result;
  } finally {
    deactivateCity();
    await server.close();
    await db.close();
    cleanup();
  }
}
