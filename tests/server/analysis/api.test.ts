// Rollups and the analysis API on BOTH engines, on the tiny city with tickets placed on purpose:
// rollups equal raw counts through inserts, updates and deletes; Gi* through the API equals the
// pure module; neighbours by shared border; a planted recurring cluster is found and scattered
// noise is not; every endpoint answers, and bad input is a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellToParent, latLngToCell } from 'h3-js';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { giStar, h3NeighbourLists } from '../../../server/analysis/gistar.ts';
import { expectedCounts, historyOf } from '../../../server/analysis/expected.ts';
import { excessMap } from '../../../server/analysis/excessMap.ts';
import { EMERGING_PATTERN_IDS } from '../../../server/analysis/emerging.ts';
import { ensureRollups, pauseRollups, rebuildRollups, rollupsPaused } from '../../../server/analysis/rollups.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { askStandingQuestions, STANDING_QUESTIONS } from '../../../server/routes/standing.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { loadTinyCity } from '../../helpers/tinyCity.ts';
import { rollupsVersusRaw } from '../../helpers/rollupRecount.ts';
import {
  CLUSTER_CENTRE,
  clusterTickets,
  GI_CELLS,
  GI_COUNTS,
  giTickets,
  insertTickets,
  noiseTickets,
  noon,
  offset,
} from './analysisFixtures.ts';

const ZONE = 'Asia/Shanghai';

