// Reading a city package folder: the manifest, its boundary files turned into the importer's
// region features (WGS-84), the taxonomy, the policy, optional zones and population. Pure file
// work and validation: every problem names its file, feature and property. Nothing is written.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RegionLevel } from '../../db/schema.ts';
import { REGION_LEVELS } from '../../db/schema.ts';
import { toWgs84, type Crs, type RegionFeature } from '../geo/importer.ts';
import { policySchema, type PolicyInput } from '../policy/index.ts';
import { taxonomySchema, type Taxonomy } from '../taxonomy/schema.ts';
import { manifestSchema, type BoundaryFile, type CityManifest, type PropertyRef } from './manifest.ts';

export interface CityProblem {
  /** File inside the package ('city.json', 'boroughs.geojson', …). */
  file: string;
  /** Index of the feature (or CSV line) the problem is in; null for the file as a whole. */
  feature: number | null;
  /** The property, column or manifest path at fault; null when none applies. */
  property: string | null;
  message: string;
}

export interface CityPackage {
  dir: string;
  manifest: CityManifest;
  /** Every boundary file's features as the region importer takes them, already in WGS-84. */
  regions: { type: 'FeatureCollection'; features: RegionFeature[] };
  /** Which file and feature each region came from, by code (to report geometry problems where they are). */
  origins: Map<string, { file: string; feature: number }>;
  taxonomy: Taxonomy;
  policy: PolicyInput;
  zones: { fc: unknown; crs: Crs } | null;
  /** SHA-256 over the package's files, so a start can tell an unchanged package. */
  sha256: string;
}

const issueText = (e: z.ZodError) => e.issues.map((i) => ({ path: i.path.join('.') || null, message: i.message }));

function readJson(dir: string, file: string, problems: CityProblem[]): unknown {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) {
    problems.push({ file, feature: null, property: null, message: 'file not found in the package' });
    return undefined;
  }
  try {
    return JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (e) {
    problems.push({ file, feature: null, property: null, message: `not valid JSON: ${(e as Error).message}` });
    return undefined;
  }
}

/** The text a property reference yields for one feature, or a problem naming the missing property. */
export function resolveRef(
  props: Record<string, unknown>,
  ref: PropertyRef,
): { value: string | null; missing: string | null } {
  const from = typeof ref === 'string' ? ref : ref.from;
  let value: string;
  if (from.includes('{')) {
    let missing: string | null = null;
    value = from.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const v = props[name];
      if (v === undefined || v === null || v === '') missing ??= name;
      return v === undefined || v === null ? '' : String(v);
    });
    if (missing) return { value: null, missing };
  } else {
    const v = props[from];
    if (v === undefined || v === null || String(v).trim() === '') return { value: null, missing: from };
    value = String(v).trim();
  }
  if (typeof ref !== 'string' && ref.slice) value = value.slice(ref.slice[0], ref.slice[1]);
  return { value: value.trim() || null, missing: value.trim() ? null : from };
}

