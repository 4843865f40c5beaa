// GET /api/zones[?kind=municipal|sanitation|greening|water|other] — responsibility zones (责任区) as
// a GeoJSON FeatureCollection (WGS-84) for the map: code, names, kind, owning unit and its names,
// the categories the zone answers for (empty = all) and its priority. Zones change only on import.
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { ZONE_KINDS } from '../../db/schema.ts';
import { validQuery } from '../validate.ts';

export const query = z.object({ kind: z.enum(ZONE_KINDS).optional() });

export const zones = new Hono<AppEnv>().get('/', validQuery(query), async (c) => {
  const { kind } = c.req.valid('query');
  const rows = await c.get('db').query<{ fc: string }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', z.id,
        'geometry', ST_AsGeoJSON(z.geom, 6)::json,
        'properties', json_build_object('code', z.code, 'name', z.name_zh, 'nameEn', z.name_en, 'kind', z.kind,
          'departmentCode', z.department_code, 'departmentName', d.name_zh, 'departmentNameEn', d.name_en,
          'appliesTo', to_json(z.applies_to), 'priority', z.priority, 'synthetic', z.synthetic)
      ) ORDER BY z.priority DESC, z.code), '[]'::json))::text AS fc
     FROM responsibility_zones z JOIN departments d ON d.code = z.department_code
     WHERE $1::text IS NULL OR z.kind = $1::text`,
    [kind ?? null],
  );
  c.header('Content-Type', 'application/geo+json; charset=utf-8');
  return c.body(rows[0]!.fc);
});
