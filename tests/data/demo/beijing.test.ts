// The promise behind every map and ranking: each generated ticket inside Beijing has exactly one
// district and one street, checked ticket by ticket against the polygons themselves (not through
// the locate function that assigned them), over every ticket of a Beijing demo, on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Engine } from '../../../db/client.ts';
import { loadBeijing } from '../../../data/geo/importer.ts';
import { generateDemo } from '../../../data/demo/index.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';

const TICKETS = 15_000;
const NOW = new Date('2026-11-20T10:00:00+08:00');

describe.each(ENGINES)('the Beijing demo on %s', (engine: Engine) => {
  let db: Database;
  const count = async (sql: string) => (await db.query<{ n: number }>(sql))[0]!.n;

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_beijing_demo');
    await loadBeijing(db);
    await seedTaxonomy(db);
    await generateDemo(db, { tickets: TICKETS, seed: 12345, now: NOW });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('holds every generated ticket', async () => {
    expect(await count('SELECT count(*)::int AS n FROM tickets')).toBe(TICKETS);
  });

  it('gives every ticket with a point inside the city one district and one street that contain it', async () => {
    const inside = await count(`SELECT count(*)::int AS n FROM tickets t
      WHERE t.geom IS NOT NULL AND EXISTS (SELECT 1 FROM regions d WHERE d.level = 'district' AND ST_Covers(d.geom, t.geom))`);
    expect(inside).toBeGreaterThan(TICKETS * 0.98);
    const wellPlaced = await count(`SELECT count(*)::int AS n FROM tickets t
      JOIN regions s ON s.code = t.street_code AND s.level = 'street'
      JOIN regions d ON d.code = t.district_code AND d.level = 'district'
      WHERE t.location_status = 'located' AND s.parent_code = d.code
        AND ST_Covers(s.geom, t.geom) AND ST_Covers(d.geom, t.geom)`);
    expect(wellPlaced).toBe(inside);
  });

  it('keeps points outside every district as outside, and address-only tickets as unlocated — none dropped', async () => {
    const outside = await count(`SELECT count(*)::int AS n FROM tickets t WHERE t.geom IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM regions d WHERE d.level = 'district' AND ST_Covers(d.geom, t.geom))`);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM tickets WHERE location_status = 'outside' AND district_code IS NULL AND street_code IS NULL`,
      ),
    ).toBe(outside);
    expect(await count(`SELECT count(*)::int AS n FROM tickets WHERE geom IS NULL`)).toBe(
      await count(`SELECT count(*)::int AS n FROM tickets WHERE location_status = 'unlocated'`),
    );
    expect(await count(`SELECT count(*)::int AS n FROM tickets WHERE geom IS NULL`)).toBeGreaterThan(0);
  });

  it('puts every located ticket in a grid cell of its own street', async () => {
    expect(
      await count(`SELECT count(*)::int AS n FROM tickets t JOIN regions g ON g.code = t.grid_code
      WHERE t.location_status = 'located' AND g.parent_code = t.street_code AND ST_Covers(g.geom, t.geom)`),
    ).toBe(await count(`SELECT count(*)::int AS n FROM tickets WHERE location_status = 'located'`));
  });
});
