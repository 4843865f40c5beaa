// The ticket list's, the export's and the map points' queries (GET /api/tickets, /export, /points).
// Every one reads `f` (filters.ts resolveFilter: window, categories, region and the principal's
// jurisdiction) as its WHERE; no personal data is selected.
import type { Queryable } from '../../db/client.ts';
import type { ResolvedFilter } from '../filters.ts';

/** How many tickets match the filter. */
export async function countTickets(db: Queryable, f: ResolvedFilter): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets t WHERE ${f.where}`, f.params);
  return rows[0]!.n;
}

/** A page of the filtered tickets, newest first. */
export function ticketPage(db: Queryable, f: ResolvedFilter, limit: number, offset: number) {
  return db.query(
    `SELECT t.id::float8 AS id, t.kind, t.channel, t.category_code AS "categoryCode", t.status, t.urgency,
            t.received_at AS "receivedAt", t.district_code AS "districtCode", t.street_code AS "streetCode",
            t.grid_code AS "gridCode", ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.address,
            t.location_status AS "locationStatus"
     FROM tickets t WHERE ${f.where}
     ORDER BY t.received_at DESC, t.id DESC LIMIT $${f.params.length + 1}::int OFFSET $${f.params.length + 2}::int`,
    [...f.params, limit, offset],
  );
}

export interface PackedPoints {
  n: number;
  x0: number | null;
  y0: number | null;
  x1: number | null;
  y1: number | null;
  /** per point 12 hex digits: x << 32 | y << 16 | category (server/points.ts's layout, big-endian) */
  hex: string | null;
}

/**
 * Up to `max` located points of the filter in one statement: the extent, then per point one 48-bit
 * integer x << 32 | y << 16 | category (index in `categoryCodes`, 65535 when not there) as 12 hex
 * digits. The server never holds a row object per point (500k points: ~1 s of SQL instead of ~2).
 */
export async function packedPoints(
  db: Queryable,
  f: ResolvedFilter,
  categoryCodes: readonly string[],
  max: number,
): Promise<PackedPoints> {
  const k = f.params.length + 1;
  const rows = await db.query<PackedPoints>(
    `WITH p AS MATERIALIZED (
       SELECT ST_X(t.geom) AS x, ST_Y(t.geom) AS y, COALESCE(k.i - 1, 65535) AS c
       FROM tickets t LEFT JOIN unnest($${k}::text[]) WITH ORDINALITY AS k(code, i) ON k.code = t.category_code
       WHERE ${f.where} AND t.geom IS NOT NULL LIMIT ${Math.trunc(max)}),
     e AS (SELECT count(*)::int AS n, min(x) AS x0, min(y) AS y0, max(x) AS x1, max(y) AS y1 FROM p)
     SELECT e.n, e.x0, e.y0, e.x1, e.y1,
       (SELECT string_agg(lpad(to_hex(
           (round((p.x - e.x0) / greatest(e.x1 - e.x0, 1e-12) * 65535)::bigint << 32)
         | (round((p.y - e.y0) / greatest(e.y1 - e.y0, 1e-12) * 65535)::bigint << 16)
         | p.c), 12, '0'), '') FROM p) AS hex
     FROM e`,
    [...f.params, categoryCodes],
  );
  return rows[0]!;
}

/** How many of the filtered tickets have a place. */
export async function countLocated(db: Queryable, f: ResolvedFilter): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tickets t WHERE ${f.where} AND t.geom IS NOT NULL`,
    f.params,
  );
  return rows[0]!.n;
}
