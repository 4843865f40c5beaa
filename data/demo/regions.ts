// The region model the generator samples from: streets (街乡镇, or whatever a city's dispatch unit
// is: a community district) with their shapes and a relative demand weight. Built from the regions
// table, or by hand in tests; the generator never queries.
import type { Queryable } from '../../db/client.ts';
import { bboxOf, ShapeIndex, type BBox, type MultiPolygon, type Position } from './geometry.ts';

export interface RegionRow {
  level: 'district' | 'street';
  code: string;
  nameZh: string;
  nameEn?: string | null;
  parentCode: string | null;
  population: number | null;
  /** GeoJSON MultiPolygon coordinates (streets only; districts need none). */
  geometry: MultiPolygon | null;
  labelPoint: Position | null;
}

export interface DistrictModel {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Residents; null when the city publishes none for it. */
  population: number | null;
}

export interface StreetModel {
  code: string;
  nameZh: string;
  nameEn: string;
  districtCode: string;
  districtNameZh: string;
  districtNameEn: string;
  geometry: MultiPolygon;
  bbox: BBox;
  labelPoint: Position;
  areaKm2: number;
  /** Distance of the centroid from the city core, km. */
  coreKm: number;
  /** Relative demand: the street's share of the district's residents times a per-capita urban uplift. */
  weight: number;
}

export interface RegionModelOptions {
  /** [lon, lat] of the city core; default: the population-weighted centroid of the districts, else the centre of the map. */
  core?: Position | null;
  /** Demand multipliers by street or district code (a profile's regionWeights). */
  regionWeights?: Readonly<Record<string, number>>;
}

export interface RegionModel {
  districts: DistrictModel[];
  /** Sorted by code, so "first match" in the index is the lowest code, as in hotline_locate(). */
  streets: StreetModel[];
  streetsByDistrict: Map<string, number[]>;
  index: ShapeIndex;
  bbox: BBox;
  /** The point distance is measured from ("how urban" a street is). */
  core: Position;
  regionWeights: Readonly<Record<string, number>>;
  /** What it was built from, so a demo profile can rebuild it around another core. */
  rows: readonly RegionRow[];
}

const KM_PER_DEG = 111.32;
/** Residents assumed for a district without a population, when no district has one. */
const DEFAULT_DISTRICT_POPULATION = 500_000;

function kmBetween([x, y]: Position, core: Position): number {
  return Math.hypot((x - core[0]) * KM_PER_DEG * Math.cos((core[1] * Math.PI) / 180), (y - core[1]) * KM_PER_DEG);
}

/**
 * Area (km²) and area-weighted centroid of a shape, computed here rather than read from the table
 * (area_km2, label_point): those come from GEOS/PROJ, whose last bits differ between PostGIS
 * versions, and a flipped bit in a weight would send the same seed down a different path.
 */
function measure(mp: MultiPolygon): { areaKm2: number; centroid: Position } {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (const poly of mp)
    poly.forEach((ring, k) => {
      let a = 0;
      let rx = 0;
      let ry = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
        a += cross;
        rx += (ring[j][0] + ring[i][0]) * cross;
        ry += (ring[j][1] + ring[i][1]) * cross;
      }
      if (a === 0) return;
      // Winding is not trusted: the first ring of a polygon adds, the others (holes) subtract.
      const w = (k === 0 ? 1 : -1) * Math.abs(a / 2);
      area += w;
      cx += w * (rx / (3 * a));
      cy += w * (ry / (3 * a));
    });
  const bbox = bboxOf(mp);
  const centroid: Position = area > 0 ? [cx / area, cy / area] : [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
  const lat = (bbox[1] + bbox[3]) / 2;
  return { areaKm2: Math.max(0, area) * KM_PER_DEG * KM_PER_DEG * Math.cos((lat * Math.PI) / 180), centroid };
}

