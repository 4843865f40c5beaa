// Management grid cells (网格) for a city that publishes none: the H3 hexagons of one resolution
// that touch each street, clipped to it in PostGIS, so every point of a street lies in exactly one
// of its cells and grid cells nest inside streets as a patrol grid does. A hexagon on a border is
// split into one cell per street; codes are `<street>-<h3 index>`.
import { cellToBoundary, POLYGON_TO_CELLS_FLAGS, polygonToCellsExperimental } from 'h3-js';
import type { Queryable } from '../../db/client.ts';

type Ring = [number, number][];

/** Cells of resolution `res` overlapping a (Multi)Polygon given as GeoJSON coordinates. */
export function h3CellsCovering(
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown },
  res: number,
): string[] {
  const polys = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as Ring[][];
  const cells = new Set<string>();
  for (const poly of polys)
    for (const c of polygonToCellsExperimental(poly, res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true))
      cells.add(c);
  return [...cells].sort();
}

/** A cell's hexagon as a closed GeoJSON ring, [lon, lat]. */
export function cellRing(cell: string): Ring {
  const ring = cellToBoundary(cell, true) as Ring;
  const [a, b] = [ring[0], ring[ring.length - 1]];
  if (a[0] !== b[0] || a[1] !== b[1]) ring.push([a[0], a[1]]);
  return ring;
}

/**
 * Writes generated grid cells for every street (inside the caller's transaction): regions rows of
 * level 'grid' and their region_parts. Returns how many cells were written. Cells whose clipped
 * area is under 100 m² (hexagons grazing a street's edge) are dropped as noise.
 */
export async function generateH3Grid(
  tx: Queryable,
  res: number,
  cityName: (cell: string, n: number) => string,
): Promise<number> {
  const streets = await tx.query<{ code: string; g: string }>(
    `SELECT code, ST_AsGeoJSON(geom, 7) g FROM regions WHERE level = 'street' ORDER BY code`,
  );
  const rows: { street: string; cell: string; ring: string }[] = [];
  for (const s of streets)
    for (const cell of h3CellsCovering(JSON.parse(s.g), res))
      rows.push({ street: s.code, cell, ring: JSON.stringify({ type: 'Polygon', coordinates: [cellRing(cell)] }) });
  await tx.query(
    `CREATE TEMP TABLE grid_import (street text, cell text, code text, name text, geom geometry) ON COMMIT DROP`,
  );
  for (let k = 0; k < rows.length; k += 5000) {
    const part = rows.slice(k, k + 5000);
    await tx.query(
      `INSERT INTO grid_import (street, cell, code, geom)
       SELECT e->>'street', e->>'cell', (e->>'street') || '-' || (e->>'cell'),
              ST_Multi(ST_CollectionExtract(ST_Intersection(ST_SetSRID(ST_GeomFromGeoJSON(e->>'ring'), 4326), r.geom), 3))
       FROM json_array_elements($1::json) e JOIN regions r ON r.code = e->>'street'`,
      [JSON.stringify(part)],
    );
  }
  await tx.query(`DELETE FROM grid_import WHERE geom IS NULL OR ST_IsEmpty(geom) OR ST_Area(geom::geography) < 100`);
  const named = await tx.query<{ code: string; cell: string; n: number }>(
    `SELECT code, cell, row_number() OVER (PARTITION BY street ORDER BY cell)::int n FROM grid_import`,
  );
  await tx.query(
    `UPDATE grid_import g SET name = x.name FROM json_to_recordset($1::json) AS x(code text, name text) WHERE x.code = g.code`,
    [JSON.stringify(named.map((r) => ({ code: r.code, name: cityName(r.cell, r.n) })))],
  );
  const [{ n }] = await tx.query<{ n: number }>(`
    WITH ins AS (
      INSERT INTO regions (level, code, name_zh, name_en, parent_code, population, synthetic, area_km2, geom, label_point)
      SELECT 'grid', code, name, name, street, NULL, true, ST_Area(geom::geography) / 1e6, geom, ST_PointOnSurface(geom)
      FROM grid_import ORDER BY code
      RETURNING 1)
    SELECT count(*)::int n FROM ins`);
  await tx.query(`
    INSERT INTO region_parts (region_code, level, geom)
    SELECT g.code, 'grid', d.geom FROM grid_import g, ST_Subdivide(g.geom, 64) s, ST_Dump(s) d
    WHERE ST_GeometryType(d.geom) = 'ST_Polygon'`);
  await tx.query('DROP TABLE grid_import');
  return n;
}
