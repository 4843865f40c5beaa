// A city is a folder: the New York package and a small made-up one go through the same reading,
// checking and all-or-nothing import, on both engines. Nothing here is Beijing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { ensureCityPackage, formatProblems, importCityPackage } from '../../../data/city/import.ts';
import { readCityPackage, resolveRef } from '../../../data/city/package.ts';
import { activateCity, activeCity, deactivateCity } from '../../../server/city.ts';
import { intakeTicket } from '../../../server/intake/intake.ts';
import { defaultSettings } from '../../../server/intake/settings.ts';
import { locatePoint } from '../../../db/locate.ts';
import { cityTimeZone, setCityTimeZone } from '../../../server/time.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';

const NYC = path.resolve('data/cities/nyc');
const BEIJING = path.resolve('data/cities/beijing');

/** Metres → degrees of longitude / latitude near 40.6° N. */
const M_LON = 1 / (111_320 * Math.cos((40.6 * Math.PI) / 180));
const M_LAT = 1 / 110_574;
const box = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
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

/**
 * Riverside: one area with two wards, published with a 10 m sliver between them (as real files
 * have), English, a zone with daylight saving, property names of its own.
 */
function writeRiverside(mutate: (files: Record<string, unknown>) => void = () => {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-riverside-'));
  const x0 = -75.0;
  const y0 = 40.6;
  const mid = x0 + 1000 * M_LON;
  const files: Record<string, unknown> = {
    'city.json': {
      code: 'riverside',
      names: { local: 'Riverside' },
      locale: 'en',
      timeZone: 'America/Chicago',
      levels: [
        { level: 'district', names: { local: 'Area' } },
        { level: 'street', names: { local: 'Ward' } },
      ],
      boundaries: [
        { file: 'areas.geojson', level: 'district', properties: { code: 'AREA_NO', name: 'AREA_NAME' } },
        {
          file: 'wards.geojson',
          level: 'street',
          properties: { code: 'WARD', name: 'Ward {WARD}', parent: { from: 'WARD', slice: [0, 1] } },
        },
      ],
      taxonomy: 'taxonomy.json',
      locateToleranceMeters: 15,
    },
    'areas.geojson': {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { AREA_NO: 7, AREA_NAME: 'North Side' },
          geometry: box(x0, y0, x0 + 2000 * M_LON, y0 + 1000 * M_LAT),
        },
      ],
    },
    'wards.geojson': {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { WARD: 71 }, geometry: box(x0, y0, mid - 5 * M_LON, y0 + 1000 * M_LAT) },
        {
          type: 'Feature',
          properties: { WARD: 72 },
          geometry: box(mid + 5 * M_LON, y0, x0 + 2000 * M_LON, y0 + 1000 * M_LAT),
        },
      ],
    },
    'taxonomy.json': {
      departments: [{ code: 'sanitation', kind: 'department', nameEn: 'Sanitation' }],
      groups: [{ code: 'trash', nameEn: 'Trash' }],
      categories: [
        {
          code: 'trash.bulk',
          groupCode: 'trash',
          nameEn: 'Bulk pickup',
          urgency: 'ordinary',
          departmentCode: 'sanitation',
          parallel: true,
          resolveWithin: '90d',
        },
        {
          code: 'trash.missed',
          groupCode: 'trash',
          nameEn: 'Missed collection',
          urgency: 'ordinary',
          departmentCode: 'sanitation',
          parallel: true,
        },
      ],
    },
  };
  mutate(files);
  for (const [name, value] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), JSON.stringify(value));
  return dir;
}

