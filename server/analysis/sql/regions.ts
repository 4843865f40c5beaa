// Region hot spots read the region rollup; their neighbours come from region_adjacency, computed
// once per level from the polygons and rebuilt only after regions change (a trigger on regions
// empties region_adjacency_built).
import type { Queryable } from '../../../db/client.ts';
import type { Scope } from '../../auth/principal.ts';
import { scopeClause } from '../../auth/scope.ts';

export type HotspotRegionLevel = 'district' | 'street' | 'grid';

/** Tolerance (degrees, ~1 m) that closes floating-point slivers between neighbouring polygons. */
export const ADJACENCY_TOLERANCE_DEG = 1e-5;
/**
 * A shared border shorter than this (metres) is a corner touch, not a border: regions meeting at
 * a point are not neighbours (rook contiguity, ArcGIS CONTIGUITY_EDGES_ONLY). With the tolerance
 * a corner touch measures about 2–3 m.
 */
export const ADJACENCY_MIN_SHARED_METRES = 10;

/** Build region_adjacency for a level unless it is current. Returns whether it built. */
/** Whether region_adjacency holds the level's current neighbours. */
export async function adjacencyBuilt(db: Queryable, level: HotspotRegionLevel): Promise<boolean> {
  return (await db.query('SELECT 1 FROM region_adjacency_built WHERE level = $1', [level])).length > 0;
}

export async function ensureAdjacency(db: Queryable, level: HotspotRegionLevel): Promise<boolean> {
  if (await adjacencyBuilt(db, level)) return false;
  await db.query('DELETE FROM region_adjacency WHERE level = $1', [level]);
  // Pairs come from the GiST index (ST_DWithin); the shared length is the part of one outline
  // inside the other region grown by the tolerance, measured on the spheroid.
  await db.query(
    `WITH pairs AS (
       SELECT a.code AS a, b.code AS b,
              ST_Length(ST_Intersection(ST_Boundary(a.geom), ST_Buffer(b.geom, $2::float8, 'quad_segs=2'))::geography) AS m
         FROM regions a JOIN regions b ON b.level = $1 AND a.code < b.code AND ST_DWithin(a.geom, b.geom, $2::float8)
        WHERE a.level = $1
     ), kept AS (SELECT a, b, m FROM pairs WHERE m >= $3::float8)
     INSERT INTO region_adjacency (level, code, neighbour_code, shared_metres)
     SELECT $1, a, b, m FROM kept UNION ALL SELECT $1, b, a, m FROM kept
     ON CONFLICT DO NOTHING`,
    [level, ADJACENCY_TOLERANCE_DEG, ADJACENCY_MIN_SHARED_METRES],
  );
  await db.query(
    `INSERT INTO region_adjacency_built (level, built_at, regions)
     SELECT $1, now(), count(*)::int FROM regions WHERE level = $1
     ON CONFLICT (level) DO UPDATE SET built_at = EXCLUDED.built_at, regions = EXCLUDED.regions`,
    [level],
  );
  return true;
}

export interface RegionRow {
  code: string;
  name: string;
  nameEn: string;
  parentCode: string | null;
  /** Residents, when the city package gives them (the exposure of expected counts). */
  population: number | null;
  neighbours: string[];
}

/** Regions of a level (within a district, or a street, when given), each with its neighbours' codes. */
export async function regionsWithNeighbours(
  db: Queryable,
  level: HotspotRegionLevel,
  district: string | null,
  street: string | null = null,
): Promise<RegionRow[]> {
  if (street !== null) {
    if (level === 'district') throw new Error('a street holds no district');
    return db.query<RegionRow>(
      `SELECT r.code, r.name_zh AS name, r.name_en AS "nameEn", r.parent_code AS "parentCode", r.population,
              COALESCE((SELECT array_agg(a.neighbour_code ORDER BY a.neighbour_code) FROM region_adjacency a
                         WHERE a.level = $1 AND a.code = r.code), ARRAY[]::text[]) AS neighbours
         FROM regions r WHERE r.level = $1 AND ${level === 'street' ? 'r.code = $2' : 'r.parent_code = $2'} ORDER BY r.code`,
      [level, street],
    );
  }
  const inDistrict =
    district === null
      ? 'TRUE'
      : level === 'district'
        ? 'r.code = $2'
        : level === 'street'
          ? 'r.parent_code = $2'
          : `r.parent_code IN (SELECT code FROM regions WHERE level = 'street' AND parent_code = $2)`;
  return db.query<RegionRow>(
    `SELECT r.code, r.name_zh AS name, r.name_en AS "nameEn", r.parent_code AS "parentCode", r.population,
            COALESCE((SELECT array_agg(a.neighbour_code ORDER BY a.neighbour_code) FROM region_adjacency a
                       WHERE a.level = $1 AND a.code = r.code), ARRAY[]::text[]) AS neighbours
       FROM regions r WHERE r.level = $1 AND ${inDistrict} ORDER BY r.code`,
    district === null ? [level] : [level, district],
  );
}

