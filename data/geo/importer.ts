// Imports a city's jurisdiction hierarchy (district → street → community → grid) from a GeoJSON
// FeatureCollection in WGS-84, GCJ-02 or BD-09. All or nothing: any error in the report means
// nothing was written. The Beijing demo file goes through the same path as a real city's file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import gcoord from 'gcoord';
import { z } from 'zod';
import type { Database, Queryable } from '../../db/client.ts';
import { REGION_LEVELS, type RegionLevel } from '../../db/schema.ts';

export const BEIJING_REGIONS_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'cities',
  'beijing',
  'regions.geojson',
);

export type Crs = 'WGS84' | 'GCJ02' | 'BD09';
type Position = [number, number];

export interface RegionProperties {
  level: RegionLevel;
  code: string;
  nameZh: string;
  nameEn?: string;
  parentCode?: string | null;
  population?: number | null;
  synthetic?: boolean;
}

export interface RegionFeature {
  type: 'Feature';
  properties: RegionProperties;
  geometry: { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };
}

export interface ImportOptions {
  /** The CRS the file's coordinates are in; everything stored is WGS-84. */
  crs: Crs;
  /** Delete every region first (a new city); otherwise upsert by code. */
  replace?: boolean;
  /** Fix invalid polygons with ST_MakeValid (reported); otherwise they are errors. */
  repair?: boolean;
  /** Siblings may overlap by this fraction of the smaller one (default 0.001) — border noise, not a shared area. */
  overlapTolerance?: number;
  /** Provenance note kept in meta('regions.import'), e.g. a file name. */
  source?: string;
}

export type ImportErrorKind =
  | 'not_feature_collection'
  | 'invalid_properties'
  | 'unsupported_geometry'
  | 'bad_coordinates'
  | 'duplicate_code'
  | 'unknown_parent'
  | 'wrong_parent_level'
  | 'invalid_geometry'
  | 'unrepairable_geometry'
  | 'overlapping_siblings';

export interface ImportError {
  /** Position of the feature in `features`; null for file-level problems. */
  index: number | null;
  code: string | null;
  kind: ImportErrorKind;
  message: string;
}

export interface ImportRepair {
  index: number;
  code: string;
  /** ST_IsValidReason before the repair. */
  reason: string;
  /** What ST_MakeValid left, e.g. "ST_MakeValid: 2 polygons, 0.51 km²". */
  result: string;
}

/** A coverage problem worth knowing that does not stop the import (gaps between published polygons). */
export interface ImportWarning {
  code: string;
  kind: 'gap' | 'outside_parent';
  km2: number;
  message: string;
}

export interface ImportReport {
  ok: boolean;
  crs: Crs;
  errors: ImportError[];
  repairs: ImportRepair[];
  warnings: ImportWarning[];
  /** Regions written per level (all zero when !ok). */
  counts: Record<RegionLevel, number>;
  regionParts: number;
}

/** Which level a parent must have, per child level. */
const PARENT_LEVELS: Record<RegionLevel, readonly RegionLevel[]> = {
  district: [],
  street: ['district'],
  community: ['street'],
  grid: ['street', 'community'],
};

const propertiesSchema = z.object({
  level: z.enum(REGION_LEVELS),
  code: z.string().trim().min(1).max(64),
  nameZh: z.string().trim().min(1),
  nameEn: z.string().trim().min(1).optional(),
  parentCode: z.string().trim().min(1).nullish(),
  population: z.number().int().nonnegative().nullish(),
  synthetic: z.boolean().optional(),
});

const featureSchema = z.object({
  type: z.literal('Feature'),
  properties: z.record(z.string(), z.unknown()),
  geometry: z.object({ type: z.string(), coordinates: z.unknown() }).nullable(),
});

const collectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });

interface Staged {
  i: number;
  level: RegionLevel;
  code: string;
  nameZh: string;
  nameEn: string;
  parentCode: string | null;
  population: number | null;
  synthetic: boolean;
  /** GeoJSON text, WGS-84. */
  g: string;
}

const emptyCounts = (): Record<RegionLevel, number> => ({ district: 0, street: 0, community: 0, grid: 0 });