describe('reading a city package', () => {
  it('maps New York boundary properties onto codes, names and parents', () => {
    const { pkg, problems } = readCityPackage(NYC);
    expect(problems).toEqual([]);
    const f = pkg!.regions.features;
    expect(
      f
        .filter((x) => x.properties.level === 'district')
        .map((x) => x.properties.code)
        .sort(),
    ).toEqual(['1', '2', '3', '4', '5']);
    expect(f.filter((x) => x.properties.level === 'street')).toHaveLength(71);
    const cd206 = f.find((x) => x.properties.code === '206')!.properties;
    expect(cd206).toMatchObject({
      level: 'street',
      nameZh: 'Community District 206',
      nameEn: 'Community District 206',
      parentCode: '2',
    });
    expect(f.find((x) => x.properties.code === '2')!.properties.nameZh).toBe('Bronx');
  });

  it('resolves property references, templates and slices', () => {
    expect(resolveRef({ BoroCD: 503 }, { from: 'BoroCD', slice: [0, -2] })).toEqual({ value: '5', missing: null });
    expect(resolveRef({ a: 'X', b: 2 }, '{a}-{b}')).toEqual({ value: 'X-2', missing: null });
    expect(resolveRef({ a: 'X' }, '{a}-{b}')).toEqual({ value: null, missing: 'b' });
    expect(resolveRef({ code: '  ' }, 'code')).toEqual({ value: null, missing: 'code' });
  });

  it('names the file, feature and property of every problem', () => {
    const dir = writeRiverside((files) => {
      const wards = files['wards.geojson'] as { features: { properties: Record<string, unknown> }[] };
      delete wards.features[1].properties.WARD;
      (files['city.json'] as { timeZone: string }).timeZone = 'Mars/Olympus';
    });
    const { pkg, problems } = readCityPackage(dir);
    expect(pkg).toBeNull();
    expect(formatProblems(problems)).toEqual(['city.json, timeZone: unknown IANA time zone']);
    // With the zone fixed, the feature problem is reported where it is.
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'city.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'city.json'), JSON.stringify({ ...manifest, timeZone: 'America/Chicago' }));
    expect(formatProblems(readCityPackage(dir).problems)).toEqual([
      "wards.geojson, feature 1, WARD: no value for code (property 'WARD' is missing or empty)",
      "wards.geojson, feature 1, WARD: no value for name (property 'WARD' is missing or empty)",
    ]);
  });

  it('refuses a package whose taxonomy names an unknown agency', () => {
    const dir = writeRiverside((files) => {
      (files['taxonomy.json'] as { categories: { departmentCode: string }[] }).categories[1].departmentCode = 'parks';
    });
    expect(formatProblems(readCityPackage(dir).problems)).toEqual([
      "taxonomy.json: category 'trash.missed' names unknown department 'parks'",
    ]);
  });
});

