// Imports responsibility zones (责任区: the areas municipal, sanitation and greening units answer
// for) from a GeoJSON FeatureCollection in WGS-84, GCJ-02 or BD-09. Same conventions as the region
// importer (data/geo/importer.ts): all or nothing, a report naming each bad feature by index.
// Zones may overlap each other and the streets: priority decides (server/lifecycle/README.md).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import gcoord from 'gcoord';
import { z } from 'zod';
import type { Database, Queryable } from '../../db/client.ts';
import { ZONE_KINDS } from '../../db/schema.ts';
import type { Crs } from '../geo/importer.ts';

export const BEIJING_ZONES_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'cities',
  'beijing',
  'zones.geojson',
);

export type ZoneImportErrorKind =
  | 'not_feature_collection'
  | 'invalid_properties'
  | 'unsupported_geometry'
  | 'bad_coordinates'
  | 'duplicate_code'
  | 'unknown_department'
  | 'unknown_category'
  | 'invalid_geometry';

export interface ZoneImportError {
  /** Position of the feature in `features`; null for file-level problems. */
  index: number | null;
  code: string | null;
  kind: ZoneImportErrorKind;
  message: string;
}

export interface ZoneImportReport {
  ok: boolean;
  crs: Crs;
  errors: ZoneImportError[];
  /** Zones written (0 when !ok). */
  zones: number;
}

export interface ZoneImportOptions {
  crs: Crs;
  /** Delete every zone first; otherwise upsert by code. */
  replace?: boolean;
  /** Provenance note kept in meta('zones.import'). */
  source?: string;
}

const propertiesSchema = z.object({
  code: z.string().trim().min(1).max(64),
  nameZh: z.string().trim().min(1).max(200),
  nameEn: z.string().trim().min(1).max(200).optional(),
  kind: z.enum(ZONE_KINDS),
  departmentCode: z.string().trim().min(1),
  /** Category or category-group codes; omitted or empty = every category. */
  appliesTo: z.array(z.string().trim().min(1)).max(200).default([]),
  priority: z.number().int().min(-1000).max(1000).default(0),
  synthetic: z.boolean().default(false),
});

const collectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });
const featureSchema = z.object({
  type: z.literal('Feature'),
  properties: z.record(z.string(), z.unknown()),
  geometry: z.object({ type: z.string(), coordinates: z.unknown() }).nullable(),
});

interface Staged {
  i: number;
  code: string;
  nameZh: string;
  nameEn: string;
  kind: string;
  departmentCode: string;
  appliesTo: string[];
  priority: number;
  synthetic: boolean;
  /** GeoJSON text, WGS-84. */
  g: string;
}

function positionProblem(p: unknown, where: string): string | null {
  if (!Array.isArray(p) || p.length < 2) return `${where}: expected [lon, lat]`;
  const [lon, lat] = p as unknown[];
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180)
    return `${where}: longitude ${String(lon)} is not a number in [-180, 180]`;
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90)
    return `${where}: latitude ${String(lat)} is not a number in [-90, 90]`;
  return null;
}

function polygonProblem(poly: unknown, where: string): string | null {
  if (!Array.isArray(poly) || poly.length === 0) return `${where}: expected an array of rings`;
  for (let r = 0; r < poly.length; r++) {
    const ring = poly[r] as unknown;
    if (!Array.isArray(ring)) return `${where}, ring ${r}: expected an array of positions`;
    for (let k = 0; k < ring.length; k++) {
      const problem = positionProblem(ring[k], `${where}, ring ${r}, position ${k}`);
      if (problem) return problem;
    }
    if (ring.length < 4) return `${where}, ring ${r}: ${ring.length} positions, a ring needs at least 4`;
    const [a, b] = [ring[0] as number[], ring[ring.length - 1] as number[]];
    if (a[0] !== b[0] || a[1] !== b[1]) return `${where}, ring ${r}: not closed (first and last positions differ)`;
  }
  return null;
}

