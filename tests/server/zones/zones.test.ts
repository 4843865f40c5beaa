// Responsibility zones (责任区): import with validation, the map endpoint, and dispatch — a located
// ticket inside a zone that answers for its category goes to the zone's unit instead of the street.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { parseTaxonomy, seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { importZones, loadBeijingZones } from '../../../data/zones/importer.ts';
import { createApp } from '../../../server/app.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { TINY_CITY } from '../../helpers/tinyCity.ts';
import { signIn, type Client } from '../../helpers/auth.ts';

const TAXONOMY = parseTaxonomy({
  departments: [
    { code: 'water_group', kind: 'utility', nameZh: '自来水集团', nameEn: 'Water Group' },
    { code: 'city_management', kind: 'department', nameZh: '城管委', nameEn: 'City Management' },
    { code: 'greening', kind: 'department', nameZh: '园林绿化局', nameEn: 'Landscape and Forestry' },
  ],
  groups: [
    { code: 'noise', nameZh: '噪声', nameEn: 'Noise' },
    { code: 'water', nameZh: '供水', nameEn: 'Water supply' },
    { code: 'environment', nameZh: '环境', nameEn: 'Environment' },
    { code: 'greening', nameZh: '园林', nameEn: 'Greening' },
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
      code: 'environment.garbage',
      groupCode: 'environment',
      nameZh: '垃圾清运',
      nameEn: 'Rubbish',
      urgency: 'ordinary',
      departmentCode: 'city_management',
      parallel: false,
    },
    {
      code: 'environment.dust',
      groupCode: 'environment',
      nameZh: '扬尘',
      nameEn: 'Dust',
      urgency: 'ordinary',
      departmentCode: 'city_management',
      parallel: true,
    },
    {
      code: 'greening.tree_pruning',
      groupCode: 'greening',
      nameZh: '树木修剪',
      nameEn: 'Tree pruning',
      urgency: 'ordinary',
      departmentCode: 'greening',
      parallel: false,
    },
  ],
});

const box = (x0: number, y0: number, x1: number, y1: number) => [
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ],
];
const zone = (properties: Record<string, unknown>, coordinates: unknown, type = 'Polygon') => ({
  type: 'Feature',
  properties,
  geometry: { type, coordinates },
});

// Street 900001001 is 116.0–116.1 × 39.0–39.1; 900002001 is 116.2–116.4.
const ZONES = {
  type: 'FeatureCollection',
  features: [
    zone(
      {
        code: 'SAN-1',
        nameZh: '环卫作业带',
        nameEn: 'Sanitation strip',
        kind: 'sanitation',
        departmentCode: 'city_management',
        appliesTo: ['environment'],
        priority: 10,
      },
      box(116.04, 39.0, 116.06, 39.1),
    ),
    zone(
      {
        code: 'PARK-1',
        nameZh: '甲一公园',
        kind: 'greening',
        departmentCode: 'greening',
        appliesTo: ['greening', 'environment.garbage'],
        priority: 20,
      },
      box(116.045, 39.04, 116.055, 39.06),
    ),
    zone(
      {
        code: 'ALL-1',
        nameZh: '综合管理区',
        nameEn: 'Managed campus',
        kind: 'other',
        departmentCode: 'city_management',
      },
      box(116.3, 39.02, 116.35, 39.04),
    ),
  ],
};

