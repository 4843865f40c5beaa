// The planted ground truth of a small demo year is found, on BOTH engines: persistent, new and
// intensifying hot spots, recurring clusters, and a forecast that beats both baselines. The demo is
// loaded the way the server should load it: rollups paused for the bulk COPY, rebuilt after.
//
// Protocol (fixed in advance, documented in server/analysis/README.md):
// - Hot spots: H3 res 9, k = 1, the 12 complete months (the planted spots are res-8 cells; each
//   is judged at its centre child, whose 1-ring is the planted cell).
//   persistent  → EHSA on counts says persistent_hot;
//   new         → EHSA on the local baseline (excess over the surrounding ring) says new_hot or
//                 consecutive_hot (ArcGIS: consecutive = new and still hot for ≥ 2 final steps);
//   intensifying→ EHSA on counts has the final step hot and the neighbourhood's tickets rising
//                 (Mann-Kendall p ≤ 0.05). The planted spots start at 8% of their final strength,
//                 so EHSA's own "intensifying" (≥ 90% of steps hot) cannot apply to them.
//   Recall = planted spots reported so / planted spots. Precision = among the N strongest cells
//   reported so (N = planted spots of that kind, strongest by total / final count / trend z,
//   distinct res-8 places), the share that are planted.
// - Clusters: /api/clusters defaults over the last 365 days, all categories. Recall = planted
//   clusters with a reported cluster of their category within 150 m. Precision = reported clusters
//   that are a planted cluster, or lie in (or next to) a planted hot spot's cell and carry one of its
//   categories: hot spots are planted place+category concentrations too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToCenterChild, cellToParent, gridDisk } from 'h3-js';
import type { Database, Engine } from '../../../db/client.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { generateDemo, type DemoTruth } from '../../../data/demo/index.ts';
import { createApp } from '../../../server/app.ts';
import { pauseRollups, rebuildRollups } from '../../../server/analysis/rollups.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { fixtureFeatureCollection } from '../../data/demo/fixtures.ts';

const NOW = new Date('2025-12-31T20:00:00+08:00');
const TICKETS = 60_000;
const SEED = 7;

interface Cell {
  cell: string;
  pattern: string;
  total: number;
  counts: number[];
  bins: number[];
  countTrend: { z: number; p: number; direction: string };
}

function distanceMetres(a: readonly number[], b: readonly number[]): number {
  const k = Math.PI / 180;
  return 6_371_008.8 * Math.hypot((a[0] - b[0]) * k * Math.cos(((a[1] + b[1]) / 2) * k), (a[1] - b[1]) * k);
}