/**
 * Demand weights. Without street populations, residents are spread over a district's streets by
 * area^0.3 damped with distance from the core: outer townships are large but thinly settled, so area
 * alone would pull demand to the mountains. A city that publishes no population at all (New York's
 * community districts) is one pool spread the same way over every street, so demand still thins out
 * away from the core and large outer areas do not get a whole district's share each. On top,
 * per-capita demand is up to 60% higher in the core, where dense old estates generate more
 * complaints per resident.
 */
export function streetWeights(
  streets: {
    population: number | null;
    areaKm2: number;
    coreKm: number;
    districtPop: number | null;
    districtCode: string;
  }[],
): number[] {
  const uplift = (km: number) => 1 + 0.6 * Math.exp(-km / 12);
  const settle = (s: { areaKm2: number; coreKm: number }) =>
    Math.pow(Math.max(s.areaKm2, 0.05), 0.3) / (1 + Math.pow(s.coreKm / 15, 1.5));
  const known = streets.filter((s) => s.districtPop !== null && s.districtPop > 0);
  const sums = new Map<string, number>();
  let all = 0;
  for (const s of streets) {
    sums.set(s.districtCode, (sums.get(s.districtCode) ?? 0) + settle(s));
    all += settle(s);
  }
  // Districts without a population take the mean of those with one; with none at all, one pool.
  const districts = new Map(known.map((s) => [s.districtCode, s.districtPop as number]));
  const meanPop =
    districts.size > 0
      ? [...districts.values()].reduce((a, b) => a + b, 0) / districts.size
      : DEFAULT_DISTRICT_POPULATION;
  const pool = DEFAULT_DISTRICT_POPULATION * Math.max(1, new Set(streets.map((s) => s.districtCode)).size);
  return streets.map((s) => {
    let residents: number;
    if (s.population && s.population > 0) residents = s.population;
    else if (districts.size === 0) residents = (pool * settle(s)) / all;
    else
      residents =
        ((s.districtPop && s.districtPop > 0 ? s.districtPop : meanPop) * settle(s)) / (sums.get(s.districtCode) ?? 1);
    return residents * uplift(s.coreKm);
  });
}

/** The population-weighted centroid of the districts (each at the area-weighted centroid of its streets); null without populations. */
function populationCentroid(
  districts: readonly DistrictModel[],
  streets: readonly { districtCode: string; areaKm2: number; centroid: Position }[],
): Position | null {
  let w = 0;
  let x = 0;
  let y = 0;
  for (const d of districts) {
    if (!d.population || d.population <= 0) continue;
    const own = streets.filter((s) => s.districtCode === d.code);
    const area = own.reduce((a, s) => a + s.areaKm2, 0);
    if (own.length === 0 || area <= 0) continue;
    const cx = own.reduce((a, s) => a + s.centroid[0] * s.areaKm2, 0) / area;
    const cy = own.reduce((a, s) => a + s.centroid[1] * s.areaKm2, 0) / area;
    w += d.population;
    x += d.population * cx;
    y += d.population * cy;
  }
  return w > 0 ? [x / w, y / w] : null;
}

