// One surge scan over the database: reads the study period (the baseline days from the rollups,
// the last hours ticket by ticket), hands the counts to the pure scan (analysis/surgeScan.ts), and
// returns the clusters with the tickets that make them. Writes nothing (store.ts keeps alerts).
//
// Study period = the `baselineDays` whole city days before day D0 (from rollup_h3_daily res 8 and
// rollup_region_daily streets — the same counts every other analysis reads) + every ticket from
// the start of D0 up to `now`, where D0 is the city day holding now − the longest window. Tickets
// of D0 and later are read one by one (only those inside the longest window keep their time;
// the others are counted per place). The rollup part changes only when D0 does (or history is
// imported), so it is kept in memory for BASELINE_TTL_MS, keyed by D0 and the baseline length.
import type { Database, Queryable } from '../../db/client.ts';
import { cachedNeighbourLists } from '../analysis/h3Neighbours.ts';
import { runOnWorker, scanWorkerCount } from './scanWorkers.ts';
import {
  DEFAULT_WINDOWS_HOURS,
  prospectiveScanAsync,
  prospectiveScanSplit,
  type ScanResult,
  type ScanCategory,
  type ScanCluster,
  type ScanFamily,
} from '../analysis/surgeScan.ts';

export const SCAN_RES = 8;
export const DEFAULT_BASELINE_DAYS = 56;
export const DEFAULT_REPLICAS = 49;
export const BASELINE_TTL_MS = 60 * 60_000;

export interface ScanSettings {
  windowsHours: readonly number[];
  baselineDays: number;
  replicas: number;
  /** Scans per day, for the recurrence interval (1440 / the scan interval in minutes). */
  scansPerDay: number;
  /** Seed of the replicas; by default the minute of `now` (reproducible for a given scan time). */
  seed?: number;
}

export const defaultScanSettings = (scansPerDay: number): ScanSettings => ({
  windowsHours: DEFAULT_WINDOWS_HOURS,
  baselineDays: DEFAULT_BASELINE_DAYS,
  replicas: DEFAULT_REPLICAS,
  scansPerDay,
});

export interface ClusterTicket {
  id: number;
  streetCode: string | null;
  districtCode: string | null;
  lon: number | null;
  lat: number | null;
}

export interface FoundCluster extends ScanCluster {
  /** cells (h3 family) or the street code (street family) */
  places: string[];
  tickets: ClusterTicket[];
}

export interface ScanRun {
  at: string;
  ms: number;
  /** of which: reading the study (rollups and the last hours, in parallel; of it the baseline sums,
   * from memory when remembered), building the families, the permutation scan itself, and reading
   * the clusters' tickets */
  readMs: number;
  baselineMs: number;
  buildMs: number;
  scanMs: number;
  /** Worker threads that computed the replicas (0: the main thread). */
  workers: number;
  ticketsMs: number;
  /** tickets in the study period (both families count the located / street-coded ones) */
  studyTickets: number;
  recentTickets: number;
  clusters: FoundCluster[];
}

interface Counted {
  category: string;
  unit: string;
  n: number;
}

/** The baseline's sums per (category, unit), keyed `category\tunit`, for one D0. */
interface Baseline {
  d0: string;
  days: number;
  /** When it was last read in full (incremental day shifts keep this time). */
  readAt: number;
  h3: Map<string, number>;
  street: Map<string, number>;
  /** A full re-read in flight (the stale sums are used meanwhile). */
  refreshing?: Promise<void>;
  generation: number;
}

/** Per database (tests open several in one process): its remembered baseline. */
const baselines = new WeakMap<object, Baseline>();
/** Bumped by clearBaselineCache: older entries are not used. */
let generation = 0;

/**
 * Statements of the scan run without JIT (the baseline's estimate of ~10^6 groups crosses
 * jit_above_cost: 1.5 s of compiling for 3 s of work) and with room to hash the ~10^5 groups the
 * sums really have (with 4 MB it sorts 3.6 M rows on disk). Inside a transaction when the
 * database offers one (settings are local to it), else as they are.
 */
