import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { validQuery } from '../validate.ts';
import { REGION_LEVELS } from '../../db/schema.ts';

export const query = z.object({
  level: z.enum(REGION_LEVELS),
  // A code, never free text: the value goes into the ETag header (non-Latin-1 text or CR/LF there was a 500).
  parent: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._-]+$/, 'must be a region code')
    .optional(),
});

/**
 * GET /api/regions?level=district|street|grid[&parent=CODE] — a GeoJSON FeatureCollection (WGS-84)
 * with code, name, nameEn, parentCode, synthetic, level, population in each feature's properties.
 * Built by PostGIS in one statement; boundaries change only on import, so clients may cache by ETag.
 */
export const regions = new Hono<AppEnv>().get('/', validQuery(query), async (c) => {
  const { level, parent } = c.req.valid('query');
  const db = c.get('db');
  const rows = await db.query<{ fc: string; version: string }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', r.id,
        'geometry', ST_AsGeoJSON(r.geom, 6)::json,
        'properties', json_build_object('code', r.code, 'name', r.name_zh, 'nameEn', r.name_en,
          'parentCode', r.parent_code, 'synthetic', r.synthetic, 'level', r.level,
          'population', r.population, 'areaKm2', round(r.area_km2::numeric, 3),
          'labelPoint', json_build_array(round(ST_X(r.label_point)::numeric, 6), round(ST_Y(r.label_point)::numeric, 6)))
      ) ORDER BY r.code), '[]'::json))::text AS fc,
      (SELECT count(*) || ':' || COALESCE(max(id), 0) FROM regions) AS version
     FROM regions r WHERE r.level = $1 AND ($2::text IS NULL OR r.parent_code = $2)`,
    [level, parent ?? null],
  );
  const etag = `"${level}-${encodeURIComponent(parent ?? '')}-${rows[0]!.version}"`;
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  c.header('ETag', etag);
  c.header('Content-Type', 'application/geo+json; charset=utf-8');
  return c.body(rows[0]!.fc);
});
