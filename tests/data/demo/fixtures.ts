// A small rectangular city around Tiananmen for demo tests: four core districts of 3×3 street
// boxes and an outer district of four long townships. Small enough to generate in seconds, big
// enough to have a core, an outskirt, district populations and streets to rank. It takes the Beijing
// package's taxonomy and demo profile (data/cities/beijing).
import path from 'node:path';
import type { RegionFeature } from '../../../data/geo/importer.ts';
import { CITIES_DIR, readDemoProfile, type DemoProfile } from '../../../data/demo/profile.ts';
import { buildRegionModel, type RegionModel, type RegionRow } from '../../../data/demo/regions.ts';
import { TAXONOMY } from '../../../data/taxonomy/index.ts';
import type { Taxonomy } from '../../../data/taxonomy/schema.ts';

export const BEIJING_DIR = path.join(CITIES_DIR, 'beijing');
export const NYC_DIR = path.join(CITIES_DIR, 'nyc');
/** Tiananmen: the Beijing profile's core, and the fixture's. */
export const FIXTURE_CORE: [number, number] = [116.3975, 39.9087];

/** What the fixture city is generated with: Beijing's taxonomy and demo profile. */
export function beijingDemo(): { taxonomy: Taxonomy; profile: DemoProfile } {
  return { taxonomy: TAXONOMY, profile: readDemoProfile(BEIJING_DIR) as DemoProfile };
}

type Box = [x0: number, y0: number, x1: number, y1: number];
const ring = ([x0, y0, x1, y1]: Box) =>
  [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ] as [number, number][][];

interface FixtureRegion {
  level: 'district' | 'street';
  code: string;
  nameZh: string;
  parentCode: string | null;
  population: number | null;
  box: Box;
}

function regions(): FixtureRegion[] {
  const out: FixtureRegion[] = [];
  const core: { code: string; nameZh: string; population: number; x0: number; y0: number }[] = [
    { code: '990101', nameZh: '西南区', population: 700_000, x0: 116.28, y0: 39.82 },
    { code: '990102', nameZh: '东南区', population: 1_100_000, x0: 116.4, y0: 39.82 },
    { code: '990103', nameZh: '西北区', population: 900_000, x0: 116.28, y0: 39.91 },
    { code: '990104', nameZh: '东北区', population: 1_300_000, x0: 116.4, y0: 39.91 },
  ];
  const w = 0.04;
  const h = 0.03;
  for (const d of core) {
    out.push({
      level: 'district',
      code: d.code,
      nameZh: d.nameZh,
      parentCode: null,
      population: d.population,
      box: [d.x0, d.y0, d.x0 + 3 * w, d.y0 + 3 * h],
    });
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const n = i * 3 + j + 1;
        const x = d.x0 + j * w;
        const y = d.y0 + i * h;
        out.push({
          level: 'street',
          code: `${d.code}${String(n).padStart(3, '0')}`,
          nameZh: `${d.nameZh}第${n}街道`,
          parentCode: d.code,
          population: null,
          box: [x, y, x + w, y + h],
        });
      }
  }
  // The outskirts: one district of four long townships east of the core, 10–35 km out.
  out.push({
    level: 'district',
    code: '990105',
    nameZh: '远郊区',
    parentCode: null,
    population: 600_000,
    box: [116.52, 39.82, 116.84, 40.0],
  });
  for (let k = 0; k < 4; k++) {
    const x = 116.52 + k * 0.08;
    out.push({
      level: 'street',
      code: `990105${String(k + 1).padStart(3, '0')}`,
      nameZh: `远郊第${k + 1}镇`,
      parentCode: '990105',
      population: null,
      box: [x, 39.82, x + 0.08, 40.0],
    });
  }
  return out;
}

/** The fixture as a GeoJSON FeatureCollection for data/geo's importRegions. */
export function fixtureFeatureCollection(): { type: 'FeatureCollection'; features: RegionFeature[] } {
  return {
    type: 'FeatureCollection',
    features: regions().map((r) => ({
      type: 'Feature',
      properties: {
        level: r.level,
        code: r.code,
        nameZh: r.nameZh,
        nameEn: r.code,
        parentCode: r.parentCode,
        population: r.population,
        synthetic: r.level === 'street',
      },
      geometry: { type: 'Polygon', coordinates: ring(r.box) },
    })),
  };
}

/** The same fixture as the generator's region model, without a database. */
export function fixtureModel(): RegionModel {
  const rows: RegionRow[] = regions().map((r) => ({
    level: r.level,
    code: r.code,
    nameZh: r.nameZh,
    parentCode: r.parentCode,
    population: r.population,
    geometry: r.level === 'street' ? [ring(r.box)] : null,
    labelPoint: null,
  }));
  return buildRegionModel(rows, { core: FIXTURE_CORE });
}