function withScanSettings<T>(db: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  const d = db as Partial<Database>;
  if (typeof d.transaction !== 'function') return fn(db);
  return d.transaction<T>(async (tx) => {
    await tx.query(`SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`);
    return fn(tx);
  });
}

/** Sums over the days [from, to) (to − from days), each row signed by `sign`, added to the maps. */
async function addDays(
  db: Queryable,
  into: { h3: Map<string, number>; street: Map<string, number> },
  from: string,
  to: string,
  sign: 1 | -1,
) {
  const [h3, street] = await Promise.all([
    withScanSettings(db, (q) =>
      q.query<Counted>(
        `SELECT category_code AS category, cell AS unit, sum(tickets)::int AS n FROM rollup_h3_daily
         WHERE res = ${SCAN_RES} AND day >= $1::date AND day < $2::date GROUP BY 1, 2`,
        [from, to],
      ),
    ),
    withScanSettings(db, (q) =>
      q.query<Counted>(
        `SELECT category_code AS category, region_code AS unit, sum(tickets)::int AS n FROM rollup_region_daily
         WHERE level = 'street' AND day >= $1::date AND day < $2::date GROUP BY 1, 2`,
        [from, to],
      ),
    ),
  ]);
  const add = (m: Map<string, number>, rows: Counted[]) => {
    for (const r of rows) {
      const k = `${r.category}\t${r.unit}`;
      const n = (m.get(k) ?? 0) + sign * r.n;
      if (n > 0) m.set(k, n);
      else m.delete(k);
    }
  };
  add(into.h3, h3);
  add(into.street, street);
}

const dayOffset = (d: string, days: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

async function readBaseline(db: Queryable, d0: string, days: number): Promise<Baseline> {
  const b: Baseline = { d0, days, readAt: Date.now(), h3: new Map(), street: new Map(), generation };
  await addDays(db, b, dayOffset(d0, -days), d0, 1);
  return b;
}

/**
 * The baseline sums for D0: read in full the first time; when D0 moves forward by up to a week,
 * the days that enter are added and those that leave subtracted (two days' rows, not 56); after
 * BASELINE_TTL_MS they are read in full again (history imported into the baseline shows up), in
 * the background: the scan meanwhile uses the sums it has.
 */
async function baselineCounts(db: Queryable, d0: string, days: number): Promise<Baseline> {
  let b = baselines.get(db);
  if (b && b.generation !== generation) b = undefined;
  if (b && b.days === days && b.d0 !== d0) {
    const shift = daysBetween(b.d0, d0);
    if (shift > 0 && shift <= 7) {
      const next: Baseline = { d0, days, readAt: b.readAt, h3: new Map(b.h3), street: new Map(b.street), generation };
      await addDays(db, next, b.d0, d0, 1);
      await addDays(db, next, dayOffset(b.d0, -days), dayOffset(d0, -days), -1);
      baselines.set(db, (b = next));
    }
  }
  if (!b || b.days !== days || b.d0 !== d0) {
    b = await readBaseline(db, d0, days);
    baselines.set(db, b);
    return b;
  }
  if (Date.now() - b.readAt >= BASELINE_TTL_MS && !b.refreshing) {
    const stale = b;
    stale.refreshing = readBaseline(db, d0, days)
      .then((fresh) => {
        if (baselines.get(db) === stale) baselines.set(db, fresh);
      })
      .catch(() => {
        stale.readAt = Date.now(); // try again after another TTL; the scan goes on with what it has
      })
      .finally(() => (stale.refreshing = undefined));
  }
  return b;
}

/** Forget the remembered baselines (tests that rewrite history). */
export function clearBaselineCache(): void {
  generation++;
}

class Units {
  readonly index = new Map<string, number>();
  readonly names: string[] = [];
  of(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(name, i);
      this.names.push(name);
    }
    return i;
  }
}

