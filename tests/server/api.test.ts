import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { decodePoints } from '../../server/points.ts';
import { ENGINES, openTestDatabase } from '../helpers/engines.ts';
import { loadTinyCity, TINY_TICKETS } from '../helpers/tinyCity.ts';
import { signIn, type Client } from '../helpers/auth.ts';

describe.each(ENGINES)('API on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let client: Client;
  const get = (path: string) => client.request(path);

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_api');
    await loadTinyCity(db);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reports health with the engine in use', async () => {
    const res = await get('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, engine });
  });

  it('places every ticket by the documented border rule, and keeps outside and address-only ones', async () => {
    const rows = await db.query<{
      id: number;
      district_code: string | null;
      street_code: string | null;
      grid_code: string | null;
      location_status: string;
    }>('SELECT id::int AS id, district_code, street_code, grid_code, location_status FROM tickets ORDER BY id');
    expect(rows.map((r) => [r.district_code, r.street_code, r.grid_code, r.location_status])).toEqual(
      TINY_TICKETS.map((t) => [...t.expect]),
    );
  });

  it('serves districts as GeoJSON with code, name, parentCode and synthetic', async () => {
    const res = await get('/api/regions?level=district');
    expect(res.status).toBe(200);
    const fc = await res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(
      fc.features.map((f: any) => [
        f.properties.code,
        f.properties.name,
        f.properties.parentCode,
        f.properties.synthetic,
      ]),
    ).toEqual([
      ['900001', '甲区', null, false],
      ['900002', '乙区', null, false],
    ]);
    expect(fc.features[0].geometry.type).toBe('MultiPolygon');
    // 0.2° × 0.1° at 39°N is about 17.3 km × 11.1 km.
    expect(fc.features[0].properties.areaKm2).toBeGreaterThan(190);
    expect(fc.features[0].properties.areaKm2).toBeLessThan(195);
  });

  it('serves streets of one district and grid cells by parent', async () => {
    const streets = await (await get('/api/regions?level=street&parent=900001')).json();
    expect(streets.features.map((f: any) => f.properties.code)).toEqual(['900001001', '900001002']);
    expect(streets.features.every((f: any) => f.properties.synthetic === true)).toBe(true);
    const grids = await (await get('/api/regions?level=grid')).json();
    expect(grids.features).toHaveLength(4);
  });

  it('answers an unchanged region set with 304 for its ETag', async () => {
    const first = await get('/api/regions?level=street');
    const etag = first.headers.get('etag')!;
    const again = await client.request('/api/regions?level=street', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('rejects an unknown level naming the field', async () => {
    const res = await get('/api/regions?level=province');
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.field).toBe('level');
  });

  it('counts the window by district, group and location status (a bare date is a Beijing day)', async () => {
    // 2026-11-01 in Beijing runs from 2026-10-31T16:00Z; ticket 1 (15:59:59Z) falls the day before.
    const res = await get('/api/summary?from=2026-11-01&to=2026-11-30');
    expect(res.status).toBe(200);
    const s = await res.json();
    expect([s.total, s.located, s.outside, s.unlocated]).toEqual([5, 3, 1, 1]);
    expect(s.byDistrict.map((d: any) => [d.code, d.count])).toEqual([
      ['900001', 2],
      ['900002', 1],
    ]);
    expect(s.byCategoryGroup.map((g: any) => [g.code, g.count])).toEqual([
      ['water', 4],
      ['noise', 1],
    ]);
    expect(s.synthetic).toBe(true);
  });

  it('filters tickets by region, category group and bbox', async () => {
    const byStreet = await (await get('/api/tickets?from=2026-10-01&to=2026-11-30&region=900001001')).json();
    expect(byStreet.items.map((t: any) => t.id)).toEqual([2, 1]);
    const byGroup = await (await get('/api/tickets?from=2026-10-01&to=2026-11-30&category=water')).json();
    expect(byGroup.total).toBe(4);
    // A page is a window on the same newest-first order; the total still counts every match.
    const page = await (await get('/api/tickets?from=2026-10-01&to=2026-11-30&category=water&limit=2&offset=1')).json();
    expect([page.total, page.items.map((t: any) => t.id)]).toEqual([
      4,
      byGroup.items.slice(1, 3).map((t: any) => t.id),
    ]);
    const byBox = await (await get('/api/tickets?from=2026-10-01&to=2026-11-30&bbox=116.25,39,116.4,39.1')).json();
    expect(byBox.items.map((t: any) => t.id)).toEqual([4]);
    expect(byBox.items[0]).not.toHaveProperty('phone');
  });

  it('sends located points as compact binary with category indexes', async () => {
    const res = await get('/api/tickets/points?from=2026-10-01&to=2026-11-30&category=water');
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-total-count')).toBe('3');
    const { count, positions, categories } = decodePoints(await res.arrayBuffer());
    expect(count).toBe(3);
    // /api/categories order: noise.night_construction=0, water.outage=1, water.pipe_leak=2
    expect(Array.from(categories).sort()).toEqual([1, 2, 2]);
    expect(Array.from(positions).some((v) => Math.abs(v - 116.3) < 1e-5)).toBe(true);
  });

  it('rejects bad filters with 400 naming the field, and unknown codes too', async () => {
    for (const [path, field] of [
      ['/api/tickets?from=yesterday', 'from'],
      ['/api/tickets?bbox=1,2,3', 'bbox'],
      ['/api/tickets?limit=0', 'limit'],
      ['/api/summary?region=nowhere', 'region'],
      ['/api/tickets/points?category=no.such', 'category'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect((await res.json()).error.field, path).toBe(field);
    }
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await get('/api/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });
});
