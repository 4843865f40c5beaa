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
import type { Queryable } from '../../db/client.ts';
import { cachedNeighbourLists } from '../analysis/h3Neighbours.ts';
import {
  DEFAULT_WINDOWS_HOURS,
  prospectiveScan,
  type ScanCategory,
  type ScanCluster,
  type ScanFamily,
} from '../analysis/surgeScan.ts';

export const SCAN_RES = 8;
export const DEFAULT_BASELINE_DAYS = 56;
export const DEFAULT_REPLICAS = 99;
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
  /** of which reading the study (rollups and the last hours) and the permutation scan itself */
  readMs: number;
  scanMs: number;
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

const baselineCache = new Map<string, { at: number; h3: Counted[]; street: Counted[] }>();

async function baselineCounts(db: Queryable, d0: string, days: number): Promise<{ h3: Counted[]; street: Counted[] }> {
  const key = `${d0}:${days}`;
  const hit = baselineCache.get(key);
  if (hit && Date.now() - hit.at < BASELINE_TTL_MS) return hit;
  const [h3, street] = await Promise.all([
    db.query<Counted>(
      `SELECT category_code AS category, cell AS unit, sum(tickets)::int AS n FROM rollup_h3_daily
       WHERE res = ${SCAN_RES} AND day >= $1::date - $2::int AND day < $1::date GROUP BY 1, 2`,
      [d0, days],
    ),
    db.query<Counted>(
      `SELECT category_code AS category, region_code AS unit, sum(tickets)::int AS n FROM rollup_region_daily
       WHERE level = 'street' AND day >= $1::date - $2::int AND day < $1::date GROUP BY 1, 2`,
      [d0, days],
    ),
  ]);
  baselineCache.clear(); // one entry: D0 moves forward
  const entry = { at: Date.now(), h3, street };
  baselineCache.set(key, entry);
  return entry;
}

/** Forget the remembered baseline (tests that rewrite history). */
export function clearBaselineCache(): void {
  baselineCache.clear();
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
  const [base, [recent]] = await Promise.all([
    baselineCounts(db, d0, settings.baselineDays),
    // Since D0: older than the longest window → counts per place; inside it → one row each (packed).
    db.query<{ older: [string, string | null, string | null, number][] | null; recent: string | null }>(
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
  ]);
  const readMs = performance.now() - started;
  const h3 = new FamilyBuilder();
  const street = new FamilyBuilder();
  let studyTickets = 0;
  for (const r of base.h3) h3.add(r.category, r.unit, r.n);
  for (const r of base.street) street.add(r.category, r.unit, r.n);
  for (const r of base.h3) studyTickets += r.n;
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
  const result = prospectiveScan(families, {
    windowsHours: settings.windowsHours,
    replicas: settings.replicas,
    seed,
    scansPerDay: settings.scansPerDay,
    maxP,
  });

  const scanMs = performance.now() - scanStarted;
  const clusters: FoundCluster[] = [];
  for (const c of result.clusters) {
    const places = c.family === 'h3' ? c.units.map((u) => cells[u]!) : c.units.map((u) => streets[u]!);
    const column = c.family === 'h3' ? `h3_r${SCAN_RES}` : 'street_code';
    const tickets = await db.query<ClusterTicket>(
      `SELECT id::float8 AS id, street_code AS "streetCode", district_code AS "districtCode", ST_X(geom) AS lon, ST_Y(geom) AS lat
       FROM tickets WHERE category_code = $1 AND ${column} = ANY($2::text[])
         AND received_at > $3::timestamptz - make_interval(secs => $4::float8 * 3600) AND received_at <= $3::timestamptz
       ORDER BY received_at, id`,
      [c.category, places, nowIso, c.windowHours],
    );
    clusters.push({ ...c, places, tickets });
  }
  return { at: nowIso, ms: performance.now() - started, readMs, scanMs, studyTickets, recentTickets, clusters };
}

/** The zone's key: h3:<cell>:<k> or street:<code>. */
export function zoneKey(c: FoundCluster): string {
  return c.family === 'street' ? `street:${c.places[0]}` : `h3:${c.places[0]}:${c.places.length > 1 ? 1 : 0}`;
}
