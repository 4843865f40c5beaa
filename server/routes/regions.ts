import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { validQuery } from '../validate.ts';
import { REGION_LEVELS } from '../../db/schema.ts';
import { regionsGeoJson } from '../geo/sql.ts';

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
  const { fc, version } = await regionsGeoJson(c.get('db'), level, parent ?? null);
  const etag = `"${level}-${encodeURIComponent(parent ?? '')}-${version}"`;
  if (c.req.header('if-none-match') === etag) return c.body(null, 304);
  c.header('ETag', etag);
  c.header('Content-Type', 'application/geo+json; charset=utf-8');
  return c.body(fc);
});