/**
 * Tickets per region of a level over [from, end) (city days), optionally for some categories. A
 * principal limited to a region (`jurisdiction`) gets counts of its own tickets only, read from
 * tickets with the scope clause: the region rollup counts a grid cell's tickets whatever street
 * took them, and a ticket of the next street must not be counted for an official.
 */
export async function regionCounts(
  db: Queryable,
  level: HotspotRegionLevel,
  from: string,
  end: string,
  categories: string[] | null,
  jurisdiction: Scope = { level: 'city' },
): Promise<Map<string, number>> {
  if (jurisdiction.level !== 'city') {
    const params: unknown[] = [from, end, categories];
    const own = scopeClause(jurisdiction, params);
    const rows = await db.query<{ code: string; n: number }>(
      `SELECT t.${level}_code AS code, count(*)::int AS n FROM tickets t
        WHERE ${own} AND t.${level}_code IS NOT NULL
          AND t.received_at >= ($1::date::timestamp AT TIME ZONE hotline_city_zone())
          AND t.received_at < ($2::date::timestamp AT TIME ZONE hotline_city_zone())
          AND ($3::text[] IS NULL OR t.category_code = ANY($3::text[]))
        GROUP BY 1`,
      params,
    );
    return new Map(rows.map((r) => [r.code, r.n]));
  }
  const rows = await db.query<{ code: string; n: number }>(
    `SELECT region_code AS code, sum(tickets)::int AS n FROM rollup_region_daily
      WHERE level = $1 AND day >= $2::date AND day < $3::date AND ($4::text[] IS NULL OR category_code = ANY($4::text[]))
      GROUP BY 1`,
    [level, from, end, categories],
  );
  return new Map(rows.map((r) => [r.code, r.n]));
}

/**
 * Tickets per region and calendar month over [start, end) (month starts), as one array per region
 * indexed by month (0 = the month of `start`). Scoped principals count their own tickets only, as
 * regionCounts does.
 */
export async function regionMonthlyCounts(
  db: Queryable,
  level: HotspotRegionLevel,
  start: string,
  end: string,
  months: number,
  categories: string[] | null,
  jurisdiction: Scope = { level: 'city' },
): Promise<Map<string, number[]>> {
  const monthOf = (day: string) =>
    `((extract(year FROM ${day})::int * 12 + extract(month FROM ${day})::int) - (extract(year FROM $1::date)::int * 12 + extract(month FROM $1::date)::int))`;
  let rows: { code: string; m: number; n: number }[];
  if (jurisdiction.level !== 'city') {
    const params: unknown[] = [start, end, categories];
    const own = scopeClause(jurisdiction, params);
    const day = `(t.received_at AT TIME ZONE hotline_city_zone())::date`;
    rows = await db.query(
      `SELECT t.${level}_code AS code, ${monthOf(day)} AS m, count(*)::int AS n FROM tickets t
        WHERE ${own} AND t.${level}_code IS NOT NULL
          AND t.received_at >= ($1::date::timestamp AT TIME ZONE hotline_city_zone())
          AND t.received_at < ($2::date::timestamp AT TIME ZONE hotline_city_zone())
          AND ($3::text[] IS NULL OR t.category_code = ANY($3::text[]))
        GROUP BY 1, 2`,
      params,
    );
  } else {
    rows = await db.query(
      `SELECT region_code AS code, ${monthOf('day')} AS m, sum(tickets)::int AS n FROM rollup_region_daily
        WHERE level = $3 AND day >= $1::date AND day < $2::date AND ($4::text[] IS NULL OR category_code = ANY($4::text[]))
        GROUP BY 1, 2`,
      [start, end, level, categories],
    );
  }
  const out = new Map<string, number[]>();
  for (const r of rows) {
    if (r.m < 0 || r.m >= months) continue;
    let row = out.get(r.code);
    if (!row) out.set(r.code, (row = new Array<number>(months).fill(0)));
    row[r.m] += r.n;
  }
  return out;
}
