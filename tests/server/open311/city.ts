// A tiny city (tests/helpers/tinyCity.ts) stored and activated as a city package with Open311
// settings, so the endpoint reads its language, jurisdiction, public-read, coarsening, CRS and
// service-definition settings as it would from data/cities/<city>/city.json.
import type { Database } from '../../../db/client.ts';
import type { Engine } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { manifestSchema } from '../../../data/city/manifest.ts';
import { CITY_META_KEY } from '../../../data/city/stored.ts';
import { activateCity } from '../../../server/city.ts';
import { openTestDatabase } from '../../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';

export function tinyManifest(open311: Record<string, unknown>, locale: 'zh-CN' | 'en' = 'zh-CN') {
  return manifestSchema.parse({
    code: 'tiny',
    names: { local: '小城', en: 'Tiny City' },
    locale,
    timeZone: 'Asia/Shanghai',
    levels: [
      { level: 'district', names: { local: '区' } },
      { level: 'street', names: { local: '街道' } },
      { level: 'grid', names: { local: '网格' } },
    ],
    boundaries: [
      {
        file: 'regions.geojson',
        levelProperty: 'level',
        properties: { code: 'code', name: 'nameZh', nameEn: 'nameEn', parent: 'parentCode' },
      },
    ],
    taxonomy: 'taxonomy.json',
    open311,
  });
}

export async function storeCity(db: Database, manifest: ReturnType<typeof tinyManifest>) {
  await db.query(
    `INSERT INTO meta (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
    [
      CITY_META_KEY,
      JSON.stringify({
        manifest,
        policy: {},
        source: { dir: 'tests/server/open311', sha256: '' },
        importedAt: new Date().toISOString(),
      }),
    ],
  );
  await activateCity(db);
}

export async function openTinyOpen311City(
  engine: Engine,
  name: string,
  open311: Record<string, unknown>,
  locale: 'zh-CN' | 'en' = 'zh-CN',
): Promise<Database> {
  const db = await openTestDatabase(engine, name);
  const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
  if (!report.ok) throw new Error(JSON.stringify(report.errors));
  await seedTaxonomy(db, TINY_TAXONOMY);
  await storeCity(db, tinyManifest(open311, locale));
  return db;
}

/** Service definitions of the tiny city: one question of each datatype on water.outage. */
export const TINY_ATTRIBUTES = {
  'water.outage': [
    {
      code: 'SCOPE',
      datatype: 'singlevaluelist',
      required: true,
      order: 1,
      description: { local: '停水范围', en: 'How far does the outage reach?' },
      values: [
        { key: 'unit', name: { local: '本户', en: 'This home' } },
        { key: 'building', name: { local: '整栋楼', en: 'The building' } },
      ],
    },
    {
      code: 'FLOORS',
      datatype: 'multivaluelist',
      required: false,
      order: 2,
      description: { local: '受影响楼层', en: 'Floors affected' },
      values: [
        { key: 'low', name: { local: '低层' } },
        { key: 'high', name: { local: '高层' } },
      ],
    },
    {
      code: 'SINCE',
      datatype: 'datetime',
      required: false,
      order: 3,
      description: { local: '何时开始', en: 'Since when' },
    },
    { code: 'HOMES', datatype: 'number', required: false, order: 4, description: { local: '受影响户数' } },
    {
      code: 'METER',
      datatype: 'string',
      required: false,
      order: 5,
      description: { local: '水表号' },
      datatypeDescription: { local: '表盘上的编号' },
    },
    { code: 'NOTE', datatype: 'text', required: false, order: 6, description: { local: '补充说明' } },
    {
      code: 'INFO',
      variable: false,
      datatype: 'text',
      required: false,
      order: 7,
      description: { local: '停水通知见物业公告栏' },
    },
  ],
};
