// The bundled Beijing geography, loaded the way the server loads it, on both engines.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import {
  BEIJING_REGIONS_FILE,
  loadBeijing,
  type ImportReport,
  type RegionFeature,
} from '../../../data/geo/importer.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';

const file = JSON.parse(fs.readFileSync(BEIJING_REGIONS_FILE, 'utf8')) as { features: RegionFeature[] };
const gridCount = file.features.filter((f) => f.properties.level === 'grid').length;

describe('the Beijing regions file', () => {
  it('holds 16 districts, 339 streets and a few thousand grid cells, in that order', () => {
    const levels = file.features.map((f) => f.properties.level);
    expect(levels.filter((l) => l === 'district')).toHaveLength(16);
    expect(levels.filter((l) => l === 'street')).toHaveLength(339);
    expect(gridCount).toBeGreaterThanOrEqual(3000);
    expect(gridCount).toBeLessThanOrEqual(5000);
    expect(levels).toEqual(
      [...levels].sort((a, b) => ['district', 'street', 'grid'].indexOf(a) - ['district', 'street', 'grid'].indexOf(b)),
    );
  });

  it('uses real codes and names, marks streets and grids synthetic, and rounds to 6 decimals', () => {
    const byCode = new Map(file.features.map((f) => [f.properties.code, f.properties]));
    expect(byCode.get('110101')).toEqual({
      level: 'district',
      code: '110101',
      nameZh: '东城区',
      nameEn: 'Dongcheng District',
      parentCode: null,
      population: 708829,
      synthetic: false,
    });
    expect(byCode.get('110101001')).toEqual({
      level: 'street',
      code: '110101001',
      nameZh: '东华门街道',
      nameEn: 'Donghuamen',
      parentCode: '110101',
      population: null,
      synthetic: true,
    });
    expect(byCode.get('110102001')?.nameEn).toBe("Xichang'anjie");
    expect(byCode.get('110101001G001')).toEqual({
      level: 'grid',
      code: '110101001G001',
      nameZh: '东华门街道第1网格',
      nameEn: 'Donghuamen Grid 1',
      parentCode: '110101001',
      population: null,
      synthetic: true,
    });
    const population = file.features.reduce((s, f) => s + (f.properties.population ?? 0), 0);
    expect(population).toBe(21_893_095);
    for (const f of file.features) {
      if (f.properties.level === 'grid')
        expect(f.properties.code).toMatch(new RegExp(`^${f.properties.parentCode}G\\d{3}$`));
      if (f.properties.level === 'street')
        expect(f.properties.code).toMatch(new RegExp(`^${f.properties.parentCode}\\d{3}$`));
      for (const poly of f.geometry.coordinates as number[][][][])
        for (const ring of poly)
          for (const [x, y] of ring)
            expect(Math.round(x * 1e6) / 1e6 === x && Math.round(y * 1e6) / 1e6 === y).toBe(true);
    }
  });
});

