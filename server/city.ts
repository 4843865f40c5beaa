// The city the server serves, read from the database (meta 'city', written by the city package
// importer in data/city/). Nothing here knows any particular city: the zone, names, levels, bounds
// and policy all come from the package that was imported.
import type { Queryable } from '../db/client.ts';
import { DEFAULT_POLICY, parsePolicy, type Policy } from '../data/policy/index.ts';
import {
  open311SettingsSchema,
  type CityManifest,
  type Locale,
  type Names,
  type Open311Settings,
} from '../data/city/manifest.ts';
import { CITY_META_KEY, type StoredCity } from '../data/city/stored.ts';
import { configureRanking } from './ranking/service.ts';
import { parseRankingPolicy } from './ranking/policy.ts';
import { setCityTimeZone } from './time.ts';

export interface CityLevel {
  level: CityManifest['levels'][number]['level'];
  names: Names;
}

/** What the pages and every time-bucketing path need to know about the city (GET /api/config → city). */
export interface CityInfo {
  code: string;
  names: Names;
  locale: Locale;
  timeZone: string;
  levels: CityLevel[];
  /** [[west, south], [east, north]] of all top-level regions, WGS-84. */
  bounds: [[number, number], [number, number]] | null;
  provenance: Names | null;
  locateToleranceMeters: number;
}

let active: { info: CityInfo; policy: Policy; open311: Open311Settings } | null = null;

/** The active city, or null before one is imported (a database with regions but no package: tests, old data). */
export function activeCity(): CityInfo | null {
  return active?.info ?? null;
}

/** The active city's time-limit and assessment policy (the defaults before a city is active). */
export function cityPolicy(): Policy {
  return active?.policy ?? DEFAULT_POLICY;
}

/** The active city's Open311 settings (the package's `open311`), or null before a city is active. */
export function cityOpen311(): Open311Settings | null {
  return active?.open311 ?? null;
}

/** Reads the stored city package, if any. */
export async function readStoredCity(db: Queryable): Promise<StoredCity | null> {
  const rows = await db.query<{ value: StoredCity }>(`SELECT value FROM meta WHERE key = $1`, [CITY_META_KEY]);
  return rows[0]?.value ?? null;
}

async function cityBounds(db: Queryable): Promise<CityInfo['bounds']> {
  const [b] = await db.query<{ w: number | null; s: number; e: number; n: number }>(
    `SELECT ST_XMin(x) w, ST_YMin(x) s, ST_XMax(x) e, ST_YMax(x) n
     FROM (SELECT ST_Extent(geom)::geometry x FROM regions WHERE level = 'district') q`,
  );
  return b && b.w !== null
    ? [
        [b.w, b.s],
        [b.e, b.n],
      ]
    : null;
}

/**
 * Makes the stored city the server's: its zone for every day/week/month, its policy for deadlines
 * and the ranking. Returns null (and changes nothing) when the database holds no city package.
 */
export async function activateCity(db: Queryable): Promise<CityInfo | null> {
  const stored = await readStoredCity(db);
  if (!stored) return null;
  const m = stored.manifest;
  const policy = parsePolicy({ ...stored.policy, timeZone: m.timeZone });
  setCityTimeZone(m.timeZone);
  const info: CityInfo = {
    code: m.code,
    names: m.names,
    locale: m.locale,
    timeZone: m.timeZone,
    levels: m.levels,
    bounds: await cityBounds(db),
    provenance: m.provenance ?? null,
    locateToleranceMeters: m.locateToleranceMeters,
  };
  // A package imported before Open311 settings existed reads as the defaults.
  active = { info, policy, open311: open311SettingsSchema.parse(m.open311 ?? {}) };
  configureRanking(db, {
    timeZone: m.timeZone,
    policy: parseRankingPolicy({
      weights: policy.rateWeights,
      satisfactionWeights: policy.satisfactionWeights,
      redZoneMonths: policy.ranking.redZoneMonths,
      minCalledBackToRank: policy.ranking.minCallbacksToRank,
    }),
  });
  return info;
}

/** For tests: forget the active city. */
export function deactivateCity(): void {
  active = null;
}