describe.each(ENGINES)('planted demo truth on %s', (engine: Engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  /** Every request signs in (an admin: the whole city), as the dashboard does. */
  let client: Client;
  let truth: DemoTruth;
  const get = async (path: string) => {
    const res = await client.request(path);
    expect(res.status, path).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_analysis_demo');
    const report = await importRegions(db, fixtureFeatureCollection(), { crs: 'WGS84', replace: true, source: 'tests/data/demo/fixtures.ts' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await pauseRollups(db);
    // The Beijing taxonomy (a city package import would seed it): the demo takes that package's profile.
    await seedTaxonomy(db);
    truth = (await generateDemo(db, { tickets: TICKETS, seed: SEED, now: NOW })).truth;
    await rebuildRollups(db);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reports planted persistent, new and intensifying hot spots so (recall ≥ 0.9, precision ≥ 0.8)', async () => {
    const query = '/api/hotspots/emerging?res=9&k=1&step=month&steps=12&all=true';
    const raw: { cells: Cell[]; stepStarts: string[] } = await get(query);
    const local: { cells: Cell[] } = await get(`${query}&baseline=local`);
    expect(raw.stepStarts[0]).toBe('2025-01-01');
    const index = (e: { cells: Cell[] }) => new Map(e.cells.map((c) => [c.cell, c]));
    const rawBy = index(raw);
    const localBy = index(local);
    const last = (xs: number[]) => xs[xs.length - 1];
    const kinds = {
      persistent: { by: rawBy, cells: raw.cells, ok: (c: Cell) => c.pattern === 'persistent_hot', strength: (c: Cell) => c.total },
      new: { by: localBy, cells: local.cells, ok: (c: Cell) => c.pattern === 'new_hot' || c.pattern === 'consecutive_hot', strength: (c: Cell) => last(c.counts) },
      intensifying: { by: rawBy, cells: raw.cells, ok: (c: Cell) => last(c.bins) >= 1 && c.countTrend.direction === 'rising', strength: (c: Cell) => c.countTrend.z },
    } as const;
    let found = 0;
    let planted = 0;
    let topHits = 0;
    let topTotal = 0;
    const lines: string[] = [];
    for (const [kind, k] of Object.entries(kinds)) {
      const spots = truth.hotspots.filter((h) => h.pattern === kind);
      expect(spots.length, kind).toBeGreaterThan(0);
      const hits = spots.filter((h) => {
        const c = k.by.get(cellToCenterChild(h.h3r8, 9));
        return c !== undefined && k.ok(c);
      }).length;
      const places = new Set(spots.map((h) => h.h3r8));
      const strongest: string[] = [];
      for (const c of k.cells.filter(k.ok).sort((a, b) => k.strength(b) - k.strength(a))) {
        const place = cellToParent(c.cell, 8);
        if (!strongest.includes(place)) strongest.push(place);
        if (strongest.length === spots.length) break;
      }
      const top = strongest.filter((p) => places.has(p)).length;
      found += hits;
      planted += spots.length;
      topHits += top;
      topTotal += spots.length;
      lines.push(`${kind}: ${hits}/${spots.length} found, ${top}/${spots.length} of the strongest`);
    }
    const recall = found / planted;
    const precision = topHits / topTotal;
    console.log(`[${engine}] hot spots: recall ${recall.toFixed(2)}, precision ${precision.toFixed(2)} (${lines.join('; ')})`);
    expect(recall, lines.join('; ')).toBeGreaterThanOrEqual(0.9);
    expect(precision, lines.join('; ')).toBeGreaterThanOrEqual(0.8);
  });

  it('recovers the planted recurring clusters (recall ≥ 0.9, precision ≥ 0.8)', async () => {
    const body = await get('/api/clusters');
    const clusters: { category: { code: string }; centroid: [number, number]; cell: string; pattern: string; tickets: number }[] = body.clusters;
    const matchesCluster = (c: (typeof clusters)[number]) =>
      truth.clusters.find((t) => t.categoryCode === c.category.code && distanceMetres(t.centre, c.centroid) <= 150);
    const inHotspot = (c: (typeof clusters)[number]) =>
      truth.hotspots.some((h) => h.categories.includes(c.category.code) && gridDisk(h.h3r8, 1).includes(cellToParent(c.cell, 8)));
    const recovered = truth.clusters.filter((t) => clusters.some((c) => matchesCluster(c)?.id === t.id));
    const correct = clusters.filter((c) => matchesCluster(c) || inHotspot(c));
    const recall = recovered.length / truth.clusters.length;
    const precision = clusters.length ? correct.length / clusters.length : 0;
    console.log(
      `[${engine}] clusters: recall ${recall.toFixed(2)} (${recovered.length}/${truth.clusters.length}), precision ${precision.toFixed(2)} (${correct.length}/${clusters.length}); ` +
        truth.clusters.map((t) => `${t.id}=${clusters.find((c) => matchesCluster(c)?.id === t.id)?.pattern ?? 'missed'}`).join(' '),
    );
    expect(recall).toBeGreaterThanOrEqual(0.9);
    expect(precision).toBeGreaterThanOrEqual(0.8);
  });

  it('forecasts next month better than last month and the same month last year (precision@50)', async () => {
    const cell = await get('/api/forecast/backtest?res=8&k=50&unit=cell');
    const pairs = await get('/api/forecast/backtest?res=8&k=50&unit=cellCategory');
    const dec = cell.months.find((m: { month: string }) => m.month === '2025-12');
    console.log(
      `[${engine}] backtest precision@50, res 8 cells: forecast ${cell.mean.forecast.toFixed(3)} vs last month ${cell.mean.lastMonth.toFixed(3)} over ${cell.mean.months} months; ` +
        `December (same month last year known): forecast ${dec.forecast.toFixed(3)}, last month ${dec.lastMonth.toFixed(3)}, same month last year ${dec.sameMonthLastYear.toFixed(3)}; ` +
        `cell×category: forecast ${pairs.mean.forecast.toFixed(3)} vs last month ${pairs.mean.lastMonth.toFixed(3)}`,
    );
    expect(cell.mean.forecast).toBeGreaterThan(cell.mean.lastMonth);
    expect(dec.forecast).toBeGreaterThan(dec.lastMonth);
    expect(dec.forecast).toBeGreaterThan(dec.sameMonthLastYear);
    expect(pairs.mean.forecast).toBeGreaterThan(pairs.mean.lastMonth);
    expect(pairs.meanWhereSeasonal.forecast).toBeGreaterThan(pairs.meanWhereSeasonal.sameMonthLastYear);
  });

  it('puts the planted seasonal cluster on next season’s work list', async () => {
    // Heating complaints come back in winter: forecasting January from the data up to December
    // must put the planted cold-radiator building's cell on the heating work list.
    const heating = truth.clusters.find((c) => c.categoryCode === 'heating.no_heat')!;
    const body = await get('/api/forecast?month=2026-01&res=8&category=heating&limit=10');
    const cells = body.workList.map((w: { cell: string }) => w.cell);
    const { latLngToCell } = await import('h3-js');
    expect(cells).toContain(latLngToCell(heating.centre[1], heating.centre[0], 8));
  });
});