function toWgs84(coords: unknown, crs: Crs): unknown {
  if (crs === 'WGS84') return coords;
  const walk = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number'
      ? gcoord.transform([(c as number[])[0], (c as number[])[1]], gcoord[crs], gcoord.WGS84)
      : (c as unknown[]).map(walk);
  return walk(coords);
}

function stage(fc: unknown, crs: Crs, errors: ZoneImportError[]): Staged[] {
  const top = collectionSchema.safeParse(fc);
  if (!top.success) {
    errors.push({
      index: null,
      code: null,
      kind: 'not_feature_collection',
      message: 'expected a GeoJSON FeatureCollection with a features array',
    });
    return [];
  }
  const staged: Staged[] = [];
  const firstIndex = new Map<string, number>();
  top.data.features.forEach((raw, i) => {
    const rawCode = (raw as { properties?: { code?: unknown } } | null)?.properties?.code;
    const code = typeof rawCode === 'string' ? rawCode : null;
    const err = (kind: ZoneImportErrorKind, message: string) => errors.push({ index: i, code, kind, message });
    const f = featureSchema.safeParse(raw);
    if (!f.success)
      return err('invalid_properties', `not a GeoJSON Feature: ${z.prettifyError(f.error).replace(/\n/g, '; ')}`);
    const p = propertiesSchema.safeParse(f.data.properties);
    if (!p.success) return err('invalid_properties', z.prettifyError(p.error).replace(/\n/g, '; '));
    const geom = f.data.geometry;
    if (!geom || (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon'))
      return err('unsupported_geometry', `geometry type ${geom?.type ?? 'null'} is not Polygon or MultiPolygon`);
    const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
    if (!Array.isArray(polys) || polys.length === 0) return err('bad_coordinates', 'no polygons');
    for (let k = 0; k < polys.length; k++) {
      const problem = polygonProblem(polys[k], geom.type === 'Polygon' ? 'polygon' : `polygon ${k}`);
      if (problem) return err('bad_coordinates', problem);
    }
    const seen = firstIndex.get(p.data.code);
    if (seen !== undefined) return err('duplicate_code', `code ${p.data.code} is already used by feature ${seen}`);
    firstIndex.set(p.data.code, i);
    staged.push({
      i,
      code: p.data.code,
      nameZh: p.data.nameZh,
      nameEn: p.data.nameEn ?? p.data.nameZh,
      kind: p.data.kind,
      departmentCode: p.data.departmentCode,
      appliesTo: [...new Set(p.data.appliesTo)],
      priority: p.data.priority,
      synthetic: p.data.synthetic,
      g: JSON.stringify({ type: geom.type, coordinates: toWgs84(geom.coordinates, crs) }),
    });
  });
  return staged;
}

/** Owning units must be known departments/utilities; applies-to codes known categories or groups. */
async function checkCodes(tx: Queryable, staged: Staged[], errors: ZoneImportError[]) {
  const depts = new Set((await tx.query<{ code: string }>(`SELECT code FROM departments`)).map((r) => r.code));
  const cats = new Set(
    (await tx.query<{ code: string }>(`SELECT code FROM categories UNION ALL SELECT code FROM category_groups`)).map(
      (r) => r.code,
    ),
  );
  for (const s of staged) {
    if (!depts.has(s.departmentCode))
      errors.push({
        index: s.i,
        code: s.code,
        kind: 'unknown_department',
        message: `departmentCode ${s.departmentCode} is not a known department or utility`,
      });
    const unknown = s.appliesTo.filter((c) => !cats.has(c));
    if (unknown.length)
      errors.push({
        index: s.i,
        code: s.code,
        kind: 'unknown_category',
        message: `appliesTo: ${unknown.join(', ')} not a known category or group`,
      });
  }
}

/** Imports zones; returns a report. When report.ok is false nothing was written. */
export async function importZones(db: Database, fc: unknown, opts: ZoneImportOptions): Promise<ZoneImportReport> {
  return db.transaction((tx) => importZonesIn(tx, fc, opts));
}

/** The import inside a caller's transaction; writes nothing when the report is not ok. */
export async function importZonesIn(tx: Queryable, fc: unknown, opts: ZoneImportOptions): Promise<ZoneImportReport> {
  if (!['WGS84', 'GCJ02', 'BD09'].includes(opts.crs)) throw new Error(`unknown CRS ${String(opts.crs)}`);
  const errors: ZoneImportError[] = [];
  const fail = (): ZoneImportReport => ({
    ok: false,
    crs: opts.crs,
    errors: errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1)),
    zones: 0,
  });
  const staged = stage(fc, opts.crs, errors);
  if (errors.some((e) => e.index === null)) return fail();
  {
    await checkCodes(tx, staged, errors);
    const invalid = await tx.query<{ i: number; reason: string }>(
      `SELECT (e->>'i')::int AS i, ST_IsValidReason(ST_GeomFromGeoJSON(e->>'g')) AS reason
       FROM json_array_elements($1::json) e WHERE NOT ST_IsValid(ST_GeomFromGeoJSON(e->>'g'))`,
      [JSON.stringify(staged.map((s) => ({ i: s.i, g: s.g })))],
    );
    for (const r of invalid)
      errors.push({
        index: r.i,
        code: staged.find((s) => s.i === r.i)!.code,
        kind: 'invalid_geometry',
        message: r.reason,
      });
    if (errors.length > 0) return fail();
    if (opts.replace) await tx.query(`DELETE FROM responsibility_zones`);
    const written = await tx.query<{ n: number }>(
      `WITH up AS (
         INSERT INTO responsibility_zones (code, name_zh, name_en, kind, department_code, applies_to, priority, synthetic, geom)
         SELECT e->>'code', e->>'nameZh', e->>'nameEn', e->>'kind', e->>'departmentCode',
                ARRAY(SELECT jsonb_array_elements_text(e->'appliesTo')), (e->>'priority')::int, (e->>'synthetic')::boolean,
                ST_Multi(ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(e->>'g')), 4326))
         FROM jsonb_array_elements($1::jsonb) e ORDER BY (e->>'i')::int
         ON CONFLICT (code) DO UPDATE SET name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, kind = EXCLUDED.kind,
           department_code = EXCLUDED.department_code, applies_to = EXCLUDED.applies_to, priority = EXCLUDED.priority,
           synthetic = EXCLUDED.synthetic, geom = EXCLUDED.geom
         RETURNING 1)
       SELECT count(*)::int AS n FROM up`,
      [JSON.stringify(staged)],
    );
    const zones = written[0].n;
    await tx.query(
      `INSERT INTO meta (key, value, updated_at) VALUES ('zones.import', $1::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [JSON.stringify({ source: opts.source ?? null, crs: opts.crs, replace: !!opts.replace, zones })],
    );
    return { ok: true, crs: opts.crs, errors: [], zones };
  }
}

/**
 * Loads the bundled Beijing demo zones after the taxonomy (zones name departments and categories).
 * Returns null without touching anything when the last import came from the same file bytes.
 */
export async function loadBeijingZones(db: Database, opts: { force?: boolean } = {}): Promise<ZoneImportReport | null> {
  const text = fs.readFileSync(BEIJING_ZONES_FILE, 'utf8');
  const source = `data/cities/beijing/zones.geojson sha256:${crypto.createHash('sha256').update(text).digest('hex')}`;
  if (!opts.force) {
    const [prev] = await db.query<{ source: string | null; stored: number; imported: number }>(
      `SELECT m.value->>'source' source, (SELECT count(*) FROM responsibility_zones)::int stored, (m.value->>'zones')::int imported
       FROM meta m WHERE m.key = 'zones.import'`,
    );
    if (prev?.source === source && prev.stored === prev.imported) return null;
  }
  const report = await importZones(db, JSON.parse(text), { crs: 'WGS84', replace: true, source });
  if (!report.ok)
    throw new Error(`beijing.zones.geojson failed to import: ${JSON.stringify(report.errors.slice(0, 5))}`);
  return report;
}