describe.each(ENGINES.map((engine) => ({ engine })))('Beijing loaded on $engine', ({ engine }) => {
  let db: Database;
  let report: ImportReport | null;
  let loadMs = 0;
  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_geo_beijing');
    const t0 = performance.now();
    report = await loadBeijing(db, { force: true });
    loadMs = performance.now() - t0;
    console.info(`loadBeijing on ${engine}: ${(loadMs / 1000).toFixed(1)} s, ${report?.regionParts} region parts`);
  }, 300_000);
  afterAll(async () => {
    await db?.close();
  });

  it('imports every region in well under 30 s without repairs', () => {
    expect(report).toMatchObject({
      ok: true,
      repairs: [],
      counts: { district: 16, street: 339, community: 0, grid: gridCount },
    });
    expect(loadMs).toBeLessThan(30_000);
  });

  it('hangs every street under a district and every grid under a street', async () => {
    const rows = await db.query<{ level: string; parent_level: string | null; n: number }>(`
      SELECT c.level, p.level parent_level, count(*)::int n FROM regions c LEFT JOIN regions p ON p.code = c.parent_code
      GROUP BY 1, 2 ORDER BY 1, 2`);
    expect(rows).toEqual([
      { level: 'district', parent_level: null, n: 16 },
      { level: 'grid', parent_level: 'street', n: gridCount },
      { level: 'street', parent_level: 'district', n: 339 },
    ]);
  });

  it('tiles each district with its streets and each street with its grids (area within 0.01%)', async () => {
    const worst = await db.query<{ level: string; gap: number; sum: number }>(`
      SELECT c.level, max(ST_Area(ST_SymDifference(p.geom, c.u)) / ST_Area(p.geom)) gap, max(abs(p.area_km2 - c.s) / p.area_km2) sum
      FROM regions p JOIN (SELECT parent_code, level, ST_Union(geom) u, sum(area_km2) s FROM regions WHERE level IN ('street','grid') GROUP BY 1, 2) c
        ON c.parent_code = p.code
      GROUP BY c.level`);
    expect(worst).toHaveLength(2);
    for (const w of worst) {
      expect(w.gap).toBeLessThan(1e-4);
      expect(w.sum).toBeLessThan(1e-4);
    }
  });

  it('has no two streets (or grids) overlapping by more than a square metre', async () => {
    const overlaps = await db.query<{ level: string; n: number }>(`
      SELECT a.level, count(*)::int n FROM regions a JOIN regions b
        ON b.level = a.level AND a.code < b.code AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')
      WHERE a.level IN ('street', 'grid') AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 1
      GROUP BY a.level`);
    expect(overlaps).toEqual([]);
  });

  it('covers about 16,391 km² in total', async () => {
    const [row] = await db.query<{ km2: number }>(`SELECT sum(area_km2) km2 FROM regions WHERE level = 'district'`);
    expect(Math.abs(row.km2 - 16_391) / 16_391).toBeLessThan(0.01);
  });

  it('places 首都机场街道 on Chaoyang’s exclave around Capital Airport', async () => {
    const rows = await db.query<{ code: string }>(
      `SELECT code FROM regions WHERE level = 'street' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(116.5908, 40.0738), 4326))`,
    );
    expect(rows).toEqual([{ code: '110105043' }]);
  });

  it('puts a point on a shared border inside both streets, so the owner rule must decide', async () => {
    const [v] = await db.query<{ a: string; b: string; x: number; y: number }>(`
      SELECT a.code a, b.code b, ST_X(dp.geom) x, ST_Y(dp.geom) y
      FROM regions a, ST_DumpPoints(a.geom) dp, regions b
      WHERE a.code = '110101001' AND b.level = 'street' AND b.code <> a.code AND ST_Intersects(b.geom, dp.geom)
      ORDER BY b.code, dp.path LIMIT 1`);
    const pt = `ST_SetSRID(ST_MakePoint(${v.x}, ${v.y}), 4326)`;
    const whole = await db.query<{ code: string }>(
      `SELECT code FROM regions WHERE level = 'street' AND ST_Intersects(geom, ${pt}) ORDER BY code`,
    );
    expect(whole.map((r) => r.code)).toEqual([v.a, v.b].sort());
    const parts = await db.query<{ code: string }>(
      `SELECT DISTINCT region_code code FROM region_parts WHERE level = 'street' AND ST_Intersects(geom, ${pt}) ORDER BY 1`,
    );
    expect(parts.map((r) => r.code)).toEqual([v.a, v.b].sort());
  });

  it('subdivides regions into parts of at most 64 vertices that add up to each region', async () => {
    const [row] = await db.query<{ max_pts: number; regions: number; worst: number }>(`
      SELECT max(p.n)::int max_pts, count(DISTINCT r.code)::int regions, max(abs(r.a - p.a) / r.a) worst
      FROM (SELECT code, ST_Area(geom) a FROM regions) r
      JOIN (SELECT region_code, max(ST_NPoints(geom)) n, sum(ST_Area(geom)) a FROM region_parts GROUP BY 1) p ON p.region_code = r.code`);
    expect(row.regions).toBe(16 + 339 + gridCount);
    expect(row.max_pts).toBeLessThanOrEqual(64);
    expect(row.worst).toBeLessThan(1e-9);
  });

  it('skips the work when the same file is already loaded, and imports again when regions went missing', async () => {
    expect(await loadBeijing(db)).toBeNull();
    await db.exec(`DELETE FROM region_parts WHERE level = 'grid'; DELETE FROM regions WHERE level = 'grid'`);
    expect((await loadBeijing(db))?.counts.grid).toBe(gridCount);
    expect((await db.query(`SELECT count(*)::int n FROM regions`))[0]).toEqual({ n: 16 + 339 + gridCount });
  });
});
