// GET /api/zones[?kind=municipal|sanitation|greening|water|other] — responsibility zones (责任区) as
// a GeoJSON FeatureCollection (WGS-84) for the map: code, names, kind, owning unit and its names,
// the categories the zone answers for (empty = all) and its priority. Zones change only on import.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { ZONE_KINDS } from '../../db/schema.ts';
import { validQuery } from '../validate.ts';
import { zonesGeoJson } from '../geo/sql.ts';

export const query = z.object({ kind: z.enum(ZONE_KINDS).optional() });

export const zones = new Hono<AppEnv>().get('/', validQuery(query), async (c) => {
  const { kind } = c.req.valid('query');
  const fc = await zonesGeoJson(c.get('db'), kind ?? null);
  c.header('Content-Type', 'application/geo+json; charset=utf-8');
  return c.body(fc);
});
