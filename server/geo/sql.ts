// The reference data the pages draw and filter by: region boundaries and responsibility zones as
// GeoJSON built by PostGIS in one statement each, and the two-level category taxonomy
// (GET /api/regions, /api/zones, /api/categories).
import type { Queryable } from '../../db/client.ts';

/**
 * A level's regions (optionally one parent's) as a GeoJSON FeatureCollection text, and a version
 * that changes when the boundaries are imported again (the route's ETag).
 */
export async function regionsGeoJson(
  db: Queryable,
  level: string,
  parent: string | null,
): Promise<{ fc: string; version: string }> {
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
    [level, parent],
  );
  return rows[0]!;
}

/** Responsibility zones (of one kind, or all) as a GeoJSON FeatureCollection text, highest priority first. */
export async function zonesGeoJson(db: Queryable, kind: string | null): Promise<string> {
  const rows = await db.query<{ fc: string }>(
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
    [kind],
  );
  return rows[0]!.fc;
}

/** A region's names, or null when there is no such region. */
export async function regionNames(db: Queryable, code: string): Promise<{ zh: string; en: string } | null> {
  const rows = await db.query<{ zh: string; en: string }>(
    'SELECT name_zh AS zh, name_en AS en FROM regions WHERE code = $1',
    [code],
  );
  return rows[0] ?? null;
}

export interface CategoryRow {
  code: string;
  groupCode: string;
  nameZh: string;
  nameEn: string;
  urgency: string;
}

/** Every category, by code: this order is the index binary point sets use (server/points.ts). */
export function listCategories(db: Queryable) {
  return db.query<CategoryRow>(
    'SELECT code, group_code AS "groupCode", name_zh AS "nameZh", name_en AS "nameEn", urgency FROM categories ORDER BY code',
  );
}

/** Every category group, by code. */
export function listCategoryGroups(db: Queryable) {
  return db.query<{ code: string; nameZh: string; nameEn: string }>(
    'SELECT code, name_zh AS "nameZh", name_en AS "nameEn" FROM category_groups ORDER BY code',
  );
}