function toFeatures(
  dir: string,
  b: BoundaryFile,
  crs: Crs,
  problems: CityProblem[],
  origins: CityPackage['origins'],
): RegionFeature[] {
  const fc = readJson(dir, b.file, problems) as { type?: unknown; features?: unknown } | undefined;
  if (fc === undefined) return [];
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    problems.push({
      file: b.file,
      feature: null,
      property: null,
      message: 'expected a GeoJSON FeatureCollection with a features array',
    });
    return [];
  }
  const out: RegionFeature[] = [];
  fc.features.forEach((raw: unknown, i: number) => {
    const f = raw as {
      properties?: Record<string, unknown> | null;
      geometry?: { type?: string; coordinates?: unknown } | null;
    };
    const props = f?.properties ?? {};
    const problem = (property: string | null, message: string) =>
      problems.push({ file: b.file, feature: i, property, message });
    let level: RegionLevel | undefined = b.level;
    if (b.levelProperty) {
      const v = props[b.levelProperty];
      if (!REGION_LEVELS.includes(v as RegionLevel))
        return problem(b.levelProperty, `level '${String(v)}' is not one of ${REGION_LEVELS.join(', ')}`);
      level = v as RegionLevel;
    }
    const get = (key: keyof BoundaryFile['properties'], required: boolean): string | null => {
      const ref = b.properties[key];
      if (ref === undefined) return null;
      const { value, missing } = resolveRef(props, ref);
      if (value === null && required)
        problem(missing, `no value for ${key} (property '${missing}' is missing or empty)`);
      return value;
    };
    const code = get('code', true);
    const name = get('name', true);
    if (code === null || name === null) return;
    const parent = b.properties.parent === undefined ? null : get('parent', level !== 'district');
    if (level !== 'district' && parent === null) {
      if (b.properties.parent === undefined)
        problem(null, `a ${level} needs a parent: map properties.parent in city.json`);
      return;
    }
    const popText = get('population', false);
    const population = popText === null ? null : Number(popText);
    if (population !== null && !(Number.isInteger(population) && population >= 0))
      return problem(String(b.properties.population), `population '${popText}' is not a whole number`);
    const synText = get('synthetic', false);
    const geometry = f?.geometry;
    if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon'))
      return problem('geometry', `geometry type ${geometry?.type ?? 'null'} is not Polygon or MultiPolygon`);
    let coordinates: unknown;
    try {
      coordinates = toWgs84(geometry.coordinates, crs);
    } catch {
      return problem('geometry', 'coordinates are not arrays of [lon, lat] positions');
    }
    origins.set(code, { file: b.file, feature: i });
    out.push({
      type: 'Feature',
      properties: {
        level: level!,
        code,
        nameZh: name,
        nameEn: get('nameEn', false) ?? name,
        parentCode: level === 'district' ? null : parent,
        population,
        synthetic: synText === null ? b.synthetic : synText === 'true',
      },
      geometry: { type: geometry.type, coordinates } as RegionFeature['geometry'],
    });
  });
  return out;
}

/** Population per region code from the package's CSV (header row; plain comma-separated values). */
function readPopulation(
  dir: string,
  spec: NonNullable<CityManifest['population']>,
  problems: CityProblem[],
): Map<string, number> {
  const out = new Map<string, number>();
  const full = path.join(dir, spec.file);
  if (!fs.existsSync(full)) {
    problems.push({ file: spec.file, feature: null, property: null, message: 'file not found in the package' });
    return out;
  }
  const lines = fs
    .readFileSync(full, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim()) ?? [];
  const ci = header.indexOf(spec.code);
  const pi = header.indexOf(spec.population);
  if (ci < 0 || pi < 0) {
    problems.push({
      file: spec.file,
      feature: null,
      property: ci < 0 ? spec.code : spec.population,
      message: `column not in the header (${header.join(', ')})`,
    });
    return out;
  }
  lines.slice(1).forEach((line, k) => {
    const cells = line.split(',');
    const n = Number(cells[pi]?.trim());
    if (!Number.isInteger(n) || n < 0)
      problems.push({
        file: spec.file,
        feature: k + 2,
        property: spec.population,
        message: `'${cells[pi]}' is not a whole number`,
      });
    else out.set(cells[ci]!.trim(), n);
  });
  return out;
}

function digest(dir: string, files: string[]): string {
  const h = crypto.createHash('sha256');
  for (const f of [...new Set(files)].sort()) {
    const full = path.join(dir, f);
    h.update(f).update('\0');
    if (fs.existsSync(full)) h.update(fs.readFileSync(full));
  }
  return h.digest('hex');
}