describe.each(ENGINES.map((engine) => ({ engine })))('a city package on $engine', ({ engine }) => {
  let db: Database;
  const zoneBefore = cityTimeZone();
  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_city_package');
  }, 300_000);
  afterAll(async () => {
    deactivateCity();
    setCityTimeZone(zoneBefore);
    await db?.close();
  });

  it('imports nothing from a broken package and reports it', async () => {
    const dir = writeRiverside((files) => {
      const wards = files['wards.geojson'] as { features: { geometry: { coordinates: number[][][] } }[] };
      wards.features[0].geometry.coordinates[0].pop(); // ring no longer closed
    });
    const report = await importCityPackage(db, dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ file: 'wards.geojson', feature: 0, property: 'geometry' });
    const [n] = await db.query<{ regions: number; cats: number; city: number }>(
      `SELECT (SELECT count(*) FROM regions)::int regions, (SELECT count(*) FROM categories)::int cats, (SELECT count(*) FROM meta WHERE key IN ('city', 'city.locate_tolerance_m'))::int city`,
    );
    expect(n).toEqual({ regions: 0, cats: 0, city: 0 });
  });

  it('locates points in a published sliver within the tolerance, and not beyond it', async () => {
    const report = await importCityPackage(db, writeRiverside());
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ district: 1, street: 2, categories: 2, departments: 1 });
    const x0 = -75.0 + 1000 * M_LON;
    const y = 40.6 + 500 * M_LAT;
    // 2 m west of the gap's middle: 3 m from ward 71, 7 m from ward 72.
    expect(await locatePoint(db, x0 - 2 * M_LON, y)).toMatchObject({
      districtCode: '7',
      streetCode: '71',
      locationStatus: 'located',
    });
    expect(await locatePoint(db, x0 + 2 * M_LON, y)).toMatchObject({
      districtCode: '7',
      streetCode: '72',
      locationStatus: 'located',
    });
    // 8 m past the city edge (the west side of ward 71) is still the city's; 40 m is outside.
    expect(await locatePoint(db, -75.0 - 8 * M_LON, y)).toMatchObject({ streetCode: '71', locationStatus: 'located' });
    expect(await locatePoint(db, -75.0 - 40 * M_LON, y)).toMatchObject({
      districtCode: null,
      streetCode: null,
      locationStatus: 'outside',
    });
  });

  it("gives a request type its own service level and cuts days in the city's zone", async () => {
    const city = await activateCity(db);
    expect(city).toMatchObject({ code: 'riverside', timeZone: 'America/Chicago', locale: 'en' });
    expect(cityTimeZone()).toBe('America/Chicago');
    expect(activeCity()!.levels.map((l) => l.names.local)).toEqual(['Area', 'Ward']);
    const receivedAt = new Date('2026-03-07T18:00:00Z');
    const bulk = await intakeTicket(
      db,
      {
        kind: 'complaint',
        channel: 'phone',
        category: 'trash.bulk',
        description: 'sofa',
        lon: -74.999,
        lat: 40.601,
        crs: 'WGS84',
        receivedAt,
      },
      defaultSettings(),
    );
    const missed = await intakeTicket(
      db,
      {
        kind: 'complaint',
        channel: 'phone',
        category: 'trash.missed',
        description: 'bins',
        lon: -74.999,
        lat: 40.601,
        crs: 'WGS84',
        receivedAt,
      },
      defaultSettings(),
    );
    const due = await db.query<{ id: string; due: Date }>(
      `SELECT id::text, resolve_due_at due FROM tickets WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [[bulk.id, missed.id]],
    );
    // 90 days for bulk pickup (across the spring DST change: elapsed time, not wall-clock days).
    expect(new Date(due[0].due).toISOString()).toBe('2026-06-05T18:00:00.000Z');
    // The urgency class's default (7 days for ordinary) where the type sets none.
    expect(new Date(due[1].due).toISOString()).toBe('2026-03-14T18:00:00.000Z');
    const [day] = await db.query<{ day: string }>(
      `SELECT day::text FROM rollup_region_daily WHERE region_code = '71' LIMIT 1`,
    );
    // 18:00 UTC on 7 March is noon in Chicago: the same calendar day.
    expect(day.day).toBe('2026-03-07');
  });

  it('keeps the imported city when a start offers another package', async () => {
    expect(await ensureCityPackage(db, BEIJING)).toBeNull();
    const [m] = await db.query<{ code: string }>(`SELECT value->'manifest'->>'code' code FROM meta WHERE key = 'city'`);
    expect(m.code).toBe('riverside');
  });

  it('refuses to put another city over tickets of this one', async () => {
    const report = await importCityPackage(db, NYC);
    expect(report.ok).toBe(false);
    expect(formatProblems(report.problems)).toEqual([
      "city.json, code: this database already holds tickets of city 'riverside'; import 'nyc' into an empty database",
    ]);
  });

  it('imports New York with generated grid cells nested in its community districts', async () => {
    await db.exec('TRUNCATE ticket_events, dispatches, ticket_callers, tickets CASCADE');
    const report = await importCityPackage(db, NYC);
    expect(report.problems).toEqual([]);
    expect(report.counts).toMatchObject({ district: 5, street: 71, community: 0, categories: 34, departments: 8 });
    expect(report.counts.grid).toBeGreaterThan(1500);
    // Gaps between the two published layers are reported, not refused.
    expect(
      report.warnings.some((w) => w.file === 'boroughs.geojson' && /covered by none of its streets/.test(w.message)),
    ).toBe(true);
    const rows = await db.query<{ cells: number; orphans: number; spill: number }>(`
      WITH g AS (SELECT g.code, s.code street, g.geom, s.geom sgeom FROM regions g LEFT JOIN regions s ON s.code = g.parent_code AND s.level = 'street' WHERE g.level = 'grid')
      SELECT (SELECT count(*) FROM g)::int cells, (SELECT count(*) FROM g WHERE street IS NULL)::int orphans,
             (SELECT count(*) FROM g WHERE street IS NOT NULL AND NOT ST_CoveredBy(geom, ST_Buffer(sgeom, 0.00001)))::int spill`);
    expect(rows).toEqual([{ cells: report.counts.grid, orphans: 0, spill: 0 }]);
    // Times Square: Manhattan, community district 105, and a grid cell of that district.
    const ts = await locatePoint(db, -73.9855, 40.758);
    expect(ts).toMatchObject({ districtCode: '1', streetCode: '105', locationStatus: 'located' });
    expect(ts.gridCode).toMatch(/^105-88/);
    const city = await activateCity(db);
    expect(city).toMatchObject({ code: 'nyc', timeZone: 'America/New_York', locale: 'en' });
    const [[w, s], [e, n]] = city!.bounds!;
    expect([w, s, e, n].map((v) => Math.round(v * 10) / 10)).toEqual([-74.3, 40.5, -73.7, 40.9]);
  });
});
