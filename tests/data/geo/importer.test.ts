// The jurisdiction importer on both engines, with a small made-up Xining in GCJ-02 and BD-09.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importRegions, type Crs, type ImportReport } from '../../../data/geo/importer.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { KNOWN_WGS84, XINING, boxAreaKm2, xiningCollection } from './fixtures/xining.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(here, 'fixtures', name), 'utf8'));
const kinds = (r: ImportReport) => r.errors.map((e) => [e.index, e.code, e.kind]);
type Fc = ReturnType<typeof xiningCollection>;
/** A deep copy of the valid GCJ-02 fixture to break in one place. */
const gcj = (): Fc => structuredClone(fixture('xining.gcj02.geojson')) as Fc;
const feature = (fc: Fc, code: string) => fc.features.find((f) => f.properties.code === code)!;

describe.each(ENGINES.map((engine) => ({ engine })))('importing a city on $engine', ({ engine }) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_geo_import');
  }, 300_000);
  afterAll(async () => {
    await db?.close();
  });
  beforeEach(async () => {
    await db.exec(`DELETE FROM region_parts; DELETE FROM regions; DELETE FROM meta WHERE key = 'regions.import'`);
  });

  /** Everything an import may touch, reduced to a comparable value. */
  const snapshot = async () =>
    (
      await db.query(`SELECT (SELECT count(*) FROM regions)::int regions, (SELECT count(*) FROM region_parts)::int parts,
        (SELECT md5(coalesce(string_agg(code || level || coalesce(parent_code, '') || name_en || ST_AsText(geom), ',' ORDER BY code), '')) FROM regions) r,
        (SELECT md5(coalesce(string_agg(ST_AsText(geom), ',' ORDER BY region_code, ST_AsText(geom)), '')) FROM region_parts) p,
        (SELECT md5(coalesce(string_agg(value::text, ','), '')) FROM meta WHERE key = 'regions.import') m`)
    )[0];
  /** Metres from a known WGS-84 point to the nearest stored vertex of a region. */
  const vertexDistance = async (code: string, [lon, lat]: [number, number]) =>
    (
      await db.query<{ d: number }>(
        `SELECT min(ST_Distance(dp.geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography)) d
         FROM regions r, ST_DumpPoints(r.geom) dp WHERE r.code = $1`,
        [code, lon, lat],
      )
    )[0].d;

  it.each([
    ['GCJ02', 'xining.gcj02.geojson'],
    ['BD09', 'xining.bd09.geojson'],
  ] as const)('converts a %s file to WGS-84 within a metre of the true corners', async (crs: Crs, file) => {
    const report = await importRegions(db, fixture(file), { crs, replace: true });
    expect(report.errors).toEqual([]);
    expect(report.counts).toEqual({ district: 2, street: 4, community: 1, grid: 3 });
    for (const k of KNOWN_WGS84) expect(await vertexDistance(k.code, k.at)).toBeLessThan(1);
  });

  it('puts the city hundreds of metres off when the CRS is declared wrongly', async () => {
    const report = await importRegions(db, fixture('xining.gcj02.geojson'), { crs: 'WGS84', replace: true });
    expect(report.ok).toBe(true);
    expect(await vertexDistance('630104', [101.7, 36.6])).toBeGreaterThan(100);
  });

  it('stores parents, names, areas, label points and subdivided parts', async () => {
    const report = await importRegions(db, fixture('xining.gcj02.geojson'), {
      crs: 'GCJ02',
      replace: true,
      source: 'xining test',
    });
    expect(report).toMatchObject({ ok: true, repairs: [], errors: [] });
    const rows = await db.query<{
      code: string;
      level: string;
      parent_code: string | null;
      name_zh: string;
      name_en: string;
      population: number | null;
      synthetic: boolean;
      area_km2: number;
      label_inside: boolean;
      parts: number;
      parts_km2: number;
    }>(`
      SELECT r.code, r.level, r.parent_code, r.name_zh, r.name_en, r.population, r.synthetic, r.area_km2,
             ST_Contains(r.geom, r.label_point) label_inside, count(p.id)::int parts,
             ST_Area(ST_Union(p.geom)::geography) / 1e6 parts_km2
      FROM regions r JOIN region_parts p ON p.region_code = r.code AND p.level = r.level
      GROUP BY r.id ORDER BY r.code`);
    expect(rows.map((r) => r.code)).toEqual(XINING.map((x) => x.code).sort());
    for (const r of rows) {
      const x = XINING.find((x) => x.code === r.code)!;
      const [x0, x1] = [Math.min(...x.ring[0].map((p) => p[0])), Math.max(...x.ring[0].map((p) => p[0]))];
      const [y0, y1] = [Math.min(...x.ring[0].map((p) => p[1])), Math.max(...x.ring[0].map((p) => p[1]))];
      expect(r).toMatchObject({
        level: x.level,
        parent_code: x.parentCode,
        name_zh: x.nameZh,
        name_en: x.nameEn,
        population: x.population,
        synthetic: false,
        label_inside: true,
      });
      expect(r.area_km2).toBeCloseTo(boxAreaKm2(x1 - x0, y1 - y0, (y0 + y1) / 2), 1);
      expect(Math.abs(r.parts_km2 - r.area_km2) / r.area_km2).toBeLessThan(1e-9);
    }
    const meta = await db.query<{ value: { source: string; crs: string } }>(
      `SELECT value FROM meta WHERE key = 'regions.import'`,
    );
    expect(meta[0].value).toMatchObject({ source: 'xining test', crs: 'GCJ02' });
  });

  it.each([
    [
      'xining-overlap.gcj02.geojson',
      [[2, '630104001', 'overlapping_siblings']],
      /overlaps 630104002 \(feature 3\) by \d+\.\d{4} km², (49\.9\d|50\.0\d)% of the smaller/,
    ],
    ['xining-bowtie.gcj02.geojson', [[3, '630104002', 'invalid_geometry']], /Self-intersection/],
    [
      'xining-unknown-parent.gcj02.geojson',
      [[5, '630103002', 'unknown_parent']],
      /parent 630199 is neither in the file nor stored/,
    ],
    [
      'xining-duplicate-code.gcj02.geojson',
      [
        [5, '630103001', 'duplicate_code'],
        [6, '630103002001', 'unknown_parent'],
      ],
      /code 630103001 is already used by feature 4/,
    ],
    [
      'xining-point.gcj02.geojson',
      [[2, '630104001', 'unsupported_geometry']],
      /geometry type Point is not Polygon or MultiPolygon/,
    ],
  ] as const)('rejects %s with the named errors and leaves every table unchanged', async (file, expected, message) => {
    expect((await importRegions(db, fixture('xining.gcj02.geojson'), { crs: 'GCJ02', replace: true })).ok).toBe(true);
    const before = await snapshot();
    const report = await importRegions(db, fixture(file), { crs: 'GCJ02', replace: true });
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual(expected);
    expect(report.errors[0].message).toMatch(message);
    expect(report.counts).toEqual({ district: 0, street: 0, community: 0, grid: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('repairs the bow-tie when asked, and says so', async () => {
    const report = await importRegions(db, fixture('xining-bowtie.gcj02.geojson'), {
      crs: 'GCJ02',
      replace: true,
      repair: true,
    });
    expect(report.ok).toBe(true);
    expect(report.repairs).toEqual([
      {
        index: 3,
        code: '630104002',
        reason: expect.stringMatching(/^Self-intersection\[/),
        result: expect.stringMatching(/^ST_MakeValid: 2 polygon\(s\), /),
      },
    ]);
    const [row] = await db.query<{ valid: boolean; n: number; t: string }>(
      `SELECT ST_IsValid(geom) valid, ST_NumGeometries(geom) n, ST_GeometryType(geom) t FROM regions WHERE code = '630104002'`,
    );
    expect(row).toEqual({ valid: true, n: 2, t: 'ST_MultiPolygon' });
  });

  it('reports a polygon that ST_MakeValid cannot turn into an area', async () => {
    const fc = xiningCollection('WGS84');
    feature(fc, '630104002').geometry.coordinates = [
      [
        [101.7, 36.6],
        [101.73, 36.6],
        [101.76, 36.6],
        [101.7, 36.6],
      ],
    ];
    const report = await importRegions(db, fc, { crs: 'WGS84', replace: true, repair: true });
    expect(kinds(report)).toEqual([[3, '630104002', 'unrepairable_geometry']]);
    expect(report.errors[0].message).toMatch(/ST_MakeValid left no valid polygon/);
  });

  it('rejects anything but a FeatureCollection', async () => {
    for (const bad of [null, 'x', { type: 'Feature', properties: {}, geometry: null }, { type: 'FeatureCollection' }]) {
      const report = await importRegions(db, bad, { crs: 'WGS84' });
      expect(kinds(report)).toEqual([[null, null, 'not_feature_collection']]);
    }
    expect(kinds(await importRegions(db, { type: 'FeatureCollection', features: [] }, { crs: 'WGS84' }))).toEqual([
      [null, null, 'not_feature_collection'],
    ]);
  });

  it('names each bad coordinate, property and parent level', async () => {
    const fc = gcj();
    (feature(fc, '630104001').geometry.coordinates[0][1] as number[])[0] = Number.NaN;
    (feature(fc, '630104002').geometry.coordinates[0][2] as number[])[1] = 95;
    feature(fc, '630103001').geometry.coordinates[0].pop();
    feature(fc, '630103002').properties.parentCode = '630103001';
    (feature(fc, '630103001G002').properties as Record<string, unknown>).level = 'block';
    feature(fc, '630103002001G001').properties.parentCode = '630103';
    feature(fc, '630104').properties.parentCode = '630000';
    const report = await importRegions(db, fc, { crs: 'GCJ02', replace: true });
    expect(kinds(report)).toEqual([
      [0, '630104', 'wrong_parent_level'],
      [2, '630104001', 'bad_coordinates'],
      [3, '630104002', 'bad_coordinates'],
      [4, '630103001', 'bad_coordinates'],
      [5, '630103002', 'wrong_parent_level'],
      [8, '630103001G002', 'invalid_properties'],
      [9, '630103002001G001', 'wrong_parent_level'],
    ]);
    const msg = Object.fromEntries(report.errors.map((e) => [e.index, e.message]));
    expect(msg[2]).toMatch(/position 1: longitude NaN is not a number/);
    expect(msg[3]).toMatch(/position 2: latitude 95 is not a number in \[-90, 90\]/);
    expect(msg[4]).toMatch(/not closed/);
    expect(msg[5]).toMatch(/a street's parent must be a district, but 630103001 is a street/);
    expect(msg[8]).toMatch(/level/);
    expect(msg[9]).toMatch(/a grid's parent must be a street or community, but 630103 is a district/);
    expect(await snapshot()).toMatchObject({ regions: 0, parts: 0 });
  });

  it('upserts into stored regions without replace, checking parents and overlaps against them', async () => {
    const all = xiningCollection('WGS84');
    const part = (levels: string[]) => ({
      ...all,
      features: all.features.filter((f) => levels.includes(f.properties.level)),
    });
    expect((await importRegions(db, part(['district']), { crs: 'WGS84' })).counts.district).toBe(2);
    const streets = await importRegions(db, part(['street']), { crs: 'WGS84' });
    expect(streets.counts).toEqual({ district: 0, street: 4, community: 0, grid: 0 });

    const renamed = part(['street']);
    renamed.features[0].properties.nameEn = 'Xiguan Avenue';
    expect((await importRegions(db, renamed, { crs: 'WGS84' })).ok).toBe(true);
    expect((await db.query(`SELECT name_en FROM regions WHERE code = '630104001'`))[0]).toEqual({
      name_en: 'Xiguan Avenue',
    });
    expect((await db.query(`SELECT count(*)::int n FROM regions`))[0]).toEqual({ n: 6 });

    const intruder = {
      ...all,
      features: [{ ...all.features[3], properties: { ...all.features[3].properties, code: '630104009' } }],
    };
    const report = await importRegions(db, intruder, { crs: 'WGS84' });
    expect(kinds(report)).toEqual([[0, '630104009', 'overlapping_siblings']]);
    expect(report.errors[0].message).toMatch(/overlaps 630104002 \(stored\)/);
  });

  it('replaces the whole hierarchy with replace', async () => {
    expect((await importRegions(db, xiningCollection('WGS84'), { crs: 'WGS84', replace: true })).ok).toBe(true);
    const onlyDistricts = xiningCollection(
      'WGS84',
      XINING.filter((x) => x.level === 'district'),
    );
    const report = await importRegions(db, onlyDistricts, { crs: 'WGS84', replace: true });
    expect(report.counts).toEqual({ district: 2, street: 0, community: 0, grid: 0 });
    expect(await snapshot()).toMatchObject({ regions: 2 });
    expect((await db.query(`SELECT count(DISTINCT region_code)::int n FROM region_parts`))[0]).toEqual({ n: 2 });
  });
});