/** Reads and checks a package folder. `pkg` is null when any problem stops it being imported. */
export function readCityPackage(dir: string): { pkg: CityPackage | null; problems: CityProblem[] } {
  const problems: CityProblem[] = [];
  const raw = readJson(dir, 'city.json', problems);
  if (raw === undefined) return { pkg: null, problems };
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    for (const i of issueText(parsed.error))
      problems.push({ file: 'city.json', feature: null, property: i.path, message: i.message });
    return { pkg: null, problems };
  }
  const manifest = parsed.data;
  const origins: CityPackage['origins'] = new Map();
  const features = manifest.boundaries.flatMap((b) => toFeatures(dir, b, b.crs ?? manifest.crs, problems, origins));
  const levels = new Set(manifest.levels.map((l) => l.level));
  const seen = new Map<string, { file: string; feature: number }>();
  for (const f of features) {
    const at = origins.get(f.properties.code)!;
    if (!levels.has(f.properties.level))
      problems.push({
        file: at.file,
        feature: at.feature,
        property: 'level',
        message: `level '${f.properties.level}' is not among the city's levels in city.json`,
      });
    const first = seen.get(f.properties.code);
    if (first && first !== at)
      problems.push({
        file: at.file,
        feature: at.feature,
        property: 'code',
        message: `code ${f.properties.code} is also used by ${first.file} feature ${first.feature}`,
      });
    seen.set(f.properties.code, at);
  }
  const byCode = new Map(features.map((f) => [f.properties.code, f]));
  for (const f of features) {
    const p = f.properties.parentCode;
    if (p && !byCode.has(p)) {
      const at = origins.get(f.properties.code)!;
      problems.push({
        file: at.file,
        feature: at.feature,
        property: 'parent',
        message: `parent ${p} is not a region of this package`,
      });
    }
  }
  for (const level of levels)
    if (level !== 'grid' && !features.some((f) => f.properties.level === level))
      problems.push({
        file: 'city.json',
        feature: null,
        property: 'levels',
        message: `no boundary file gives any ${level}`,
      });
  if (manifest.population) {
    const pop = readPopulation(dir, manifest.population, problems);
    for (const [code, n] of pop) {
      const f = byCode.get(code);
      if (!f)
        problems.push({
          file: manifest.population.file,
          feature: null,
          property: manifest.population.code,
          message: `region ${code} is not in the boundaries`,
        });
      else f.properties.population = n;
    }
  }

  const taxRaw = readJson(dir, manifest.taxonomy, problems);
  const tax = taxRaw === undefined ? null : taxonomySchema.safeParse(taxRaw);
  if (tax && !tax.success)
    for (const i of issueText(tax.error))
      problems.push({ file: manifest.taxonomy, feature: null, property: i.path, message: i.message });
  if (tax?.success) {
    // Open311 service definitions are for request types the taxonomy has.
    const codes = new Set(tax.data.categories.map((c) => c.code));
    for (const service of Object.keys(manifest.open311?.attributes ?? {}))
      if (!codes.has(service))
        problems.push({
          file: 'city.json',
          feature: null,
          property: `open311.attributes.${service}`,
          message: `${service} is not a category of ${manifest.taxonomy}`,
        });
  }

  let policy: PolicyInput = {};
  if (manifest.policy) {
    const polRaw = readJson(dir, manifest.policy, problems);
    if (polRaw !== undefined) {
      if (polRaw && typeof polRaw === 'object' && 'timeZone' in polRaw)
        problems.push({
          file: manifest.policy,
          feature: null,
          property: 'timeZone',
          message: "the zone is the city's (city.json timeZone), not the policy's",
        });
      const pol = policySchema.safeParse({ ...(polRaw as object), timeZone: manifest.timeZone });
      if (!pol.success)
        for (const i of issueText(pol.error))
          problems.push({ file: manifest.policy, feature: null, property: i.path, message: i.message });
      else policy = polRaw as PolicyInput;
    }
  }
  const zones = manifest.zones
    ? { fc: readJson(dir, manifest.zones.file, problems), crs: manifest.zones.crs ?? manifest.crs }
    : null;

  const files = ['city.json', manifest.taxonomy, ...manifest.boundaries.map((b) => b.file)];
  if (manifest.policy) files.push(manifest.policy);
  if (manifest.zones) files.push(manifest.zones.file);
  if (manifest.population) files.push(manifest.population.file);
  if (problems.length > 0 || !tax?.success) return { pkg: null, problems };
  return {
    pkg: {
      dir,
      manifest,
      regions: { type: 'FeatureCollection', features },
      origins,
      taxonomy: tax.data,
      policy,
      zones,
      sha256: digest(dir, files),
    },
    problems,
  };
}