export function buildRegionModel(rows: readonly RegionRow[], opts: RegionModelOptions = {}): RegionModel {
  const districts: DistrictModel[] = rows
    .filter((r) => r.level === 'district')
    .map((r) => ({
      code: r.code,
      nameZh: r.nameZh,
      nameEn: r.nameEn || r.nameZh,
      population: r.population && r.population > 0 ? r.population : null,
    }));
  const byCode = new Map(districts.map((d) => [d.code, d]));
  const measured = rows
    .filter((r) => r.level === 'street' && r.geometry && r.geometry.length > 0)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((r) => {
      const geometry = r.geometry as MultiPolygon;
      const { areaKm2, centroid } = measure(geometry);
      const district = byCode.get(r.parentCode ?? '');
      return {
        row: r,
        geometry,
        bbox: bboxOf(geometry),
        areaKm2,
        centroid,
        district,
        districtCode: district?.code ?? r.parentCode ?? '',
      };
    });
  if (measured.length === 0) throw new Error('no streets with geometry in regions: import the geography first');
  const bbox: BBox = [
    Math.min(...measured.map((s) => s.bbox[0])),
    Math.min(...measured.map((s) => s.bbox[1])),
    Math.max(...measured.map((s) => s.bbox[2])),
    Math.max(...measured.map((s) => s.bbox[3])),
  ];
  const core: Position = opts.core ??
    populationCentroid(districts, measured) ?? [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
  const regionWeights = opts.regionWeights ?? {};
  const raw = measured.map((s) => ({
    ...s,
    // Only a last resort for sampling a very thin shape; never feeds a weight.
    labelPoint: s.row.labelPoint ?? s.centroid,
    coreKm: kmBetween(s.centroid, core),
    districtNameZh: s.district?.nameZh ?? '',
    districtNameEn: s.district?.nameEn ?? '',
    districtPop: s.district ? s.district.population : null,
  }));
  const weights = streetWeights(raw.map((s) => ({ ...s, population: s.row.population })));
  const streets: StreetModel[] = raw.map((s, i) => ({
    code: s.row.code,
    nameZh: s.row.nameZh,
    nameEn: s.row.nameEn || s.row.nameZh,
    districtCode: s.districtCode,
    districtNameZh: s.districtNameZh,
    districtNameEn: s.districtNameEn,
    geometry: s.geometry,
    bbox: s.bbox,
    labelPoint: s.labelPoint,
    areaKm2: s.areaKm2,
    coreKm: s.coreKm,
    weight: weights[i] * (regionWeights[s.row.code] ?? 1) * (regionWeights[s.districtCode] ?? 1),
  }));
  const streetsByDistrict = new Map<string, number[]>();
  streets.forEach((s, i) => {
    const list = streetsByDistrict.get(s.districtCode);
    if (list) list.push(i);
    else streetsByDistrict.set(s.districtCode, [i]);
  });
  return { districts, streets, streetsByDistrict, index: new ShapeIndex(streets), bbox, core, regionWeights, rows };
}

/** The same model around another core or with other region weights (a demo profile's); itself when nothing changes. */
export function withDemoGeography(model: RegionModel, opts: RegionModelOptions): RegionModel {
  const core = opts.core ?? model.core;
  const rw = opts.regionWeights ?? {};
  const same =
    core[0] === model.core[0] &&
    core[1] === model.core[1] &&
    JSON.stringify(rw) === JSON.stringify(model.regionWeights);
  return same ? model : buildRegionModel(model.rows, { core, regionWeights: rw });
}

/** Read districts and streets (with shapes as GeoJSON) from the regions table. */
export async function loadRegionModel(db: Queryable, opts: RegionModelOptions = {}): Promise<RegionModel> {
  const rows = await db.query<{
    level: 'district' | 'street';
    code: string;
    name_zh: string;
    name_en: string | null;
    parent_code: string | null;
    population: number | null;
    geojson: string | null;
    lx: number | null;
    ly: number | null;
  }>(
    `SELECT level, code, name_zh, name_en, parent_code, population,
            CASE WHEN level = 'street' THEN ST_AsGeoJSON(geom, 7) END AS geojson,
            CASE WHEN level = 'street' THEN ST_X(COALESCE(label_point, ST_PointOnSurface(geom))) END AS lx,
            CASE WHEN level = 'street' THEN ST_Y(COALESCE(label_point, ST_PointOnSurface(geom))) END AS ly
       FROM regions WHERE level IN ('district', 'street') ORDER BY level, code`,
  );
  return buildRegionModel(
    rows.map((r) => ({
      level: r.level,
      code: r.code,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      parentCode: r.parent_code,
      population: r.population === null ? null : Number(r.population),
      geometry: r.geojson ? toMultiPolygon(JSON.parse(r.geojson)) : null,
      labelPoint: r.lx === null || r.ly === null ? null : [Number(r.lx), Number(r.ly)],
    })),
    opts,
  );
}

function toMultiPolygon(g: { type: string; coordinates: unknown }): MultiPolygon {
  if (g.type === 'MultiPolygon') return g.coordinates as MultiPolygon;
  if (g.type === 'Polygon') return [g.coordinates as MultiPolygon[number]];
  throw new Error(`unexpected street geometry type ${g.type}`);
}