class FamilyBuilder {
  readonly units = new Units();
  private readonly cats = new Map<
    string,
    { counts: Map<number, number>; recentUnits: number[]; recentAges: number[] }
  >();
  private cat(c: string) {
    let x = this.cats.get(c);
    if (!x) this.cats.set(c, (x = { counts: new Map(), recentUnits: [], recentAges: [] }));
    return x;
  }
  add(category: string, unit: string, n: number): void {
    const u = this.units.of(unit);
    const c = this.cat(category);
    c.counts.set(u, (c.counts.get(u) ?? 0) + n);
  }
  addRecent(category: string, unit: string, age: number): void {
    this.add(category, unit, 1);
    const c = this.cat(category);
    c.recentUnits.push(this.units.index.get(unit)!);
    c.recentAges.push(age);
  }
  categories(): ScanCategory[] {
    return [...this.cats].map(([category, c]) => ({
      category,
      units: [...c.counts.keys()],
      counts: [...c.counts.values()],
      recentUnits: c.recentUnits,
      recentAges: c.recentAges,
    }));
  }
}

/** Runs one scan at `now`; clusters are those with p ≤ maxP (default: all reported by the pure scan). */
export async function runScan(db: Queryable, now: Date, settings: ScanSettings, maxP = 1): Promise<ScanRun> {
  const started = performance.now();
  const maxWindow = settings.windowsHours[settings.windowsHours.length - 1]!;
  const nowIso = now.toISOString();
  const [{ d0 }] = (await db.query<{ d0: string }>(
    `SELECT ((($1::timestamptz - make_interval(secs => $2::float8 * 3600)) AT TIME ZONE hotline_city_zone())::date)::text AS d0`,
    [nowIso, maxWindow],
  )) as [{ d0: string }];
  let baselineMs = 0;
  const [base, [recent]] = await Promise.all([
    baselineCounts(db, d0, settings.baselineDays).then((b) => {
      baselineMs = performance.now() - started;
      return b;
    }),
    // Since D0: older than the longest window → counts per place; inside it → one row each (packed).
    withScanSettings(db, (q) =>
      q.query<{ older: [string, string | null, string | null, number][] | null; recent: string | null }>(
        `WITH t AS (
           SELECT category_code, h3_r${SCAN_RES} AS cell, street_code, received_at
           FROM tickets WHERE received_at >= ($1::date::timestamp AT TIME ZONE hotline_city_zone()) AND received_at <= $2::timestamptz)
         SELECT (SELECT json_agg(json_build_array(category_code, cell, street_code, n)) FROM
                   (SELECT category_code, cell, street_code, count(*)::int AS n FROM t
                    WHERE received_at <= $2::timestamptz - make_interval(secs => $3::float8 * 3600) GROUP BY 1, 2, 3) g) AS older,
                (SELECT string_agg(concat_ws(',', category_code, COALESCE(cell, ''), COALESCE(street_code, ''),
                                            round(extract(epoch FROM $2::timestamptz - received_at)::numeric, 1)), ';')
                   FROM t WHERE received_at > $2::timestamptz - make_interval(secs => $3::float8 * 3600)) AS recent`,
        [d0, nowIso, maxWindow],
      ),
    ),
  ]);
  const readMs = performance.now() - started;
  const h3 = new FamilyBuilder();
  const street = new FamilyBuilder();
  let studyTickets = 0;
  for (const [key, n] of base.h3) {
    const tab = key.indexOf('\t');
    h3.add(key.slice(0, tab), key.slice(tab + 1), n);
    studyTickets += n;
  }
  for (const [key, n] of base.street) {
    const tab = key.indexOf('\t');
    street.add(key.slice(0, tab), key.slice(tab + 1), n);
  }
  for (const [category, cell, streetCode, n] of recent?.older ?? []) {
    if (cell) h3.add(category, cell, n);
    if (streetCode) street.add(category, streetCode, n);
    studyTickets += n;
  }
  let recentTickets = 0;
  if (recent?.recent) {
    for (const row of recent.recent.split(';')) {
      const [category, cell, streetCode, secs] = row.split(',') as [string, string, string, string];
      const age = Number(secs) / 3600;
      if (cell) h3.addRecent(category, cell, age);
      if (streetCode) street.addRecent(category, streetCode, age);
      recentTickets++;
    }
  }
  studyTickets += recentTickets;

  const cells = h3.units.names;
  const rings = cachedNeighbourLists(cells, 1);
  const h3Zones: number[][] = [];
  cells.forEach((cell, i) => {
    h3Zones.push([i]);
    if (rings[i]!.length > 1) {
      h3Zones.push(rings[i]!);
    }
  });
  const streets = street.units.names;
  const families: ScanFamily[] = [
    { name: 'h3', unitCount: cells.length, zones: h3Zones, categories: h3.categories() },
    { name: 'street', unitCount: streets.length, zones: streets.map((_, i) => [i]), categories: street.categories() },
  ];
  const seed = settings.seed ?? Math.floor(now.getTime() / 60_000);
  const scanStarted = performance.now();
  const buildMs = scanStarted - started - readMs;
  // Replicas on the worker threads (scanWorkers.ts), else in the main thread in slices of ~20 ms:
  // either way the server's requests are answered while a scan runs, and the result is the same.
  const options = {
    windowsHours: settings.windowsHours,
    replicas: settings.replicas,
    seed,
    scansPerDay: settings.scansPerDay,
    maxP,
  };
  const threads = scanWorkerCount();
  let workers = 0;
  let result: ScanResult | null = null;
  if (threads > 0) {
    try {
      let part = 0;
      result = await prospectiveScanSplit(families, options, threads, (task) => runOnWorker(part++ % threads, task));
      workers = threads;
    } catch {
      result = null; // a thread failed: the main thread does it
    }
  }
  result ??= await prospectiveScanAsync(families, options);
  const scanMs = performance.now() - scanStarted;

  // The tickets of every cluster, in one statement.
  const ticketsStarted = performance.now();
  const placesOf = (c: ScanCluster) =>
    c.family === 'h3' ? c.units.map((u) => cells[u]!) : c.units.map((u) => streets[u]!);
  const rows = result.clusters.length
    ? await db.query<ClusterTicket & { i: number }>(
        `SELECT c.i, t.id::float8 AS id, t.street_code AS "streetCode", t.district_code AS "districtCode",
                ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::float8[]) AS c(i, category, family, places, hours)
         JOIN tickets t ON t.category_code = c.category
          AND ((c.family = 'h3' AND t.h3_r${SCAN_RES} = ANY(string_to_array(c.places, ',')))
            OR (c.family = 'street' AND t.street_code = ANY(string_to_array(c.places, ','))))
          AND t.received_at > $6::timestamptz - make_interval(secs => c.hours * 3600) AND t.received_at <= $6::timestamptz
         ORDER BY c.i, t.received_at, t.id`,
        [
          result.clusters.map((_, i) => i),
          result.clusters.map((c) => c.category),
          result.clusters.map((c) => c.family),
          result.clusters.map((c) => placesOf(c).join(',')),
          result.clusters.map((c) => c.windowHours),
          nowIso,
        ],
      )
    : [];
  const byCluster = result.clusters.map((): ClusterTicket[] => []);
  for (const { i, ...t } of rows) byCluster[i]!.push(t);
  const clusters: FoundCluster[] = result.clusters.map((c, i) => ({
    ...c,
    places: placesOf(c),
    tickets: byCluster[i]!,
  }));
  const ticketsMs = performance.now() - ticketsStarted;
  return {
    at: nowIso,
    ms: performance.now() - started,
    readMs,
    baselineMs,
    buildMs,
    scanMs,
    workers,
    ticketsMs,
    studyTickets,
    recentTickets,
    clusters,
  };
}

/** The zone's key: h3:<cell>:<k> or street:<code>. */
export function zoneKey(c: FoundCluster): string {
  return c.family === 'street' ? `street:${c.places[0]}` : `h3:${c.places[0]}:${c.places.length > 1 ? 1 : 0}`;
}