describe.each(ENGINES)('responsibility zones on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let client: Client;
  const post = (path: string, body: unknown) =>
    client.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const file = async (category: string, lon: number, lat: number) => {
    const res = await post('/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category,
      lon,
      lat,
      receivedAt: '2026-11-10T00:00:00Z',
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: number };
    return (await (await client.request(`/api/tickets/${id}`)).json()) as any;
  };
  const sent = (t: any) => t.dispatches.map((d: any) => [d.unitCode, d.unitKind, d.role, d.zoneCode]);
  const dispatchedEvent = (t: any) =>
    t.events.filter((e: any) => e.type === 'dispatched').map((e: any) => [e.unitCode, e.data]);

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_zones');
    const regions = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
    if (!regions.ok) throw new Error(JSON.stringify(regions.errors));
    await seedTaxonomy(db, TAXONOMY);
    const report = await importZones(db, ZONES, { crs: 'WGS84', replace: true, source: 'test' });
    expect(report).toEqual({ ok: true, crs: 'WGS84', errors: [], zones: 3 });
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('sends a ticket in a zone that answers for its category to the zone unit, not the street', async () => {
    const t = await file('environment.garbage', 116.05, 39.02);
    expect([t.status, t.streetCode, t.districtCode]).toEqual(['dispatched', '900001001', '900001']);
    expect(sent(t)).toEqual([['city_management', 'department', 'territorial', 'SAN-1']]);
    expect(dispatchedEvent(t)).toEqual([['city_management', { zone: 'SAN-1' }]]);
  });

  it('lets the higher-priority zone win where zones overlap', async () => {
    expect(sent(await file('environment.garbage', 116.05, 39.05))).toEqual([
      ['greening', 'department', 'territorial', 'PARK-1'],
    ]);
    // The park does not answer for dust; the sanitation strip under it does.
    expect(sent(await file('environment.dust', 116.05, 39.05))).toEqual([
      ['city_management', 'department', 'territorial', 'SAN-1'],
    ]);
  });

  it('sends a category the zone does not answer for to the street', async () => {
    const t = await file('noise.night_construction', 116.05, 39.02);
    expect(sent(t)).toEqual([['900001001', 'street', 'territorial', null]]);
    expect(dispatchedEvent(t)).toEqual([['900001001', null]]);
  });

  it('sends a point outside every zone to the street', async () => {
    expect(sent(await file('environment.garbage', 116.02, 39.05))).toEqual([
      ['900001001', 'street', 'territorial', null],
    ]);
    expect(sent(await file('water.outage', 116.25, 39.05))).toEqual([
      ['900002001', 'street', 'territorial', null],
      ['water_group', 'utility', 'line', null],
    ]);
  });

  it('keeps the parallel line dispatch, once: an all-category zone plus the utility; no second copy to the zone unit', async () => {
    expect(sent(await file('water.outage', 116.32, 39.03))).toEqual([
      ['city_management', 'department', 'territorial', 'ALL-1'],
      ['water_group', 'utility', 'line', null],
    ]);
    expect(sent(await file('environment.dust', 116.05, 39.02))).toEqual([
      ['city_management', 'department', 'territorial', 'SAN-1'],
    ]);
  });

  it('applies the zone when a dispatcher locates an address-only ticket by hand', async () => {
    const res = await post('/api/tickets', {
      kind: 'complaint',
      channel: 'phone',
      category: 'greening.tree_pruning',
      address: '甲一公园东门',
      receivedAt: '2026-11-11T00:00:00Z',
    });
    const { id } = (await res.json()) as { id: number };
    const loc = await post(`/api/tickets/${id}/locate`, { lon: 116.05, lat: 39.05, at: '2026-11-11T01:00:00Z' });
    expect(loc.status).toBe(200);
    const t = (await (await client.request(`/api/tickets/${id}`)).json()) as any;
    expect(sent(t)).toEqual([['greening', 'department', 'territorial', 'PARK-1']]);
    expect(dispatchedEvent(t)).toEqual([['greening', { zone: 'PARK-1' }]]);
  });

  it('serves the zones as GeoJSON for the map, filtered by kind, refusing an unknown kind', async () => {
    const res = await client.request('/api/zones');
    expect(res.headers.get('content-type')).toContain('application/geo+json');
    const fc = (await res.json()) as any;
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f: any) => f.properties)).toEqual([
      {
        code: 'PARK-1',
        name: '甲一公园',
        nameEn: '甲一公园',
        kind: 'greening',
        departmentCode: 'greening',
        departmentName: '园林绿化局',
        departmentNameEn: 'Landscape and Forestry',
        appliesTo: ['greening', 'environment.garbage'],
        priority: 20,
        synthetic: false,
      },
      {
        code: 'SAN-1',
        name: '环卫作业带',
        nameEn: 'Sanitation strip',
        kind: 'sanitation',
        departmentCode: 'city_management',
        departmentName: '城管委',
        departmentNameEn: 'City Management',
        appliesTo: ['environment'],
        priority: 10,
        synthetic: false,
      },
      {
        code: 'ALL-1',
        name: '综合管理区',
        nameEn: 'Managed campus',
        kind: 'other',
        departmentCode: 'city_management',
        departmentName: '城管委',
        departmentNameEn: 'City Management',
        appliesTo: [],
        priority: 0,
        synthetic: false,
      },
    ]);
    expect(fc.features[0].geometry).toEqual({
      type: 'MultiPolygon',
      coordinates: [box(116.045, 39.04, 116.055, 39.06)],
    });
    const green = (await (await client.request('/api/zones?kind=greening')).json()) as any;
    expect(green.features.map((f: any) => f.properties.code)).toEqual(['PARK-1']);
    const bad = await client.request('/api/zones?kind=parks');
    expect([bad.status, ((await bad.json()) as any).error.field]).toEqual([400, 'kind']);
  });

  it('refuses a bad zone file feature by feature and writes nothing', async () => {
    const bowtie = [
      [
        [116.0, 39.0],
        [116.1, 39.1],
        [116.1, 39.0],
        [116.0, 39.1],
        [116.0, 39.0],
      ],
    ];
    const report = await importZones(
      db,
      {
        type: 'FeatureCollection',
        features: [
          zone(
            { code: 'OK-1', nameZh: '好', kind: 'sanitation', departmentCode: 'city_management' },
            box(116.0, 39.0, 116.01, 39.01),
          ),
          zone(
            { code: 'X-1', nameZh: '坏单位', kind: 'sanitation', departmentCode: 'nobody' },
            box(116.0, 39.0, 116.01, 39.01),
          ),
          zone(
            {
              code: 'X-2',
              nameZh: '坏类别',
              kind: 'greening',
              departmentCode: 'greening',
              appliesTo: ['greening', 'no.such'],
            },
            box(116.0, 39.0, 116.01, 39.01),
          ),
          zone(
            { code: 'X-3', nameZh: '坏种类', kind: 'parks', departmentCode: 'greening' },
            box(116.0, 39.0, 116.01, 39.01),
          ),
          zone({ code: 'X-4', nameZh: '未闭合', kind: 'greening', departmentCode: 'greening' }, [
            [
              [116.0, 39.0],
              [116.1, 39.0],
              [116.1, 39.1],
              [116.0, 39.1],
            ],
          ]),
          zone(
            { code: 'OK-1', nameZh: '重复', kind: 'greening', departmentCode: 'greening' },
            box(116.0, 39.0, 116.01, 39.01),
          ),
          zone({ code: 'X-5', nameZh: '自交', kind: 'greening', departmentCode: 'greening' }, bowtie),
          zone({ code: 'X-6', nameZh: '点', kind: 'greening', departmentCode: 'greening' }, [116.0, 39.0], 'Point'),
          zone(
            { code: 'X-7', nameZh: '越界', kind: 'greening', departmentCode: 'greening' },
            box(116.0, 39.0, 196.0, 39.01),
          ),
        ],
      },
      { crs: 'WGS84', replace: true },
    );
    expect(report.ok).toBe(false);
    expect(report.zones).toBe(0);
    expect(report.errors.map((e) => [e.index, e.code, e.kind])).toEqual([
      [1, 'X-1', 'unknown_department'],
      [2, 'X-2', 'unknown_category'],
      [3, 'X-3', 'invalid_properties'],
      [4, 'X-4', 'bad_coordinates'],
      [5, 'OK-1', 'duplicate_code'],
      [6, 'X-5', 'invalid_geometry'],
      [7, 'X-6', 'unsupported_geometry'],
      [8, 'X-7', 'bad_coordinates'],
    ]);
    expect(report.errors[1].message).toBe('appliesTo: no.such not a known category or group');
    expect((await importZones(db, { type: 'Feature' }, { crs: 'WGS84' })).errors).toEqual([
      {
        index: null,
        code: null,
        kind: 'not_feature_collection',
        message: 'expected a GeoJSON FeatureCollection with a features array',
      },
    ]);
    const codes = await db.query<{ code: string }>(`SELECT code FROM responsibility_zones ORDER BY code`);
    expect(codes.map((r) => r.code)).toEqual(['ALL-1', 'PARK-1', 'SAN-1']);
  });

  it('converts a GCJ-02 zone file to WGS-84 before storing it', async () => {
    const shifted = await importZones(
      db,
      {
        type: 'FeatureCollection',
        features: [
          zone(
            { code: 'GCJ-1', nameZh: '火星坐标区', kind: 'municipal', departmentCode: 'city_management' },
            box(116.36, 39.06, 116.37, 39.07),
          ),
        ],
      },
      { crs: 'GCJ02' },
    );
    expect(shifted).toEqual({ ok: true, crs: 'GCJ02', errors: [], zones: 1 });
    // GCJ-02 lies ~500 m north-east of WGS-84 around Beijing: the stored box moved south-west.
    const [b] = await db.query<{ x0: number; y0: number }>(
      `SELECT ST_XMin(geom) AS x0, ST_YMin(geom) AS y0 FROM responsibility_zones WHERE code = 'GCJ-1'`,
    );
    expect(b.x0).toBeGreaterThan(116.36 - 0.01);
    expect(b.x0).toBeLessThan(116.36 - 0.003);
    expect(b.y0).toBeLessThan(39.06);
    await db.query(`DELETE FROM responsibility_zones WHERE code = 'GCJ-1'`);
  });

  it('loads the bundled Beijing zones once (a second load with the same file does nothing)', async () => {
    // The bundled file names departments and categories of the full taxonomy.
    const { TAXONOMY: FULL } = await import('../../../data/taxonomy/index.ts');
    await seedTaxonomy(db, FULL);
    const first = await loadBeijingZones(db);
    expect(first?.zones).toBe(6);
    expect(await loadBeijingZones(db)).toBeNull();
    const kinds = await db.query<{ kind: string; n: number }>(
      `SELECT kind, count(*)::int AS n FROM responsibility_zones GROUP BY kind ORDER BY kind`,
    );
    expect(kinds).toEqual([
      { kind: 'greening', n: 4 },
      { kind: 'municipal', n: 1 },
      { kind: 'sanitation', n: 1 },
    ]);
  });
});