/** Checks one polygon's rings; returns a problem or null. Rings must be closed, ≥ 4 positions, finite and in range. */
function ringProblem(poly: unknown, where: string): string | null {
  if (!Array.isArray(poly) || poly.length === 0) return `${where}: expected an array of rings`;
  for (let r = 0; r < poly.length; r++) {
    const ring = poly[r] as unknown;
    if (!Array.isArray(ring)) return `${where}, ring ${r}: expected an array of positions`;
    for (let k = 0; k < ring.length; k++) {
      const p = ring[k] as unknown;
      if (!Array.isArray(p) || p.length < 2) return `${where}, ring ${r}, position ${k}: expected [lon, lat]`;
      const [lon, lat] = p as unknown[];
      if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180)
        return `${where}, ring ${r}, position ${k}: longitude ${String(lon)} is not a number in [-180, 180]`;
      if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90)
        return `${where}, ring ${r}, position ${k}: latitude ${String(lat)} is not a number in [-90, 90]`;
    }
    if (ring.length < 4) return `${where}, ring ${r}: ${ring.length} positions, a ring needs at least 4`;
    const [a, b] = [ring[0] as number[], ring[ring.length - 1] as number[]];
    if (a[0] !== b[0] || a[1] !== b[1]) return `${where}, ring ${r}: not closed (first and last positions differ)`;
  }
  return null;
}

export function toWgs84(coords: unknown, crs: Crs): unknown {
  if (crs === 'WGS84') return coords;
  const walk = (c: unknown): unknown =>
    typeof (c as unknown[])[0] === 'number'
      ? (gcoord.transform([(c as number[])[0], (c as number[])[1]], gcoord[crs], gcoord.WGS84) as Position)
      : (c as unknown[]).map(walk);
  return walk(coords);
}

/**
 * Structural checks in TypeScript: shape, properties, coordinates, duplicate codes, CRS conversion.
 * Also returns the level of every feature whose properties parse, so a child of a feature with a
 * broken geometry is not misreported as an orphan.
 */
