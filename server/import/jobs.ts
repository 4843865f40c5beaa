// History imports started through the API: each runs in the server process off the request path
// (the importer yields to the event loop between chunks), its progress kept here and in
// import_jobs, so GET /api/import/history/:id answers while it runs and after a restart.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../db/client.ts';
import { readStoredCity } from '../city.ts';
import { importHistory, newJobId, type ImportOptions, type ImportProgress } from './importer.ts';
import { MappingError, readMappingFile, type Mapping } from './mapping.ts';
import type { ImportReport } from './report.ts';

export interface JobView {
  id: string;
  state: 'running' | 'done' | 'failed';
  source: string;
  file: string | null;
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
  progress: ImportProgress | null;
  report: ImportReport | null;
  error: { message: string; field: string | null } | null;
}

const jobs = new Map<string, JobView>();
const KEEP = 50;

function remember(job: JobView) {
  jobs.set(job.id, job);
  if (jobs.size > KEEP) {
    for (const [id, j] of jobs) {
      if (jobs.size <= KEEP) break;
      if (j.state !== 'running') jobs.delete(id);
    }
  }
}

export interface StartedJob {
  id: string;
  /** Once the body has been read to its end and staged: null; or the error that stopped the import first. */
  consumed: Promise<Error | null>;
  /** The whole import. */
  finished: Promise<ImportReport>;
}

/**
 * Starts an import of `input` in the background. The caller answers its request once `consumed`
 * settles (the upload is read and staged); judging and writing go on after the answer.
 */
export function startImportJob(
  db: Database,
  input: AsyncIterable<Uint8Array>,
  mapping: Mapping,
  opts: ImportOptions & { file: string | null; startedBy: string | null },
): StartedJob {
  const id = opts.jobId ?? newJobId();
  const job: JobView = {
    id,
    state: 'running',
    source: mapping.source,
    file: opts.file,
    startedBy: opts.startedBy,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    progress: null,
    report: null,
    error: null,
  };
  remember(job);
  let settle!: (e: Error | null) => void;
  const consumed = new Promise<Error | null>((resolve) => (settle = resolve));
  const finished = importHistory(db, input, mapping, {
    ...opts,
    jobId: id,
    onProgress: (p) => {
      job.progress = p;
      if (p.phase !== 'reading' && p.phase !== 'failed') settle(null);
      opts.onProgress?.(p);
    },
  }).then(
    (report) => {
      Object.assign(job, { state: 'done', report, finishedAt: new Date().toISOString() });
      return report;
    },
    (e: Error & { field?: string }) => {
      Object.assign(job, {
        state: 'failed',
        error: { message: e.message, field: e.field ?? null },
        finishedAt: new Date().toISOString(),
      });
      settle(e);
      throw e;
    },
  );
  finished.catch(() => {});
  return { id, consumed, finished };
}

/** A job of this process, or one recorded in the database (another process, an earlier run). */
export async function readJob(db: Database, id: string): Promise<JobView | null> {
  const mine = jobs.get(id);
  if (mine) return mine;
  const rows = await db.query<{
    id: string;
    source: string;
    file: string | null;
    state: JobView['state'];
    started_by: string | null;
    started_at: Date;
    finished_at: Date | null;
    progress: ImportProgress | null;
    report: ImportReport | null;
    error: string | null;
  }>(`SELECT * FROM import_jobs WHERE id = $1`, [id]);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    state: r.state,
    source: r.source,
    file: r.file,
    startedBy: r.started_by,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    progress: r.progress,
    report: r.report,
    error: r.error ? { message: r.error, field: null } : null,
  };
}

/** The latest jobs, newest first (without their reports). */
export async function listJobs(db: Database, limit = 20): Promise<Omit<JobView, 'report'>[]> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM import_jobs ORDER BY started_at DESC LIMIT $1`, [limit]);
  const out: Omit<JobView, 'report'>[] = [];
  for (const r of rows) {
    const j = await readJob(db, r.id);
    if (j) {
      const { report: _report, ...rest } = j;
      out.push(rest);
    }
  }
  return out;
}

const REPO_CITIES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../data/cities');

/**
 * A mapping by name: `<name>.mapping.json` in the history folder of the city package the database
 * holds, else of any package shipped in data/cities. Names are plain file names, never paths.
 */
export async function namedMapping(db: Database, name: string): Promise<Mapping | null> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) || name.includes('..'))
    throw new MappingError(`mapping name '${name}': letters, digits, . _ -`, [
      { path: 'mapping', message: 'not a mapping name' },
    ]);
  const dirs: string[] = [];
  const stored = await readStoredCity(db);
  if (stored?.source?.dir) dirs.push(path.join(stored.source.dir, 'history'));
  if (fs.existsSync(REPO_CITIES))
    for (const d of fs.readdirSync(REPO_CITIES).sort()) dirs.push(path.join(REPO_CITIES, d, 'history'));
  for (const dir of dirs) {
    const file = path.join(dir, `${name}.mapping.json`);
    if (fs.existsSync(file)) return readMappingFile(file);
  }
  return null;
}
