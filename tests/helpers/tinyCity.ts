// A hand-built city small enough to know every answer: 2 districts, 3 streets, 4 grid cells,
// 2 category groups, and tickets placed on purpose (inside, on shared borders, outside, address-only).
import type { Database } from '../../db/client.ts';
import { importRegions } from '../../data/geo/importer.ts';
import { parseTaxonomy, seedTaxonomy } from '../../data/taxonomy/index.ts';
import { locateTickets } from '../../db/locate.ts';

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
const region = (
  level: string,
  code: string,
  nameZh: string,
  parentCode: string | null,
  geometry: ReturnType<typeof box>,
  population: number | null = null,
) => ({
  type: 'Feature' as const,
  properties: { level, code, nameZh, nameEn: code, parentCode, population, synthetic: level !== 'district' },
  geometry,
});

export const TINY_CITY = {
  type: 'FeatureCollection',
  features: [
    region('district', '900001', '甲区', null, box(116.0, 39.0, 116.2, 39.1), 100_000),
    region('district', '900002', '乙区', null, box(116.2, 39.0, 116.4, 39.1), 50_000),
    region('street', '900001001', '甲一街道', '900001', box(116.0, 39.0, 116.1, 39.1)),
    region('street', '900001002', '甲二街道', '900001', box(116.1, 39.0, 116.2, 39.1)),
    region('street', '900002001', '乙一街道', '900002', box(116.2, 39.0, 116.4, 39.1)),
    region('grid', '900001001G001', '甲一第1网格', '900001001', box(116.0, 39.0, 116.05, 39.1)),
    region('grid', '900001001G002', '甲一第2网格', '900001001', box(116.05, 39.0, 116.1, 39.1)),
    region('grid', '900001002G001', '甲二第1网格', '900001002', box(116.1, 39.0, 116.2, 39.1)),
    region('grid', '900002001G001', '乙一第1网格', '900002001', box(116.2, 39.0, 116.4, 39.1)),
  ],
};

export const TINY_TAXONOMY = parseTaxonomy({
  departments: [{ code: 'water_group', kind: 'utility', nameZh: '自来水集团', nameEn: 'Water Group' }],
  groups: [
    { code: 'noise', nameZh: '噪声', nameEn: 'Noise' },
    { code: 'water', nameZh: '供水', nameEn: 'Water supply' },
  ],
  categories: [
    {
      code: 'noise.night_construction',
      groupCode: 'noise',
      nameZh: '夜间施工噪声',
      nameEn: 'Night construction noise',
      urgency: 'ordinary',
      departmentCode: null,
      parallel: false,
    },
    {
      code: 'water.outage',
      groupCode: 'water',
      nameZh: '停水',
      nameEn: 'Water outage',
      urgency: 'basic',
      departmentCode: 'water_group',
      parallel: true,
    },
    {
      code: 'water.pipe_leak',
      groupCode: 'water',
      nameZh: '管道漏水',
      nameEn: 'Pipe leak',
      urgency: 'basic',
      departmentCode: 'water_group',
      parallel: true,
    },
  ],
});

/** [lon, lat] or null (address only), category, received_at (UTC), and where it must land. */
export const TINY_TICKETS = [
  {
    id: 1,
    at: [116.02, 39.05],
    cat: 'noise.night_construction',
    received: '2026-10-31T15:59:59Z',
    expect: ['900001', '900001001', '900001001G001', 'located'],
  },
  // On the border of street 900001001 and 900001002: the lower code owns it, and its own grid cell.
  {
    id: 2,
    at: [116.1, 39.05],
    cat: 'water.outage',
    received: '2026-10-31T16:00:00Z',
    expect: ['900001', '900001001', '900001001G002', 'located'],
  },
  // On the border of the two districts: street 900001002 has the lower code.
  {
    id: 3,
    at: [116.2, 39.05],
    cat: 'water.pipe_leak',
    received: '2026-11-02T08:00:00Z',
    expect: ['900001', '900001002', '900001002G001', 'located'],
  },
  {
    id: 4,
    at: [116.3, 39.05],
    cat: 'water.pipe_leak',
    received: '2026-11-03T08:00:00Z',
    expect: ['900002', '900002001', '900002001G001', 'located'],
  },
  {
    id: 5,
    at: [117.5, 40.5],
    cat: 'noise.night_construction',
    received: '2026-11-04T08:00:00Z',
    expect: [null, null, null, 'outside'],
  },
  { id: 6, at: null, cat: 'water.outage', received: '2026-11-05T08:00:00Z', expect: [null, null, null, 'unlocated'] },
] as const;

export async function loadTinyCity(db: Database): Promise<void> {
  const report = await importRegions(db, TINY_CITY, {
    crs: 'WGS84',
    replace: true,
    source: 'tests/helpers/tinyCity.ts',
  });
  if (!report.ok) throw new Error(JSON.stringify(report.errors));
  await seedTaxonomy(db, TINY_TAXONOMY);
  for (const t of TINY_TICKETS) {
    await db.query(
      `INSERT INTO tickets (id, kind, channel, category_code, urgency, description, geom, location_status, received_at)
       VALUES ($1, 'complaint', 'phone', $2, 'ordinary', '测试', CASE WHEN $3::float8 IS NULL THEN NULL
               ELSE ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326) END, 'unlocated', $5)`,
      [t.id, t.cat, t.at?.[0] ?? null, t.at?.[1] ?? null, t.received],
    );
  }
  await locateTickets(db);
}