describe.each(ENGINES)('analysis API on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  /** Every request signs in (an admin: the whole city), as the dashboard does. */
  let client: Client;
  let clusterIds: number[];
  const get = async (path: string) => {
    const res = await client.request(path);
    return { status: res.status, body: await res.json() };
  };
  const post = async (path: string, body: unknown) => {
    const res = await client.request(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_analysis');
    await loadTinyCity(db);
    // The tiny city inserts its six tickets with explicit ids: move the identity past them.
    await db.query(`SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))`);
    await insertTickets(db, giTickets());
    const cluster = clusterTickets();
    // Repeat demands inside the cluster: a marked repeat, two calls from one phone, two from one address.
    cluster[3].phone = '13800000001';
    cluster[7].phone = '13800000001';
    cluster[10].address = '测试小区1号楼';
    cluster[12].address = '测试小区1号楼';
    clusterIds = await insertTickets(db, cluster);
    await db.query('UPDATE tickets SET repeat_of = $1 WHERE id = $2', [clusterIds[0], clusterIds[5]]);
    await insertTickets(db, [...noiseTickets('water.pipe_leak'), ...noiseTickets('water.outage')]);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('serves Gi* per H3 cell exactly as the pure module computes it, zero cells included (measure=count)', async () => {
    const { status, body } = await get(
      '/api/hotspots?res=8&k=1&from=2026-01-01&to=2026-01-31&fdr=false&all=true&measure=count',
    );
    expect(status).toBe(200);
    // The study area is the 19 cells, all seen in December; January counts are the hand-chosen ones.
    const sorted = [...GI_CELLS].sort();
    const counts = sorted.map((c) => GI_COUNTS[GI_CELLS.indexOf(c)]);
    const expected = giStar(counts, h3NeighbourLists(sorted, 1));
    expect(body.studyCells).toBe(19);
    expect(body.tickets).toBe(GI_COUNTS.reduce((a, b) => a + b, 0));
    expect(body.cells.map((c: any) => c.cell)).toEqual(sorted);
    body.cells.forEach((c: any, i: number) => {
      expect(c.count).toBe(counts[i]);
      expect(c.z).toBeCloseTo(expected.z[i], 4);
    });
    const centre = body.cells.find((c: any) => c.count === 12);
    expect(centre.bin).toBeGreaterThan(0);
    // p comes from conditional permutation (999 by default), so it is a multiple of 1/1000.
    expect(body.permutations).toBe(999);
    for (const c of body.cells) expect(Math.abs(c.p * 1000 - Math.round(c.p * 1000))).toBeLessThan(1e-6);
    // Without all=true, cells with no ticket and no significant bin are left out.
    const compact = await get('/api/hotspots?res=8&k=1&from=2026-01-01&to=2026-01-31&fdr=false&measure=count');
    expect(compact.body.cells.every((c: any) => c.count > 0 || c.bin !== 0)).toBe(true);
  });

  it('serves excess over expected counts by default, exactly as the pure modules compute it', async () => {
    const { status, body } = await get('/api/hotspots?res=8&k=1&from=2026-01-01&to=2026-01-31&all=true');
    expect(status).toBe(200);
    expect(body.measure).toBe('excess');
    const sorted = [...GI_CELLS].sort();
    const counts = sorted.map((c) => GI_COUNTS[GI_CELLS.indexOf(c)]);
    // History: the 12 months before January 2026; only December 2025 holds tickets (one per cell).
    expect(body.expected).toMatchObject({
      historyFrom: '2025-01',
      historyTo: '2025-12',
      historyTickets: 19,
      historyMonths: 1,
      seasonal: false,
      prior: 'equal',
    });
    const periods = Array.from({ length: 12 }, (_, m) => sorted.map(() => (m === 11 ? 1 : 0)));
    const model = expectedCounts(counts, { periods, season: historyOf('2026-01-01', '2026-02-01').season });
    const map = excessMap(sorted, counts, model, h3NeighbourLists(sorted, 1), { fdr: true });
    expect(body.cells.map((c: any) => c.cell)).toEqual(sorted);
    body.cells.forEach((c: any, i: number) => {
      const l = map.locations[i];
      expect(c.count).toBe(counts[i]);
      expect(c.expected).toBeCloseTo(l.expected, 3);
      expect(c.nbCount).toBe(l.nbCount);
      expect(c.z).toBeCloseTo(l.z, 4);
      expect(c.bin).toBe(l.bin);
    });
    // Equal history everywhere: each cell expects the same share of the month's level. The busy
    // centre stands out most (p < 0.05), though one December ticket per cell is too thin a history
    // for the FDR map.
    const total = counts.reduce((a, b) => a + b, 0);
    expect(model.level).toBe(total);
    body.cells.forEach((c: any) => expect(c.expected).toBeCloseTo(total / 19, 3));
    const centre = body.cells.find((c: any) => c.count === 12);
    expect(centre.z).toBe(Math.max(...body.cells.map((c: any) => c.z)));
    expect(centre.p).toBeLessThan(0.05);
    expect(centre.ratio).toBeCloseTo(12 / (total / 19), 3);
    expect(centre.ratioLow).toBeLessThan(centre.ratio);
    expect(centre.ratioHigh).toBeGreaterThan(centre.ratio);
  });

  it('counts any window exactly, whole months, weeks and days alike', async () => {
    // 2025-12-10 .. 2026-04-07: days, whole weeks, whole months Jan–Mar, a week, days.
    const { body } = await get('/api/hotspots?res=7&from=2025-12-10&to=2026-04-07&all=true');
    const raw = await db.query<{ cell: string; n: number }>(
      `SELECT h3_r7 AS cell, count(*)::int AS n FROM tickets
        WHERE h3_r7 IS NOT NULL AND received_at >= '2025-12-09T16:00:00Z' AND received_at < '2026-04-07T16:00:00Z' GROUP BY 1 ORDER BY 1`,
    );
    expect(body.cells.filter((c: any) => c.count > 0).map((c: any) => [c.cell, c.count])).toEqual(
      raw.map((r) => [r.cell, r.n]),
    );
  });

  it('filters hot spots by category (group codes too) and by district', async () => {
    const water = await get('/api/hotspots?res=8&from=2026-01-01&to=2026-01-31&category=water');
    expect(water.body.tickets).toBe(0);
    const noise = await get('/api/hotspots?res=8&from=2026-01-01&to=2026-01-31&category=noise&district=900001');
    expect(noise.body.tickets).toBe(GI_COUNTS.reduce((a, b) => a + b, 0));
  });

  it('finds region neighbours by shared border and computes Gi* over them', async () => {
    const { status, body } = await get(
      '/api/hotspots/regions?level=street&from=2026-03-01&to=2026-04-30&fdr=false&measure=count',
    );
    expect(status).toBe(200);
    const byCode = Object.fromEntries(body.regions.map((r: any) => [r.code, r]));
    expect(byCode['900001001'].neighbours).toEqual(['900001002']);
    expect(byCode['900001002'].neighbours).toEqual(['900001001', '900002001']);
    expect(byCode['900002001'].neighbours).toEqual(['900001002']);
    const raw = await db.query<{ code: string; n: number }>(
      `SELECT street_code AS code, count(*)::int AS n FROM tickets
        WHERE street_code IS NOT NULL AND received_at >= '2026-02-28T16:00:00Z' AND received_at < '2026-04-30T16:00:00Z' GROUP BY 1`,
    );
    const codes = ['900001001', '900001002', '900002001'];
    const counts = codes.map((c) => raw.find((r) => r.code === c)?.n ?? 0);
    expect(codes.map((c) => byCode[c].count)).toEqual(counts);
    const expected = giStar(counts, [[1], [0, 2], [1]]);
    codes.forEach((c, i) => expect(byCode[c].z).toBeCloseTo(expected.z[i], 4));
    const grids = await get('/api/hotspots/regions?level=grid');
    const g = Object.fromEntries(grids.body.regions.map((r: any) => [r.code, r.neighbours]));
    expect(g['900001001G001']).toEqual(['900001001G002']);
    expect(g['900001002G001']).toEqual(['900001001G002', '900002001G001']);
  });

  it('rebuilds adjacency after the regions change', async () => {
    expect((await db.query(`SELECT 1 FROM region_adjacency_built WHERE level = 'street'`)).length).toBe(1);
    await db.query(`UPDATE regions SET name_en = name_en WHERE code = '900001001'`);
    expect((await db.query(`SELECT 1 FROM region_adjacency_built`)).length).toBe(0);
    const again = await get('/api/hotspots/regions?level=street');
    expect(again.body.regions.find((r: any) => r.code === '900001002').neighbours).toEqual(['900001001', '900002001']);
  });

  it('classifies emerging hot spots per cell with labels, trend and series', async () => {
    const { status, body } = await get(
      '/api/hotspots/emerging?res=8&step=month&steps=4&to=2026-04-30&all=true&series=full',
    );
    expect(status).toBe(200);
    expect(body.stepStarts).toEqual(['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01']);
    expect(body.patterns).toHaveLength(17);
    expect(body.cells.length).toBe(body.studyCells);
    for (const c of body.cells) {
      expect(EMERGING_PATTERN_IDS).toContain(c.pattern);
      expect(c.counts).toHaveLength(4);
      expect(c.bins).toHaveLength(4);
      expect(c.z).toHaveLength(4);
      expect(typeof c.zh).toBe('string');
      expect(['rising', 'falling', 'flat']).toContain(c.countTrend.direction);
    }
    const total = body.cells.reduce((a: number, c: any) => a + c.total, 0);
    const raw = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM tickets WHERE h3_r8 IS NOT NULL AND received_at >= '2025-12-31T16:00:00Z' AND received_at < '2026-04-30T16:00:00Z'`,
    );
    expect(total).toBe(raw[0].n);
    const local = await get('/api/hotspots/emerging?res=8&step=week&steps=6&to=2026-04-12&baseline=local');
    expect(local.status).toBe(200);
    expect(local.body.baseline).toBe('local');
  });

  it('recovers the planted recurring cluster with its repeat demands, and nothing from scattered noise', async () => {
    const { status, body } = await get('/api/clusters?category=water.pipe_leak&from=2026-01-01&to=2026-04-30');
    expect(status).toBe(200);
    expect(body.clusters).toHaveLength(1);
    const c = body.clusters[0];
    expect(c.tickets).toBe(30);
    expect(c.weeks).toBe(6);
    expect(c.category.code).toBe('water.pipe_leak');
    const [dx, dy] = [
      (c.centroid[0] - CLUSTER_CENTRE[0]) * 111_195 * Math.cos((39.07 * Math.PI) / 180),
      (c.centroid[1] - CLUSTER_CENTRE[1]) * 111_195,
    ];
    expect(Math.hypot(dx, dy)).toBeLessThan(50);
    expect(c.radiusMetres).toBeLessThanOrEqual(110);
    expect(c.extent.type).toBe('Polygon');
    expect(c.streets.map((s: any) => s.code)).toEqual(['900001002']);
    expect(c.department).toBe('water_group');
    expect(c.firstSeen).toBe('2026-03-02T04:00:00.000Z');
    expect(c.timeline.weeks).toHaveLength(6);
    expect(c.repeats.repeatOf).toEqual([{ id: clusterIds[5], repeatOf: clusterIds[0], repeatOfInside: true }]);
    expect(c.repeats.sameCaller).toEqual([[clusterIds[3], clusterIds[7]]]);
    expect(c.repeats.sameAddress).toEqual([[clusterIds[10], clusterIds[12]]]);
    const text = JSON.stringify(body);
    expect(text).not.toContain('13800000001');
    expect(text).not.toContain('测试小区');
    // The same number of outages scattered ~2 km apart over the same weeks: no cluster.
    const noise = await get('/api/clusters?category=water.outage&from=2026-01-01&to=2026-04-30');
    expect(noise.body.found).toBe(0);
    expect(noise.body.clusters).toEqual([]);
    // Five weeks in a row are not enough when seven are asked for.
    const strict = await get('/api/clusters?category=water.pipe_leak&from=2026-01-01&to=2026-04-30&minWeeks=7');
    expect(strict.body.clusters).toEqual([]);
  });

  it('ranks topic candidates with their components, trend and streets', async () => {
    const { status, body } = await get('/api/topics?month=2026-04&minTickets=10');
    expect(status).toBe(200);
    expect(body.month).toBe('2026-04');
    expect(body.candidates.length).toBeGreaterThan(0);
    const scores = body.candidates.map((c: any) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const leak = body.candidates.find((c: any) => c.category.code === 'water.pipe_leak');
    expect(leak.tickets.window).toBe(60); // the cluster and the noise; the tiny city's own leaks come in November
    expect(leak.trend).toHaveLength(13);
    expect(leak.topStreets[0].code).toBe('900001002');
    // Recurring places: res-9 cells with the category in ≥ 3 distinct months of the 12 months to April.
    const places = await db.query<{ n: number; tickets: number }>(
      `SELECT count(*)::int AS n, COALESCE(sum(k), 0)::int AS tickets FROM (
         SELECT h3_r9, count(*) AS k FROM tickets
          WHERE category_code = 'water.pipe_leak' AND h3_r9 IS NOT NULL
            AND received_at >= '2025-04-30T16:00:00Z' AND received_at < '2026-04-30T16:00:00Z'
          GROUP BY 1 HAVING count(DISTINCT date_trunc('month', received_at AT TIME ZONE 'Asia/Shanghai')) >= 3) c`,
    );
    expect(leak.recurringPlaces).toBe(places[0].n);
    expect(leak.recurringPlaceTickets).toBe(places[0].tickets);
    const weighted = await get(
      '/api/topics?month=2026-04&minTickets=10&wVolume=1&wGrowth=0&wSpread=0&wUnresolved=0&wDissatisfied=0&wRecurrence=0',
    );
    expect(weighted.body.weights.volume).toBe(1);
  });

  it('forecasts cells and categories with a located work list, and backtests against the baselines', async () => {
    const { status, body } = await get('/api/forecast?month=2026-05&res=8&limit=5');
    expect(status).toBe(200);
    expect(body.workList.length).toBeGreaterThan(0);
    expect(body.workList[0].expected).toBeGreaterThan(0);
    const clusterCell = cellToParent(latLngToCell(CLUSTER_CENTRE[1], CLUSTER_CENTRE[0], 9), 8);
    const top = body.workList.find((w: any) => w.cell === clusterCell && w.category.code === 'water.pipe_leak');
    expect(top.street.code).toBe('900001002');
    expect(top.avoidable).toBeCloseTo(top.expected * 0.5, 1);
    const bt = await get('/api/forecast/backtest?res=8&k=3&from=2026-02&to=2026-03');
    expect(bt.status).toBe(200);
    expect(bt.body.months.map((m: any) => m.month)).toEqual(['2026-02', '2026-03']);
  });

  it("answers the studio's and the wall's default questions ahead: a planner's first visit reads the server's answer", async () => {
    const before = Date.now();
    await askStandingQuestions(db);
    for (const url of STANDING_QUESTIONS) {
      const res = await client.request(url);
      expect(res.status, url).toBe(200);
      const at = Date.parse(res.headers.get('X-Computed-At') ?? '');
      // computed by the standing round (after `before`), not by this request
      expect(at, url).toBeGreaterThanOrEqual(before - 1000);
      const again = await client.request(url);
      expect(again.headers.get('X-Computed-At'), url).toBe(res.headers.get('X-Computed-At'));
    }
    // a new ticket: the next visit (tests allow no stale answers) computes again
    await insertTickets(db, [clusterTickets()[0]!]);
    const fresh = await client.request(STANDING_QUESTIONS[0]);
    expect(Date.parse(fresh.headers.get('X-Computed-At') ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('measures an intervention against matched untreated cells', async () => {
    const cell = cellToParent(latLngToCell(CLUSTER_CENTRE[1], CLUSTER_CENTRE[0], 9), 8);
    const { status, body } = await post('/api/forecast/intervention-effect', {
      cells: [cell],
      date: '2026-03-23',
      windowDays: 14,
      category: 'water',
    });
    expect(status).toBe(200);
    expect(body.before).toEqual({ from: '2026-03-09', to: '2026-03-22' });
    expect(body.after).toEqual({ from: '2026-03-23', to: '2026-04-05' });
    const count = async (from: string, to: string) =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM tickets WHERE h3_r8 = $1 AND category_code LIKE 'water.%' AND received_at >= $2 AND received_at < $3`,
          [cell, from, to],
        )
      )[0].n;
    expect(body.treated.before).toBe(await count('2026-03-08T16:00:00Z', '2026-03-22T16:00:00Z'));
    expect(body.treated.after).toBe(await count('2026-03-22T16:00:00Z', '2026-04-05T16:00:00Z'));
    // The data ends on 10 April: a longer window is cut to fit, the same on both sides.
    const cut = await post('/api/forecast/intervention-effect', { cells: [cell], date: '2026-03-23', windowDays: 60 });
    expect(cut.body.windowDays).toBe(19);
    expect(body.treated.before).toBeGreaterThan(5);
    expect(body.control.ids).not.toContain(cell);
    expect(body.control.places).toBeGreaterThan(0);
  });

  it('rejects bad input with 400 naming the field', async () => {
    for (const [path, field] of [
      ['/api/hotspots?res=10', 'res'],
      ['/api/hotspots?k=4', 'k'],
      ['/api/hotspots?from=yesterday', 'from'],
      ['/api/hotspots?from=2026-02-01&to=2026-01-01', 'to'],
      ['/api/hotspots?fdr=maybe', 'fdr'],
      ['/api/hotspots?measure=density', 'measure'],
      ['/api/hotspots?measure=count&permutations=5', 'permutations'],
      ['/api/hotspots/emerging?measure=z', 'measure'],
      ['/api/hotspots?category=no.such', 'category'],
      ['/api/hotspots?district=900001001', 'district'],
      ['/api/hotspots/regions?level=province', 'level'],
      ['/api/hotspots/emerging?step=day', 'step'],
      ['/api/hotspots/emerging?steps=1', 'steps'],
      ['/api/clusters?eps=abc', 'eps'],
      ['/api/clusters?minPoints=1', 'minPoints'],
      ['/api/topics?month=2026-13', 'month'],
      ['/api/topics?wVolume=-1', 'wVolume'],
      ['/api/forecast?horizon=9', 'horizon'],
      ['/api/forecast/backtest?unit=street', 'unit'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.field, path).toBe(field);
    }
    const bad = await post('/api/forecast/intervention-effect', { cells: ['nope'], date: '2026-03-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('cells.0');
    const mixed = await post('/api/forecast/intervention-effect', {
      cells: [latLngToCell(39.05, 116.1, 8), latLngToCell(39.05, 116.1, 9)],
      date: '2026-03-01',
    });
    expect(mixed.body.error.field).toBe('cells.1');
    // A misspelt option is refused by name rather than silently replaced by its default.
    const unknown = await post('/api/forecast/intervention-effect', {
      cells: [latLngToCell(39.05, 116.1, 8)],
      date: '2026-03-01',
      windowdays: 30,
    });
    expect([unknown.status, unknown.body]).toEqual([
      400,
      { error: { code: 'invalid_input', message: 'windowdays: Unrecognized key: "windowdays"', field: 'windowdays' } },
    ]);
  });

  it('keeps every rollup equal to the raw tickets through inserts, updates and deletes, and rebuilds to the same', async () => {
    const more = Array.from({ length: 40 }, (_, i) => {
      const [lon, lat] = offset(116.05 + (i % 8) * 0.04, 39.02, 0, (i % 5) * 1500);
      // Every fifth ticket arrives one second before midnight in Beijing: it belongs to the day before.
      const at = i % 5 === 0 ? '2026-05-31T15:59:59Z' : noon(`2026-05-${String(1 + (i % 28)).padStart(2, '0')}`);
      return { lon, lat, category: ['water.outage', 'water.pipe_leak', 'noise.night_construction'][i % 3], at };
    });
    const ids = await insertTickets(db, more);
    await db.query(
      `UPDATE tickets SET callback_at = received_at + interval '3 days', solved = (id % 2 = 0),
                      satisfaction = CASE id % 3 WHEN 0 THEN 'satisfied' WHEN 1 THEN 'basic' ELSE 'dissatisfied' END WHERE id = ANY($1)`,
      [ids.slice(0, 20)],
    );
    await db.query(`UPDATE tickets SET category_code = 'water.outage' WHERE id = ANY($1)`, [ids.slice(20, 25)]);
    await db.query(`UPDATE tickets SET received_at = received_at + interval '13 hours' WHERE id = ANY($1)`, [
      ids.slice(25, 28),
    ]);
    const [lon, lat] = [116.3, 39.05];
    const r9 = latLngToCell(lat, lon, 9);
    await db.query(
      `UPDATE tickets SET geom = ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326), h3_r9 = $4, h3_r8 = $5, h3_r7 = $6, location_status = 'unlocated'
        WHERE id = ANY($1)`,
      [ids.slice(28, 30), lon, lat, r9, cellToParent(r9, 8), cellToParent(r9, 7)],
    );
    await db.query(`UPDATE tickets SET district_code = NULL, street_code = NULL, grid_code = NULL WHERE id = ANY($1)`, [
      ids.slice(28, 30),
    ]);
    const { locateTickets } = await import('../../../db/locate.ts');
    await locateTickets(db, { onlyIds: ids.slice(28, 30) });
    await db.query(`UPDATE tickets SET status = 'closed' WHERE id = ANY($1)`, [ids]); // touches no rollup
    await db.query(`DELETE FROM tickets WHERE id = ANY($1)`, [ids.slice(30, 34)]);

    let { raw, stored } = await rollupsVersusRaw(db);
    expect(stored.h3).toEqual(raw.h3);
    expect(stored.total).toEqual(raw.total);
    expect(stored.weekly).toEqual(raw.weekly);
    expect(stored.monthly).toEqual(raw.monthly);
    expect(stored.cells).toEqual(raw.cells);
    expect(stored.region).toEqual(raw.region);
    const span = (narrowOnly: boolean) =>
      db.query<{ wrong: number }>(
        `WITH raw AS (
           SELECT r.res, r.cell, COALESCE(t.district_code, '') AS district_code,
                  min((t.received_at AT TIME ZONE '${ZONE}')::date) AS first_day, max((t.received_at AT TIME ZONE '${ZONE}')::date) AS last_day
             FROM tickets t, LATERAL (VALUES (7, t.h3_r7), (8, t.h3_r8), (9, t.h3_r9)) r(res, cell) WHERE r.cell IS NOT NULL GROUP BY 1, 2, 3)
         SELECT count(*)::int AS wrong FROM raw JOIN rollup_h3_cells c USING (res, cell, district_code)
          WHERE ${narrowOnly ? 'c.first_day > raw.first_day OR c.last_day < raw.last_day' : 'c.first_day <> raw.first_day OR c.last_day <> raw.last_day'}`,
      );
    // First/last seen only widen while tickets come and go…
    expect((await span(true))[0].wrong).toBe(0);

    await rebuildRollups(db);
    ({ raw, stored } = await rollupsVersusRaw(db));
    expect(stored.h3).toEqual(raw.h3);
    expect(stored.weekly).toEqual(raw.weekly);
    expect(stored.monthly).toEqual(raw.monthly);
    expect(stored.cells).toEqual(raw.cells);
    expect(stored.region).toEqual(raw.region);
    // …and the rebuild makes them exact.
    expect((await span(false))[0].wrong).toBe(0);

    // Paused (a bulk load): the triggers stand still until the rebuild.
    await pauseRollups(db);
    await insertTickets(db, [{ lon: 116.05, lat: 39.05, category: 'water.outage', at: noon('2026-06-01') }]);
    ({ raw, stored } = await rollupsVersusRaw(db));
    expect(stored.h3).not.toEqual(raw.h3);
    expect(await rollupsPaused(db)).toBe(true);
    expect(await ensureRollups(db)).toBe(true);
    ({ raw, stored } = await rollupsVersusRaw(db));
    expect(stored.h3).toEqual(raw.h3);
    expect(stored.total).toEqual(raw.total);
    expect(stored.region).toEqual(raw.region);
    expect(await ensureRollups(db)).toBe(false);
  });
});