function stage(fc: unknown, crs: Crs, errors: ImportError[]): { staged: Staged[]; levels: Map<string, RegionLevel> } {
  const staged: Staged[] = [];
  const levels = new Map<string, RegionLevel>();
  const top = collectionSchema.safeParse(fc);
  if (!top.success) {
    errors.push({
      index: null,
      code: null,
      kind: 'not_feature_collection',
      message: 'expected a GeoJSON FeatureCollection with a features array',
    });
    return { staged, levels };
  }
  const firstIndex = new Map<string, number>();
  top.data.features.forEach((raw, i) => {
    const f = featureSchema.safeParse(raw);
    const rawCode = (raw as { properties?: { code?: unknown } } | null)?.properties?.code;
    const code = typeof rawCode === 'string' ? rawCode : null;
    const err = (kind: ImportErrorKind, message: string) => errors.push({ index: i, code, kind, message });
    if (!f.success)
      return err('invalid_properties', `not a GeoJSON Feature: ${z.prettifyError(f.error).replace(/\n/g, '; ')}`);
    const p = propertiesSchema.safeParse(f.data.properties);
    if (!p.success) return err('invalid_properties', z.prettifyError(p.error).replace(/\n/g, '; '));
    const props = p.data;
    if (!levels.has(props.code)) levels.set(props.code, props.level);
    const geom = f.data.geometry;
    if (!geom || (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon'))
      return err('unsupported_geometry', `geometry type ${geom?.type ?? 'null'} is not Polygon or MultiPolygon`);
    const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
    if (!Array.isArray(polys) || polys.length === 0) return err('bad_coordinates', 'no polygons');
    for (let k = 0; k < polys.length; k++) {
      const problem = ringProblem(polys[k], geom.type === 'Polygon' ? 'polygon' : `polygon ${k}`);
      if (problem) return err('bad_coordinates', problem);
    }
    const seen = firstIndex.get(props.code);
    if (seen !== undefined) return err('duplicate_code', `code ${props.code} is already used by feature ${seen}`);
    firstIndex.set(props.code, i);
    staged.push({
      i,
      level: props.level,
      code: props.code,
      nameZh: props.nameZh,
      nameEn: props.nameEn ?? props.nameZh,
      parentCode: props.parentCode ?? null,
      population: props.population ?? null,
      synthetic: props.synthetic ?? false,
      g: JSON.stringify({ type: geom.type, coordinates: toWgs84(geom.coordinates, crs) }),
    });
  });
  return { staged, levels };
}

/** Parents must exist (in the file, or already stored when not replacing) and sit one level up. */
async function checkParents(
  tx: Queryable,
  staged: Staged[],
  levels: Map<string, RegionLevel>,
  replace: boolean,
  errors: ImportError[],
) {
  const missing = [...new Set(staged.map((s) => s.parentCode).filter((c): c is string => !!c && !levels.has(c)))];
  if (!replace && missing.length > 0) {
    for (const r of await tx.query<{ code: string; level: RegionLevel }>(
      `SELECT code, level FROM regions WHERE code = ANY($1::text[])`,
      [missing],
    ))
      levels.set(r.code, r.level);
  }
  for (const s of staged) {
    const allowed = PARENT_LEVELS[s.level];
    const err = (kind: ImportErrorKind, message: string) => errors.push({ index: s.i, code: s.code, kind, message });
    if (allowed.length === 0) {
      if (s.parentCode) err('wrong_parent_level', `a district has no parent region, but parentCode is ${s.parentCode}`);
      continue;
    }
    if (!s.parentCode) {
      err('unknown_parent', `a ${s.level} needs a parentCode (a ${allowed.join(' or ')})`);
      continue;
    }
    const parentLevel = levels.get(s.parentCode);
    if (!parentLevel) err('unknown_parent', `parent ${s.parentCode} is neither in the file nor stored`);
    else if (!allowed.includes(parentLevel))
      err(
        'wrong_parent_level',
        `a ${s.level}'s parent must be a ${allowed.join(' or ')}, but ${s.parentCode} is a ${parentLevel}`,
      );
  }
}

/** Validity (and repair), then sibling overlaps, in SQL on a temporary staging table. */
async function checkGeometry(
  tx: Queryable,
  staged: Staged[],
  opts: ImportOptions,
  errors: ImportError[],
  repairs: ImportRepair[],
) {
  await tx.query(`CREATE TEMP TABLE region_import (
      i int, level text, code text, name_zh text, name_en text, parent_code text,
      population int, synthetic boolean, geom geometry, problem text) ON COMMIT DROP`);
  // Before any UPDATE: an index built over HOT-updated rows is invisible to its own transaction (indcheckxmin).
  await tx.query(`CREATE INDEX ON region_import USING gist (geom)`);
  await tx.query(
    `INSERT INTO region_import (i, level, code, name_zh, name_en, parent_code, population, synthetic, geom)
     SELECT (e->>'i')::int, e->>'level', e->>'code', e->>'nameZh', e->>'nameEn', e->>'parentCode',
            (e->>'population')::int, (e->>'synthetic')::boolean, ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(e->>'g')), 4326)
     FROM json_array_elements($1::json) e`,
    [JSON.stringify(staged)],
  );
  await tx.query(`UPDATE region_import SET problem = ST_IsValidReason(geom) WHERE NOT ST_IsValid(geom)`);
  if (opts.repair) {
    const fixed = await tx.query<{ i: number; code: string; problem: string; n: number; km2: number; ok: boolean }>(`
      WITH f AS (SELECT i, ST_CollectionExtract(ST_MakeValid(geom), 3) g FROM region_import WHERE problem IS NOT NULL)
      UPDATE region_import r SET geom = CASE WHEN ST_IsEmpty(f.g) THEN r.geom ELSE f.g END
      FROM f WHERE f.i = r.i
      RETURNING r.i, r.code, r.problem, ST_NumGeometries(f.g) n, ST_Area(f.g::geography)/1e6 km2,
                NOT ST_IsEmpty(f.g) AND ST_IsValid(f.g) ok`);
    for (const f of fixed.sort((a, b) => a.i - b.i)) {
      if (f.ok)
        repairs.push({
          index: f.i,
          code: f.code,
          reason: f.problem,
          result: `ST_MakeValid: ${f.n} polygon(s), ${f.km2.toFixed(4)} km²`,
        });
      else
        errors.push({
          index: f.i,
          code: f.code,
          kind: 'unrepairable_geometry',
          message: `${f.problem}; ST_MakeValid left no valid polygon`,
        });
    }
    await tx.query(`UPDATE region_import SET problem = NULL WHERE i = ANY($1::int[])`, [repairs.map((r) => r.index)]);
  } else {
    for (const r of await tx.query<{ i: number; code: string; problem: string }>(
      `SELECT i, code, problem FROM region_import WHERE problem IS NOT NULL ORDER BY i`,
    ))
      errors.push({ index: r.i, code: r.code, kind: 'invalid_geometry', message: r.problem });
  }
  await tx.query(`UPDATE region_import SET geom = ST_Multi(geom) WHERE problem IS NULL`);
  await tx.query(`ANALYZE region_import`);
  // Same level: staged against staged, and against stored regions this import keeps. Interiors
  // must meet in an area ('2********') — touching along a shared border is how a tiling looks.
  const pair = (b: string, bIndex: string, where: string) => `
    SELECT a.i, a.code, b.code other, ${bIndex} oi, ST_Intersection(a.geom, b.geom) x, least(ST_Area(a.geom), ST_Area(b.geom)) small
    FROM region_import a JOIN ${b} b ON b.level = a.level AND b.geom && a.geom AND ${where}
    WHERE a.problem IS NULL AND ST_Relate(a.geom, b.geom, '2********')`;
  const pairs = [pair('region_import', 'b.i', 'a.i < b.i AND b.problem IS NULL')];
  if (!opts.replace)
    pairs.push(pair('regions', 'NULL::int', 'NOT EXISTS (SELECT 1 FROM region_import s WHERE s.code = b.code)'));
  const overlaps = await tx.query<{
    i: number;
    code: string;
    other: string;
    oi: number | null;
    km2: number;
    pct: number;
  }>(
    `SELECT i, code, other, oi, ST_Area(x::geography)/1e6 km2, 100 * ST_Area(x) / small pct
     FROM (${pairs.join(' UNION ALL ')}) p WHERE ST_Area(x) > $1 * small ORDER BY i, other`,
    [opts.overlapTolerance ?? 0.001],
  );
  for (const o of overlaps)
    errors.push({
      index: o.i,
      code: o.code,
      kind: 'overlapping_siblings',
      message: `overlaps ${o.other}${o.oi === null ? ' (stored)' : ` (feature ${o.oi})`} by ${o.km2.toFixed(4)} km², ${o.pct.toFixed(2)}% of the smaller`,
    });
}

/** Imports regions; returns a report. When report.ok is false nothing was written. */
export async function importRegions(db: Database, fc: unknown, opts: ImportOptions): Promise<ImportReport> {
  try {
    return await db.transaction((tx) => importRegionsIn(tx, fc, opts));
  } catch (e) {
    if (e instanceof Rejected) return e.report;
    throw e;
  }
}

/** Thrown out of importRegionsIn so the caller's transaction rolls back; carries the report. */
export class Rejected extends Error {
  constructor(readonly report: ImportReport) {
    super('import rejected');
  }
}

/**
 * The import inside a caller's transaction (a city package imports regions, taxonomy and policy
 * in one). Throws Rejected (with the report) when anything is wrong, so the transaction rolls back.
 */
export async function importRegionsIn(tx: Queryable, fc: unknown, opts: ImportOptions): Promise<ImportReport> {
  const errors: ImportError[] = [];
  const repairs: ImportRepair[] = [];
  const fail = (): ImportReport => ({
    ok: false,
    crs: opts.crs,
    errors: errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1)),
    repairs,
    warnings: [],
    counts: emptyCounts(),
    regionParts: 0,
  });
  if (!['WGS84', 'GCJ02', 'BD09'].includes(opts.crs)) throw new Error(`unknown CRS ${String(opts.crs)}`);
  const { staged, levels } = stage(fc, opts.crs, errors);
  if (staged.length === 0 && errors.length === 0)
    errors.push({ index: null, code: null, kind: 'not_feature_collection', message: 'the collection has no features' });
  if (errors.some((e) => e.index === null)) throw new Rejected(fail());
  await checkParents(tx, staged, levels, opts.replace ?? false, errors);
  await checkGeometry(tx, staged, opts, errors, repairs);
  if (errors.length > 0) throw new Rejected(fail());
  const warnings = await coverageGaps(tx);
  if (opts.replace) {
    await tx.query(`DELETE FROM region_parts`);
    await tx.query(`DELETE FROM regions`);
  } else await tx.query(`DELETE FROM region_parts WHERE region_code IN (SELECT code FROM region_import)`);
  const written = await tx.query<{ level: RegionLevel; n: number }>(`
    WITH up AS (
      INSERT INTO regions (level, code, name_zh, name_en, parent_code, population, synthetic, area_km2, geom, label_point)
      SELECT level, code, name_zh, name_en, parent_code, population, synthetic,
             ST_Area(geom::geography) / 1e6, geom, ST_PointOnSurface(geom)
      FROM region_import ORDER BY i
      ON CONFLICT (code) DO UPDATE SET level = EXCLUDED.level, name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en,
        parent_code = EXCLUDED.parent_code, population = EXCLUDED.population, synthetic = EXCLUDED.synthetic,
        area_km2 = EXCLUDED.area_km2, geom = EXCLUDED.geom, label_point = EXCLUDED.label_point
      RETURNING level)
    SELECT level, count(*)::int n FROM up GROUP BY level`);
  // Small pieces keep point-in-polygon at intake to a few dozen vertices per candidate.
  const parts = await tx.query<{ n: number }>(`
    WITH ins AS (
      INSERT INTO region_parts (region_code, level, geom)
      SELECT r.code, r.level, d.geom
      FROM region_import r, ST_Subdivide(r.geom, 64) s, ST_Dump(s) d
      WHERE ST_GeometryType(d.geom) = 'ST_Polygon'
      ORDER BY r.i
      RETURNING 1)
    SELECT count(*)::int n FROM ins`);
  const counts = emptyCounts();
  for (const w of written) counts[w.level] = w.n;
  const report: ImportReport = {
    ok: true,
    crs: opts.crs,
    errors: [],
    repairs,
    warnings,
    counts,
    regionParts: parts[0].n,
  };
  await tx.query(
    `INSERT INTO meta (key, value, updated_at) VALUES ('regions.import', $1::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [JSON.stringify({ source: opts.source ?? null, crs: opts.crs, replace: !!opts.replace, counts, repairs })],
  );
  await tx.query('DROP TABLE region_import');
  return report;
}

/**
 * Gaps in the coverage a published file leaves: the part of each parent its children do not
 * cover, and the part of each child outside its parent. Reported, not refused: published
 * boundaries often have slivers, and locating tolerates them (hotline_locate's tolerance).
 */
async function coverageGaps(tx: Queryable): Promise<ImportWarning[]> {
  const rows = await tx.query<{
    code: string;
    level: RegionLevel;
    kind: 'gap' | 'outside_parent';
    km2: number;
    pct: number;
  }>(`
    WITH kids AS (
      SELECT parent_code, ST_Union(geom) g FROM region_import
      WHERE level = 'street' AND problem IS NULL GROUP BY parent_code),
    gaps AS (
      SELECT p.code, p.level, 'gap' kind, ST_Area(ST_Difference(p.geom, k.g)::geography) / 1e6 km2, ST_Area(p.geom::geography) / 1e6 whole
      FROM region_import p JOIN kids k ON k.parent_code = p.code),
    outside AS (
      SELECT c.code, c.level, 'outside_parent' kind, ST_Area(ST_Difference(c.geom, p.geom)::geography) / 1e6 km2, ST_Area(c.geom::geography) / 1e6 whole
      FROM region_import c JOIN region_import p ON p.code = c.parent_code WHERE c.level = 'street')
    SELECT code, level, kind, km2, 100 * km2 / greatest(whole, 1e-12) pct FROM (SELECT * FROM gaps UNION ALL SELECT * FROM outside) x
    WHERE km2 > 0.0001 ORDER BY km2 DESC`);
  return rows.map((r) => ({
    code: r.code,
    kind: r.kind,
    km2: Number(r.km2.toFixed(4)),
    message:
      r.kind === 'gap'
        ? `${r.level} ${r.code}: ${r.km2.toFixed(4)} km² (${r.pct.toFixed(2)}%) covered by none of its streets`
        : `street ${r.code}: ${r.km2.toFixed(4)} km² (${r.pct.toFixed(2)}%) outside its parent`,
  }));
}

/**
 * Loads the bundled Beijing demo geography (WGS-84). Returns null without touching anything when
 * the last import came from the same file bytes and every region is still there, so a server
 * restart on a persistent database is instant; `force` imports regardless.
 */
export async function loadBeijing(db: Database, opts: { force?: boolean } = {}): Promise<ImportReport | null> {
  const text = fs.readFileSync(BEIJING_REGIONS_FILE, 'utf8');
  const source = `data/cities/beijing/regions.geojson sha256:${crypto.createHash('sha256').update(text).digest('hex')}`;
  if (!opts.force) {
    const [prev] = await db.query<{ source: string | null; stored: number; imported: number }>(`
      SELECT m.value->>'source' source, (SELECT count(*) FROM regions)::int stored,
             (SELECT sum(v::int) FROM jsonb_each_text(m.value->'counts') c(k, v))::int imported
      FROM meta m WHERE m.key = 'regions.import'`);
    if (prev?.source === source && prev.stored === prev.imported) return null;
  }
  const report = await importRegions(db, JSON.parse(text), { crs: 'WGS84', replace: true, source });
  if (!report.ok)
    throw new Error(`beijing.regions.geojson failed to import: ${JSON.stringify(report.errors.slice(0, 5))}`);
  return report;
}
