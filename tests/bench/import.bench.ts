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
  peakHeap: number;
  rssQuarters: number[];
  healthP50: number;
  healthP99: number;
  healthMax: number;
  healthSamples: number;
  /** CPU seconds: this process (server, importer, and embedded PGlite) and the PostgreSQL backends. */
  cpu: { node: number; db: number };
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
  if (engine === 'postgres') return { db: await openTestDatabase('postgres', 'hotline_bench_import'), cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-import-'));
  return { db: await openDatabase({ databaseUrl: '', pgliteDir: dir }), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function run(engine: Engine, rows = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000)): Promise<ImportBenchResult> {
  const file = await syntheticFile(rows);
  const { db, cleanup } = await openBenchDatabase(engine);
  const server = await listen(createApp({ db }), 0);
  try {
    const city = await importCityPackage(db, NYC_DIR);
    if (!city.ok) throw new Error(`NYC package: ${JSON.stringify(city.problems.slice(0, 3))}`);
    await activateCity(db);
    const dispatcher = await signIn(over(server.url), db, { role: 'dispatcher' });

    // Health, polled every 50 ms from the start of the upload to the end of the job.
    const latencies: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const t = performance.now();
        const res = await fetch(`${server.url}/api/health`);
        await res.arrayBuffer();
        if (res.status === 200) latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    let peakRss = process.memoryUsage().rss;
    let peakHeap = process.memoryUsage().heapUsed;
    const quarters: number[] = [];
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 100);

    const cpuStart = new Map<number, number>();
    await backendCpu(db, cpuStart);
    const dbCpu = new Map<number, number>(cpuStart);
    const cpuSampler = setInterval(() => void backendCpu(db, dbCpu).catch(() => {}), 1000);
    const nodeCpu0 = process.cpuUsage();
    const t0 = performance.now();
    const body = Readable.toWeb(fs.createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>;
    const res = await dispatcher.request('/api/import/history?mapping=nyc-311&file=synthetic.csv', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body,
      duplex: 'half',
    } as RequestInit);
    if (res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    let job: JobView;
    for (;;) {
      job = (await (await dispatcher.request(`/api/import/history/${id}`)).json()) as JobView;
      const p = job.progress;
      const done = p ? (p.phase === 'reading' ? p.rows / rows / 2 : 0.5 + (p.toWrite ? p.written / p.toWrite / 2 : 0)) : 0;
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
    polling = false;
    await poller;
    clearInterval(sampler);
    if (job.state !== 'done' || !job.report) throw new Error(`job ${id}: ${job.state} ${JSON.stringify(job.error)}`);
    const r = job.report;
    if (!reportBalances(r) || r.rows !== rows) throw new Error(`report does not account for every row: ${JSON.stringify(r.buckets)}`);
    while (quarters.length < 4) quarters.push(process.memoryUsage().rss);
    const result: ImportBenchResult = {
      engine, rows, rowsPerSecond: rows / (ms / 1000), ms: r.ms, peakRss, peakHeap, rssQuarters: quarters,
      healthP50: pct(latencies, 50), healthP99: pct(latencies, 99), healthMax: Math.max(...latencies), healthSamples: latencies.length,
      cpu: { node: (nodeCpu.user + nodeCpu.system) / 1e6, db: dbSeconds },
    };
    const cpuTotal = result.cpu.node + result.cpu.db;
    row(`import ${rows.toLocaleString('en')} rows via API, locate (${engine}, ${r.mode})`, `${Math.round(result.rowsPerSecond).toLocaleString('en')} rows/s`,
      `target ≥ ${engine === 'postgres' ? '50,000' : '10,000'}; ${(ms / 1000).toFixed(1)} s: read ${(r.ms.read / 1000).toFixed(1)}, write ${(r.ms.insert / 1000).toFixed(1)}, link ${(r.ms.link / 1000).toFixed(1)}, rollups ${(r.ms.rollups / 1000).toFixed(1)} s`);
    row(`  buckets (${engine})`, `${r.buckets.imported.toLocaleString('en')} in`, `merged ${r.buckets.merged}, rejected ${r.buckets.rejected}; located ${r.location.located}, outside ${r.location.outside}, unlocated ${r.location.unlocated}`);
    row(`  CPU (${engine})`, `${Math.round(rows / cpuTotal).toLocaleString('en')} rows/CPU-s`,
      `node ${result.cpu.node.toFixed(1)} s${engine === 'postgres' ? ` + postgres ${result.cpu.db.toFixed(1)} s` : ' (PGlite runs in it)'} over ${(ms / 1000).toFixed(1)} s wall; ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}`);
    row(`  peak RSS (${engine})`, mb(peakRss), `at 25/50/75/100%: ${quarters.map(mb).join(' / ')}; peak JS heap in use ${mb(peakHeap)}`);
    row(`  /api/health during the import (${engine})`, `p99 ${Math.round(result.healthP99)} ms`, `p50 ${Math.round(result.healthP50)} ms, max ${Math.round(result.healthMax)} ms, ${latencies.length} samples; target p99 < 200 ms`);
    return result;
  } finally {
    deactivateCity();
    await server.close();
    await db.close();
    cleanup();
  }
}
