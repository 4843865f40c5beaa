// Excess over expected counts through the API on BOTH engines, on the tiny city with a year of
// synthetic history: the H3 map, the emerging patterns and the region map equal the pure modules on
// the same numbers, and a planted 3× patch in the last month is found (hot, and "new").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { h3NeighbourLists } from '../../../server/analysis/gistar.ts';
import { expectedCounts, historyOf } from '../../../server/analysis/expected.ts';
import { excessMap } from '../../../server/analysis/excessMap.ts';
import { emergingAtTwoScales } from '../../../server/analysis/emergingExcess.ts';
import { ringIndex } from '../../../server/analysis/localBaseline.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { loadTinyCity } from '../../helpers/tinyCity.ts';
import { insertTickets, noon, type FixtureTicket } from './analysisFixtures.ts';
import { poisson, Rng } from './simulation.ts';

const CENTRE = latLngToCell(39.05, 116.08, 8);
const CELLS = [...gridDisk(CENTRE, 4)].sort(); // 61 cells inside district 900001
const PATCH = new Set(gridDisk(CENTRE, 1));
/** Months 2025-01 .. 2026-01; the last one carries the planted patch. */
const MONTHS = Array.from(
  { length: 13 },
  (_, m) => `${2025 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`,
);

/** counts[cell][month]: 2–6 a month per cell, ×3 on the patch in January 2026. */
function plantedCounts(): number[][] {
  const rng = new Rng(2026);
  const rate = CELLS.map(() => 2 + 4 * rng.next());
  return CELLS.map((c, i) => MONTHS.map((_, m) => poisson(rng, rate[i] * (m === 12 && PATCH.has(c) ? 3 : 1))));
}

function tickets(counts: number[][]): FixtureTicket[] {
  const out: FixtureTicket[] = [];
  CELLS.forEach((cell, i) => {
    const [lat, lon] = cellToLatLng(cell);
    MONTHS.forEach((month, m) => {
      for (let k = 0; k < counts[i][m]; k++)
        out.push({ lon, lat, category: 'water.outage', at: noon(`${month}-${String(1 + (k % 28)).padStart(2, '0')}`) });
    });
  });
  return out;
}

describe.each(ENGINES)('excess over expected counts through the API on %s', (engine) => {
  let db: Database;
  let client: Client;
  const counts = plantedCounts();
  const get = async (path: string) => {
    const res = await client.request(path);
    expect(res.status, path).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_analysis_excess');
    await loadTinyCity(db);
    await db.query(`SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))`);
    const all = tickets(counts);
    for (let k = 0; k < all.length; k += 2000) await insertTickets(db, all.slice(k, k + 2000));
    client = await signIn(createApp({ db }), db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('maps January 2026 against its year of history exactly as the pure modules do, the patch hot', async () => {
    const body = await get('/api/hotspots?res=8&k=1&from=2026-01-01&to=2026-01-31&category=water.outage&all=true');
    expect(body.measure).toBe('excess');
    expect(body.cells.map((c: any) => c.cell)).toEqual(CELLS);
    const observed = counts.map((row) => row[12]);
    const periods = Array.from({ length: 12 }, (_, m) => counts.map((row) => row[m]));
    const model = expectedCounts(observed, { periods, season: historyOf('2026-01-01', '2026-02-01').season });
    const map = excessMap(CELLS, observed, model, h3NeighbourLists(CELLS, 1), { fdr: true });
    expect(body.expected).toMatchObject({
      historyFrom: '2025-01',
      historyTo: '2025-12',
      historyMonths: 12,
      seasonal: true,
      prior: 'equal',
    });
    expect(body.expected.historyTickets).toBe(periods.flat().reduce((a, b) => a + b, 0));
    body.cells.forEach((c: any, i: number) => {
      const l = map.locations[i];
      expect(c.count).toBe(l.count);
      expect(c.expected).toBeCloseTo(l.expected, 3);
      expect(c.z).toBeCloseTo(l.z, 4);
      expect(c.bin).toBe(l.bin);
    });
    expect(body.cells.find((c: any) => c.cell === CENTRE).bin).toBeGreaterThanOrEqual(2);
    // Outside the patch and its ring nothing is hot.
    const near = new Set(gridDisk(CENTRE, 2));
    expect(body.cells.filter((c: any) => c.bin > 0 && !near.has(c.cell))).toEqual([]);
  });

  it('calls the patch new on the emerging map, as the pure module does', async () => {
    const body = await get(
      '/api/hotspots/emerging?res=8&k=1&step=month&steps=12&to=2026-01-31&category=water.outage&all=true',
    );
    expect(body.measure).toBe('excess');
    expect(body.stepStarts[11]).toBe('2026-01-01');
    const cube = counts.map((row) => row.slice(1));
    const pure = emergingAtTwoScales({
      counts: cube,
      neighbours: h3NeighbourLists(CELLS, 1),
      cellRings: ringIndex(CELLS, 0, 2).ring,
      neighbourhoodRings: ringIndex(CELLS, 1, 3).ring,
    });
    const byCell = new Map(body.cells.map((c: any) => [c.cell, c]));
    CELLS.forEach((cell, i) => {
      expect((byCell.get(cell) as any).pattern, cell).toBe(pure.places[i].pattern);
      expect((byCell.get(cell) as any).scale, cell).toBe(pure.places[i].scale);
    });
    expect(['new_hot', 'consecutive_hot']).toContain((byCell.get(CENTRE) as any).pattern);
    expect((byCell.get(CENTRE) as any).surge.ratio).toBeGreaterThan(2);
  });

  it('maps regions against their history with residents as the prior', async () => {
    const body = await get('/api/hotspots/regions?level=district&from=2026-01-01&to=2026-01-31');
    expect(body.measure).toBe('excess');
    expect(body.expected.prior).toBe('exposure');
    const [a, b] = body.regions;
    expect(a.code).toBe('900001');
    expect(a.count).toBe(counts.reduce((s, row) => s + row[12], 0));
    // District 900002 never had a ticket: its expected count comes from its residents alone.
    expect(b.count).toBe(0);
    expect(b.expected).toBeGreaterThan(0);
    expect(b.expected).toBeLessThan(a.expected / 100);
  });
});
