// Locate on intake: a ticket's WGS-84 point → its district, street/township and grid cell.
// The ownership rule (borders, slivers, outside points) lives once, in SQL:
// db/migrations/0002_locate_function.sql → hotline_locate(geometry).
import type { Queryable } from './client.ts';

export interface PointLocation {
  districtCode: string | null;
  streetCode: string | null;
  gridCode: string | null;
  locationStatus: 'located' | 'outside';
}

/**
 * Assign district/street/grid to tickets still 'unlocated' that have a point; a point outside
 * every region becomes 'outside' (kept for manual dispatch). Returns how many were processed.
 */
export async function locateTickets(db: Queryable, opts: { onlyIds?: number[] } = {}): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH found AS (
       SELECT t.id, l.district_code, l.street_code, l.grid_code
       FROM tickets t CROSS JOIN LATERAL hotline_locate(t.geom) l
       WHERE t.location_status = 'unlocated' AND t.geom IS NOT NULL
         AND ($1::bigint[] IS NULL OR t.id = ANY($1::bigint[]))
     ), done AS (
       UPDATE tickets t SET
         district_code = f.district_code, street_code = f.street_code, grid_code = f.grid_code,
         location_status = CASE WHEN f.district_code IS NULL THEN 'outside' ELSE 'located' END,
         updated_at = now()
       FROM found f WHERE t.id = f.id
       RETURNING t.id)
     SELECT count(*)::int AS n FROM done`,
    [opts.onlyIds ?? null],
  );
  return rows[0]?.n ?? 0;
}

/** Where one WGS-84 point falls, by the same rule as locateTickets. */
export async function locatePoint(db: Queryable, lon: number, lat: number): Promise<PointLocation> {
  const rows = await db.query<{ district_code: string | null; street_code: string | null; grid_code: string | null }>(
    `SELECT * FROM hotline_locate(ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326))`,
    [lon, lat],
  );
  const r = rows[0];
  return {
    districtCode: r?.district_code ?? null,
    streetCode: r?.street_code ?? null,
    gridCode: r?.grid_code ?? null,
    locationStatus: r?.district_code ? 'located' : 'outside',
  };
}
