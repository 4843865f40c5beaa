// The region model the generator samples from: streets (街乡镇) with their shapes and a relative
// demand weight. Built from the regions table, or by hand in tests; the generator never queries.
import type { Queryable } from '../../db/client.ts';
import { bboxOf, ShapeIndex, type BBox, type MultiPolygon, type Position } from './geometry.ts';

/** Tiananmen (WGS-84): distance from it stands in for "how urban" a street is. */
export const CITY_CORE: Position = [116.3975, 39.9087];

export interface RegionRow {
  level: 'district' | 'street';
  code: string;
  nameZh: string;
  parentCode: string | null;
  population: number | null;
  /** GeoJSON MultiPolygon coordinates (streets only; districts need none). */
  geometry: MultiPolygon | null;
  labelPoint: Position | null;
}

export interface DistrictModel {
  code: string;
  nameZh: string;
  population: number;
}

export interface StreetModel {
  code: string;
  nameZh: string;
  districtCode: string;
  districtNameZh: string;
  geometry: MultiPolygon;
  bbox: BBox;
  labelPoint: Position;
  areaKm2: number;
  /** Distance of the centroid from the city core, km. */
  coreKm: number;
  /** Relative demand: the street's share of the district's residents times a per-capita urban uplift. */
  weight: number;
}

export interface RegionModel {
  districts: DistrictModel[];
  /** Sorted by code, so "first match" in the index is the lowest code, as in hotline_locate(). */
  streets: StreetModel[];
  streetsByDistrict: Map<string, number[]>;
  index: ShapeIndex;
  bbox: BBox;
}

const KM_PER_DEG = 111.32;

function kmFromCore([x, y]: Position): number {
  return Math.hypot((x - CITY_CORE[0]) * KM_PER_DEG * Math.cos((CITY_CORE[1] * Math.PI) / 180), (y - CITY_CORE[1]) * KM_PER_DEG);
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
 * alone would pull demand to the mountains. On top, per-capita demand is up to 60% higher in the core,
 * where dense old estates generate more complaints per resident.
 */
export function streetWeights(streets: { population: number | null; areaKm2: number; coreKm: number; districtPop: number; districtCode: string }[]): number[] {
  const uplift = (km: number) => 1 + 0.6 * Math.exp(-km / 12);
  const settle = (s: { areaKm2: number; coreKm: number }) => Math.pow(Math.max(s.areaKm2, 0.05), 0.3) / (1 + Math.pow(s.coreKm / 15, 1.5));
  const sums = new Map<string, number>();
  for (const s of streets) sums.set(s.districtCode, (sums.get(s.districtCode) ?? 0) + settle(s));
  return streets.map((s) => {
    const residents = s.population && s.population > 0 ? s.population : (s.districtPop * settle(s)) / (sums.get(s.districtCode) ?? 1);
    return residents * uplift(s.coreKm);
  });
}

const DEFAULT_DISTRICT_POPULATION = 500_000;

export function buildRegionModel(rows: readonly RegionRow[]): RegionModel {
  const districts: DistrictModel[] = rows
    .filter((r) => r.level === 'district')
    .map((r) => ({ code: r.code, nameZh: r.nameZh, population: r.population && r.population > 0 ? r.population : DEFAULT_DISTRICT_POPULATION }));
  const byCode = new Map(districts.map((d) => [d.code, d]));
  const raw = rows
    .filter((r) => r.level === 'street' && r.geometry && r.geometry.length > 0)
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((r) => {
      const geometry = r.geometry as MultiPolygon;
      const bbox = bboxOf(geometry);
      const { areaKm2, centroid } = measure(geometry);
      const district = byCode.get(r.parentCode ?? '');
      return {
        row: r,
        geometry,
        bbox,
        // Only a last resort for sampling a very thin shape; never feeds a weight.
        labelPoint: r.labelPoint ?? centroid,
        areaKm2,
        coreKm: kmFromCore(centroid),
        districtCode: district?.code ?? r.parentCode ?? '',
        districtNameZh: district?.nameZh ?? '',
        districtPop: district?.population ?? DEFAULT_DISTRICT_POPULATION,
      };
    });
  if (raw.length === 0) throw new Error('no streets with geometry in regions: import the geography first');
  const weights = streetWeights(raw.map((s) => ({ ...s, population: s.row.population })));
  const streets: StreetModel[] = raw.map((s, i) => ({
    code: s.row.code,
    nameZh: s.row.nameZh,
    districtCode: s.districtCode,
    districtNameZh: s.districtNameZh,
    geometry: s.geometry,
    bbox: s.bbox,
    labelPoint: s.labelPoint,
    areaKm2: s.areaKm2,
    coreKm: s.coreKm,
    weight: weights[i],
  }));
  const streetsByDistrict = new Map<string, number[]>();
  streets.forEach((s, i) => {
    const list = streetsByDistrict.get(s.districtCode);
    if (list) list.push(i);
    else streetsByDistrict.set(s.districtCode, [i]);
  });
  const bbox: BBox = [
    Math.min(...streets.map((s) => s.bbox[0])),
    Math.min(...streets.map((s) => s.bbox[1])),
    Math.max(...streets.map((s) => s.bbox[2])),
    Math.max(...streets.map((s) => s.bbox[3])),
  ];
  return { districts, streets, streetsByDistrict, index: new ShapeIndex(streets), bbox };
}

/** Read districts and streets (with shapes as GeoJSON) from the regions table. */
export async function loadRegionModel(db: Queryable): Promise<RegionModel> {
  const rows = await db.query<{
    level: 'district' | 'street';
    code: string;
    name_zh: string;
    parent_code: string | null;
    population: number | null;
    geojson: string | null;
    lx: number | null;
    ly: number | null;
  }>(
    `SELECT level, code, name_zh, parent_code, population,
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
      parentCode: r.parent_code,
      population: r.population === null ? null : Number(r.population),
      geometry: r.geojson ? toMultiPolygon(JSON.parse(r.geojson)) : null,
      labelPoint: r.lx === null || r.ly === null ? null : [Number(r.lx), Number(r.ly)],
    })),
  );
}

function toMultiPolygon(g: { type: string; coordinates: unknown }): MultiPolygon {
  if (g.type === 'MultiPolygon') return g.coordinates as MultiPolygon;
  if (g.type === 'Polygon') return [g.coordinates as MultiPolygon[number]];
  throw new Error(`unexpected street geometry type ${g.type}`);
}
